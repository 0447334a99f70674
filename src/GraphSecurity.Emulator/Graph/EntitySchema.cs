using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.Alerts;

namespace GraphSecurity.Emulator.Graph;

public enum PropertyKind { String, Enum, DateTime, Int, Double, Bool, StringCollection, Comments, Evidence, Dictionary, Json }

/// <summary>One declared property of an entity type: its JSON name, kind and accessor.</summary>
public sealed class PropertyDef
{
    public string Name { get; init; }
    public PropertyKind Kind { get; init; }
    public EnumDef Enum { get; init; }
    /// <summary>Reads the value from an item of the entity's CLR type.</summary>
    public Func<object, object> Get { get; init; }
    public bool Filterable { get; init; }
    public bool Updatable { get; init; }
    /// <summary>For collections of objects (or strings): usable as the source of an any()/all() lambda in $filter.</summary>
    public bool Lambda { get; init; }

    public bool IsScalar => Kind is PropertyKind.String or PropertyKind.Enum or PropertyKind.DateTime
        or PropertyKind.Int or PropertyKind.Double or PropertyKind.Bool;

    public string EdmType => Kind switch
    {
        PropertyKind.String => "Edm.String",
        PropertyKind.DateTime => "Edm.DateTimeOffset",
        PropertyKind.Int => "Edm.Int32",
        PropertyKind.Double => "Edm.Double",
        PropertyKind.Bool => "Edm.Boolean",
        PropertyKind.Enum => Enum.FullName,
        _ => "Collection",
    };
}

/// <summary>
/// The declared properties of one Graph entity type, in output order, plus the JSON writer shared by
/// every resource. Query options ($filter, $orderby, $select) bind against it.
/// </summary>
public sealed class EntitySchema
{
    /// <summary>Qualified type name, e.g. microsoft.graph.security.alert.</summary>
    public string TypeName { get; }
    /// <summary>How $filter error messages name the resource, e.g. alerts_v2.</summary>
    public string ResourceName { get; }
    public IReadOnlyList<PropertyDef> Properties { get; }
    /// <summary>False for legacy entities whose payloads carry no @odata.type on items.</summary>
    public bool WriteODataType { get; init; } = true;
    /// <summary>Extra text appended to the "not filterable" message (e.g. the lambdas that are allowed).</summary>
    public string FilterHint { get; init; } = "";
    /// <summary>True where $filter accepts <c>startswith(property,'prefix')</c> (Defender machines).</summary>
    public bool AllowStartsWith { get; init; }
    private readonly Dictionary<string, PropertyDef> _byName;

    public EntitySchema(string typeName, string resourceName, IReadOnlyList<PropertyDef> properties)
    {
        TypeName = typeName;
        ResourceName = resourceName;
        Properties = properties;
        _byName = properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>Exact (case-sensitive, as OData) property lookup; null when not declared.</summary>
    public PropertyDef Find(string name) => name != null && _byName.TryGetValue(name, out var p) ? p : null;

    public IEnumerable<string> FilterableNames => Properties.Where(p => p.Filterable).Select(p => p.Name);

    public IEnumerable<EnumDef> Enums => Properties.Where(p => p.Enum != null).Select(p => p.Enum).Distinct();

    public static string FormatDate(DateTimeOffset d) =>
        d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes one item as a JSON object; <paramref name="select"/> null means every property.</summary>
    public void Write(Utf8JsonWriter w, object item, IReadOnlyList<PropertyDef> select, bool includeUnknownMembers,
        string odataContext = null, Action<Utf8JsonWriter> extra = null)
    {
        w.WriteStartObject();
        if (odataContext != null) w.WriteString("@odata.context", odataContext);
        if (WriteODataType) w.WriteString("@odata.type", "#" + TypeName);
        foreach (var p in select ?? Properties)
        {
            w.WritePropertyName(p.Name);
            WriteValue(w, p, p.Get(item), includeUnknownMembers);
        }
        extra?.Invoke(w);
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, PropertyDef p, object value, bool includeUnknownMembers)
    {
        if (value == null && p.Kind is not (PropertyKind.StringCollection or PropertyKind.Comments or PropertyKind.Evidence))
        {
            w.WriteNullValue();
            return;
        }
        switch (p.Kind)
        {
            case PropertyKind.String: w.WriteStringValue((string)value); break;
            case PropertyKind.Enum: w.WriteStringValue(p.Enum.Visible((string)value, includeUnknownMembers)); break;
            case PropertyKind.DateTime: w.WriteStringValue(FormatDate((DateTimeOffset)value)); break;
            case PropertyKind.Int: w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case PropertyKind.Double: w.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case PropertyKind.Bool: w.WriteBooleanValue((bool)value); break;
            case PropertyKind.StringCollection:
                w.WriteStartArray();
                foreach (var s in (IEnumerable<string>)value ?? Array.Empty<string>()) w.WriteStringValue(s);
                w.WriteEndArray();
                break;
            case PropertyKind.Comments:
                w.WriteStartArray();
                foreach (var c in (IEnumerable<AlertComment>)value ?? Array.Empty<AlertComment>()) WriteComment(w, c);
                w.WriteEndArray();
                break;
            case PropertyKind.Evidence:
                w.WriteStartArray();
                foreach (var e in (IEnumerable<JsonObject>)value ?? Array.Empty<JsonObject>()) WriteEvidence(w, e, includeUnknownMembers);
                w.WriteEndArray();
                break;
            case PropertyKind.Dictionary:
            case PropertyKind.Json:
                ((JsonNode)value).WriteTo(w);
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

/// <summary>Typed builders for property tables, so each schema reads as a list of one-liners.</summary>
public static class Props<T>
{
    public static PropertyDef S(string n, Func<T, string> g, bool filterable = false, bool updatable = false) =>
        new() { Name = n, Kind = PropertyKind.String, Get = o => g((T)o), Filterable = filterable, Updatable = updatable };
    public static PropertyDef E(string n, EnumDef e, Func<T, string> g, bool filterable = false, bool updatable = false) =>
        new() { Name = n, Kind = PropertyKind.Enum, Enum = e, Get = o => g((T)o), Filterable = filterable, Updatable = updatable };
    public static PropertyDef D(string n, Func<T, DateTimeOffset?> g, bool filterable = false, bool updatable = false) =>
        new() { Name = n, Kind = PropertyKind.DateTime, Get = o => g((T)o), Filterable = filterable, Updatable = updatable };
    public static PropertyDef I(string n, Func<T, int?> g, bool filterable = false) =>
        new() { Name = n, Kind = PropertyKind.Int, Get = o => g((T)o), Filterable = filterable };
    public static PropertyDef Dbl(string n, Func<T, double?> g, bool filterable = false) =>
        new() { Name = n, Kind = PropertyKind.Double, Get = o => g((T)o), Filterable = filterable };
    public static PropertyDef B(string n, Func<T, bool?> g, bool filterable = false) =>
        new() { Name = n, Kind = PropertyKind.Bool, Get = o => g((T)o), Filterable = filterable };
    public static PropertyDef C(string n, Func<T, List<string>> g, bool lambda = false, bool updatable = false) =>
        new() { Name = n, Kind = PropertyKind.StringCollection, Get = o => g((T)o), Lambda = lambda, Updatable = updatable };
    /// <summary>A complex value or collection stored as JSON and written as-is.</summary>
    public static PropertyDef J(string n, Func<T, JsonNode> g, bool lambda = false, bool filterable = false) =>
        new() { Name = n, Kind = PropertyKind.Json, Get = o => g((T)o), Lambda = lambda, Filterable = filterable };
    public static PropertyDef Comments(string n, Func<T, List<AlertComment>> g) =>
        new() { Name = n, Kind = PropertyKind.Comments, Get = o => g((T)o) };
}
