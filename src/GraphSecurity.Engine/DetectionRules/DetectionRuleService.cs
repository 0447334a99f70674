using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.DetectionRules;

/// <summary>
/// beta /security/rules/detectionRules (successor-apis.md §5), and the checks and body shapes the cmdlets use so
/// that a rule the service would refuse is refused before anything is sent.
/// </summary>
public sealed class DetectionRuleService : EntityService<DetectionRule>
{
    public const string CollectionPath = "security/rules/detectionRules";
    public const int MaxIdLength = 100;

    public static readonly string[] Severities = { "informational", "low", "medium", "high" };

    /// <summary>The MITRE ATT&amp;CK enterprise tactics a rule's alerts can name (the same list createAlert takes).</summary>
    public static IReadOnlyList<string> Tactics => PartnerAlerts.PartnerDetection.Tactics;

    /// <summary>The frequencies the service runs rules at, by the spellings users write them in; the value is the wire form.</summary>
    private static readonly Dictionary<string, string> Periods = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["0"] = "PT0S", ["PT0S"] = "PT0S", ["Continuous"] = "PT0S",
        ["1H"] = "PT1H", ["PT1H"] = "PT1H", ["3H"] = "PT3H", ["PT3H"] = "PT3H", ["12H"] = "PT12H", ["PT12H"] = "PT12H",
        ["24H"] = "PT24H", ["PT24H"] = "PT24H", ["P1D"] = "PT24H",
    };

    /// <summary>-EntityMapping: per Type, the collection it fills and, per key, the column property it sets.</summary>
    private static readonly Dictionary<string, (string Collection, Dictionary<string, string> Keys)> MappingTypes =
        new Dictionary<string, (string, Dictionary<string, string>)>(StringComparer.OrdinalIgnoreCase)
        {
            ["Account"] = ("accounts", Keys(("Upn", "upnColumn"), ("AadUserId", "aadUserIdColumn"), ("Sid", "sidColumn"))),
            ["Host"] = ("hosts", Keys(("DeviceName", "deviceNameColumn"), ("DeviceId", "deviceIdColumn"))),
            ["Mailbox"] = ("mailboxes", Keys(("PrimaryAddress", "primaryAddressColumn"))),
            ["IP"] = ("ipAddresses", Keys(("Address", "addressColumn"))),
            ["File"] = ("files", Keys(("Sha256", "sha256Column"), ("Sha1", "sha1Column"))),
            ["Url"] = ("urls", Keys(("Url", "urlColumn"))),
        };

    private static readonly Regex RuleId = new Regex(@"^[A-Za-z][A-Za-z0-9_-]{0,99}$", RegexOptions.CultureInvariant);
    private static readonly Regex Technique = new Regex(@"^T\d{4}(\.\d{3})?$", RegexOptions.CultureInvariant);

    public DetectionRuleService(ApiClient graph) : base(graph, "beta", CollectionPath) { }

    private static Dictionary<string, string> Keys(params (string Key, string Property)[] keys) =>
        keys.ToDictionary(k => k.Key, k => k.Property, StringComparer.OrdinalIgnoreCase);

    /// <summary>The wire form of a frequency ("1H" → "PT1H"); an error listing the accepted values otherwise.</summary>
    public static string Frequency(string period)
    {
        if (period != null && Periods.TryGetValue(period.Trim(), out var wire)) return wire;
        throw new ArgumentException($"'{period}' is not a frequency the service runs rules at. Use PT0S (continuous), PT1H, PT3H, PT12H or PT24H (or 0, 1H, 3H, 12H, 24H).");
    }

    /// <summary>The rule id the service wants (client-supplied): checked, or made from the name when none is given.</summary>
    public static string IdFor(string? id, string name)
    {
        if (!Strings.IsNullOrEmpty(id))
        {
            if (!RuleId.IsMatch(id)) throw new ArgumentException($"The rule id '{id}' must start with a letter and hold at most {MaxIdLength} letters, digits, '-' or '_'.");
            return id!;
        }
        var text = new StringBuilder();
        foreach (var c in name.Trim())
            text.Append(c < 128 && (char.IsLetterOrDigit(c) || c == '-' || c == '_') ? c : '-');
        var made = Regex.Replace(text.ToString(), "-{2,}", "-").Trim('-');
        if (made.Length == 0 || !char.IsLetter(made[0])) made = "rule-" + made;
        return made.Length > MaxIdLength ? made.Substring(0, MaxIdLength).TrimEnd('-') : made;
    }

    /// <summary>The tactics array: one tactic (the service takes at most one) with its techniques, sub-techniques under their parent.</summary>
    public static List<object> TacticsBody(string? category, IEnumerable<string>? techniques)
    {
        var list = (techniques ?? Enumerable.Empty<string>()).ToList();
        var bad = list.FirstOrDefault(t => t == null || !Technique.IsMatch(t));
        if (list.Count > 0 && bad != null || list.Any(t => t == null)) throw new ArgumentException($"'{bad}' is not a MITRE ATT&CK technique id (T1234 or T1234.001).");
        string? tactic = null;
        if (!Strings.IsNullOrEmpty(category))
            tactic = Tactics.FirstOrDefault(t => string.Equals(t, category, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"'{category}' is not a MITRE ATT&CK tactic. Valid values: {string.Join(", ", Tactics)}.");
        if (tactic == null && list.Count == 0) return new List<object>();
        if (tactic == null) throw new ArgumentException("-MitreTechnique needs -Category: the service files techniques under their tactic.");
        var parents = list.Select(t => t.Split('.')[0]).Distinct(StringComparer.Ordinal);
        var techniqueList = parents.Select(p => (object)new Dictionary<string, object?>
        {
            ["technique"] = p,
            ["subTechniques"] = list.Where(t => t.StartsWith(p + ".", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList(),
        }).ToList();
        return new List<object> { new Dictionary<string, object?> { ["tactic"] = tactic, ["techniques"] = techniqueList } };
    }

    /// <summary>
    /// entityMappings from -EntityMapping hashtables such as @{ Type = 'Host'; DeviceName = 'DeviceName' }: Type names the
    /// entity, every other key one of its identifiers with the query column that holds it.
    /// </summary>
    public static Dictionary<string, List<Dictionary<string, string>>> EntityMappings(IEnumerable<IDictionary> mappings)
    {
        var result = new Dictionary<string, List<Dictionary<string, string>>>(StringComparer.Ordinal);
        foreach (var mapping in mappings ?? Enumerable.Empty<IDictionary>())
        {
            var entries = mapping.Keys.Cast<object>().ToDictionary(k => k?.ToString() ?? "", k => mapping[k]?.ToString(), StringComparer.OrdinalIgnoreCase);
            if (!entries.TryGetValue("Type", out var type) || Strings.IsNullOrEmpty(type) || !MappingTypes.TryGetValue(type!, out var shape))
                throw new ArgumentException($"An entity mapping needs Type = one of {string.Join(", ", MappingTypes.Keys)}; got '{type}'.");
            var item = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in entries.Where(e => !string.Equals(e.Key, "Type", StringComparison.OrdinalIgnoreCase)))
            {
                if (!shape.Keys.TryGetValue(entry.Key, out var property))
                    throw new ArgumentException($"'{entry.Key}' is not an identifier of a {type} mapping. Valid keys: {string.Join(", ", shape.Keys.Keys)}.");
                if (Strings.IsNullOrWhiteSpace(entry.Value)) throw new ArgumentException($"The {type} mapping's '{entry.Key}' must name a query column.");
                item[property] = entry.Value!.Trim();
            }
            if (item.Count == 0) throw new ArgumentException($"A {type} mapping must name the column of at least one of {string.Join(", ", shape.Keys.Keys)}.");
            if (!result.TryGetValue(shape.Collection, out var list)) result[shape.Collection] = list = new List<Dictionary<string, string>>();
            list.Add(item);
        }
        if (!result.Keys.Any(k => k is "accounts" or "hosts" or "mailboxes" or "ipAddresses"))
            throw new ArgumentException("-EntityMapping must map at least one Account, Host, Mailbox or IP column: the service needs an entity to attach the alert to.");
        return result;
    }

    /// <summary>The severity in the service's spelling.</summary>
    public static string SeverityValue(string severity) =>
        Severities.FirstOrDefault(s => string.Equals(s, severity, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"'{severity}' is not a severity. Valid values: {string.Join(", ", Severities)}.");

    /// <summary>The query, or an error when it is empty.</summary>
    public static string QueryText(string query) =>
        Strings.IsNullOrWhiteSpace(query) ? throw new ArgumentException("The query must not be empty.") : query.Trim();

    /// <summary>What New-GsDetectionRule sends, in the 2026 shape.</summary>
    public static Dictionary<string, object?> NewBody(DetectionRuleDefinition d)
    {
        if (Strings.IsNullOrWhiteSpace(d.Name)) throw new ArgumentException("The rule needs a name.");
        if (Strings.IsNullOrWhiteSpace(d.Title)) throw new ArgumentException("The alert template needs a title.");
        var template = new Dictionary<string, object?>
        {
            ["title"] = d.Title!.Trim(),
            ["description"] = d.Description ?? "",
            ["severity"] = SeverityValue(d.Severity ?? "medium"),
            ["tactics"] = TacticsBody(d.Category, d.MitreTechniques),
            ["entityMappings"] = EntityMappings(d.EntityMappings),
        };
        if (d.RecommendedActions != null) template["recommendedActions"] = d.RecommendedActions;
        var action = new Dictionary<string, object?> { ["alertTemplate"] = template };
        if (d.ResponseActions != null && d.ResponseActions.Count > 0) action["responseActions"] = d.ResponseActions;
        return new Dictionary<string, object?>
        {
            ["id"] = IdFor(d.Id, d.Name!),
            ["displayName"] = d.Name!.Trim(),
            ["description"] = d.Description ?? "",
            ["status"] = d.Enabled ? "enabled" : "disabled",
            ["queryCondition"] = new Dictionary<string, object?> { ["queryText"] = QueryText(d.Query!) },
            ["schedule"] = new Dictionary<string, object?> { ["frequency"] = Frequency(d.Period ?? "PT24H") },
            ["detectionAction"] = action,
        };
    }

    /// <summary>The definition of an existing rule (what -InputObject copies).</summary>
    public static DetectionRuleDefinition DefinitionOf(DetectionRule rule)
    {
        var template = rule.DetectionAction?.AlertTemplate ?? new DetectionRuleAlertTemplate();
        return new DetectionRuleDefinition
        {
            Name = rule.DisplayName, Description = rule.Description, Query = rule.Query, Period = rule.Frequency, Title = template.Title,
            Severity = template.Severity, Category = template.Tactics.FirstOrDefault()?.Tactic, MitreTechniques = template.MitreTechniques.ToList(),
            RecommendedActions = template.RecommendedActions, Enabled = rule.Status != "disabled",
            EntityMappings = (template.EntityMappings?.Entities() ?? Enumerable.Empty<KeyValuePair<string, DetectionRuleEntityColumns>>()).Select(e => (IDictionary)MappingOf(e.Key, e.Value.Columns())).ToList(),
        };
    }

    private static Hashtable MappingOf(string collection, Dictionary<string, string> item)
    {
        var type = MappingTypes.First(t => t.Value.Collection == collection);
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase) { ["Type"] = type.Key };
        foreach (var entry in item)
            table[type.Value.Keys.First(k => k.Value == entry.Key).Key] = entry.Value;
        return table;
    }

    public Task<DetectionRule> CreateAsync(Dictionary<string, object?> body, CancellationToken cancellationToken) =>
        Graph.SendForItemAsync<DetectionRule>(HttpMethod.Post, Graph.Url(Version, Path), body, cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        Graph.SendAsync<object>(HttpMethod.Delete, ItemUrl(id), null, cancellationToken);
}

/// <summary>A rule as the cmdlet parameters describe it.</summary>
public sealed class DetectionRuleDefinition
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Query { get; set; }
    public string? Period { get; set; }
    public string? Title { get; set; }
    public string? Severity { get; set; }
    public string? Category { get; set; }
    public List<string> MitreTechniques { get; set; } = new List<string>();
    public string? RecommendedActions { get; set; }
    public List<IDictionary> EntityMappings { get; set; } = new List<IDictionary>();
    public List<object> ResponseActions { get; set; } = new List<object>();
    public bool Enabled { get; set; } = true;
}
