using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Query;
using P = GraphSecurity.Emulator.Graph.Props<System.Text.Json.Nodes.JsonObject>;

namespace GraphSecurity.Emulator.Graph.TiIndicators;

public enum TiType { String, Int32, Int64, Boolean, DateTime, Enum, StringCollection }

/// <summary>
/// One declared property of microsoft.graph.tiIndicator. <see cref="Observable"/> marks the email/file/network
/// observables (a create needs at least one); the Editable flags follow the update table of the reference (§4.2).
/// </summary>
public sealed record TiProperty(string Name, TiType Type, EnumDef Enum = null, bool Observable = false,
    bool SentinelEditable = false, bool MdeEditable = false, bool SystemSet = false, int Min = int.MinValue, int Max = int.MaxValue);

/// <summary>The declared properties of microsoft.graph.tiIndicator (beta CSDL), value validation and the JSON writer.</summary>
public static class TiIndicatorSchema
{
    public const string TypeName = "microsoft.graph.tiIndicator";
    public const string Sentinel = "Azure Sentinel";
    public const string DefenderAtp = "Microsoft Defender ATP";
    public const int MaxDescriptionLength = 100;

    public static readonly EnumDef TiAction = new("tiAction", "unknown", "allow", "block", "alert", "unknownFutureValue") { Namespace = "microsoft.graph" };
    public static readonly EnumDef TlpLevel = new("tlpLevel", "unknown", "white", "green", "amber", "red", "unknownFutureValue") { Namespace = "microsoft.graph" };
    public static readonly EnumDef DiamondModel = new("diamondModel", "unknown", "adversary", "capability", "infrastructure", "victim", "unknownFutureValue") { Namespace = "microsoft.graph" };
    public static readonly EnumDef FileHashType = new("fileHashType", "unknown", "sha1", "sha256", "md5", "authenticodeHash256", "lsHash", "ctph", "unknownFutureValue") { Namespace = "microsoft.graph" };

    /// <summary>String properties with a closed list of values (matched case-insensitively, stored in this casing).</summary>
    public static readonly string[] ThreatTypes = { "Botnet", "C2", "CryptoMining", "Darknet", "DDoS", "MaliciousUrl", "Malware", "Phishing", "Proxy", "PUA", "WatchList" };
    public static readonly string[] KillChainValues = { "Actions", "C2", "Delivery", "Exploitation", "Installation", "Reconnaissance", "Weaponization" };
    public static readonly string[] TargetProducts = { Sentinel, DefenderAtp };

    /// <summary>The only observables a Microsoft Defender ATP indicator may carry (exactly one of them).</summary>
    public static readonly string[] DefenderAtpObservables = { "domainName", "url", "networkDestinationIPv4", "networkDestinationIPv6", "fileHashValue" };

    public static readonly IReadOnlyList<TiProperty> Properties = new List<TiProperty>
    {
        new("action", TiType.Enum, TiAction, SentinelEditable: true),
        new("activityGroupNames", TiType.StringCollection, SentinelEditable: true),
        new("additionalInformation", TiType.String, SentinelEditable: true),
        new("azureTenantId", TiType.String),
        new("confidence", TiType.Int32, SentinelEditable: true, Min: 0, Max: 100),
        new("description", TiType.String, SentinelEditable: true, MdeEditable: true),
        new("diamondModel", TiType.Enum, DiamondModel, SentinelEditable: true),
        Obs("domainName"),
        Obs("emailEncoding"), Obs("emailLanguage"), Obs("emailRecipient"), Obs("emailSenderAddress"), Obs("emailSenderName"),
        Obs("emailSourceDomain"), Obs("emailSourceIpAddress"), Obs("emailSubject"), Obs("emailXMailer"),
        new("expirationDateTime", TiType.DateTime, SentinelEditable: true, MdeEditable: true),
        new("externalId", TiType.String, SentinelEditable: true),
        Obs("fileCompileDateTime", TiType.DateTime), Obs("fileCreatedDateTime", TiType.DateTime),
        new("fileHashType", TiType.Enum, FileHashType),
        Obs("fileHashValue"), Obs("fileMutexName"), Obs("fileName"), Obs("filePacker"), Obs("filePath"),
        Obs("fileSize", TiType.Int64), Obs("fileType"),
        new("id", TiType.String, SystemSet: true),
        new("ingestedDateTime", TiType.DateTime, SystemSet: true),
        new("isActive", TiType.Boolean, SentinelEditable: true),
        new("killChain", TiType.StringCollection, SentinelEditable: true),
        new("knownFalsePositives", TiType.String, SentinelEditable: true),
        new("lastReportedDateTime", TiType.DateTime, SentinelEditable: true),
        new("malwareFamilyNames", TiType.StringCollection, SentinelEditable: true),
        Obs("networkCidrBlock"), Obs("networkDestinationAsn", TiType.Int64), Obs("networkDestinationCidrBlock"),
        Obs("networkDestinationIPv4"), Obs("networkDestinationIPv6"), Obs("networkDestinationPort", TiType.Int32, 0, 65535),
        Obs("networkIPv4"), Obs("networkIPv6"), Obs("networkPort", TiType.Int32, 0, 65535), Obs("networkProtocol", TiType.Int32, 0, 255),
        Obs("networkSourceAsn", TiType.Int64), Obs("networkSourceCidrBlock"), Obs("networkSourceIPv4"), Obs("networkSourceIPv6"),
        Obs("networkSourcePort", TiType.Int32, 0, 65535),
        new("passiveOnly", TiType.Boolean, SentinelEditable: true),
        new("severity", TiType.Int32, SentinelEditable: true, MdeEditable: true, Min: 0, Max: 5),
        new("tags", TiType.StringCollection, SentinelEditable: true),
        new("targetProduct", TiType.String),
        new("threatType", TiType.String),
        new("tlpLevel", TiType.Enum, TlpLevel, SentinelEditable: true),
        Obs("url"), Obs("userAgent"),
    };

    private static TiProperty Obs(string name, TiType type = TiType.String, int min = int.MinValue, int max = int.MaxValue) =>
        new(name, type, Observable: true, Min: min, Max: max);

    private static readonly Dictionary<string, TiProperty> ByName = Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static TiProperty Find(string name) => name != null && ByName.TryGetValue(name, out var p) ? p : null;

    /// <summary>
    /// Query binding for the list: $filter on the properties clients use to find their own indicators again
    /// (listed first, in the order error messages name them); every other declared property is known but
    /// not filterable. Indicators are stored and written as JSON objects (see <see cref="Write"/>).
    /// </summary>
    public static readonly EntitySchema Entity = new(TypeName, "tiIndicators", new[]
        {
            P.S("externalId", i => (string)i["externalId"], filterable: true),
            P.S("threatType", i => (string)i["threatType"], filterable: true),
            P.S("targetProduct", i => (string)i["targetProduct"], filterable: true),
            P.B("isActive", i => (bool?)i["isActive"], filterable: true),
            P.D("expirationDateTime", i => ParseDate((string)i["expirationDateTime"]), filterable: true),
        }.Concat(Properties.Where(p => p.Name is not ("externalId" or "threatType" or "targetProduct" or "isActive" or "expirationDateTime"))
            .Select(p => P.J(p.Name, i => i[p.Name]))).ToList());

    public static readonly QueryRules Rules = new(Entity, MaxTop: 1000) { DefaultTop = 100, AllowOrderBy = false, AllowSelect = false };

    private static DateTimeOffset? ParseDate(string s) =>
        s == null ? null : DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>A new indicator with every declared property present: null, [] or the documented default.</summary>
    public static JsonObject Empty()
    {
        var o = new JsonObject();
        foreach (var p in Properties) o[p.Name] = p.Type == TiType.StringCollection ? new JsonArray() : null;
        o["isActive"] = true;
        o["passiveOnly"] = false;
        o["severity"] = 3;
        return o;
    }

    /// <summary>Checks a client-supplied value against the property's type and rules; returns the value to store.</summary>
    public static JsonNode Convert(TiProperty p, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (p.Name is "targetProduct" or "expirationDateTime" or "isActive" or "passiveOnly" or "severity")
                throw Invalid(p, "null", "The property cannot be null.");
            return p.Type == TiType.StringCollection ? new JsonArray() : null;
        }
        switch (p.Type)
        {
            case TiType.String:
                if (value.ValueKind != JsonValueKind.String) throw Invalid(p, value.ToString(), "A string is expected.");
                return JsonValue.Create(CheckString(p, value.GetString()));
            case TiType.Int32:
            case TiType.Int64:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n) || (p.Type == TiType.Int32 && (n < int.MinValue || n > int.MaxValue)))
                    throw Invalid(p, value.ToString(), $"An {(p.Type == TiType.Int32 ? "Int32" : "Int64")} number is expected.");
                if (n < p.Min || n > p.Max) throw Invalid(p, value.ToString(), $"The value must be between {p.Min} and {p.Max}.");
                return p.Type == TiType.Int32 ? JsonValue.Create((int)n) : JsonValue.Create(n);
            case TiType.Boolean:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Invalid(p, value.ToString(), "true or false is expected.");
                return JsonValue.Create(value.GetBoolean());
            case TiType.DateTime:
                if (value.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d))
                    throw Invalid(p, value.ToString(), "An ISO 8601 date and time is expected, e.g. 2026-12-31T00:00:00Z.");
                return JsonValue.Create(AlertSchema.FormatDate(d));
            case TiType.Enum:
                var member = value.ValueKind == JsonValueKind.String ? p.Enum.Parse(value.GetString()) : null;
                if (member == null || member == EnumDef.UnknownFutureValue)
                    throw GraphError.BadRequest($"Cannot convert the literal '{value}' to the expected type '{p.Enum.FullName}'. Valid values: {string.Join(", ", p.Enum.Members.Where(m => m != EnumDef.UnknownFutureValue))}.");
                return JsonValue.Create(member);
            default:
                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                    throw Invalid(p, value.ToString(), "An array of strings is expected.");
                var items = value.EnumerateArray().Select(e => e.GetString());
                if (p.Name == "killChain") items = items.Select(v => OneOf(p, v, KillChainValues));
                return new JsonArray(items.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        }
    }

    private static string CheckString(TiProperty p, string s)
    {
        switch (p.Name)
        {
            case "description" when s.Length > MaxDescriptionLength:
                throw Invalid(p, s, $"The description may have at most {MaxDescriptionLength} characters (it has {s.Length}).");
            case "threatType":
                return OneOf(p, s, ThreatTypes);
            case "targetProduct":
                return OneOf(p, s, TargetProducts);
            case "networkIPv4" or "networkSourceIPv4" or "networkDestinationIPv4" or "emailSourceIpAddress":
                if (!IsIp(s, AddressFamily.InterNetwork)) throw Invalid(p, s, "An IPv4 address is expected.");
                break;
            case "networkIPv6" or "networkSourceIPv6" or "networkDestinationIPv6":
                if (!IsIp(s, AddressFamily.InterNetworkV6)) throw Invalid(p, s, "An IPv6 address is expected.");
                break;
            case "networkCidrBlock" or "networkSourceCidrBlock" or "networkDestinationCidrBlock":
                if (!IPNetwork.TryParse(s, out _)) throw Invalid(p, s, "A CIDR block such as 203.0.113.0/24 is expected.");
                break;
            case "url":
                if (!Uri.TryCreate(s, UriKind.Absolute, out _)) throw Invalid(p, s, "An absolute URL (RFC 1738) is expected.");
                break;
            case "fileHashValue":
                if (s.Length == 0 || !s.All(Uri.IsHexDigit)) throw Invalid(p, s, "A hexadecimal hash value is expected.");
                break;
        }
        return s;
    }

    private static bool IsIp(string s, AddressFamily family) => IPAddress.TryParse(s, out var ip) && ip.AddressFamily == family;

    private static string OneOf(TiProperty p, string s, string[] allowed) =>
        allowed.FirstOrDefault(a => string.Equals(a, s, StringComparison.OrdinalIgnoreCase))
        ?? throw Invalid(p, s, $"Valid values: {string.Join(", ", allowed)}.");

    private static GraphError Invalid(TiProperty p, string value, string why) =>
        GraphError.BadRequest($"Invalid value '{value}' for property '{p.Name}' of '{TypeName}'. {why}");

    /// <summary>Writes one indicator; every declared property is present, in schema order.</summary>
    public static void Write(Utf8JsonWriter w, JsonObject indicator, string odataContext = null)
    {
        w.WriteStartObject();
        if (odataContext != null) w.WriteString("@odata.context", odataContext);
        foreach (var p in Properties)
        {
            w.WritePropertyName(p.Name);
            var node = indicator[p.Name];
            if (node == null) w.WriteNullValue(); else node.WriteTo(w);
        }
        w.WriteEndObject();
    }
}
