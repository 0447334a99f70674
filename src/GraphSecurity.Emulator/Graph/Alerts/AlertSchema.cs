using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.Alerts;

public enum PropertyKind { String, Enum, DateTime, StringCollection, Comments, Evidence, Dictionary }

/// <summary>One declared property of an entity type: its JSON name, kind and accessor.</summary>
public sealed class PropertyDef
{
    public string Name { get; init; }
    public PropertyKind Kind { get; init; }
    public EnumDef Enum { get; init; }
    public Func<Alert, object> Get { get; init; }
    public bool Filterable { get; init; }
    public bool Updatable { get; init; }

    public bool IsScalar => Kind is PropertyKind.String or PropertyKind.Enum or PropertyKind.DateTime;

    public string EdmType => Kind switch
    {
        PropertyKind.String => "Edm.String",
        PropertyKind.DateTime => "Edm.DateTimeOffset",
        PropertyKind.Enum => Enum.FullName,
        _ => "Collection",
    };
}

/// <summary>The declared properties of microsoft.graph.security.alert, in output order, and its JSON writer.</summary>
public static class AlertSchema
{
    public const string TypeName = "microsoft.graph.security.alert";

    public static readonly IReadOnlyList<PropertyDef> Properties = new List<PropertyDef>
    {
        S("id", a => a.Id),
        S("actorDisplayName", a => a.ActorDisplayName),
        new() { Name = "additionalData", Kind = PropertyKind.Dictionary, Get = a => a.AdditionalData },
        S("alertPolicyId", a => a.AlertPolicyId),
        S("alertWebUrl", a => a.AlertWebUrl),
        S("assignedTo", a => a.AssignedTo, filterable: true, updatable: true),
        C("categories", a => a.Categories),
        S("category", a => a.Category),
        E("classification", SecurityEnums.AlertClassification, a => a.Classification, filterable: true, updatable: true),
        new() { Name = "comments", Kind = PropertyKind.Comments, Get = a => a.Comments },
        D("createdDateTime", a => a.CreatedDateTime, filterable: true),
        new() { Name = "customDetails", Kind = PropertyKind.Dictionary, Get = a => a.CustomDetails },
        S("description", a => a.Description),
        E("detectionSource", SecurityEnums.DetectionSource, a => a.DetectionSource),
        S("detectorId", a => a.DetectorId),
        E("determination", SecurityEnums.AlertDetermination, a => a.Determination, filterable: true, updatable: true),
        new() { Name = "evidence", Kind = PropertyKind.Evidence, Get = a => a.Evidence },
        D("firstActivityDateTime", a => a.FirstActivityDateTime),
        S("incidentId", a => a.IncidentId),
        S("incidentWebUrl", a => a.IncidentWebUrl),
        E("investigationState", SecurityEnums.InvestigationState, a => a.InvestigationState),
        D("lastActivityDateTime", a => a.LastActivityDateTime),
        D("lastUpdateDateTime", a => a.LastUpdateDateTime, filterable: true),
        C("mitreTechniques", a => a.MitreTechniques),
        S("productName", a => a.ProductName),
        S("providerAlertId", a => a.ProviderAlertId),
        S("recommendedActions", a => a.RecommendedActions),
        D("resolvedDateTime", a => a.ResolvedDateTime),
        E("serviceSource", SecurityEnums.ServiceSource, a => a.ServiceSource, filterable: true),
        E("severity", SecurityEnums.AlertSeverity, a => a.Severity, filterable: true),
        E("status", SecurityEnums.AlertStatus, a => a.Status, filterable: true, updatable: true),
        C("systemTags", a => a.SystemTags),
        S("tenantId", a => a.TenantId),
        S("threatDisplayName", a => a.ThreatDisplayName),
        S("threatFamilyName", a => a.ThreatFamilyName),
        S("title", a => a.Title),
    };

    private static readonly Dictionary<string, PropertyDef> ByName =
        Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>Exact (case-sensitive, as OData) property lookup; null when not declared.</summary>
    public static PropertyDef Find(string name) => name != null && ByName.TryGetValue(name, out var p) ? p : null;

    /// <summary>Case-insensitive lookup, used for query options where Graph is lenient.</summary>
    public static PropertyDef FindIgnoreCase(string name) =>
        Find(name) ?? Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<string> FilterableNames => Properties.Where(p => p.Filterable).Select(p => p.Name);

    private static PropertyDef S(string n, Func<Alert, string> g, bool filterable = false, bool updatable = false) =>
        new() { Name = n, Kind = PropertyKind.String, Get = g, Filterable = filterable, Updatable = updatable };
    private static PropertyDef E(string n, EnumDef e, Func<Alert, string> g, bool filterable = false, bool updatable = false) =>
        new() { Name = n, Kind = PropertyKind.Enum, Enum = e, Get = g, Filterable = filterable, Updatable = updatable };
    private static PropertyDef D(string n, Func<Alert, DateTimeOffset?> g, bool filterable = false) =>
        new() { Name = n, Kind = PropertyKind.DateTime, Get = a => g(a), Filterable = filterable };
    private static PropertyDef C(string n, Func<Alert, List<string>> g) =>
        new() { Name = n, Kind = PropertyKind.StringCollection, Get = g };

    public static string FormatDate(DateTimeOffset d) =>
        d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes one alert as a JSON object; <paramref name="select"/> null means every property.</summary>
    public static void Write(Utf8JsonWriter w, Alert a, IReadOnlyList<PropertyDef> select, bool includeUnknownMembers, string odataContext = null)
    {
        w.WriteStartObject();
        if (odataContext != null) w.WriteString("@odata.context", odataContext);
        w.WriteString("@odata.type", "#" + TypeName);
        foreach (var p in select ?? Properties)
        {
            w.WritePropertyName(p.Name);
            WriteValue(w, p, p.Get(a), includeUnknownMembers);
        }
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, PropertyDef p, object value, bool includeUnknownMembers)
    {
        switch (p.Kind)
        {
            case PropertyKind.String:
                if (value == null) w.WriteNullValue(); else w.WriteStringValue((string)value);
                break;
            case PropertyKind.Enum:
                if (value == null) w.WriteNullValue(); else w.WriteStringValue(p.Enum.Visible((string)value, includeUnknownMembers));
                break;
            case PropertyKind.DateTime:
                if (value == null) w.WriteNullValue(); else w.WriteStringValue(FormatDate((DateTimeOffset)value));
                break;
            case PropertyKind.StringCollection:
                w.WriteStartArray();
                foreach (var s in (List<string>)value ?? new List<string>()) w.WriteStringValue(s);
                w.WriteEndArray();
                break;
            case PropertyKind.Comments:
                w.WriteStartArray();
                foreach (var c in (List<AlertComment>)value ?? new List<AlertComment>()) WriteComment(w, c);
                w.WriteEndArray();
                break;
            case PropertyKind.Evidence:
                w.WriteStartArray();
                foreach (var e in (List<JsonObject>)value ?? new List<JsonObject>()) WriteEvidence(w, e, includeUnknownMembers);
                w.WriteEndArray();
                break;
            case PropertyKind.Dictionary:
                if (value == null) w.WriteNullValue(); else ((JsonObject)value).WriteTo(w);
                break;
        }
    }

    public static void WriteComment(Utf8JsonWriter w, AlertComment c)
    {
        w.WriteStartObject();
        w.WriteString("comment", c.Comment);
        w.WriteString("createdByDisplayName", c.CreatedByDisplayName);
        w.WriteString("createdDateTime", FormatDate(c.CreatedDateTime));
        w.WriteEndObject();
    }

    /// <summary>Evidence is stored as JSON; only remediationStatus needs evolvable-enum substitution.</summary>
    private static void WriteEvidence(Utf8JsonWriter w, JsonObject e, bool includeUnknownMembers)
    {
        w.WriteStartObject();
        foreach (var (name, node) in e)
        {
            w.WritePropertyName(name);
            if (name == "remediationStatus" && node is JsonValue v && v.TryGetValue(out string s))
                w.WriteStringValue(SecurityEnums.EvidenceRemediationStatus.Visible(s, includeUnknownMembers));
            else if (node == null) w.WriteNullValue();
            else node.WriteTo(w);
        }
        w.WriteEndObject();
    }
}
