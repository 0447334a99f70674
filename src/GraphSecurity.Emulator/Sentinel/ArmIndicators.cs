using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GraphSecurity.Emulator.Arm;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>A stored STIX indicator as the ARM threatIntelligence API shows it (successor-apis.md §3.6).</summary>
public static class ArmIndicators
{
    public const string Provider = "/providers/Microsoft.SecurityInsights/threatIntelligence/main";

    private static readonly Regex Comparison = new(@"(?<key>[a-z0-9][a-z0-9-]*):(?<path>[^\s=!<>]+)\s*=\s*'(?<value>(?:[^'\\]|\\.)*)'", RegexOptions.CultureInvariant);

    /// <summary>parsedPattern: the comparisons of a STIX pattern grouped by object type, e.g. ipv4-addr → value = 198.51.100.7.</summary>
    public static JsonArray ParsedPattern(string pattern) => new(Comparison.Matches(pattern ?? "")
        .GroupBy(m => m.Groups["key"].Value)
        .Select(g => (JsonNode)new JsonObject
        {
            ["patternTypeKey"] = g.Key,
            ["patternTypeValues"] = new JsonArray(g.Select(m => (JsonNode)new JsonObject { ["valueType"] = m.Groups["path"].Value, ["value"] = m.Groups["value"].Value }).ToArray()),
        }).ToArray());

    /// <summary>ARM's patternType: the observable type of the pattern (as in the service's samples, "url"), else STIX's pattern_type.</summary>
    public static string PatternType(ThreatIntelObject o) =>
        Comparison.Match(o.Text("pattern") ?? "") is { Success: true } m ? m.Groups["key"].Value : o.Text("pattern_type");

    public static JsonObject ToArm(ThreatIntelObject o, SentinelWorkspace workspace)
    {
        var d = o.Data;
        var properties = new JsonObject
        {
            ["confidence"] = d["confidence"]?.DeepClone(),
            ["created"] = Format(o.Created),
            ["createdByRef"] = d["created_by_ref"]?.DeepClone(),
            ["defanged"] = false,
            ["description"] = d["description"]?.DeepClone(),
            ["displayName"] = d["name"]?.DeepClone(),
            ["extensions"] = d["extensions"]?.DeepClone(),
            ["externalId"] = o.Id,
            ["externalLastUpdatedTimeUtc"] = Format(o.Modified),
            ["externalReferences"] = Camel(d["external_references"]),
            ["granularMarkings"] = Camel(d["granular_markings"]),
            ["indicatorTypes"] = d["indicator_types"]?.DeepClone(),
            ["killChainPhases"] = Camel(d["kill_chain_phases"]),
            ["labels"] = d["labels"]?.DeepClone(),
            ["language"] = d["lang"]?.DeepClone(),
            ["lastUpdatedTimeUtc"] = Format(o.LastUpdated),
            ["modified"] = Format(o.Modified),
            ["objectMarkingRefs"] = d["object_marking_refs"]?.DeepClone(),
            ["parsedPattern"] = ParsedPattern(o.Text("pattern")),
            ["pattern"] = o.Text("pattern"),
            ["patternType"] = PatternType(o),
            ["patternVersion"] = d["pattern_version"]?.DeepClone(),
            ["revoked"] = o.Revoked,
            ["source"] = o.SourceSystem,
            ["threatIntelligenceTags"] = d["labels"]?.DeepClone() ?? new JsonArray(),
            ["threatTypes"] = d["indicator_types"]?.DeepClone() ?? new JsonArray(),
            ["validFrom"] = Format(o.Time("valid_from")),
            ["validUntil"] = Format(o.Time("valid_until")),
        };
        foreach (var absent in properties.Where(p => p.Value == null).Select(p => p.Key).ToList()) properties.Remove(absent);
        return new JsonObject
        {
            ["id"] = $"{workspace.ResourceId}{Provider}/indicators/{o.Name}",
            ["name"] = o.Name,
            ["type"] = "Microsoft.SecurityInsights/threatIntelligence",
            ["kind"] = "indicator",
            ["etag"] = $"\"{o.LastUpdated.UtcTicks:x}\"",
            ["properties"] = properties,
        };
    }

    private static string Format(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>STIX snake_case members as ARM's camelCase (source_name → sourceName; lang → language).</summary>
    private static JsonNode Camel(JsonNode node) => node switch
    {
        JsonArray a => new JsonArray(a.Select(Camel).ToArray()),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key == "lang" ? "language" : CamelCase(p.Key), Camel(p.Value)))),
        _ => node?.DeepClone(),
    };

    private static string CamelCase(string snake) =>
        string.Concat(snake.Split('_').Select((part, i) => i == 0 || part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));
}
