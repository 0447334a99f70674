using System.Globalization;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Alerts;

namespace GraphSecurity.Emulator.Graph.Query;

/// <summary>One $orderby clause.</summary>
public sealed record OrderClause(PropertyDef Property, bool Descending);

/// <summary>What one resource accepts: its schema, page-size limits and expandable navigation properties.</summary>
public sealed record QueryRules(EntitySchema Schema, int MaxTop)
{
    /// <summary>Page size when $top is absent; defaults to <see cref="MaxTop"/>.</summary>
    public int? DefaultTop { get; init; }
    /// <summary>Largest $skip accepted (legacy alerts: 500); null means unlimited.</summary>
    public int? MaxSkip { get; init; }
    public IReadOnlyList<string> Expandable { get; init; } = Array.Empty<string>();
    /// <summary>False on resources that reject $orderby / $select (e.g. tiIndicators, securityActions).</summary>
    public bool AllowOrderBy { get; init; } = true;
    public bool AllowSelect { get; init; } = true;
    public int PageSize => DefaultTop ?? MaxTop;
}

/// <summary>Parsed and validated OData system query options of a collection request.</summary>
public sealed class QueryOptions
{
    public const int AlertsMaxTop = 2000;

    public string Filter { get; private set; }
    public Func<FilterContext, bool> Predicate { get; private set; }
    public int? Top { get; private set; }
    public int Skip { get; private set; }
    public bool Count { get; private set; }
    public IReadOnlyList<OrderClause> OrderBy { get; private set; }
    public IReadOnlyList<PropertyDef> Select { get; private set; }
    /// <summary>Expanded navigation properties (only those the rules allow).</summary>
    public IReadOnlyList<string> Expand { get; private set; } = Array.Empty<string>();
    public EntitySchema Schema { get; private set; }

    private static readonly string[] Supported = { "filter", "top", "skip", "count", "orderby", "select", "expand" };
    private static readonly string[] Unsupported = { "search", "apply", "compute", "skiptoken", "format", "levels", "index", "deltatoken" };

    /// <summary>
    /// Reads $filter, $top, $skip, $count, $orderby, $select. On beta the '$' prefix is optional.
    /// Throws a 400 <see cref="GraphError"/> on any invalid option.
    /// </summary>
    public static QueryOptions Parse(IQueryCollection query, bool isBeta, bool allowCollectionOptions = true) =>
        Parse(query, isBeta, new QueryRules(AlertSchema.Entity, AlertsMaxTop), allowCollectionOptions);

    public static QueryOptions Parse(IQueryCollection query, bool isBeta, QueryRules rules, bool allowCollectionOptions = true)
    {
        var schema = rules.Schema;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (rawKey, v) in query)
        {
            var key = rawKey;
            bool dollar = key.StartsWith('$');
            var name = dollar ? key[1..] : key;
            if (!dollar && !isBeta) continue; // non-system parameters are ignored on v1.0
            if (Unsupported.Contains(name, StringComparer.OrdinalIgnoreCase)
                || (!rules.AllowOrderBy && name.Equals("orderby", StringComparison.OrdinalIgnoreCase))
                || (!rules.AllowSelect && name.Equals("select", StringComparison.OrdinalIgnoreCase)))
            {
                if (!dollar) continue;
                throw GraphError.BadRequest($"The query parameter '${name}' is not supported on this resource.");
            }
            if (!Supported.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                if (dollar) throw GraphError.BadRequest($"The query parameter '{key}' is not supported.");
                continue;
            }
            if (v.Count > 1 || values.ContainsKey(name))
                throw GraphError.BadRequest($"Query option '${name}' was specified more than once, but it must be specified at most once.");
            values[name] = v.ToString();
        }

        if (values.TryGetValue("expand", out var expandText) && rules.Expandable.Count == 0)
            throw GraphError.BadRequest("The query parameter '$expand' is not supported on this resource.");
        var o = new QueryOptions { Schema = schema };
        if (!allowCollectionOptions)
        {
            var bad = values.Keys.FirstOrDefault(k => !k.Equals("select", StringComparison.OrdinalIgnoreCase) && !k.Equals("expand", StringComparison.OrdinalIgnoreCase));
            if (bad != null) throw GraphError.BadRequest($"The query parameter '${bad.ToLowerInvariant()}' is not supported on a single entity.");
        }
        if (values.TryGetValue("filter", out var filter) && !string.IsNullOrWhiteSpace(filter))
        {
            o.Filter = filter;
            o.Predicate = FilterCompiler.Compile(filter, schema);
        }
        if (values.TryGetValue("top", out var top))
        {
            if (!int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                throw GraphError.BadRequest($"Invalid value '{top}' for $top query option found. The $top query option requires a non-negative integer value.");
            if (t > rules.MaxTop)
                throw new GraphError(400, "", $"The query specified in the URI is not valid. The limit of '{rules.MaxTop}' for Top query has been exceeded. The value from the incoming request is '{t}'.") { WithDetails = true };
            o.Top = t;
        }
        if (values.TryGetValue("skip", out var skip))
        {
            if (!int.TryParse(skip, NumberStyles.None, CultureInfo.InvariantCulture, out var s))
                throw GraphError.BadRequest($"Invalid value '{skip}' for $skip query option found. The $skip query option requires a non-negative integer value.");
            if (s > rules.MaxSkip)
                throw new GraphError(400, "", $"The query specified in the URI is not valid. The limit of '{rules.MaxSkip}' for Skip query has been exceeded. The value from the incoming request is '{s}'.") { WithDetails = true };
            o.Skip = s;
        }
        if (values.TryGetValue("count", out var count))
        {
            o.Count = count.ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => throw GraphError.BadRequest($"'{count}' is not a valid count option. Use true or false."),
            };
        }
        if (values.TryGetValue("orderby", out var orderby)) o.OrderBy = ParseOrderBy(orderby, schema);
        if (values.TryGetValue("select", out var select)) o.Select = ParseSelect(select, schema);
        if (expandText != null) o.Expand = ParseExpand(expandText, rules);
        return o;
    }

    private static IReadOnlyList<string> ParseExpand(string text, QueryRules rules)
    {
        var list = new List<string>();
        foreach (var part in text.Split(','))
        {
            var name = rules.Expandable.FirstOrDefault(e => string.Equals(e, part.Trim(), StringComparison.Ordinal))
                ?? throw GraphError.BadRequest($"Could not find a property named '{part.Trim()}' on type '{rules.Schema.TypeName}'. Expandable: {string.Join(", ", rules.Expandable)}.");
            if (!list.Contains(name)) list.Add(name);
        }
        return list;
    }

    private static IReadOnlyList<OrderClause> ParseOrderBy(string text, EntitySchema schema)
    {
        var list = new List<OrderClause>();
        foreach (var part in text.Split(','))
        {
            var words = part.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words.Length > 2)
                throw GraphError.BadRequest($"Invalid $orderby clause '{part.Trim()}'. Expected 'property', 'property asc' or 'property desc'.");
            var p = schema.Find(words[0])
                ?? throw GraphError.BadRequest($"Could not find a property named '{words[0]}' on type '{schema.TypeName}'.");
            if (!p.IsScalar)
                throw GraphError.BadRequest($"The property '{p.Name}' cannot be used in $orderby: only single-valued primitive or enum properties can be ordered.");
            bool desc = false;
            if (words.Length == 2)
            {
                desc = words[1].ToLowerInvariant() switch
                {
                    "asc" => false,
                    "desc" => true,
                    _ => throw GraphError.BadRequest($"Invalid $orderby direction '{words[1]}'. Expected 'asc' or 'desc'."),
                };
            }
            list.Add(new OrderClause(p, desc));
        }
        return list;
    }

    private static IReadOnlyList<PropertyDef> ParseSelect(string text, EntitySchema schema)
    {
        var list = new List<PropertyDef>();
        foreach (var part in text.Split(','))
        {
            var name = part.Trim();
            if (name.Length == 0) throw GraphError.BadRequest("Invalid $select: empty property name.");
            if (name == "*") return null;
            var p = schema.Find(name)
                ?? throw GraphError.BadRequest($"Could not find a property named '{name}' on type '{schema.TypeName}'.");
            if (!list.Contains(p)) list.Add(p);
        }
        return list;
    }
}
