namespace GraphSecurity.Emulator.Graph.Query;

public enum FilterFieldKind { String, Boolean, DateTime, Enum }

/// <summary>One property that may appear in $filter: its name, kind and how to read it from an entity.</summary>
public sealed record FilterField(string Name, FilterFieldKind Kind, Func<object, object> Get, EnumDef Enum = null);

/// <summary>
/// What $filter, $top and $skip may use on a resource other than alerts_v2 (which has its own
/// <see cref="Alerts.AlertSchema"/>). Enum fields compare by the order of their members.
/// </summary>
public sealed class FilterSchema
{
    /// <summary>The OData type name, used in "Could not find a property" messages.</summary>
    public string TypeName { get; init; }
    /// <summary>The resource name used in messages, e.g. "tiIndicators".</summary>
    public string ResourceName { get; init; }
    public IReadOnlyList<FilterField> Fields { get; init; }
    /// <summary>Every declared property name (a declared but unfilterable one gets a different message).</summary>
    public IReadOnlyCollection<string> DeclaredNames { get; init; }
    public int MaxTop { get; init; } = QueryOptions.AlertsMaxTop;

    public static FilterField Field<T>(string name, FilterFieldKind kind, Func<T, object> get, EnumDef enumDef = null) =>
        new(name, kind, o => get((T)o), enumDef);
}
