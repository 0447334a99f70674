using System.Globalization;
using GraphSecurity.ProviderKit.Models;
using Microsoft.Extensions.Primitives;

namespace GraphSecurity.ProviderKit.Query;

/// <summary>One <c>$orderby</c> key.</summary>
public sealed record OrderClause(string Property, bool Descending)
{
    public override string ToString() => Property + (Descending ? " desc" : " asc");
}

/// <summary>A page of alerts and whether more follow it.</summary>
public sealed record AlertPage(IReadOnlyList<ProviderAlert> Alerts, bool HasMore);

/// <summary>
/// The OData options of <c>GET alerts</c>: <c>$filter</c> (as an expression tree), <c>$orderby</c>, <c>$top</c>
/// and <c>$skip</c>, validated as the contract says. <see cref="Apply"/> runs them over any list of alerts.
/// </summary>
public sealed record ProviderQuery
{
    public const int DefaultTop = 100;
    public const int MaxTop = 1000;

    private static readonly string[] Options = { "$filter", "$orderby", "$top", "$skip" };

    /// <summary>The parsed filter; null when the request had none.</summary>
    public FilterNode Filter { get; init; }

    /// <summary>The raw <c>$filter</c> text (for sources that translate it themselves).</summary>
    public string FilterText { get; init; }

    /// <summary>The sort keys; the default is <c>createdDateTime desc</c>. Ties always fall back to id ascending.</summary>
    public IReadOnlyList<OrderClause> OrderBy { get; init; } = new[] { new OrderClause("createdDateTime", true) };

    public int Top { get; init; } = DefaultTop;
    public int Skip { get; init; }

    /// <summary>Parses the query string; any option other than the four, or a bad value, is a 400 naming it.</summary>
    public static ProviderQuery Parse(IEnumerable<KeyValuePair<string, StringValues>> queryString)
    {
        var query = new ProviderQuery();
        foreach (var (key, values) in queryString)
        {
            if (!key.StartsWith('$')) continue;
            if (!Options.Contains(key))
                throw ProviderException.BadRequest($"The query option '{key}' is not supported; use $filter, $orderby, $top and $skip.");
            if (values.Count != 1)
                throw ProviderException.BadRequest($"The query option '{key}' appears more than once.");
            var value = values[0] ?? "";
            query = key switch
            {
                "$filter" => query with { Filter = FilterParser.Parse(value), FilterText = value },
                "$orderby" => query with { OrderBy = ParseOrderBy(value) },
                "$top" => query with { Top = ParseInt(key, value, 1, MaxTop) },
                _ => query with { Skip = ParseInt(key, value, 0, int.MaxValue) },
            };
        }
        return query;
    }

    private static int ParseInt(string option, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            var range = max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}";
            throw ProviderException.BadRequest($"{option} must be {range}, not '{value}'.");
        }
        return number;
    }

    public static IReadOnlyList<OrderClause> ParseOrderBy(string value)
    {
        if (string.IsNullOrWhiteSpace(value)) throw ProviderException.BadRequest("$orderby is empty.");
        var clauses = new List<OrderClause>();
        foreach (var part in value.Split(','))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) throw ProviderException.BadRequest($"$orderby has an empty item in '{value}'.");
            if (!FilterProperties.Orderable.Contains(words[0]))
                throw ProviderException.BadRequest($"$orderby: the property '{words[0]}' is not sortable; use one of {string.Join(", ", FilterProperties.Orderable)}.");
            if (words.Length > 2 || (words.Length == 2 && words[1] is not ("asc" or "desc")))
                throw ProviderException.BadRequest($"$orderby: '{part.Trim()}' must be a property optionally followed by asc or desc.");
            if (clauses.Any(c => c.Property == words[0]))
                throw ProviderException.BadRequest($"$orderby names '{words[0]}' twice.");
            clauses.Add(new OrderClause(words[0], words.Length == 2 && words[1] == "desc"));
        }
        return clauses;
    }

    /// <summary>True when the alert passes the filter (always, without one).</summary>
    public bool Matches(ProviderAlert alert) => Filter == null || Filter.Matches(alert);

    /// <summary>Sorts alerts by <see cref="OrderBy"/>, then id ascending. Missing values sort first ascending.</summary>
    public IEnumerable<ProviderAlert> Sort(IEnumerable<ProviderAlert> alerts)
    {
        IOrderedEnumerable<ProviderAlert> sorted = null;
        foreach (var clause in OrderBy)
        {
            var property = FilterProperties.Find(clause.Property);
            var comparer = Comparer<object>.Create((a, b) =>
                a == null ? (b == null ? 0 : -1) : b == null ? 1 : property.Compare(a, b));
            sorted = sorted == null
                ? (clause.Descending ? alerts.OrderByDescending(property.Read, comparer) : alerts.OrderBy(property.Read, comparer))
                : (clause.Descending ? sorted.ThenByDescending(property.Read, comparer) : sorted.ThenBy(property.Read, comparer));
        }
        return sorted == null ? alerts.OrderBy(a => a.Id, StringComparer.Ordinal) : sorted.ThenBy(a => a.Id, StringComparer.Ordinal);
    }

    /// <summary>Filter, order, then the page <c>[$skip, $skip + $top)</c>.</summary>
    public AlertPage Apply(IEnumerable<ProviderAlert> alerts)
    {
        var matching = Sort(alerts.Where(Matches)).ToList();
        var page = matching.Skip(Skip).Take(Top).ToList();
        return new AlertPage(page, (long)Skip + Top < matching.Count);
    }
}
