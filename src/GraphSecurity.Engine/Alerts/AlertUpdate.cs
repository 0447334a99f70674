using System.Collections.Generic;
using GraphSecurity.Engine.Json;
using GraphSecurity.Engine.Triage;

namespace GraphSecurity.Engine.Alerts;

/// <summary>The fields Set-GsAlert may change.</summary>
public sealed class AlertUpdate : TriageUpdate
{
    public AlertStatus? Status { get; set; }

    protected override void AddStatus(Dictionary<string, object?> body)
    {
        if (Status.HasValue) body["status"] = GraphJson.ToWire(Status.Value);
    }
}
