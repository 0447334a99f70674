using System;

namespace GraphSecurity;

/// <summary>Members after UnknownFutureValue are evolvable: the service only returns them on request.</summary>
public enum IncidentStatus { Active, Resolved, InProgress, Redirected, UnknownFutureValue, AwaitingAction }

/// <summary>An incident (microsoft.graph.security.incident): correlated alerts and their shared triage state.</summary>
public class Incident : IConnectionBound, ICommented
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }
    public AlertSeverity Severity { get; set; }
    public IncidentStatus Status { get; set; }
    public AlertClassification? Classification { get; set; }
    public AlertDetermination? Determination { get; set; }
    public string? AssignedTo { get; set; }
    public int? PriorityScore { get; set; }
    public string? Description { get; set; }
    public string? Summary { get; set; }
    public string? ResolvingComment { get; set; }
    public string? LastModifiedBy { get; set; }
    /// <summary>Set when the incident was merged (Status Redirected) into another one.</summary>
    public string? RedirectIncidentId { get; set; }
    public string? TenantId { get; set; }
    public string? IncidentWebUrl { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public DateTimeOffset LastUpdateDateTime { get; set; }
    public ValueList<string> CustomTags { get; set; } = ValueList<string>.Empty;
    public ValueList<string> SystemTags { get; set; } = ValueList<string>.Empty;
    public ValueList<AlertComment> Comments { get; set; } = ValueList<AlertComment>.Empty;
    /// <summary>The incident's alerts when they were read (Get-GsIncident -ExpandAlerts); null when they were not.</summary>
    public ValueList<Alert>? Alerts { get; set; }
    /// <summary>The number of the incident's alerts when they were read, else null: unknown, not zero.</summary>
    public int? AlertCount => Alerts?.Count;
    /// <summary>The name of the connection the incident was read through; Set-GsIncident uses it to route the change back.</summary>
    public string? ConnectionName { get; set; }

    public override string? ToString() => Id;
}
