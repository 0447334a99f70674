using System.Text.Json;
using P = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Graph.Alerts.Alert>;

namespace GraphSecurity.Emulator.Graph.Alerts;

/// <summary>The declared properties of microsoft.graph.security.alert, in output order.</summary>
public static class AlertSchema
{
    public const string TypeName = "microsoft.graph.security.alert";

    public static readonly EntitySchema Entity = new(TypeName, "alerts_v2", new List<PropertyDef>
    {
        P.S("id", a => a.Id),
        P.S("actorDisplayName", a => a.ActorDisplayName),
        new() { Name = "additionalData", Kind = PropertyKind.Dictionary, Get = a => ((Alert)a).AdditionalData },
        P.S("alertPolicyId", a => a.AlertPolicyId),
        P.S("alertWebUrl", a => a.AlertWebUrl),
        P.S("assignedTo", a => a.AssignedTo, filterable: true, updatable: true),
        P.C("categories", a => a.Categories),
        P.S("category", a => a.Category),
        P.E("classification", SecurityEnums.AlertClassification, a => a.Classification, filterable: true, updatable: true),
        P.Comments("comments", a => a.Comments),
        P.D("createdDateTime", a => a.CreatedDateTime, filterable: true),
        new() { Name = "customDetails", Kind = PropertyKind.Dictionary, Get = a => ((Alert)a).CustomDetails },
        P.S("description", a => a.Description),
        P.E("detectionSource", SecurityEnums.DetectionSource, a => a.DetectionSource),
        P.S("detectorId", a => a.DetectorId),
        P.E("determination", SecurityEnums.AlertDetermination, a => a.Determination, filterable: true, updatable: true),
        new() { Name = "evidence", Kind = PropertyKind.Evidence, Get = a => ((Alert)a).Evidence, Lambda = true },
        P.D("firstActivityDateTime", a => a.FirstActivityDateTime),
        P.S("incidentId", a => a.IncidentId),
        P.S("incidentWebUrl", a => a.IncidentWebUrl),
        P.E("investigationState", SecurityEnums.InvestigationState, a => a.InvestigationState),
        P.D("lastActivityDateTime", a => a.LastActivityDateTime),
        P.D("lastUpdateDateTime", a => a.LastUpdateDateTime, filterable: true),
        P.C("mitreTechniques", a => a.MitreTechniques),
        P.S("productName", a => a.ProductName),
        P.S("providerAlertId", a => a.ProviderAlertId),
        P.S("recommendedActions", a => a.RecommendedActions),
        P.D("resolvedDateTime", a => a.ResolvedDateTime),
        P.E("serviceSource", SecurityEnums.ServiceSource, a => a.ServiceSource, filterable: true),
        P.E("severity", SecurityEnums.AlertSeverity, a => a.Severity, filterable: true),
        P.E("status", SecurityEnums.AlertStatus, a => a.Status, filterable: true, updatable: true),
        P.C("systemTags", a => a.SystemTags),
        P.S("tenantId", a => a.TenantId),
        P.S("threatDisplayName", a => a.ThreatDisplayName),
        P.S("threatFamilyName", a => a.ThreatFamilyName),
        P.S("title", a => a.Title),
    })
    { FilterHint = ", and evidence/any(...) lambdas" };

    public static IReadOnlyList<PropertyDef> Properties => Entity.Properties;

    /// <summary>Exact (case-sensitive, as OData) property lookup; null when not declared.</summary>
    public static PropertyDef Find(string name) => Entity.Find(name);

    public static string FormatDate(DateTimeOffset d) => EntitySchema.FormatDate(d);

    /// <summary>Writes one alert as a JSON object; <paramref name="select"/> null means every property.</summary>
    public static void Write(Utf8JsonWriter w, Alert a, IReadOnlyList<PropertyDef> select, bool includeUnknownMembers, string odataContext = null) =>
        Entity.Write(w, a, select, includeUnknownMembers, odataContext);

    public static void WriteComment(Utf8JsonWriter w, AlertComment c) => EntitySchema.WriteComment(w, c);
}
