using System;
using System.Collections.Generic;
using System.Globalization;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// What an indicator is about, independent of the API that holds it: a kind (ipv4, ipv6, domain, url,
/// md5, sha1, sha256, email…) and a value. Its <see cref="Key"/> is how the same indicator is recognised
/// in Defender for Endpoint, in Sentinel and in a feed, so re-runs update instead of duplicating.
/// </summary>
public sealed class TiObservable
{
    public TiObservable(string kind, string value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>ipv4, ipv6, ipv4-cidr, ipv6-cidr, domain, url, md5, sha1, sha256, email, email-subject, file-name, ….</summary>
    public string Kind { get; }
    public string Value { get; }

    /// <summary>Kind and value, the value in lower case: one indicator per key in every target.</summary>
    public string Key => Kind + ":" + Value.ToLowerInvariant();

    public override string ToString() => Key;

    /// <summary>The kind of each tiIndicator observable field; hashes take their kind from fileHashType.</summary>
    private static readonly Dictionary<string, string> KindByField = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["networkDestinationIPv4"] = "ipv4", ["networkIPv4"] = "ipv4", ["networkSourceIPv4"] = "ipv4", ["emailSourceIpAddress"] = "ipv4",
        ["networkDestinationIPv6"] = "ipv6", ["networkIPv6"] = "ipv6", ["networkSourceIPv6"] = "ipv6",
        ["networkCidrBlock"] = "cidr", ["networkDestinationCidrBlock"] = "cidr", ["networkSourceCidrBlock"] = "cidr",
        ["domainName"] = "domain", ["emailSourceDomain"] = "domain",
        ["url"] = "url",
        ["emailSenderAddress"] = "email", ["emailRecipient"] = "email",
        ["emailSubject"] = "email-subject",
        ["fileName"] = "file-name",
        ["filePath"] = "file-path",
        ["userAgent"] = "user-agent",
    };

    /// <summary>The lifetime kind (<see cref="TiIndicatorDefaults.Lifetimes"/>) of an observable field: ip, domain, url, file, email or other.</summary>
    public static string LifetimeKind(string? observableField)
    {
        if (observableField == null) return "other";
        if (observableField.StartsWith("file", StringComparison.OrdinalIgnoreCase)) return "file";
        if (!KindByField.TryGetValue(observableField, out var kind)) return "other";
        switch (kind)
        {
            case "ipv4": case "ipv6": case "cidr": return "ip";
            case "domain": case "url": return kind;
            case "email": case "email-subject": return "email";
            default: return "other";
        }
    }

    /// <summary>The tiIndicator field a kind is written back to when an indicator is read.</summary>
    public static string FieldOf(string kind)
    {
        switch (kind)
        {
            case "ipv4": return "networkDestinationIPv4";
            case "ipv6": return "networkDestinationIPv6";
            case "ipv4-cidr": case "ipv6-cidr": return "networkDestinationCidrBlock";
            case "domain": return "domainName";
            case "url": return "url";
            case "email": return "emailSenderAddress";
            case "email-subject": return "emailSubject";
            case "file-name": return "fileName";
            case "md5": case "sha1": case "sha256": case "ctph": return "fileHashValue";
            default: return "additionalInformation";
        }
    }

    /// <summary>The observable of a validated input (the field <see cref="TiIndicatorValidator"/> found, and its hash type).</summary>
    public static TiObservable Of(TiIndicatorDraft draft)
    {
        if (string.Equals(draft.IndicatorType, "fileHashValue", StringComparison.OrdinalIgnoreCase))
        {
            var hashType = draft.Body.TryGetValue("fileHashType", out var type) ? Convert.ToString(type, CultureInfo.InvariantCulture) : null;
            return new TiObservable((hashType ?? "unknown").ToLowerInvariant(), draft.Indicator.ToLowerInvariant());
        }
        var kind = KindByField.TryGetValue(draft.IndicatorType, out var known) ? known : draft.IndicatorType;
        if (kind == "cidr") kind = draft.Indicator.IndexOf(':') >= 0 ? "ipv6-cidr" : "ipv4-cidr";
        var value = kind == "domain" || kind == "email" ? draft.Indicator.ToLowerInvariant() : draft.Indicator;
        return new TiObservable(kind, value);
    }
}
