using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace GraphSecurity.Engine.PartnerAlerts;

/// <summary>One entity of a partner alert as createAlert takes it: entity type, identifier, value, and whether it was impacted or only related.</summary>
public sealed class PartnerEntity
{
    public PartnerEntity(string type, string identifier, string value, bool impacted)
    {
        Type = type;
        Identifier = identifier;
        Value = value;
        Impacted = impacted;
    }

    public string Type { get; }
    public string Identifier { get; }
    public string Value { get; }
    public bool Impacted { get; }
    public string Role => Impacted ? "impacted" : "related";

    public override string ToString() => $"{Type}:{Identifier}={Value} ({Role})";
}

/// <summary>
/// A partner product's detection, as Send-GsPartnerAlert sends it by either route: the alert fields of
/// createAlert (provider-and-correlation.md §1.4 A), its entities, and the id that makes a re-send of the
/// same detection create nothing.
/// </summary>
public sealed class PartnerDetection
{
    public const int MaxDescription = 5000;
    public const int MaxIdentifierValue = 1000;
    public const int MaxEntities = 100;
    public const int MaxAlertId = 128;

    /// <summary>The MITRE ATT&amp;CK enterprise tactics, as createAlert's category takes them.</summary>
    public static readonly string[] Tactics =
    {
        "Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence", "PrivilegeEscalation", "DefenseEvasion",
        "CredentialAccess", "Discovery", "LateralMovement", "Collection", "CommandAndControl", "Exfiltration", "Impact",
    };

    /// <summary>Each entity type with the identifiers createAlert takes for it.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Identifiers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["user"] = new[] { "userPrincipalName", "aadUserId", "sid" },
        ["device"] = new[] { "deviceId", "deviceName" },
        ["file"] = new[] { "sha256", "sha1" },
        ["process"] = new[] { "sha256", "sha1" },
        ["ip"] = new[] { "address" },
        ["url"] = new[] { "url" },
        ["mailbox"] = new[] { "mailboxPrimaryAddress" },
        ["cloudApplication"] = new[] { "appId", "name" },
        ["securityGroup"] = new[] { "distinguishedName", "objectGuid", "sid" },
        ["azureResource"] = new[] { "resourceId" },
        ["amazonResource"] = new[] { "amazonResourceId" },
        ["googleCloudResource"] = new[] { "fullResourceName" },
        ["oAuthApplication"] = new[] { "oAuthAppId" },
        ["emailMessage"] = new[] { "networkMessageId" },
        ["emailCluster"] = new[] { "networkMessageId" },
        ["registryKey"] = new[] { "key" },
        ["registryValue"] = new[] { "key", "valueName" },
    };

    private static readonly char[] ListSeparator = { ';' };
    private static readonly Regex Technique = new Regex(@"^T\d{4}(\.\d{3})?$", RegexOptions.CultureInvariant);
    private static readonly Regex Hex = new Regex("^[0-9a-fA-F]+$", RegexOptions.CultureInvariant);
    private static readonly Regex Sid = new Regex(@"^S-1-\d+(-\d+)+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    public string? Title { get; set; }
    public string? Description { get; set; }
    public AlertSeverity? Severity { get; set; }
    /// <summary>A severity given as text that is not one (kept for the message); <see cref="Severity"/> is then null.</summary>
    public string? UnknownSeverity { get; set; }
    /// <summary>An ATT&amp;CK tactic, e.g. InitialAccess.</summary>
    public string? Category { get; set; }
    public List<string> MitreTechniques { get; } = new List<string>();
    public string? RecommendedActions { get; set; }
    public List<PartnerEntity> Entities { get; } = new List<PartnerEntity>();
    /// <summary>createAlert: the incident (Int64 id) the alert joins; absent → a new incident.</summary>
    public string? LinkToIncident { get; set; }
    public bool ExcludeFromCorrelation { get; set; }
    /// <summary>The partner's own id of the detection; when absent <see cref="EffectiveAlertId"/> is a hash of its stable fields.</summary>
    public string? AlertId { get; set; }
    /// <summary>Logs Ingestion: the row's TimeGenerated (default: when it is sent).</summary>
    public DateTimeOffset? TimeGenerated { get; set; }
    /// <summary>Logs Ingestion: the ProductName column (the partner product).</summary>
    public string? ProductName { get; set; }

    /// <summary>The given alert id, else "pa-" and 32 hex digits of a SHA-256 over the fields that make the detection what it is (not its time).</summary>
    public string EffectiveAlertId => Strings.IsNullOrWhiteSpace(AlertId) ? StableId() : AlertId!.Trim();

    private string StableId()
    {
        var parts = new List<string?>
        {
            Title, Description, Severity?.ToString(), CanonicalTactic(Category) ?? Category, RecommendedActions, ProductName,
            string.Join(",", MitreTechniques.Select(t => t.ToUpperInvariant()).OrderBy(t => t, StringComparer.Ordinal)),
        };
        parts.AddRange(Entities.Select(e => $"{e.Type.ToLowerInvariant()}|{e.Identifier.ToLowerInvariant()}|{e.Value}|{e.Role}").OrderBy(e => e, StringComparer.Ordinal));
        // Length-prefixed, so no two field lists share an encoding.
        var text = string.Concat(parts.Select(p => (p ?? "").Length.ToString(CultureInfo.InvariantCulture) + ":" + (p ?? "")));
        using (var sha = SHA256.Create())
        {
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
            return "pa-" + string.Concat(hash.Take(16).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
    }

    public static string? CanonicalTactic(string? category) => Tactics.FirstOrDefault(t => string.Equals(t, category?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>What makes the detection unsendable, for one message; empty when createAlert would take it.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Strings.IsNullOrWhiteSpace(Title)) problems.Add("it has no Title");
        if (Strings.IsNullOrWhiteSpace(Description)) problems.Add("it has no Description");
        else if (Description!.Length > MaxDescription) problems.Add($"its Description is {Description.Length} characters long (at most {MaxDescription})");
        if (UnknownSeverity != null) problems.Add($"its Severity '{UnknownSeverity}' is not Informational, Low, Medium or High");
        else if (Severity == null) problems.Add("it has no Severity (Informational, Low, Medium or High)");
        else if (Severity is not (AlertSeverity.Informational or AlertSeverity.Low or AlertSeverity.Medium or AlertSeverity.High))
            problems.Add($"its Severity '{Severity}' is not Informational, Low, Medium or High");
        if (Strings.IsNullOrWhiteSpace(Category)) problems.Add("it has no Category (a MITRE ATT&CK tactic such as InitialAccess)");
        else if (CanonicalTactic(Category) == null) problems.Add($"its Category '{Category}' is not a MITRE ATT&CK tactic ({string.Join(", ", Tactics)})");
        var badTechnique = MitreTechniques.FirstOrDefault(t => !Technique.IsMatch(t ?? ""));
        if (badTechnique != null) problems.Add($"'{badTechnique}' is not a MITRE ATT&CK technique id (T1234 or T1234.001)");
        if (Entities.Count == 0) problems.Add("it names no entity (a user, device, IP address, URL, file hash, mailbox…; at least 1)");
        if (Entities.Count > MaxEntities) problems.Add($"it names {Entities.Count} entities (at most {MaxEntities})");
        foreach (var e in Entities)
        {
            if (e.Type == "file" && e.Identifier == "hash") problems.Add($"'{e.Value}' is not a file hash (SHA-256: 64 hex digits, or SHA-1: 40)");
            else if (!Identifiers.TryGetValue(e.Type, out var ids)) problems.Add($"'{e.Type}' is not an entity type ({string.Join(", ", Identifiers.Keys)})");
            else if (!ids.Contains(e.Identifier, StringComparer.OrdinalIgnoreCase)) problems.Add($"'{e.Identifier}' is not an identifier of {e.Type} ({string.Join(", ", ids)})");
            if (Strings.IsNullOrWhiteSpace(e.Value)) problems.Add($"the {e.Type} entity has no value");
            else if (e.Value.Length > MaxIdentifierValue) problems.Add($"the {e.Type} value is {e.Value.Length} characters long (at most {MaxIdentifierValue})");
        }
        if (LinkToIncident != null && !long.TryParse(LinkToIncident, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            problems.Add($"LinkToIncident '{LinkToIncident}' is not an incident id (a number)");
        if (AlertId != null && (AlertId.Trim().Length == 0 || AlertId.Length > MaxAlertId)) problems.Add($"its AlertId must be 1 to {MaxAlertId} characters");
        return problems;
    }

    // ---- entities from plain values -----------------------------------------------------------------

    /// <summary>A user by UPN, Entra object id (GUID) or SID.</summary>
    public static PartnerEntity User(string value, bool impacted = true) =>
        new PartnerEntity("user", Guid.TryParse(value, out _) ? "aadUserId" : Sid.IsMatch(value) ? "sid" : "userPrincipalName", value, impacted);

    /// <summary>A device by Defender device id (40 hex digits) or name.</summary>
    public static PartnerEntity Device(string value, bool impacted = true) =>
        new PartnerEntity("device", value.Length == 40 && Hex.IsMatch(value) ? "deviceId" : "deviceName", value, impacted);

    public static PartnerEntity Ip(string value) => new PartnerEntity("ip", "address", value, false);

    public static PartnerEntity Url(string value) => new PartnerEntity("url", "url", value, false);

    /// <summary>A file by SHA-256 (64 hex digits) or SHA-1 (40); any other value is refused by <see cref="Problems"/>.</summary>
    public static PartnerEntity File(string value) =>
        new PartnerEntity("file", value.Length == 40 && Hex.IsMatch(value) ? "sha1" : value.Length == 64 && Hex.IsMatch(value) ? "sha256" : "hash", value, false);

    public static PartnerEntity Mailbox(string value) => new PartnerEntity("mailbox", "mailboxPrimaryAddress", value, true);

    /// <summary>
    /// An entity from a hashtable or object with entityType, entityIdentifier, identifierValue and role
    /// (given as a dictionary of its properties); role defaults to related.
    /// </summary>
    public static PartnerEntity FromFields(IDictionary<string, object?> fields)
    {
        string Text(string name) =>
            fields.Where(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Select(kv => Convert.ToString(kv.Value, CultureInfo.InvariantCulture)).FirstOrDefault() ?? "";
        var type = Text("entityType");
        var canonical = Identifiers.Keys.FirstOrDefault(k => string.Equals(k, type, StringComparison.OrdinalIgnoreCase)) ?? type;
        var identifier = Text("entityIdentifier");
        var id = Identifiers.TryGetValue(canonical, out var ids) ? ids.FirstOrDefault(i => string.Equals(i, identifier, StringComparison.OrdinalIgnoreCase)) ?? identifier : identifier;
        var role = Text("role");
        return new PartnerEntity(canonical, id, Text("identifierValue"), string.Equals(role, "impacted", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Values of a field that may be one value or a list (a CSV cell "a;b" too).</summary>
    public static IEnumerable<string> Values(object? value)
    {
        if (value == null) yield break;
        if (value is string s)
        {
            foreach (var part in s.Split(ListSeparator, StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).Where(p => p.Length > 0)) yield return part;
            yield break;
        }
        if (value is IEnumerable list)
        {
            foreach (var item in list)
                foreach (var v in Values(item)) yield return v;
            yield break;
        }
        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        if (!Strings.IsNullOrWhiteSpace(text)) yield return text.Trim();
    }
}
