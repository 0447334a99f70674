using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GraphSecurity.Emulator.Errors;
using S = GraphSecurity.Emulator.Defender.DefenderIndicatorSchema;

namespace GraphSecurity.Emulator.Defender;

/// <summary>One submitted indicator, validated field by field: the values it gives and which optional fields it names.</summary>
public sealed record IndicatorSubmission(DefenderIndicator Values, IReadOnlySet<string> Given);

/// <summary>
/// The rules of a submitted indicator (successor-apis.md §1.4, §1.5, §1.8): required fields, values per
/// type, the actions each type allows, what an update may change. Every refusal is a 400 that names the field.
/// </summary>
public static class DefenderIndicatorRules
{
    private static readonly string[] FileActions = { "Allowed", "Audit", "Warn", "Block", "BlockAndRemediate" };
    private static readonly string[] NetworkActions = { "Allowed", "Audit", "Warn", "Block" };
    private static readonly string[] CertificateActions = { "Allowed", "BlockAndRemediate" };

    private static readonly Regex Hex = new("^[0-9a-fA-F]+$", RegexOptions.CultureInvariant);
    private static readonly Regex Ipv4 = new(@"^\d{1,3}(\.\d{1,3}){3}$", RegexOptions.CultureInvariant);
    private static readonly Regex Ipv6 = new("^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){7}$", RegexOptions.CultureInvariant);
    private static readonly Regex Domain = new(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    public static ApiError Invalid(string code, string message) => new(400, code, message);

    /// <summary>Reads one indicator body (names are case-sensitive, §1.5); enum values are taken in any case and stored as declared.</summary>
    public static IndicatorSubmission Parse(JsonNode body)
    {
        if (body is not JsonObject o) throw Invalid("InvalidRequestBody", "An indicator must be a JSON object.");
        var given = new HashSet<string>(StringComparer.Ordinal);
        string Text(string name, bool required = false)
        {
            if (!o.TryGetPropertyValue(name, out var node) || node == null)
                return required ? throw Invalid("MissingRequiredParameter", $"Missing required parameter '{name}'.") : null;
            if (node.GetValueKind() != JsonValueKind.String) throw Invalid("InvalidRequestBody", $"'{name}' must be a string.");
            given.Add(name);
            var text = node.GetValue<string>().Trim();
            if (required && text.Length == 0) throw Invalid("InvalidInput", $"'{name}' must not be empty.");
            return text;
        }
        string Enum(string name, Graph.EnumDef values, bool required = false)
        {
            var text = Text(name, required);
            if (text == null) return null;
            return values.Members.FirstOrDefault(m => string.Equals(m, text, StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid("InvalidInput", $"'{name}' has an unknown value '{text}'. Valid values: {string.Join(", ", values.Members)}.");
        }

        if (o["indicatorValue"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Trim().Length == 0)
            throw Invalid("InvalidInput", "Recieved an empty indicator value."); // sic, the service's spelling (§1.10)
        var value = Text("indicatorValue", required: true);
        var type = Enum("indicatorType", S.IndicatorType, required: true);
        var indicator = new DefenderIndicator
        {
            IndicatorValue = CheckValue(type, value),
            IndicatorType = type,
            Action = Enum("action", S.Action, required: true),
            Title = Text("title", required: true),
            Description = Text("description", required: true),
            Severity = Enum("severity", S.Severity),
            Application = Text("application"),
            RecommendedActions = Text("recommendedActions"),
            // Both spellings are in use (§1.3 ⚠): the documented externalID and the externalId real answers carry.
            ExternalId = Text("externalID") ?? Text("externalId"),
            EducateUrl = Text("educateUrl"),
            ExpirationTime = Date(o, "expirationTime", given),
            RbacGroupNames = Groups(o, given),
            GenerateAlert = Bool(o, "generateAlert", given),
        };
        if (given.Contains("externalID")) given.Add("externalId");
        return new IndicatorSubmission(indicator, given);
    }

    /// <summary>A new indicator from a submission: defaults for what it leaves out (severity Informational, no expiry, every device group).</summary>
    public static DefenderIndicator Create(IndicatorSubmission s, string id, IndicatorCaller caller, DateTimeOffset now) => Checked(s.Values with
    {
        Id = id,
        Severity = s.Values.Severity ?? "Informational",
        SourceType = caller.IsUser ? "User" : "AadApp",
        CreatedBySource = caller.DisplayName,
        CreatedBy = caller.Id,
        CreatedByDisplayName = caller.DisplayName,
        CreationTimeDateTimeUtc = now,
        LastUpdateTime = now,
    });

    /// <summary>
    /// An update of <paramref name="current"/> (§1.8): id, creator, creation time and application stay;
    /// the required fields are replaced, optional ones only when the submission names them.
    /// </summary>
    public static DefenderIndicator Update(DefenderIndicator current, IndicatorSubmission s, IndicatorCaller caller, DateTimeOffset now)
    {
        var v = s.Values;
        T Pick<T>(string name, T given, T kept) => s.Given.Contains(name) ? given : kept;
        return Checked(current with
        {
            Action = v.Action,
            Title = v.Title,
            Description = v.Description,
            Severity = Pick("severity", v.Severity, current.Severity),
            RecommendedActions = Pick("recommendedActions", v.RecommendedActions, current.RecommendedActions),
            ExternalId = Pick("externalId", v.ExternalId, current.ExternalId),
            EducateUrl = Pick("educateUrl", v.EducateUrl, current.EducateUrl),
            ExpirationTime = Pick("expirationTime", v.ExpirationTime, current.ExpirationTime),
            RbacGroupNames = Pick("rbacGroupNames", v.RbacGroupNames, current.RbacGroupNames),
            GenerateAlert = Pick("generateAlert", v.GenerateAlert, current.GenerateAlert),
            LastUpdatedBy = caller.Id,
            LastUpdateTime = now,
        });
    }

    /// <summary>The rules across fields, on the indicator as it would be stored (§1.4).</summary>
    private static DefenderIndicator Checked(DefenderIndicator i)
    {
        var allowed = i.IndicatorType switch
        {
            "FileSha1" or "FileSha256" or "FileMd5" => FileActions,
            "CertificateThumbprint" => CertificateActions,
            _ => NetworkActions,
        };
        // The retired names stand for their successors: Alert is Audit with an alert, AlertAndBlock is BlockAndRemediate.
        var action = i.Action switch { "Alert" => "Audit", "AlertAndBlock" => "BlockAndRemediate", _ => i.Action };
        if (!allowed.Contains(action))
            throw Invalid("InvalidInput", $"'action' {i.Action} is not supported for indicatorType {i.IndicatorType}. Supported: {string.Join(", ", allowed)}.");
        if (i.Action == "Alert") i = i with { GenerateAlert = true };
        if (action == "Audit" && !i.GenerateAlert)
            throw Invalid("InvalidInput", "'generateAlert' must be true when 'action' is Audit.");
        if (i.EducateUrl != null && !(i.IndicatorType is "Url" or "DomainName" && action is "Block" or "Warn"))
            throw Invalid("InvalidInput", "'educateUrl' is only supported on Url and DomainName indicators whose action is Block or Warn.");
        if (i.EducateUrl != null && !(Uri.TryCreate(i.EducateUrl, UriKind.Absolute, out var educate) && educate.Scheme is "http" or "https"))
            throw Invalid("InvalidUrl", $"'educateUrl' '{i.EducateUrl}' is not an absolute http or https URL.");
        return i;
    }

    /// <summary>The value rules per type (§1.4): hash lengths, public IPs written out in full, plain domains and URLs; no wildcards, ranges or CIDR.</summary>
    private static string CheckValue(string type, string value)
    {
        switch (type)
        {
            case "FileSha1" or "FileSha256" or "FileMd5" or "CertificateThumbprint":
                var length = type switch { "FileSha256" => 64, "FileMd5" => 32, _ => 40 };
                if (value.Length != length || !Hex.IsMatch(value))
                    throw Invalid("InvalidHashValue", $"'indicatorValue' '{value}' is not a {type} value ({length} hexadecimal characters).");
                return value;
            case "IpAddress":
                if (!IsPublicIp(value))
                    throw Invalid("InvalidIpAddress", $"'indicatorValue' '{value}' is not a public IPv4 or full IPv6 address (no CIDR, ranges, wildcards or internal addresses).");
                return value;
            case "DomainName":
                if (!Domain.IsMatch(value)) throw Invalid("InvalidDomainName", $"'indicatorValue' '{value}' is not a domain name (no scheme, path or wildcard).");
                return value;
            default:
                var absolute = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
                if (value.Contains('*') || !Uri.TryCreate(absolute, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || !Domain.IsMatch(url.Host))
                    throw Invalid("InvalidUrl", $"'indicatorValue' '{value}' is not a URL (http or https, a domain host, no wildcard).");
                return value;
        }
    }

    private static bool IsPublicIp(string value)
    {
        if (Ipv4.IsMatch(value))
        {
            var octets = value.Split('.').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            if (octets.Any(b => b > 255)) return false;
            var (a, b2) = (octets[0], octets[1]);
            return !(a is 0 or 10 or 127 || a >= 224 || (a == 100 && b2 is >= 64 and <= 127) || (a == 169 && b2 == 254)
                || (a == 172 && b2 is >= 16 and <= 31) || (a == 192 && b2 == 168));
        }
        if (!Ipv6.IsMatch(value) || !IPAddress.TryParse(value, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6) return false;
        return !(IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.IPv6None) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal || ip.IsIPv6Multicast);
    }

    private static DateTimeOffset? Date(JsonObject o, string name, HashSet<string> given)
    {
        if (!o.TryGetPropertyValue(name, out var node)) return null;
        given.Add(name);
        if (node == null) return null;
        if (node.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return date.ToUniversalTime();
        throw Invalid("InvalidInput", $"'{name}' must be an ISO 8601 date-time such as 2026-12-12T00:00:00Z.");
    }

    /// <summary>A JSON array, or the comma-separated string the reference describes (§1.5 ⚠).</summary>
    private static List<string> Groups(JsonObject o, HashSet<string> given)
    {
        if (!o.TryGetPropertyValue("rbacGroupNames", out var node)) return new List<string>();
        given.Add("rbacGroupNames");
        IEnumerable<string> names = node switch
        {
            null => Array.Empty<string>(),
            JsonArray a when a.All(n => n?.GetValueKind() == JsonValueKind.String) => a.Select(n => n.GetValue<string>()),
            JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>().Split(','),
            _ => throw Invalid("InvalidRequestBody", "'rbacGroupNames' must be an array of device group names (or one comma-separated string)."),
        };
        return names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>A JSON boolean, or "True"/"False" (the reference documents it as an enum).</summary>
    private static bool Bool(JsonObject o, string name, HashSet<string> given)
    {
        if (!o.TryGetPropertyValue(name, out var node) || node == null) return false;
        given.Add(name);
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(node.GetValue<string>(), out var b) => b,
            _ => throw Invalid("InvalidRequestBody", $"'{name}' must be true or false."),
        };
    }
}

/// <summary>Who writes: the app (its id) or the signed-in user (UPN); <see cref="SeesAll"/> for Ti.ReadWrite.All and delegated callers.</summary>
public sealed record IndicatorCaller(string Id, string DisplayName, bool IsUser, bool SeesAll)
{
    public bool Owns(DefenderIndicator i) => SeesAll || string.Equals(i.CreatedBy, Id, StringComparison.OrdinalIgnoreCase);

    public static IndicatorCaller From(Identity.CallerPrincipal p) => p.IsDelegated
        ? new IndicatorCaller(p.UserPrincipalName, p.UserPrincipalName, IsUser: true, SeesAll: true)
        : new IndicatorCaller(p.AppId, p.AppDisplayName, IsUser: false, SeesAll: p.Roles.Contains("Ti.ReadWrite.All"));
}
