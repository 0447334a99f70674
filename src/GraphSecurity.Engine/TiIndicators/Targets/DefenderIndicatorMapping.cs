using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// Between the tiIndicator fields every input is validated in and Defender for Endpoint's indicator
/// (successor-apis.md §1.3–§1.5): what it can hold (file hashes, public IP addresses, domains, URLs),
/// its action names, severities and title, and back again when indicators are read.
/// </summary>
public static class DefenderIndicatorMapping
{
    /// <summary>The application tag the module's indicators carry unless told otherwise: how Sync-GsTiIndicator knows its own.</summary>
    public const string DefaultApplication = "GraphSecurity";

    /// <summary>Defender's own actions (and the two retired names it still accepts), in its spelling.</summary>
    public static readonly string[] Actions = { "Allowed", "Audit", "Warn", "Block", "BlockAndRemediate", "Alert", "AlertAndBlock" };

    public static readonly string[] Severities = { "Informational", "Low", "Medium", "High" };

    /// <summary>
    /// Takes a Defender action out of an input's fields before tiIndicator validation (which knows only
    /// alert, allow and block): the Defender name is returned, and the field is left holding its closest
    /// tiIndicator action, so the row still validates and still means the same on Graph.
    /// </summary>
    public static string? TakeDefenderAction(IDictionary<string, object> fields)
    {
        if (!fields.TryGetValue("action", out var raw) || !(raw is string text)) return null;
        var action = Actions.FirstOrDefault(a => string.Equals(a, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (action == null || action == "Block" || action == "Alert") return null; // also tiIndicator actions
        fields["action"] = action == "Allowed" ? "allow" : action == "Audit" ? "alert" : "block";
        return action;
    }

    /// <summary>The Defender indicator type of an observable, or null with why it cannot go to Defender.</summary>
    public static string? IndicatorType(TiObservable observable, out string? reason)
    {
        reason = null;
        switch (observable.Kind)
        {
            case "sha1": return "FileSha1";
            case "sha256": return "FileSha256";
            case "md5": return "FileMd5";
            case "domain": return "DomainName";
            case "url": return "Url";
            case "ipv4":
            case "ipv6":
                if (!IsPublic(observable.Value)) { reason = $"Defender for Endpoint takes only public IP addresses; {observable.Value} is private, loopback, link-local or reserved."; return null; }
                return "IpAddress";
            case "ipv4-cidr":
            case "ipv6-cidr":
                reason = $"Defender for Endpoint takes single IP addresses, not ranges; {observable.Value} is a CIDR block (Sentinel can hold it).";
                return null;
            case "email":
                reason = $"Defender for Endpoint has no e-mail indicators; {observable.Value} can go to Sentinel.";
                return null;
            default:
                reason = $"Defender for Endpoint holds file hashes (MD5, SHA-1, SHA-256), IP addresses, domains and URLs; a {observable.Kind} indicator cannot go there.";
                return null;
        }
    }

    /// <summary>
    /// The body of Defender's submit and import for a validated input, or null with the reason it cannot
    /// go there. Actions follow the type's rules (§1.4): an alert becomes Audit with generateAlert on.
    /// </summary>
    public static Dictionary<string, object>? ToDefender(TiIndicatorDraft draft, string application, out string? reason)
    {
        var observable = TiObservable.Of(draft);
        var type = IndicatorType(observable, out reason);
        if (type == null) return null;
        var body = draft.Body;
        var action = draft.DefenderAction ?? ActionOf(Text(body, "action"));
        if (type != "FileSha1" && type != "FileSha256" && type != "FileMd5" && (action == "BlockAndRemediate" || action == "AlertAndBlock"))
        {
            reason = $"Defender for Endpoint cannot {action} a {type} indicator (only files can be remediated); use Block.";
            return null;
        }
        var description = Text(body, "description") ?? observable.Value;
        var indicator = new Dictionary<string, object>
        {
            ["indicatorValue"] = type == "IpAddress" && observable.Kind == "ipv6" ? FullIPv6(observable.Value) : observable.Value,
            ["indicatorType"] = type,
            ["action"] = action,
            ["title"] = Title(body, observable),
            ["description"] = description,
            ["application"] = application,
            ["generateAlert"] = action == "Audit" || action == "Alert",
        };
        if (body.TryGetValue("expirationDateTime", out var expires) && expires is DateTimeOffset expiration)
            indicator["expirationTime"] = Timestamp(expiration);
        if (body.TryGetValue("severity", out var severity) && severity is int level) indicator["severity"] = SeverityOf(level);
        if (Text(body, "externalId") is string externalId) indicator["externalID"] = externalId;
        if (draft.RbacGroupNames.Count > 0) indicator["rbacGroupNames"] = draft.RbacGroupNames;
        return indicator;
    }

    /// <summary>An IPv6 address with all eight groups written out, the only form Defender takes (§1.4).</summary>
    public static string FullIPv6(string address)
    {
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        return string.Join(":", Enumerable.Range(0, 8).Select(i => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).ToString("x4", CultureInfo.InvariantCulture)));
    }

    /// <summary>A Defender action for a tiIndicator action.</summary>
    public static string ActionOf(string? tiAction)
    {
        switch ((tiAction ?? "").ToLowerInvariant())
        {
            case "block": return "Block";
            case "allow": return "Allowed";
            default: return "Audit";
        }
    }

    /// <summary>The closest tiIndicator action of a Defender action.</summary>
    public static TiAction TiActionOf(string? defenderAction)
    {
        switch ((defenderAction ?? "").ToLowerInvariant())
        {
            case "allowed": return TiAction.Allow;
            case "block": case "blockandremediate": case "alertandblock": case "warn": return TiAction.Block;
            case "audit": case "alert": return TiAction.Alert;
            default: return TiAction.Unknown;
        }
    }

    /// <summary>tiIndicator severity 0–5 as Defender's four levels.</summary>
    public static string SeverityOf(int level) => level <= 1 ? "Informational" : level == 2 ? "Low" : level == 3 ? "Medium" : "High";

    private static int TiSeverityOf(string? severity)
    {
        switch ((severity ?? "").ToLowerInvariant())
        {
            case "low": return 2;
            case "medium": return 3;
            case "high": return 4;
            default: return 0;
        }
    }

    /// <summary>Defender's timestamps: seconds are its precision for expiry (§1.4).</summary>
    public static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The threat type and the value, as short as Defender shows it.</summary>
    private static string Title(Dictionary<string, object> body, TiObservable observable)
    {
        var title = (Text(body, "threatType") ?? "Indicator") + ": " + observable.Value;
        return title.Length <= 100 ? title : title.Substring(0, 100);
    }

    private static string? Text(Dictionary<string, object> body, string field) =>
        body.TryGetValue(field, out var value) && value != null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// Public unicast (§1.4: only external IPs): not private, loopback, link-local, CGNAT, unspecified or
    /// multicast; an IPv4 address written in IPv6 form is judged as IPv4. The documentation ranges
    /// (203.0.113.0/24, 2001:db8::/32…) count as public, as the emulator has them: examples use them.
    /// </summary>
    public static bool IsPublic(string address)
    {
        if (!IPAddress.TryParse(address, out var ip)) return false;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip)) return false;
        var bytes = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(bytes[0] == 10 || bytes[0] == 0 || (bytes[0] == 172 && bytes[1] >= 16 && bytes[1] <= 31) || (bytes[0] == 192 && bytes[1] == 168) ||
                     (bytes[0] == 169 && bytes[1] == 254) || (bytes[0] == 100 && bytes[1] >= 64 && bytes[1] <= 127) || bytes[0] >= 224);
        }
        return !(ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6Multicast || (bytes[0] & 0xfe) == 0xfc || ip.Equals(IPAddress.IPv6None));
    }

    /// <summary>A Defender indicator as read from the API, in the common fields.</summary>
    public static TiIndicator FromDefender(JsonElement item)
    {
        string? S(string name) => item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        DateTimeOffset? D(string name) => DateTimeOffset.TryParse(S(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : (DateTimeOffset?)null;
        var value = S("indicatorValue") ?? "";
        var action = S("action");
        var indicator = new TiIndicator
        {
            Id = S("id"),
            Target = TiTarget.DefenderForEndpoint,
            TargetProduct = TiIndicatorFields.DefenderAtp,
            Title = S("title"),
            Description = S("description"),
            DefenderAction = action,
            Action = TiActionOf(action),
            Severity = TiSeverityOf(S("severity")),
            ExpirationDateTime = D("expirationTime"),
            IngestedDateTime = D("creationTimeDateTimeUtc"),
            LastUpdatedDateTime = D("lastUpdateTime") ?? D("creationTimeDateTimeUtc"),
            Source = S("application"),
            CreatedBy = S("createdBy"),
            ExternalId = S("externalID") ?? S("externalId"),
            IsActive = true,
        };
        switch (S("indicatorType"))
        {
            case "FileSha1": indicator.FileHashValue = value; indicator.FileHashType = FileHashType.Sha1; break;
            case "FileSha256": indicator.FileHashValue = value; indicator.FileHashType = FileHashType.Sha256; break;
            case "FileMd5": indicator.FileHashValue = value; indicator.FileHashType = FileHashType.Md5; break;
            case "IpAddress": if (value.IndexOf(':') >= 0) indicator.NetworkDestinationIPv6 = value; else indicator.NetworkDestinationIPv4 = value; break;
            case "DomainName": indicator.DomainName = value; break;
            case "Url": indicator.Url = value; break;
            default: indicator.AdditionalInformation = S("indicatorType") + ": " + value; break;
        }
        return indicator;
    }

    /// <summary>The observable of a Defender indicator read from the API (the same key its input had).</summary>
    public static TiObservable ObservableOf(TiIndicator indicator)
    {
        if (indicator.FileHashValue != null) return new TiObservable((indicator.FileHashType?.ToString() ?? "unknown").ToLowerInvariant(), indicator.FileHashValue.ToLowerInvariant());
        if (indicator.NetworkDestinationIPv4 != null) return new TiObservable("ipv4", indicator.NetworkDestinationIPv4);
        if (indicator.NetworkDestinationIPv6 != null) return new TiObservable("ipv6", IPAddress.TryParse(indicator.NetworkDestinationIPv6, out var v6) ? v6.ToString() : indicator.NetworkDestinationIPv6);
        if (indicator.DomainName != null) return new TiObservable("domain", indicator.DomainName.ToLowerInvariant());
        if (indicator.Url != null) return new TiObservable("url", indicator.Url);
        return new TiObservable("other", indicator.AdditionalInformation ?? indicator.Id ?? "");
    }
}
