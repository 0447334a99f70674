using System.Globalization;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Alerts;

namespace GraphSecurity.Emulator.Graph.Query;

/// <summary>One $orderby clause.</summary>
public sealed record OrderClause(PropertyDef Property, bool Descending);

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

    private static readonly string[] Supported = { "filter", "top", "skip", "count", "orderby", "select" };
    private static readonly string[] Unsupported = { "expand", "search", "apply", "compute", "skiptoken", "format", "levels", "index", "deltatoken" };

    /// <summary>
    /// Reads $filter, $top, $skip, $count, $orderby, $select. On beta the '$' prefix is optional.
    /// Throws a 400 <see cref="GraphError"/> on any invalid option. With a <paramref name="schema"/>
    /// (resources other than alerts_v2) $filter binds to its fields, $top is capped at its MaxTop,
    /// and $orderby/$select are not supported.
    /// </summary>
    public static QueryOptions Parse(IQueryCollection query, bool isBeta, bool allowCollectionOptions = true, FilterSchema schema = null)
    {
        var maxTop = schema?.MaxTop ?? AlertsMaxTop;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (rawKey, v) in query)
        {
            var key = rawKey;
            bool dollar = key.StartsWith('$');
            var name = dollar ? key[1..] : key;
            if (!dollar && !isBeta) continue; // non-system parameters are ignored on v1.0
            if (Unsupported.Contains(name, StringComparer.OrdinalIgnoreCase)
                || (schema != null && (name.Equals("orderby", StringComparison.OrdinalIgnoreCase) || name.Equals("select", StringComparison.OrdinalIgnoreCase))))
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

        var o = new QueryOptions();
        if (!allowCollectionOptions)
        {
            var bad = values.Keys.FirstOrDefault(k => !k.Equals("select", StringComparison.OrdinalIgnoreCase));
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
            if (t > maxTop)
                throw new GraphError(400, "", $"The query specified in the URI is not valid. The limit of '{maxTop}' for Top query has been exceeded. The value from the incoming request is '{t}'.") { WithDetails = true };
            o.Top = t;
        }
        if (values.TryGetValue("skip", out var skip))
        {
            if (!int.TryParse(skip, NumberStyles.None, CultureInfo.InvariantCulture, out var s))
                throw GraphError.BadRequest($"Invalid value '{skip}' for $skip query option found. The $skip query option requires a non-negative integer value.");
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
        if (values.TryGetValue("orderby", out var orderby)) o.OrderBy = ParseOrderBy(orderby);
        if (values.TryGetValue("select", out var select)) o.Select = ParseSelect(select);
        return o;
    }

    private static IReadOnlyList<OrderClause> ParseOrderBy(string text)
    {
        var list = new List<OrderClause>();
        foreach (var part in text.Split(','))
        {
            var words = part.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words.Length > 2)
                throw GraphError.BadRequest($"Invalid $orderby clause '{part.Trim()}'. Expected 'property', 'property asc' or 'property desc'.");
            var p = AlertSchema.Find(words[0])
                ?? throw GraphError.BadRequest($"Could not find a property named '{words[0]}' on type '{AlertSchema.TypeName}'.");
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

    private static IReadOnlyList<PropertyDef> ParseSelect(string text)
    {
        var list = new List<PropertyDef>();
        foreach (var part in text.Split(','))
        {
            var name = part.Trim();
            if (name.Length == 0) throw GraphError.BadRequest("Invalid $select: empty property name.");
            if (name == "*") return null;
            var p = AlertSchema.Find(name)
                ?? throw GraphError.BadRequest($"Could not find a property named '{name}' on type '{AlertSchema.TypeName}'.");
            if (!list.Contains(p)) list.Add(p);
        }
        return list;
    }
}
