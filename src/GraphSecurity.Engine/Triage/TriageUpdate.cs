using System.Collections.Generic;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.Triage;

/// <summary>
/// The triage fields alerts and incidents share; null means "leave as is". Subclasses add their
/// status (a different enumeration for each) and whatever else they may change.
/// </summary>
public abstract class TriageUpdate
{
    public AlertClassification? Classification { get; set; }
    public AlertDetermination? Determination { get; set; }
    /// <summary>The owner; an empty string clears it.</summary>
    public string? AssignedTo { get; set; }

    /// <summary>The PATCH body: only the fields being changed.</summary>
    public Dictionary<string, object?> ToBody()
    {
        var body = new Dictionary<string, object?>();
        AddStatus(body);
        if (Classification.HasValue) body["classification"] = GraphJson.ToWire(Classification.Value);
        if (Determination.HasValue) body["determination"] = GraphJson.ToWire(Determination.Value);
        if (AssignedTo != null) body["assignedTo"] = AssignedTo.Length == 0 ? null : AssignedTo; // "" clears the owner
        AddOthers(body);
        return body;
    }

    protected abstract void AddStatus(Dictionary<string, object?> body);

    protected virtual void AddOthers(Dictionary<string, object?> body) { }
}
