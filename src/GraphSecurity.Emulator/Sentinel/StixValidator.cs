using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>
/// The STIX 2.0/2.1 checks of the upload APIs (successor-apis.md §3.3), one message per broken property in
/// the service's wording: "Error for Property=id: Required property is missing. Actual value: NULL."
/// </summary>
public static class StixValidator
{
    public static readonly string[] AllTypes = { "indicator", "attack-pattern", "threat-actor", "identity", "relationship" };
    public static readonly string[] IndicatorOnly = { "indicator" };

    private static readonly Regex Identifier = new(@"^(?<type>[a-z0-9][a-z0-9-]*[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        RegexOptions.CultureInvariant);

    /// <summary>Every error of the item; empty when it can be stored.</summary>
    public static List<string> Validate(JsonNode item, IReadOnlyCollection<string> types)
    {
        var errors = new List<string>();
        if (item is not JsonObject o)
        {
            errors.Add(Message("type", "The object is not a JSON object.", item));
            return errors;
        }
        var type = RequiredString(o, "type", errors);
        if (type != null && !types.Contains(type))
        {
            errors.Add(Message("type", $"Unsupported object type; supported: {string.Join(", ", types)}.", o["type"]));
            type = null;
        }
        var id = RequiredString(o, "id", errors);
        if (id != null && (!Identifier.IsMatch(id) || (type != null && Identifier.Match(id).Groups["type"].Value != type)))
            errors.Add(Message("id", $"The id must be '{type ?? "<type>"}--<UUID>'.", o["id"]));
        if (o["spec_version"] is { } spec && (Text(spec) is not ("2.0" or "2.1")))
            errors.Add(Message("spec_version", "Only STIX 2.0 and 2.1 are accepted.", spec));
        var created = Timestamp(o, "created", required: true, errors);
        var modified = Timestamp(o, "modified", required: true, errors);
        if (created != null && modified < created) errors.Add(Message("modified", "modified must not be earlier than created.", o["modified"]));
        if (o["revoked"] is { } revoked && revoked.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
            errors.Add(Message("revoked", "The value must be a boolean.", revoked));
        if (o["confidence"] is { } confidence && !(confidence is JsonValue v && v.TryGetValue(out int c) && c is >= 0 and <= 100))
            errors.Add(Message("confidence", "The value must be an integer between 0 and 100.", confidence));
        StringList(o, "labels", errors);
        Reference(o, "created_by_ref", required: false, errors);
        foreach (var marking in StringList(o, "object_marking_refs", errors))
            if (!Identifier.IsMatch(marking)) errors.Add(Message("object_marking_refs", "Each item must be a 'marking-definition--<UUID>' id.", JsonValue.Create(marking)));

        switch (type)
        {
            case "indicator":
                RequiredString(o, "pattern", errors);
                RequiredString(o, "pattern_type", errors);
                var from = Timestamp(o, "valid_from", required: true, errors);
                var until = Timestamp(o, "valid_until", required: false, errors);
                if (from != null && until != null && until <= from) errors.Add(Message("valid_until", "valid_until must be later than valid_from.", o["valid_until"]));
                StringList(o, "indicator_types", errors);
                break;
            case "attack-pattern" or "threat-actor" or "identity":
                RequiredString(o, "name", errors);
                break;
            case "relationship":
                RequiredString(o, "relationship_type", errors);
                Reference(o, "source_ref", required: true, errors);
                Reference(o, "target_ref", required: true, errors);
                break;
        }
        return errors;
    }

    /// <summary>A timestamp property; RFC 3339 with a time and a zone, as STIX requires.</summary>
    public static DateTimeOffset? ParseTimestamp(JsonNode node) =>
        Text(node) is { } s && s.Contains('T') && (s.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || Regex.IsMatch(s, @"[+-]\d\d:\d\d$")) &&
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    private static string Text(JsonNode node) => node is JsonValue v && v.TryGetValue(out string s) ? s : null;

    private static string Message(string property, string problem, JsonNode actual) =>
        $"Error for Property={property}: {problem} Actual value: {(actual == null ? "NULL" : Text(actual) ?? actual.ToJsonString())}.";

    private static string RequiredString(JsonObject o, string property, List<string> errors)
    {
        var node = o[property];
        if (node == null) errors.Add(Message(property, "Required property is missing.", null));
        else if (string.IsNullOrWhiteSpace(Text(node))) errors.Add(Message(property, "The value must be a non-empty string.", node));
        else return Text(node);
        return null;
    }

    private static DateTimeOffset? Timestamp(JsonObject o, string property, bool required, List<string> errors)
    {
        var node = o[property];
        if (node == null)
        {
            if (required) errors.Add(Message(property, "Required property is missing.", null));
            return null;
        }
        var value = ParseTimestamp(node);
        if (value == null) errors.Add(Message(property, "The value must be an RFC 3339 timestamp such as 2026-01-01T00:00:00.000Z.", node));
        return value;
    }

    private static void Reference(JsonObject o, string property, bool required, List<string> errors)
    {
        var node = o[property];
        if (node == null)
        {
            if (required) errors.Add(Message(property, "Required property is missing.", null));
        }
        else if (Text(node) is not { } s || !Identifier.IsMatch(s)) errors.Add(Message(property, "The value must be a '<type>--<UUID>' id.", node));
    }

    private static IEnumerable<string> StringList(JsonObject o, string property, List<string> errors)
    {
        var node = o[property];
        if (node == null) return Array.Empty<string>();
        if (node is JsonArray array && array.All(i => Text(i) != null)) return array.Select(Text).ToList();
        errors.Add(Message(property, "The value must be an array of strings.", node));
        return Array.Empty<string>();
    }
}
