using System.Text.Json;
using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>
/// The body of <c>POST queryIndicators</c> (successor-apis.md §3.6). Every given criterion must hold; a
/// list criterion holds when any of its values matches. Members it does not know are ignored, as ARM does.
/// </summary>
public sealed class IndicatorQuery
{
    public int PageSize { get; private init; } = ArmIndicatorEndpoints.DefaultPageSize;
    public int? MinConfidence { get; private init; }
    public int? MaxConfidence { get; private init; }
    public DateTimeOffset? MinValidUntil { get; private init; }
    public DateTimeOffset? MaxValidUntil { get; private init; }
    /// <summary>Revoked indicators are "disabled": left out unless this is true.</summary>
    public bool IncludeDisabled { get; private init; }
    public List<string> Sources { get; private init; }
    public List<string> PatternTypes { get; private init; }
    public List<string> ThreatTypes { get; private init; }
    public List<string> Ids { get; private init; }
    public List<string> Keywords { get; private init; }
    public List<(string Key, bool Descending)> SortBy { get; private init; } = new();
    public string SkipToken { get; private init; }

    /// <summary>The sort keys: the ARM property names with a value to compare.</summary>
    private static readonly Dictionary<string, Func<ThreatIntelObject, IComparable>> SortKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lastUpdatedTimeUtc"] = o => o.LastUpdated, ["created"] = o => o.Created, ["modified"] = o => o.Modified,
        ["confidence"] = o => o.Confidence ?? -1, ["validFrom"] = o => o.Time("valid_from"), ["validUntil"] = o => o.Time("valid_until"),
        ["displayName"] = o => o.Text("name") ?? "",
    };

    public static IndicatorQuery Parse(JsonElement body)
    {
        JsonElement? Member(string name) =>
            body.EnumerateObject().Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault() is { ValueKind: not JsonValueKind.Null } v ? v : null;
        int? Int(string name) => Member(name) is { } v ? (v.TryGetInt32(out var n) ? n : throw Bad(name, "an integer")) : null;
        DateTimeOffset? Time(string name) => Member(name) is { } v
            ? (v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t) ? t : throw Bad(name, "a date-time string"))
            : null;
        List<string> Strings(string name) => Member(name) is { } v
            ? (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String)
                ? v.EnumerateArray().Select(i => i.GetString()).ToList() : throw Bad(name, "an array of strings"))
            : null;

        var sortBy = new List<(string, bool)>();
        if (Member("sortBy") is { } sort)
        {
            if (sort.ValueKind != JsonValueKind.Array) throw Bad("sortBy", "an array of {itemKey, sortOrder}");
            foreach (var s in sort.EnumerateArray())
            {
                var key = s.ValueKind == JsonValueKind.Object && s.TryGetProperty("itemKey", out var k) ? k.GetString() : null;
                if (key == null || !SortKeys.ContainsKey(key))
                    throw ApiError.BadRequest($"sortBy: 'itemKey' must be one of {string.Join(", ", SortKeys.Keys)} (got '{key}').");
                var order = s.TryGetProperty("sortOrder", out var o) ? o.GetString() : "ascending";
                if (order is not ("ascending" or "descending")) throw ApiError.BadRequest($"sortBy: 'sortOrder' must be ascending or descending (got '{order}').");
                sortBy.Add((key, order == "descending"));
            }
        }
        return new IndicatorQuery
        {
            PageSize = Int("pageSize") is { } size ? ArmIndicatorEndpoints.PageSize(size.ToString(System.Globalization.CultureInfo.InvariantCulture), "pageSize") : ArmIndicatorEndpoints.DefaultPageSize,
            MinConfidence = Int("minConfidence"), MaxConfidence = Int("maxConfidence"),
            MinValidUntil = Time("minValidUntil"), MaxValidUntil = Time("maxValidUntil"),
            IncludeDisabled = Member("includeDisabled") is { } d && (d.ValueKind is JsonValueKind.True or JsonValueKind.False ? d.GetBoolean() : throw Bad("includeDisabled", "a boolean")),
            Sources = Strings("sources"), PatternTypes = Strings("patternTypes"), ThreatTypes = Strings("threatTypes"), Ids = Strings("ids"), Keywords = Strings("keywords"),
            SortBy = sortBy,
            SkipToken = Member("skipToken") is { ValueKind: JsonValueKind.String } token ? token.GetString() : null,
        };
    }

    private static ApiError Bad(string name, string what) => ApiError.BadRequest($"'{name}' must be {what}.");

    private static bool AnyOf(List<string> wanted, IEnumerable<string> values) =>
        wanted is not { Count: > 0 } || values.Any(v => wanted.Contains(v, StringComparer.OrdinalIgnoreCase));

    /// <summary>Only the criteria the query names are evaluated: a read of a large workspace asks this of every object for every page.</summary>
    public bool Matches(ThreatIntelObject o, Func<ThreatIntelObject, string> patternTypeOf)
    {
        if (!IncludeDisabled && o.Revoked) return false;
        if (!AnyOf(Sources, new[] { o.SourceSystem })) return false;
        if (MinConfidence != null || MaxConfidence != null)
        {
            var confidence = o.Confidence;
            if (confidence == null || confidence < MinConfidence || confidence > MaxConfidence) return false;
        }
        if (MinValidUntil != null || MaxValidUntil != null)
        {
            var until = o.Time("valid_until");
            if (until == null || until < MinValidUntil || until > MaxValidUntil) return false;
        }
        if (PatternTypes is { Count: > 0 } && !AnyOf(PatternTypes, new[] { patternTypeOf(o) })) return false;
        if (ThreatTypes is { Count: > 0 } && !AnyOf(ThreatTypes, o.Strings("indicator_types"))) return false;
        if (!AnyOf(Ids, new[] { o.Name, o.Id })) return false;
        if (Keywords is not { Count: > 0 }) return true;
        var text = new[] { o.Text("name"), o.Text("description"), o.Text("pattern") }.Concat(o.Strings("labels")).Where(s => s != null).ToList();
        return Keywords.All(k => text.Any(t => t.Contains(k, StringComparison.OrdinalIgnoreCase)));
    }

    public static IEnumerable<ThreatIntelObject> NewestFirst(IEnumerable<ThreatIntelObject> items) =>
        items.OrderByDescending(o => o.LastUpdated).ThenBy(o => o.Id, StringComparer.Ordinal);

    /// <summary>In the sortBy order; without one newest update first.</summary>
    public IEnumerable<ThreatIntelObject> Sort(IEnumerable<ThreatIntelObject> items)
    {
        if (SortBy.Count == 0) return NewestFirst(items);
        IOrderedEnumerable<ThreatIntelObject> sorted = null;
        foreach (var (key, descending) in SortBy)
        {
            var by = SortKeys[key];
            sorted = sorted == null
                ? (descending ? items.OrderByDescending(by) : items.OrderBy(by))
                : (descending ? sorted.ThenByDescending(by) : sorted.ThenBy(by));
        }
        return sorted.ThenBy(o => o.Id, StringComparer.Ordinal);
    }
}
