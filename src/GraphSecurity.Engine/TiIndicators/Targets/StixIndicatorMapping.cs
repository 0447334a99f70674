using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// Between the tiIndicator fields and STIX 2.1 indicators, as Sentinel's upload API takes them
/// (successor-apis.md §3.3): a pattern per observable, validity, confidence, labels, TLP marking and
/// kill-chain phases, under an id that is the same on every run (UUIDv5 of the observable's key), so a
/// re-upload updates the indicator instead of adding one.
/// </summary>
public static class StixIndicatorMapping
{
    /// <summary>The namespace of the module's deterministic STIX ids.</summary>
    private static readonly Guid IdNamespace = new Guid("6f0b8a52-3c1d-4e57-9a2e-7d41c0b9e8f3");

    /// <summary>The TLP 1.0 marking definitions of the STIX 2.1 specification, by tiIndicator tlpLevel.</summary>
    public static readonly IReadOnlyDictionary<string, string> TlpMarkings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["white"] = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        ["green"] = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        ["amber"] = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        ["red"] = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
    };

    private static readonly Dictionary<string, string> KillChainPhases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Reconnaissance"] = "reconnaissance", ["Weaponization"] = "weaponization", ["Delivery"] = "delivery", ["Exploitation"] = "exploitation",
        ["Installation"] = "installation", ["C2"] = "command-and-control", ["Actions"] = "actions-on-objectives",
    };

    /// <summary>The STIX object path each observable kind is matched on.</summary>
    private static readonly Dictionary<string, string> PatternPaths = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ipv4"] = "ipv4-addr:value", ["ipv4-cidr"] = "ipv4-addr:value", ["ipv6"] = "ipv6-addr:value", ["ipv6-cidr"] = "ipv6-addr:value",
        ["domain"] = "domain-name:value", ["url"] = "url:value", ["email"] = "email-addr:value", ["email-subject"] = "email-message:subject",
        ["file-name"] = "file:name", ["md5"] = "file:hashes.'MD5'", ["sha1"] = "file:hashes.'SHA-1'", ["sha256"] = "file:hashes.'SHA-256'",
        ["ctph"] = "file:hashes.'SSDEEP'",
    };

    /// <summary>The deterministic STIX id of an observable's indicator: indicator--UUIDv5(namespace, key).</summary>
    public static string StixId(TiObservable observable) => "indicator--" + Uuid5(IdNamespace, observable.Key).ToString();

    /// <summary>A name-based UUID, version 5 (RFC 9562: SHA-1 of the namespace and the name).</summary>
    public static Guid Uuid5(Guid space, string name)
    {
        var spaceBytes = space.ToByteArray();
        SwapToNetworkOrder(spaceBytes);
        byte[] hash;
#pragma warning disable CA5350 // UUIDv5 is defined over SHA-1; the hash names an id, it protects nothing
        using (var sha1 = SHA1.Create())
#pragma warning restore CA5350
            hash = sha1.ComputeHash(spaceBytes.Concat(Encoding.UTF8.GetBytes(name)).ToArray());
        var uuid = new byte[16];
        Array.Copy(hash, uuid, 16);
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50);
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);
        SwapToNetworkOrder(uuid);
        return new Guid(uuid);
    }

    /// <summary>Guid keeps its first three fields little-endian; UUIDs are big-endian.</summary>
    private static void SwapToNetworkOrder(byte[] guid)
    {
        void Swap(int a, int b) { var t = guid[a]; guid[a] = guid[b]; guid[b] = t; }
        Swap(0, 3); Swap(1, 2); Swap(4, 5); Swap(6, 7);
    }

    /// <summary>The STIX pattern of an observable, or null with why STIX patterns here cannot hold it.</summary>
    public static string? Pattern(TiObservable observable, out string? reason)
    {
        reason = null;
        if (!PatternPaths.TryGetValue(observable.Kind, out var path))
        {
            reason = $"A {observable.Kind} indicator has no STIX pattern here (IP addresses and ranges, domains, URLs, file hashes and names, e-mail addresses and subjects do).";
            return null;
        }
        return "[" + path + " = '" + observable.Value.Replace("\\", "\\\\").Replace("'", "\\'") + "']";
    }

    private static readonly Regex SimplePattern = new Regex(@"^\[\s*([a-z0-9-]+:[A-Za-z0-9_.'\-]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]$", RegexOptions.Compiled);

    /// <summary>The observable of a one-comparison STIX pattern ([ipv4-addr:value = '…']), or null with why not.</summary>
    public static TiObservable? ParsePattern(string? pattern, out string? reason)
    {
        reason = null;
        if (pattern == null || pattern.Trim().Length == 0)
        {
            reason = "The indicator has no pattern.";
            return null;
        }
        var match = SimplePattern.Match(pattern.Trim());
        if (!match.Success)
        {
            reason = $"The pattern {pattern} is not one comparison of an observable with a value, so it cannot become a single indicator.";
            return null;
        }
        var path = match.Groups[1].Value;
        var value = match.Groups[2].Value.Replace("\\'", "'").Replace("\\\\", "\\");
        var kind = PatternPaths.Where(p => string.Equals(p.Value, path, StringComparison.OrdinalIgnoreCase)).Select(p => p.Key).FirstOrDefault();
        if (kind == null)
        {
            reason = $"The pattern compares {path}, which is no observable the module maps.";
            return null;
        }
        if ((kind == "ipv4" || kind == "ipv6") && value.IndexOf('/') >= 0) kind += "-cidr";
        if (kind == "md5" || kind == "sha1" || kind == "sha256" || kind == "domain" || kind == "email") value = value.ToLowerInvariant();
        return new TiObservable(kind, value);
    }

    /// <summary>
    /// The STIX 2.1 indicator of a validated input, or null with why it cannot be one.
    /// <paramref name="created"/> keeps the creation time of an indicator already in the workspace.
    /// </summary>
    public static Dictionary<string, object>? ToStix(TiIndicatorDraft draft, DateTimeOffset now, DateTimeOffset? created, out string? reason)
    {
        var observable = TiObservable.Of(draft);
        var pattern = Pattern(observable, out reason);
        if (pattern == null) return null;
        var body = draft.Body;
        var validFrom = body.TryGetValue("lastReportedDateTime", out var reported) && reported is DateTimeOffset r && r < now ? r : created ?? now;
        var stix = new Dictionary<string, object>
        {
            ["type"] = "indicator",
            ["spec_version"] = "2.1",
            ["id"] = StixId(observable),
            ["created"] = Timestamp(created ?? now),
            ["modified"] = Timestamp(now),
            ["name"] = Text(body, "description") ?? observable.Value,
            ["pattern"] = pattern,
            ["pattern_type"] = "stix",
            ["pattern_version"] = "2.1",
            ["valid_from"] = Timestamp(validFrom),
            ["indicator_types"] = new[] { IndicatorTypeOf(Text(body, "threatType")) },
        };
        if (Text(body, "additionalInformation") is string details) stix["description"] = details;
        if (body.TryGetValue("expirationDateTime", out var expires) && expires is DateTimeOffset until)
            stix["valid_until"] = Timestamp(until > validFrom ? until : validFrom.AddSeconds(1));
        if (body.TryGetValue("confidence", out var confidence) && confidence is int level) stix["confidence"] = level;
        var labels = new List<string>();
        if (Text(body, "threatType") is string threat) labels.Add(threat);
        foreach (var list in new[] { "tags", "malwareFamilyNames", "activityGroupNames" })
            if (body.TryGetValue(list, out var values) && values is IEnumerable<string> items) labels.AddRange(items);
        if (labels.Count > 0) stix["labels"] = labels.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (Text(body, "tlpLevel") is string tlp && TlpMarkings.TryGetValue(tlp, out var marking)) stix["object_marking_refs"] = new[] { marking };
        if (body.TryGetValue("killChain", out var chain) && chain is IEnumerable<string> phases)
            stix["kill_chain_phases"] = phases.Where(KillChainPhases.ContainsKey)
                .Select(p => new Dictionary<string, string> { ["kill_chain_name"] = "lockheed-martin-cyber-kill-chain", ["phase_name"] = KillChainPhases[p] }).ToList();
        if (Text(body, "externalId") is string externalId)
            stix["external_references"] = new[] { new Dictionary<string, string> { ["source_name"] = DefenderIndicatorMapping.DefaultApplication, ["external_id"] = externalId } };
        return stix;
    }

    /// <summary>STIX's indicator-type vocabulary for a tiIndicator threatType.</summary>
    public static string IndicatorTypeOf(string? threatType)
    {
        switch ((threatType ?? "").ToLowerInvariant())
        {
            case "watchlist": case "proxy": case "darknet": case "pua": return "anomalous-activity";
            case "": return "unknown";
            default: return "malicious-activity";
        }
    }

    /// <summary>STIX timestamps: UTC with milliseconds.</summary>
    public static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string? Text(Dictionary<string, object> body, string field) =>
        body.TryGetValue(field, out var value) && value != null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    /// <summary>A Sentinel indicator as the ARM threatIntelligence API answers it, in the common fields.</summary>
    public static TiIndicator FromArm(JsonElement item)
    {
        var p = item.TryGetProperty("properties", out var properties) ? properties : default;
        string? S(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        DateTimeOffset? D(string name) => DateTimeOffset.TryParse(S(p, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : (DateTimeOffset?)null;
        List<string> L(string name) => p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString() ?? "").ToList() : new List<string>();
        var name = S(item, "name");
        var stixId = S(p, "externalId");
        var indicator = new TiIndicator
        {
            Id = name,
            Target = TiTarget.Sentinel,
            TargetProduct = TiIndicatorFields.Sentinel,
            StixId = stixId != null && stixId.StartsWith("indicator--", StringComparison.Ordinal) ? stixId : "indicator--" + name,
            Pattern = S(p, "pattern"),
            Description = S(p, "displayName"),
            AdditionalInformation = S(p, "description"),
            Source = S(p, "source"),
            CreatedBy = S(p, "createdByRef"),
            ExpirationDateTime = D("validUntil"),
            IngestedDateTime = D("created"),
            ValidFromDateTime = D("validFrom"),
            LastUpdatedDateTime = D("modified"),
            Revoked = p.ValueKind == JsonValueKind.Object && p.TryGetProperty("revoked", out var revoked) && revoked.ValueKind == JsonValueKind.True,
            Confidence = p.ValueKind == JsonValueKind.Object && p.TryGetProperty("confidence", out var c) && c.TryGetInt32(out var level) ? level : (int?)null,
            Tags = new ValueList<string>(L("labels")),
            WorkspaceId = WorkspaceOf(S(item, "id")),
        };
        indicator.IsActive = indicator.Revoked != true && (indicator.ExpirationDateTime == null || indicator.ExpirationDateTime > DateTimeOffset.UtcNow);
        indicator.ThreatType = indicator.Tags.FirstOrDefault(t => TiIndicatorFields.TryParseThreatType(t, out _));
        var markings = L("objectMarkingRefs");
        var tlp = TlpMarkings.FirstOrDefault(m => markings.Contains(m.Value)).Key;
        if (tlp != null && Enum.TryParse<TlpLevel>(tlp, true, out var tlpLevel)) indicator.TlpLevel = tlpLevel;
        var observable = ParsePattern(indicator.Pattern, out _);
        if (observable != null) SetObservable(indicator, observable);
        return indicator;
    }

    /// <summary>Writes an observable into its tiIndicator field.</summary>
    public static void SetObservable(TiIndicator indicator, TiObservable observable)
    {
        switch (observable.Kind)
        {
            case "ipv4": indicator.NetworkDestinationIPv4 = observable.Value; break;
            case "ipv6": indicator.NetworkDestinationIPv6 = observable.Value; break;
            case "ipv4-cidr": case "ipv6-cidr": indicator.NetworkDestinationCidrBlock = observable.Value; break;
            case "domain": indicator.DomainName = observable.Value; break;
            case "url": indicator.Url = observable.Value; break;
            case "email": indicator.EmailSenderAddress = observable.Value; break;
            case "email-subject": indicator.EmailSubject = observable.Value; break;
            case "file-name": indicator.FileName = observable.Value; break;
            case "md5": indicator.FileHashValue = observable.Value; indicator.FileHashType = FileHashType.Md5; break;
            case "sha1": indicator.FileHashValue = observable.Value; indicator.FileHashType = FileHashType.Sha1; break;
            case "sha256": indicator.FileHashValue = observable.Value; indicator.FileHashType = FileHashType.Sha256; break;
            case "ctph": indicator.FileHashValue = observable.Value; indicator.FileHashType = FileHashType.Ctph; break;
        }
    }

    /// <summary>The workspace part of an ARM threatIntelligence id.</summary>
    private static string? WorkspaceOf(string? armId)
    {
        if (armId == null) return null;
        var at = armId.IndexOf("/providers/Microsoft.SecurityInsights", StringComparison.OrdinalIgnoreCase);
        return at > 0 ? armId.Substring(0, at) : armId;
    }
}
