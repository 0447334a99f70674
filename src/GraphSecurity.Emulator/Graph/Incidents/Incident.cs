using GraphSecurity.Emulator.Graph.Alerts;
using P = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Graph.Incidents.Incident>;

namespace GraphSecurity.Emulator.Graph.Incidents;

/// <summary>A <c>microsoft.graph.security.incident</c> (copy-on-write like <see cref="Alert"/>).</summary>
public sealed class Incident
{
    public string Id { get; set; }
    public string AssignedTo { get; set; }
    public string Classification { get; set; }
    public List<AlertComment> Comments { get; set; } = new();
    public DateTimeOffset CreatedDateTime { get; set; }
    public List<string> CustomTags { get; set; } = new();
    public string Description { get; set; }
    public string Determination { get; set; }
    public string DisplayName { get; set; }
    public string IncidentWebUrl { get; set; }
    public string LastModifiedBy { get; set; }
    public DateTimeOffset LastUpdateDateTime { get; set; }
    public int? PriorityScore { get; set; }
    public string RedirectIncidentId { get; set; }
    public string ResolvingComment { get; set; }
    public string Severity { get; set; }
    public string Status { get; set; }
    public string Summary { get; set; }
    public List<string> SystemTags { get; set; } = new();
    public string TenantId { get; set; }
    /// <summary>Ids of the alerts_v2 that belong to the incident (the "alerts" navigation property).</summary>
    public List<string> AlertIds { get; set; } = new();

    public Incident Clone()
    {
        var c = (Incident)MemberwiseClone();
        c.Comments = new List<AlertComment>(Comments);
        c.CustomTags = new List<string>(CustomTags);
        return c;
    }
}

/// <summary>The declared properties of microsoft.graph.security.incident (CSDL v1.0 order).</summary>
public static class IncidentSchema
{
    public const string TypeName = "microsoft.graph.security.incident";

    /// <summary>incidentStatus; awaitingAction comes after unknownFutureValue, so it is evolvable.</summary>
    public static readonly EnumDef IncidentStatus = new("incidentStatus", "active", "resolved", "inProgress", "redirected", "unknownFutureValue", "awaitingAction");

    public static readonly EntitySchema Entity = new(TypeName, "incidents", new List<PropertyDef>
    {
        P.S("id", i => i.Id),
        P.S("assignedTo", i => i.AssignedTo, filterable: true, updatable: true),
        P.E("classification", SecurityEnums.AlertClassification, i => i.Classification, filterable: true, updatable: true),
        P.Comments("comments", i => i.Comments),
        P.D("createdDateTime", i => i.CreatedDateTime, filterable: true),
        P.C("customTags", i => i.CustomTags, updatable: true),
        P.S("description", i => i.Description),
        P.E("determination", SecurityEnums.AlertDetermination, i => i.Determination, filterable: true, updatable: true),
        P.S("displayName", i => i.DisplayName),
        P.S("incidentWebUrl", i => i.IncidentWebUrl),
        P.S("lastModifiedBy", i => i.LastModifiedBy),
        P.D("lastUpdateDateTime", i => i.LastUpdateDateTime, filterable: true),
        P.I("priorityScore", i => i.PriorityScore),
        P.S("redirectIncidentId", i => i.RedirectIncidentId),
        P.S("resolvingComment", i => i.ResolvingComment),
        P.E("severity", SecurityEnums.AlertSeverity, i => i.Severity, filterable: true),
        P.E("status", IncidentStatus, i => i.Status, filterable: true, updatable: true),
        P.S("summary", i => i.Summary),
        P.C("systemTags", i => i.SystemTags),
        P.S("tenantId", i => i.TenantId),
    });

    public const int MaxTop = 50;

    public static readonly Query.QueryRules Rules = new(Entity, MaxTop) { Expandable = new[] { "alerts" } };
}
