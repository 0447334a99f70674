using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Alerts;

namespace GraphSecurity.Emulator.Graph.DetectionRules;

/// <summary>
/// Reads a detectionRule body (POST or PATCH) in the 2026 shape, or the 2024 one (schedule.period, isEnabled,
/// alertTemplate.category/mitreTechniques), onto a rule; a 400 naming the first field that is wrong.
/// The query and the mapped columns are checked by <see cref="DetectionRuleRunner.Columns"/> afterwards.
/// </summary>
public static partial class DetectionRuleParser
{
    public const string TypeName = "microsoft.graph.security.detectionRule";
    public static readonly string[] Severities = { "informational", "low", "medium", "high" };
    public static readonly string[] Statuses = { "enabled", "disabled" };
    /// <summary>The fields PATCH accepts (successor-apis.md §5); the 2024 isEnabled is taken too.</summary>
    private static readonly string[] Patchable = { "description", "detectionAction", "displayName", "queryCondition", "schedule", "status", "isEnabled" };

    /// <summary>The frequencies a rule may run at: the 2026 ISO durations and the 2024 period values ("0" is continuous).</summary>
    private static readonly Dictionary<string, TimeSpan> Periods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PT0S"] = TimeSpan.Zero, ["PT1H"] = TimeSpan.FromHours(1), ["PT3H"] = TimeSpan.FromHours(3),
        ["PT12H"] = TimeSpan.FromHours(12), ["PT24H"] = TimeSpan.FromHours(24), ["P1D"] = TimeSpan.FromHours(24),
        ["0"] = TimeSpan.Zero, ["1H"] = TimeSpan.FromHours(1), ["3H"] = TimeSpan.FromHours(3), ["12H"] = TimeSpan.FromHours(12), ["24H"] = TimeSpan.FromHours(24),
    };

    /// <summary>Per entityMappings collection: the evidence type and, per column property, the identifier it fills.</summary>
    public static readonly Dictionary<string, (string Type, bool Impacted, Dictionary<string, string> Columns)> Mappings = new(StringComparer.Ordinal)
    {
        ["accounts"] = ("user", true, new() { ["aadUserIdColumn"] = "aadUserId", ["upnColumn"] = "userPrincipalName", ["sidColumn"] = "sid" }),
        ["hosts"] = ("device", true, new() { ["deviceIdColumn"] = "deviceId", ["deviceNameColumn"] = "deviceName" }),
        ["mailboxes"] = ("mailbox", true, new() { ["primaryAddressColumn"] = "mailboxPrimaryAddress" }),
        ["ipAddresses"] = ("ip", false, new() { ["addressColumn"] = "address" }),
        ["files"] = ("file", false, new() { ["sha256Column"] = "sha256", ["sha1Column"] = "sha1" }),
        ["urls"] = ("url", false, new() { ["urlColumn"] = "url" }),
    };

    /// <summary>2024 impactedAssets identifiers and the (evidence type, identifier) each names; the identifier is also the column.</summary>
    private static readonly Dictionary<string, (string Type, string Identifier)> ImpactedAssets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["deviceId"] = ("device", "deviceId"), ["deviceName"] = ("device", "deviceName"), ["accountObjectId"] = ("user", "aadUserId"),
        ["accountUpn"] = ("user", "userPrincipalName"), ["accountSid"] = ("user", "sid"), ["recipientEmailAddress"] = ("mailbox", "mailboxPrimaryAddress"),
    };

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex RuleId();

    [GeneratedRegex(@"^T\d{4}(\.\d{3})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Technique();

    /// <summary>Applies the body to <paramref name="rule"/> (a new rule on POST, a clone on PATCH).</summary>
    public static void Apply(JsonElement body, DetectionRule rule, bool patch)
    {
        foreach (var p in body.EnumerateObject())
        {
            if (p.Name == "@odata.type") { GraphRequest.CheckODataType(body, TypeName); continue; }
            if (patch && !Patchable.Contains(p.Name, StringComparer.Ordinal))
                throw GraphError.BadRequest($"The property '{p.Name}' cannot be changed; PATCH accepts {string.Join(", ", Patchable.Take(6))}.");
            switch (p.Name)
            {
                case "id":
                    var id = Text(p, "id");
                    if (id == null || !RuleId().IsMatch(id)) throw Invalid("id", "must start with a letter and hold at most 100 letters, digits, '-' or '_'");
                    rule.Id = id;
                    break;
                case "displayName": rule.DisplayName = Text(p, "displayName"); break;
                case "description": rule.Description = Text(p, "description") ?? ""; break;
                case "status":
                    var status = Text(p, "status");
                    rule.Status = Statuses.FirstOrDefault(s => string.Equals(s, status, StringComparison.OrdinalIgnoreCase))
                        ?? throw Invalid("status", $"'{status}' is not a status a caller can set. Valid values: {string.Join(", ", Statuses)}");
                    break;
                case "isEnabled":
                    rule.Status = p.Value.ValueKind switch
                    {
                        JsonValueKind.True => "enabled",
                        JsonValueKind.False => "disabled",
                        _ => throw Invalid("isEnabled", "must be true or false"),
                    };
                    break;
                case "queryCondition": QueryCondition(p.Value, rule); break;
                case "schedule": Schedule(p.Value, rule); break;
                case "detectionAction": DetectionAction(p.Value, rule); break;
                case "createdBy" or "createdDateTime" or "lastModifiedBy" or "lastModifiedDateTime" or "lastRunDetails": break; // read-only: ignored
                default: throw GraphRequest.UnknownProperty(p.Name, TypeName);
            }
        }
        if (patch) return;
        if (rule.Id == null) throw Invalid("id", "is required");
        Required(rule.DisplayName, "displayName");
        Required(rule.QueryText, "queryCondition.queryText");
        if (rule.FrequencyText == null) throw Invalid("schedule.frequency", "is required");
        Required(rule.Title, "detectionAction.alertTemplate.title");
        Required(rule.Severity, "detectionAction.alertTemplate.severity");
        rule.Status ??= "enabled";
    }

    private static void QueryCondition(JsonElement e, DetectionRule rule)
    {
        Object(e, "queryCondition");
        foreach (var p in e.EnumerateObject())
        {
            if (p.Name == "queryText") rule.QueryText = Text(p, "queryCondition.queryText");
            else if (p.Name != "lastModifiedDateTime") throw Invalid("queryCondition." + p.Name, "is not a property of queryCondition (queryText)");
        }
        Required(rule.QueryText, "queryCondition.queryText");
    }

    private static void Schedule(JsonElement e, DetectionRule rule)
    {
        Object(e, "schedule");
        string text = null, field = null;
        foreach (var p in e.EnumerateObject())
        {
            if (p.Name is "frequency" or "period") { text = Text(p, "schedule." + p.Name); field = "schedule." + p.Name; }
            else if (p.Name != "nextRunDateTime") throw Invalid("schedule." + p.Name, "is not a property of the schedule (frequency)");
        }
        if (field == null) throw Invalid("schedule.frequency", "is required");
        if (text == null || !Periods.TryGetValue(text, out var frequency))
            throw Invalid(field, $"'{text}' is not a frequency the service runs rules at. Valid values: PT0S (continuous), PT1H, PT3H, PT12H, PT24H");
        rule.Frequency = frequency;
        rule.FrequencyText = frequency == TimeSpan.Zero ? "PT0S" : XmlConvert.ToString(frequency).Replace("P1D", "PT24H", StringComparison.Ordinal);
    }

    private static void DetectionAction(JsonElement e, DetectionRule rule)
    {
        Object(e, "detectionAction");
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "alertTemplate": AlertTemplate(p.Value, rule); break;
                case "automatedActions": rule.AutomatedActions = JsonNode.Parse(p.Value.GetRawText()); break;
                case "responseActions":
                    if (p.Value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null)) throw Invalid("detectionAction.responseActions", "must be an array");
                    rule.ResponseActions = JsonNode.Parse(p.Value.GetRawText());
                    break;
                case "organizationalScope": break;
                default: throw Invalid("detectionAction." + p.Name, "is not a property of detectionAction (alertTemplate, automatedActions, responseActions)");
            }
        }
    }

    private static void AlertTemplate(JsonElement e, DetectionRule rule)
    {
        const string at = "detectionAction.alertTemplate.";
        Object(e, "detectionAction.alertTemplate");
        List<EntityColumn> entities = null;
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "title": rule.Title = Text(p, at + "title"); break;
                case "description": rule.AlertDescription = Text(p, at + "description"); break;
                case "recommendedActions": rule.RecommendedActions = Text(p, at + "recommendedActions"); break;
                case "severity":
                    var severity = Text(p, at + "severity");
                    rule.Severity = Severities.FirstOrDefault(s => string.Equals(s, severity, StringComparison.OrdinalIgnoreCase))
                        ?? throw Invalid(at + "severity", $"'{severity}' is not a severity. Valid values: {string.Join(", ", Severities)}");
                    break;
                case "category": rule.Category = Tactic(Text(p, at + "category"), at + "category"); break;
                case "mitreTechniques":
                    rule.MitreTechniques = Techniques(p.Value, at + "mitreTechniques");
                    break;
                case "tactics": Tactics(p.Value, rule, at + "tactics"); break;
                case "entityMappings":
                    Object(p.Value, at + "entityMappings");
                    entities = EntityMappings(p.Value, at + "entityMappings");
                    rule.EntityMappings = (JsonObject)JsonNode.Parse(p.Value.GetRawText());
                    break;
                case "impactedAssets":
                    if (p.Value.ValueKind != JsonValueKind.Array) throw Invalid(at + "impactedAssets", "must be an array");
                    entities ??= new List<EntityColumn>();
                    foreach (var asset in p.Value.EnumerateArray())
                    {
                        var identifier = asset.ValueKind == JsonValueKind.Object && asset.TryGetProperty("identifier", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
                        if (identifier == null || !ImpactedAssets.TryGetValue(identifier, out var m))
                            throw Invalid(at + "impactedAssets", $"'{identifier}' is not an impacted-asset identifier. Valid values: {string.Join(", ", ImpactedAssets.Keys)}");
                        entities.Add(new EntityColumn(m.Type, m.Identifier, identifier, true, entities.Count));
                    }
                    break;
                default: throw Invalid(at + p.Name, "is not a property of the alert template");
            }
        }
        if (entities == null || entities.Count == 0) throw Invalid(at + "entityMappings", "is required and must map at least one entity");
        if (!entities.Any(c => c.EvidenceType is "user" or "device" or "mailbox" or "ip"))
            throw Invalid(at + "entityMappings", "must map at least one account, host, mailbox or IP address");
        rule.Entities = entities;
    }

    private static List<EntityColumn> EntityMappings(JsonElement e, string field)
    {
        var list = new List<EntityColumn>();
        foreach (var kind in e.EnumerateObject())
        {
            if (!Mappings.TryGetValue(kind.Name, out var m))
                throw Invalid($"{field}.{kind.Name}", $"is not an entity collection. Valid values: {string.Join(", ", Mappings.Keys)}");
            if (kind.Value.ValueKind != JsonValueKind.Array) throw Invalid($"{field}.{kind.Name}", "must be an array");
            var n = 0;
            foreach (var entity in kind.Value.EnumerateArray())
            {
                var itemField = $"{field}.{kind.Name}[{n++}]";
                Object(entity, itemField);
                var before = list.Count;
                var item = list.Select(c => c.Item + 1).DefaultIfEmpty(0).Max();
                foreach (var c in entity.EnumerateObject())
                {
                    if (!m.Columns.TryGetValue(c.Name, out var identifier))
                        throw Invalid($"{itemField}.{c.Name}", $"is not a column property of {kind.Name}. Valid values: {string.Join(", ", m.Columns.Keys)}");
                    var column = Text(c, $"{itemField}.{c.Name}");
                    if (!string.IsNullOrWhiteSpace(column)) list.Add(new EntityColumn(m.Type, identifier, column, m.Impacted, item));
                }
                if (list.Count == before) throw Invalid(itemField, $"must name a column in one of {string.Join(", ", m.Columns.Keys)}");
            }
        }
        return list;
    }

    private static void Tactics(JsonElement e, DetectionRule rule, string field)
    {
        if (e.ValueKind != JsonValueKind.Array) throw Invalid(field, "must be an array");
        if (e.GetArrayLength() > 1) throw Invalid(field, "holds more than one tactic; a rule takes at most one");
        foreach (var t in e.EnumerateArray())
        {
            Object(t, field + "[0]");
            var techniques = new List<string>();
            foreach (var p in t.EnumerateObject())
            {
                if (p.Name == "tactic") rule.Category = Tactic(Text(p, field + "[0].tactic"), field + "[0].tactic");
                else if (p.Name == "techniques" && p.Value.ValueKind == JsonValueKind.Array)
                    foreach (var tech in p.Value.EnumerateArray())
                    {
                        if (tech.ValueKind != JsonValueKind.Object || !tech.TryGetProperty("technique", out var id) || id.ValueKind != JsonValueKind.String)
                            throw Invalid(field + "[0].techniques", "must hold objects with a 'technique'");
                        techniques.AddRange(Techniques(JsonDocument.Parse($"[{id.GetRawText()}]").RootElement, field + "[0].techniques.technique"));
                        if (tech.TryGetProperty("subTechniques", out var subs)) techniques.AddRange(Techniques(subs, field + "[0].techniques.subTechniques"));
                    }
                else throw Invalid($"{field}[0].{p.Name}", "is not a property of a tactic (tactic, techniques)");
            }
            rule.MitreTechniques = techniques;
        }
    }

    private static List<string> Techniques(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Array || e.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String)) throw Invalid(field, "must be an array of strings");
        var list = e.EnumerateArray().Select(v => v.GetString()).ToList();
        var bad = list.FirstOrDefault(t => !Technique().IsMatch(t));
        if (bad != null) throw Invalid(field, $"'{bad}' is not a MITRE ATT&CK technique id (T1234 or T1234.001)");
        return list;
    }

    private static string Tactic(string value, string field) =>
        value == null ? null : CreateAlertEndpoints.Tactics.FirstOrDefault(t => string.Equals(t, value, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(field, $"'{value}' is not a MITRE ATT&CK tactic. Valid values: {string.Join(", ", CreateAlertEndpoints.Tactics)}");

    private static void Object(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Invalid(field, "must be an object");
    }

    private static string Text(JsonProperty p, string field) => CreateAlertEndpoints.Text(p, field);

    private static void Required(string value, string field) => CreateAlertEndpoints.Required(value, field);

    public static GraphError Invalid(string field, string why) => CreateAlertEndpoints.Invalid(field, why);
}
