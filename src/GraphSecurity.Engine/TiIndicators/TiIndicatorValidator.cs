using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>Values used when an input does not give them, so a CSV with only an indicator column is enough.</summary>
public sealed class TiIndicatorDefaults
{
    public string Action { get; set; } = "alert";
    public string TlpLevel { get; set; } = "amber";
    public string ThreatType { get; set; } = "WatchList";
    public string TargetProduct { get; set; } = TiIndicatorFields.Sentinel;
    /// <summary>expirationDateTime = now + ValidFor.</summary>
    /// <summary>When set, the lifetime of every input without an expiration, whatever its kind.</summary>
    public TimeSpan? ValidFor { get; set; }

    /// <summary>
    /// Lifetimes by kind of observable (ip, domain, url, file, email, other) for inputs without an
    /// expiration: addresses change hands within weeks, a file hash stays bad for good.
    /// </summary>
    public Dictionary<string, TimeSpan> Lifetimes { get; } = DefaultLifetimes.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    public static readonly IReadOnlyDictionary<string, TimeSpan> DefaultLifetimes = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase)
    {
        ["ip"] = TimeSpan.FromDays(30), ["domain"] = TimeSpan.FromDays(90), ["url"] = TimeSpan.FromDays(90),
        ["file"] = TimeSpan.FromDays(365), ["email"] = TimeSpan.FromDays(90), ["other"] = TimeSpan.FromDays(30),
    };

    /// <summary>The lifetime of an input whose observable is in this tiIndicator field.</summary>
    public TimeSpan LifetimeOf(string? observableField) =>
        ValidFor ?? (Lifetimes.TryGetValue(TiObservable.LifetimeKind(observableField), out var lifetime) ? lifetime : Lifetimes["other"]);
    /// <summary>The caller's tenant id, stamped on Azure Sentinel indicators (the service requires it).</summary>
    public string? AzureTenantId { get; set; }
}

/// <summary>A validated indicator, ready to submit: its create body and the keys used to find it again.</summary>
public sealed class TiIndicatorDraft
{
    public Dictionary<string, object> Body { get; } = new Dictionary<string, object>();
    public string ExternalId { get; set; } = "";
    public string TargetProduct { get; set; } = "";
    public string IndicatorType { get; set; } = "";
    public string Indicator { get; set; } = "";
    /// <summary>How the API the draft goes to recognises an existing indicator: the externalId unless the command sets another key.</summary>
    public string LookupKey { get => _lookupKey ?? ExternalId; set => _lookupKey = value; }
    private string? _lookupKey;
    /// <summary>Its expiration has passed: the command reports it and sends nothing.</summary>
    public bool IsExpired { get; set; }
    /// <summary>A Defender for Endpoint action named by the input (Audit, Warn, BlockAndRemediate, Allowed…); the body holds its closest tiIndicator action.</summary>
    public string? DefenderAction { get; set; }
    /// <summary>Defender for Endpoint device groups the indicator applies to; none means every device.</summary>
    public List<string> RbacGroupNames { get; } = new List<string>();
}

/// <summary>
/// Checks one input before anything is sent (reference §4.2–4.3): field syntax (IP, CIDR, URL,
/// hash length for its type, dates, enumerations, ranges), the required fields, and the
/// observables each target product accepts. Fills the defaults and derives a deterministic
/// externalId when none is given, so the same input always maps to the same indicator.
/// </summary>
public static class TiIndicatorValidator
{
    /// <summary>The generic input key: an observable whose kind is recognised from its value.</summary>
    public const string GenericIndicator = "indicator";

    private static readonly Dictionary<string, int> HashLengths = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["md5"] = 32,
        ["sha1"] = 40,
        ["sha256"] = 64,
    };
    private static readonly Regex Hex = new Regex("^[0-9a-fA-F]+$", RegexOptions.Compiled);
    private static readonly Regex DomainPattern = new Regex(@"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z][a-z0-9-]{0,62}$", RegexOptions.Compiled | RegexOptions.IgnoreCase);
    private static readonly Regex EmailPattern = new Regex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.Compiled);

    /// <summary>Validates an input given as wire field names and raw values (text, numbers, dates, lists).</summary>
    /// <returns>The draft, or null with <paramref name="errors"/> saying everything that is wrong.</returns>
    public static TiIndicatorDraft? Validate(IReadOnlyDictionary<string, object> input, TiIndicatorDefaults defaults, DateTimeOffset now, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var draft = new TiIndicatorDraft();
        var body = draft.Body;

        foreach (var pair in input)
        {
            if (IsEmpty(pair.Value)) continue;
            if (string.Equals(pair.Key, GenericIndicator, StringComparison.OrdinalIgnoreCase)) continue;
            if (!TiIndicatorFields.ByName.TryGetValue(pair.Key, out var field)) { problems.Add($"'{pair.Key}' is not a tiIndicator field."); continue; }
            // An "ip" column binds to networkDestinationIPv4 but may hold an IPv6 address.
            if (field.Kind == TiFieldKind.IPv4 && IPAddress.TryParse(Refang(Text(pair.Value)), out var address) && address.AddressFamily == AddressFamily.InterNetworkV6)
                field = TiIndicatorFields.ByName[field.Name.Replace("IPv4", "IPv6")];
            var value = Convert(field, pair.Value, problems);
            if (value != null) body[field.Name] = value;
        }
        if (input.TryGetValue(GenericIndicator, out var generic) && !IsEmpty(generic))
            AddGeneric(Text(generic), body, problems);

        InferHashType(body, problems);
        ApplyDefaults(body, defaults, now);
        CheckRules(body, now, problems);

        errors = problems;
        if (problems.Count > 0) return null;

        var observable = TiIndicatorFields.All.First(f => f.IsObservable && body.ContainsKey(f.Name));
        draft.TargetProduct = (string)body["targetProduct"];
        draft.IndicatorType = observable.Name;
        draft.Indicator = System.Convert.ToString(body[observable.Name], CultureInfo.InvariantCulture);
        if (!body.ContainsKey("externalId")) body["externalId"] = DeriveExternalId(draft.IndicatorType, draft.Indicator);
        draft.ExternalId = (string)body["externalId"];
        draft.IsExpired = (DateTimeOffset)body["expirationDateTime"] <= now;
        return draft;
    }

    /// <summary>
    /// "gs-" and 20 hex digits of SHA-256 over the observable's field and its normalised value:
    /// the same indicator always gets the same id, so a re-run can recognise what it created.
    /// </summary>
    public static string DeriveExternalId(string indicatorType, string indicator)
    {
        using (var sha = SHA256.Create())
        {
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(indicatorType + ":" + indicator.Trim().ToLowerInvariant()));
            return "gs-" + string.Concat(hash.Take(10).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
    }

    private static void AddGeneric(string value, Dictionary<string, object> body, List<string> problems)
    {
        var text = Refang(value);
        string field;
        if (IPAddress.TryParse(text, out var ip) && text.IndexOf('/') < 0)
            field = ip.AddressFamily == AddressFamily.InterNetworkV6 ? "networkDestinationIPv6" : "networkDestinationIPv4";
        else if (Hex.IsMatch(text) && HashLengths.ContainsValue(text.Length)) field = "fileHashValue";
        else if (text.Contains("://")) field = "url";
        else if (EmailPattern.IsMatch(text)) field = "emailSenderAddress";
        else if (DomainPattern.IsMatch(ToAsciiDomain(text) ?? "")) field = "domainName";
        else { problems.Add($"Cannot tell what kind of indicator '{value}' is (IP address, hash, URL, e-mail address or domain); use a specific column such as url or domainName."); return; }
        if (body.ContainsKey(field)) { problems.Add($"The indicator '{value}' and the {field} column both give a {field}."); return; }
        var converted = Convert(TiIndicatorFields.ByName[field], text, problems);
        if (converted != null) body[field] = converted;
    }

    private static void InferHashType(Dictionary<string, object> body, List<string> problems)
    {
        if (!body.TryGetValue("fileHashValue", out var hashValue) || body.ContainsKey("fileHashType")) return;
        var hash = (string)hashValue;
        var type = HashLengths.FirstOrDefault(p => p.Value == hash.Length).Key;
        if (type != null) body["fileHashType"] = type;
        else problems.Add($"fileHashValue '{hash}' has {hash.Length} characters; give fileHashType (md5, sha1 and sha256 hashes have 32, 40 and 64).");
    }

    private static void ApplyDefaults(Dictionary<string, object> body, TiIndicatorDefaults defaults, DateTimeOffset now)
    {
        if (!body.ContainsKey("action")) body["action"] = defaults.Action;
        if (!body.ContainsKey("tlpLevel")) body["tlpLevel"] = defaults.TlpLevel;
        if (!body.ContainsKey("threatType")) body["threatType"] = defaults.ThreatType;
        if (!body.ContainsKey("targetProduct")) body["targetProduct"] = defaults.TargetProduct;
        if (!body.ContainsKey("expirationDateTime"))
        {
            var observable = TiIndicatorFields.All.FirstOrDefault(f => f.IsObservable && body.ContainsKey(f.Name));
            body["expirationDateTime"] = now.Add(defaults.LifetimeOf(observable?.Name)).ToUniversalTime();
        }
        if (!body.ContainsKey("description"))
        {
            var observable = TiIndicatorFields.All.FirstOrDefault(f => f.IsObservable && body.ContainsKey(f.Name));
            var text = observable == null ? "Threat indicator" : $"{body["threatType"]} {observable.Name} {body[observable.Name]}";
            body["description"] = text.Length > 100 ? text.Substring(0, 100) : text;
        }
        if ((string)body["targetProduct"] == TiIndicatorFields.Sentinel && !body.ContainsKey("azureTenantId") && defaults.AzureTenantId != null)
            body["azureTenantId"] = defaults.AzureTenantId;
    }

    private static void CheckRules(Dictionary<string, object> body, DateTimeOffset now, List<string> problems)
    {
        var missing = TiIndicatorFields.RequiredOnCreate.Where(r => !body.ContainsKey(r)).ToList();
        var product = body.TryGetValue("targetProduct", out var p) ? (string)p : null;
        if (product == TiIndicatorFields.Sentinel && !body.ContainsKey("azureTenantId")) missing.Add("azureTenantId");
        if (missing.Count > 0) problems.Add($"Missing required fields for targetProduct '{product}': {string.Join(", ", missing)}.");

        var observables = TiIndicatorFields.All.Where(f => f.IsObservable && body.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        // A rejected observable is already reported; it is not also called missing.
        if (observables.Count == 0 && problems.Count == 0)
            problems.Add("No observable: give an indicator (e.g. a url, domainName, networkDestinationIPv4, fileHashValue or emailSenderAddress column).");
        else if (observables.Count > 0 && product == TiIndicatorFields.DefenderAtp)
        {
            if (observables.Count != 1 || !TiIndicatorFields.DefenderObservables.Contains(observables[0]))
                problems.Add($"An indicator for '{TiIndicatorFields.DefenderAtp}' needs exactly one of {string.Join(", ", TiIndicatorFields.DefenderObservables)}; this one has {string.Join(", ", observables)}.");
        }

        if (body.TryGetValue("fileHashValue", out var hash) && body.TryGetValue("fileHashType", out var hashType) &&
            HashLengths.TryGetValue((string)hashType, out var length) && ((string)hash).Length != length)
            problems.Add($"'{hash}' is not a {hashType} hash: a {hashType} hash is {length} hexadecimal characters, this one has {((string)hash).Length}.");
        if (body.ContainsKey("fileHashType") && !body.ContainsKey("fileHashValue"))
            problems.Add("fileHashType is given without fileHashValue.");
    }

    /// <summary>The wire value of one field, or null with a problem added.</summary>
    private static object? Convert(TiField field, object raw, List<string> problems)
    {
        string? text = raw is string s ? s.Trim() : null;
        string? Fail(string why) { problems.Add($"{field.Name} '{Text(raw)}' {why}"); return null; }
        switch (field.Kind)
        {
            case TiFieldKind.Text:
                return Text(raw);
            case TiFieldKind.Description:
                var description = Text(raw);
                return description.Length <= 100 ? description : Fail($"has {description.Length} characters; at most 100 are allowed.");
            case TiFieldKind.Number:
            case TiFieldKind.LargeNumber:
                if (!TryInteger(raw, out var number)) return Fail("is not a whole number.");
                if (number < field.Min || number > field.Max) return Fail($"is outside {field.Min}–{field.Max}.");
                return field.Kind == TiFieldKind.Number ? (object)(int)number : number;
            case TiFieldKind.Boolean:
                return TryBoolean(raw, out var flag) ? (object)flag : Fail("is not true or false.");
            case TiFieldKind.Date:
                return TryDate(raw, out var date) ? (object)date.ToUniversalTime() : Fail("is not a date and time (e.g. 2026-12-31T00:00:00Z).");
            case TiFieldKind.TextList:
                return List(raw);
            case TiFieldKind.KillChain:
                var phases = new List<string>();
                foreach (var item in List(raw))
                {
                    var known = TiIndicatorFields.KillChainValues.FirstOrDefault(k => string.Equals(k, item, StringComparison.OrdinalIgnoreCase));
                    if (known == null) return Fail($"has '{item}', which is not one of {string.Join(", ", TiIndicatorFields.KillChainValues)}.");
                    phases.Add(known);
                }
                return phases;
            case TiFieldKind.Enumeration:
                var enumType = field.EnumType ?? throw new InvalidOperationException($"The enumeration field {field.Name} names no enumeration.");
                if (raw is Enum member && member.GetType() == enumType) text = member.ToString();
                var name = Enum.GetNames(enumType).FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase) && n != "UnknownFutureValue");
                return name != null ? GraphJson.CamelCase(name) : Fail($"is not one of {string.Join(", ", Enum.GetNames(enumType).Where(n => n != "UnknownFutureValue").Select(GraphJson.CamelCase))}.");
            case TiFieldKind.ThreatType:
                return TiIndicatorFields.TryParseThreatType(Text(raw), out var threat) ? threat : Fail($"is not one of {string.Join(", ", Enum.GetNames(typeof(TiThreatType)))}.");
            case TiFieldKind.TargetProduct:
                if (raw is TiTargetProduct product) return TiIndicatorFields.ToWire(product);
                return TiIndicatorFields.TryParseTargetProduct(Text(raw), out var target) ? target : Fail($"is not '{TiIndicatorFields.Sentinel}' or '{TiIndicatorFields.DefenderAtp}'.");
            case TiFieldKind.IPv4:
            case TiFieldKind.IPv6:
            case TiFieldKind.IPAddress:
                if (!IPAddress.TryParse(Refang(Text(raw)), out var ip) || Refang(Text(raw)).IndexOf('/') >= 0) return Fail("is not an IP address.");
                var family = field.Kind == TiFieldKind.IPv4 ? AddressFamily.InterNetwork : field.Kind == TiFieldKind.IPv6 ? AddressFamily.InterNetworkV6 : ip.AddressFamily;
                return ip.AddressFamily == family ? ip.ToString() : Fail($"is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address.");
            case TiFieldKind.Cidr:
                var cidr = Refang(Text(raw));
                var slash = cidr.IndexOf('/');
                if (slash < 0 || !IPAddress.TryParse(cidr.Substring(0, slash), out var network) || !int.TryParse(cidr.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bits) ||
                    bits > (network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
                    return Fail("is not a CIDR block (e.g. 203.0.113.0/24).");
                return network + "/" + bits;
            case TiFieldKind.Url:
                var url = Refang(Text(raw));
                return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0 && (uri.Scheme == "http" || uri.Scheme == "https" || uri.Scheme == "ftp")
                    ? url : Fail("is not an absolute http, https or ftp URL.");
            case TiFieldKind.Domain:
                var domain = ToAsciiDomain(Refang(Text(raw)).TrimEnd('.'));
                return domain != null && DomainPattern.IsMatch(domain) ? domain : Fail("is not a domain name.");
            case TiFieldKind.Email:
                var address = Refang(Text(raw));
                return EmailPattern.IsMatch(address) ? address : Fail("is not an e-mail address.");
            case TiFieldKind.Hash:
                var hash = Text(raw);
                return Hex.IsMatch(hash) ? hash.ToLowerInvariant() : Fail("is not a hexadecimal hash.");
            default:
                throw new InvalidOperationException("Unknown field kind " + field.Kind);
        }
    }

    private static readonly IdnMapping Idn = new IdnMapping();

    /// <summary>
    /// A domain in lower-case ASCII: internationalised names (bücher.example) become their IDNA
    /// (punycode) form, xn--bcher-kva.example, which every target accepts; null when it is not a name at all.
    /// </summary>
    internal static string? ToAsciiDomain(string? domain)
    {
        if (Strings.IsNullOrEmpty(domain)) return null;
        if (domain.All(c => c < 128)) return domain.ToLowerInvariant();
        try { return Idn.GetAscii(domain).ToLowerInvariant(); }
        catch (ArgumentException) { return null; }
    }

    /// <summary>Undoes the usual defanging of feeds: hxxp://, [.], (.), [:], [@].</summary>
    private static string Refang(string text) =>
        Regex.Replace(text.Trim(), "^hxxp", "http", RegexOptions.IgnoreCase)
            .Replace("[.]", ".").Replace("(.)", ".").Replace("[:]", ":").Replace("[@]", "@").Replace("[at]", "@");

    private static bool IsEmpty(object value) =>
        value == null || (value is string s && s.Trim().Length == 0) || (value is ICollection c && !(value is string) && c.Count == 0);

    private static string Text(object value) => (System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "").Trim();

    private static List<string> List(object raw)
    {
        var items = raw is IEnumerable many && !(raw is string) ? many.Cast<object>().Select(Text) : new[] { Text(raw) };
        return items.SelectMany(i => i.Split(';', ',', '|')).Select(i => i.Trim()).Where(i => i.Length > 0).ToList();
    }

    private static bool TryInteger(object raw, out long value)
    {
        switch (raw)
        {
            case int i: value = i; return true;
            case long l: value = l; return true;
            case short sh: value = sh; return true;
            case byte b: value = b; return true;
            default: return long.TryParse(Text(raw), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
        }
    }

    private static bool TryBoolean(object raw, out bool value)
    {
        if (raw is bool b) { value = b; return true; }
        switch (Text(raw).ToLowerInvariant())
        {
            case "true": case "yes": case "1": case "y": value = true; return true;
            case "false": case "no": case "0": case "n": value = false; return true;
            default: value = false; return false;
        }
    }

    private static bool TryDate(object raw, out DateTimeOffset value)
    {
        switch (raw)
        {
            case DateTimeOffset offset: value = offset; return true;
            case DateTime dateTime: value = dateTime.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Local)) : new DateTimeOffset(dateTime); return true;
            default: return DateTimeOffset.TryParse(Text(raw), CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out value);
        }
    }
}
