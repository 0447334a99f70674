using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.Providers;

/// <summary>What the conformance suite needs: where the provider is, how to get a token for it, and what it may change.</summary>
public sealed class ProviderConformanceOptions
{
    public Uri BaseUrl { get; set; } = null!;
    /// <summary>A bearer token for the given audience in the customer tenant (the caller's connection or credential).</summary>
    public Func<string, CancellationToken, Task<string>> TokenFor { get; set; } = null!;
    /// <summary>How long the broker waits for a provider (gsprov/1: 10 s); slower answers fail the Latency check.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Run the checks that change the provider (an alert's tags, restored after; blockIp actions on documentation addresses).</summary>
    public bool AllowChanges { get; set; }
    /// <summary>The provider's token audience; taken from its metadata when null.</summary>
    public string? Audience { get; set; }
    /// <summary>Audiences no provider may claim: the Microsoft APIs' own resources, whose tokens must never reach a provider.</summary>
    public IReadOnlyCollection<string> ProtectedAudiences { get; set; } = Array.Empty<string>();
    /// <summary>The HTTP handler to reach the provider with (tests give an in-memory provider); null: the default.</summary>
    public System.Net.Http.HttpMessageHandler? Handler { get; set; }
}

/// <summary>
/// The gsprov/1 conformance suite (docs/provider-contract.md): one result per rule, each naming what the provider
/// did when it broke the rule. Checks are independent where they can be, so one broken rule fails one check.
/// </summary>
public sealed class ProviderConformance : IDisposable
{
    public const string ConformanceTag = "gs-conformance";
    /// <summary>Documentation addresses (RFC 5737): blocking them harms nothing.</summary>
    private const string BlockAddress = "192.0.2.10";
    private const string CancelAddress = "192.0.2.11";

    private readonly ProviderConformanceOptions _options;
    private readonly Action<ProviderCheck> _report;
    private readonly List<ProviderExchange> _exchanges = new List<ProviderExchange>();
    private readonly List<ProviderExchange> _errors = new List<ProviderExchange>();
    private readonly ProviderCaller _caller;
    private string _token = "";
    private string _tenant = "";
    private string _vendor = "";
    private string _provider = "";

    public ProviderConformance(ProviderConformanceOptions options, Action<ProviderCheck> report)
    {
        _options = options;
        _report = report;
        // Waits longer than the broker would, so a slow provider fails the Latency check rather than every check.
        _caller = new ProviderCaller(options.BaseUrl, options.Timeout + options.Timeout + TimeSpan.FromSeconds(5), options.Handler);
    }

    public void Dispose() => _caller.Dispose();

    public async Task<IReadOnlyList<ProviderCheck>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<ProviderCheck>();
        void Report(ProviderCheck c) { c.Url = _options.BaseUrl.ToString(); results.Add(c); _report(c); }
        {
            var metadata = await MetadataAsync(cancellationToken).ConfigureAwait(false);
            Report(metadata.Check);
            var audience = _options.Audience ?? metadata.Audience;
            if (audience == null) throw new InvalidOperationException($"{_options.BaseUrl} names no token audience in its metadata: give it with -Audience.");
            if (_options.ProtectedAudiences.Any(a => string.Equals(a.TrimEnd('/'), audience.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))
                throw new InvalidOperationException($"{_options.BaseUrl} claims the audience '{audience}', which is a Microsoft API's: no token of that API is sent to a provider.");
            _token = await _options.TokenFor(audience, cancellationToken).ConfigureAwait(false);
            _tenant = Authentication.JwtClaims.TryReadString(_token, "tid") ?? "";

            foreach (var check in await AuthChecksAsync(audience, cancellationToken).ConfigureAwait(false)) Report(check);
            var all = await ListAllAsync(cancellationToken).ConfigureAwait(false);
            Report(all.Check);
            var alerts = all.Alerts;
            Report(VendorInformationCheck(alerts));
            Report(DefaultOrderCheck(alerts));
            Report(await TopCheckAsync(alerts, cancellationToken).ConfigureAwait(false));
            Report(await TopRangeCheckAsync(cancellationToken).ConfigureAwait(false));
            Report(await PagingCheckAsync(alerts, cancellationToken).ConfigureAwait(false));
            Report(await OrderByCheckAsync(alerts, cancellationToken).ConfigureAwait(false));
            Report(await FilterCheckAsync(alerts, cancellationToken).ConfigureAwait(false));
            Report(await FilterUnsupportedCheckAsync(cancellationToken).ConfigureAwait(false));
            Report(await GetByIdCheckAsync(alerts, cancellationToken).ConfigureAwait(false));
            Report(await GetUnknownCheckAsync(cancellationToken).ConfigureAwait(false));
            foreach (var check in await PatchChecksAsync(alerts, cancellationToken).ConfigureAwait(false)) Report(check);
            foreach (var check in await ActionChecksAsync(metadata.Actions, cancellationToken).ConfigureAwait(false)) Report(check);
            Report(ErrorShapeCheck());
            Report(LatencyCheck());
        }
        return results;
    }

    private static ProviderCheck Result(string name, string rule, bool passed, string detail, long elapsed = 0) =>
        new ProviderCheck { Check = name, Rule = rule, Outcome = passed ? ProviderCheckOutcome.Passed : ProviderCheckOutcome.Failed, Detail = detail, ElapsedMs = elapsed };

    private static ProviderCheck Skipped(string name, string rule, string why) =>
        new ProviderCheck { Check = name, Rule = rule, Outcome = ProviderCheckOutcome.Skipped, Detail = why };

    private async Task<ProviderExchange> CallAsync(Func<Task<ProviderExchange>> call)
    {
        var exchange = await call().ConfigureAwait(false);
        _exchanges.Add(exchange);
        if (exchange.Status >= 400) _errors.Add(exchange);
        return exchange;
    }

    private Task<ProviderExchange> GetAsync(string relative, CancellationToken ct, bool withToken = true) =>
        CallAsync(() => _caller.GetAsync(relative, withToken ? _token : null, ct));

    private static string Describe(ProviderExchange e) =>
        e.Status == 0 ? e.Failure ?? "no answer" : $"HTTP {e.Status}" + (e.Text.Length > 0 ? ": " + Shorten(e.Text) : "");

    private static string Shorten(string text) => text.Length <= 160 ? text : text.Substring(0, 157) + "...";

    private static string Query(string text) => Uri.EscapeDataString(text);

    // ---- metadata and authentication ------------------------------------------------------------------

    private sealed class Metadata
    {
        public ProviderCheck Check { get; set; } = null!;
        public string? Audience { get; set; }
        public IReadOnlyList<string> Actions { get; set; } = Array.Empty<string>();
    }

    private static readonly string[] MetadataMembers = { "contract", "vendor", "provider", "appId" };
    private static readonly string[] CleanupAddresses = { BlockAddress, CancelAddress };

    private async Task<Metadata> MetadataAsync(CancellationToken ct)
    {
        const string rule = "GET {base}/ answers without a token: contract gsprov/1, vendor, provider, appId, audience, capabilities.";
        var e = await GetAsync("", ct, withToken: false).ConfigureAwait(false);
        var result = new Metadata();
        if (e.Status != 200 || !e.IsJsonObject)
        {
            result.Check = Result("Metadata", rule, false, Describe(e), e.ElapsedMs);
            return result;
        }
        var json = e.Json!.Value;
        _vendor = json.StringOf("vendor") ?? "";
        _provider = json.StringOf("provider") ?? "";
        result.Audience = json.StringOf("audience") ?? json.StringOf("appId");
        if (json.TryGetProperty("capabilities", out var caps) && caps.ValueKind == JsonValueKind.Object &&
            caps.TryGetProperty("securityActions", out var actions) && actions.ValueKind == JsonValueKind.Array)
            result.Actions = actions.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToList();
        var missing = MetadataMembers.Where(m => string.IsNullOrEmpty(json.StringOf(m))).ToList();
        var contract = json.StringOf("contract");
        result.Check = missing.Count > 0 ? Result("Metadata", rule, false, "missing: " + string.Join(", ", missing), e.ElapsedMs)
            : contract != "gsprov/1" ? Result("Metadata", rule, false, $"contract is '{contract}', not gsprov/1", e.ElapsedMs)
            : Result("Metadata", rule, true, $"{_vendor}/{_provider} {json.StringOf("providerVersion")}; actions: {string.Join(", ", result.Actions)}", e.ElapsedMs);
        return result;
    }

    private async Task<IReadOnlyList<ProviderCheck>> AuthChecksAsync(string audience, CancellationToken ct)
    {
        var missing = await GetAsync("alerts", ct, withToken: false).ConfigureAwait(false);
        var first = Result("AuthMissingToken", "A request without a bearer token is refused with 401 and a WWW-Authenticate: Bearer header.",
            missing.Status == 401 && (missing.WwwAuthenticate ?? "").StartsWith("Bearer", StringComparison.OrdinalIgnoreCase),
            missing.Status == 401 && missing.WwwAuthenticate == null ? "401 without WWW-Authenticate" : Describe(missing), missing.ElapsedMs);
        var forged = await CallAsync(() => _caller.GetAsync("alerts", ForgedToken(audience), ct)).ConfigureAwait(false);
        var second = Result("AuthForgedToken", "A token that is not signed by the identity platform (right audience and tenant, no signature) is refused with 401.",
            forged.Status == 401, Describe(forged), forged.ElapsedMs);
        return new[] { first, second };
    }

    /// <summary>An unsigned JWT with the right claims: only a provider that skips signature validation accepts it.</summary>
    private string ForgedToken(string audience)
    {
        static string Part(object o) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(o))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        return Part(new { alg = "none", typ = "JWT" }) + "." +
               Part(new { aud = audience, tid = _tenant, iss = $"https://sts.windows.net/{_tenant}/", appid = "00000003-0000-0000-c000-000000000000", exp }) + ".";
    }

    // ---- listing ---------------------------------------------------------------------------------------

    private sealed class Listing
    {
        public ProviderCheck Check { get; set; } = null!;
        public List<JsonElement> Alerts { get; set; } = new List<JsonElement>();
    }

    private static List<JsonElement>? Values(ProviderExchange e) =>
        e.Status == 200 && e.IsJsonObject && e.Json!.Value.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().ToList() : null;

    private static string? NextLink(ProviderExchange e) => e.IsJsonObject ? e.Json!.Value.StringOf("@odata.nextLink") : null;

    private static DateTimeOffset? Created(JsonElement alert) =>
        DateTimeOffset.TryParse(alert.StringOf("createdDateTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : (DateTimeOffset?)null;

    private async Task<Listing> ListAllAsync(CancellationToken ct)
    {
        const string rule = "GET {base}/alerts answers 200 {\"value\":[…]} with the tenant's alerts (id, createdDateTime, azureTenantId of the caller), newest first by default.";
        var e = await GetAsync("alerts?$top=1000", ct).ConfigureAwait(false);
        var values = Values(e);
        if (values == null) return new Listing { Check = Result("List", rule, false, Describe(e), e.ElapsedMs) };
        var bad = values.FirstOrDefault(a => string.IsNullOrEmpty(a.StringOf("id")) || Created(a) == null);
        if (bad.ValueKind != JsonValueKind.Undefined)
            return new Listing { Alerts = values, Check = Result("List", rule, false, "an alert without id or createdDateTime: " + Shorten(bad.GetRawText()), e.ElapsedMs) };
        var foreign = _tenant.Length == 0 ? default : values.FirstOrDefault(a => a.StringOf("azureTenantId") is string t && !string.Equals(t, _tenant, StringComparison.OrdinalIgnoreCase));
        if (foreign.ValueKind != JsonValueKind.Undefined)
            return new Listing { Alerts = values, Check = Result("List", rule, false, $"alert '{foreign.StringOf("id")}' belongs to tenant '{foreign.StringOf("azureTenantId")}', not the caller's '{_tenant}'", e.ElapsedMs) };
        return new Listing { Alerts = values, Check = Result("List", rule, values.Count > 0, values.Count > 0 ? $"{values.Count} alerts" : "no alerts: most checks need at least 3", e.ElapsedMs) };
    }

    private ProviderCheck VendorInformationCheck(List<JsonElement> alerts)
    {
        const string rule = "Every alert's vendorInformation names the provider's own vendor and provider (no provider speaks for another).";
        var wrong = alerts.Where(a => !a.TryGetProperty("vendorInformation", out var v) ||
                                      !string.Equals(v.StringOf("vendor"), _vendor, StringComparison.OrdinalIgnoreCase) ||
                                      !string.Equals(v.StringOf("provider"), _provider, StringComparison.OrdinalIgnoreCase)).ToList();
        if (alerts.Count == 0) return Skipped("VendorInformation", rule, "no alerts to look at");
        return Result("VendorInformation", rule, wrong.Count == 0, wrong.Count == 0 ? $"all {alerts.Count} name {_vendor}/{_provider}"
            : $"{wrong.Count} alerts name another provider, e.g. {(wrong[0].TryGetProperty("vendorInformation", out var vi) ? vi.GetRawText() : "none")}");
    }

    private static bool IsOrdered(IReadOnlyList<JsonElement> alerts, bool descending)
    {
        var dates = alerts.Select(Created).ToList();
        for (int i = 1; i < dates.Count; i++)
            if (descending ? dates[i] > dates[i - 1] : dates[i] < dates[i - 1]) return false;
        return true;
    }

    private static ProviderCheck DefaultOrderCheck(List<JsonElement> alerts)
    {
        const string rule = "Without $orderby, alerts come newest first (createdDateTime desc).";
        if (alerts.Count < 2) return Skipped("DefaultOrder", rule, "fewer than 2 alerts");
        return Result("DefaultOrder", rule, IsOrdered(alerts, descending: true), IsOrdered(alerts, true) ? "newest first" : "not newest first");
    }

    private async Task<ProviderCheck> TopCheckAsync(List<JsonElement> alerts, CancellationToken ct)
    {
        const string rule = "$top=2 returns at most 2 alerts.";
        if (alerts.Count < 3) return Skipped("Top", rule, "fewer than 3 alerts");
        var e = await GetAsync("alerts?$top=2", ct).ConfigureAwait(false);
        var values = Values(e);
        return Result("Top", rule, values?.Count == 2, values == null ? Describe(e) : $"{values.Count} alerts for $top=2", e.ElapsedMs);
    }

    private async Task<ProviderCheck> TopRangeCheckAsync(CancellationToken ct)
    {
        const string rule = "$top outside 1..1000 is refused with 400.";
        var zero = await GetAsync("alerts?$top=0", ct).ConfigureAwait(false);
        var over = await GetAsync("alerts?$top=1001", ct).ConfigureAwait(false);
        return Result("TopRange", rule, zero.Status == 400 && over.Status == 400, $"$top=0: {Describe(zero)}; $top=1001: {Describe(over)}", Math.Max(zero.ElapsedMs, over.ElapsedMs));
    }

    private async Task<ProviderCheck> PagingCheckAsync(List<JsonElement> alerts, CancellationToken ct)
    {
        const string rule = "Following @odata.nextLink from $top=2 yields every alert once.";
        if (alerts.Count < 3) return Skipped("Paging", rule, "fewer than 3 alerts");
        var seen = new List<string>();
        string? relative = "alerts?$top=2";
        long slowest = 0;
        for (int pages = 0; relative != null && pages <= alerts.Count; pages++)
        {
            var e = relative.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                ? await CallAsync(() => _caller.SendAsync(System.Net.Http.HttpMethod.Get, new Uri(relative), _token, null, ct)).ConfigureAwait(false)
                : await GetAsync(relative, ct).ConfigureAwait(false);
            slowest = Math.Max(slowest, e.ElapsedMs);
            var values = Values(e);
            if (values == null) return Result("Paging", rule, false, $"page {pages + 1}: {Describe(e)}", slowest);
            seen.AddRange(values.Select(a => a.StringOf("id") ?? ""));
            relative = NextLink(e);
        }
        var expected = alerts.Select(a => a.StringOf("id") ?? "").ToList();
        var duplicates = seen.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var missing = expected.Except(seen).ToList();
        bool passed = duplicates.Count == 0 && missing.Count == 0;
        return Result("Paging", rule, passed, passed ? $"{seen.Count} alerts over the pages"
            : $"{seen.Count} alerts over the pages, {missing.Count} missing, {duplicates.Count} repeated", slowest);
    }

    private async Task<ProviderCheck> OrderByCheckAsync(List<JsonElement> alerts, CancellationToken ct)
    {
        const string rule = "$orderby=createdDateTime asc returns the oldest first.";
        if (alerts.Count < 2) return Skipped("OrderBy", rule, "fewer than 2 alerts");
        var e = await GetAsync("alerts?$top=1000&$orderby=" + Query("createdDateTime asc"), ct).ConfigureAwait(false);
        var values = Values(e);
        return Result("OrderBy", rule, values != null && IsOrdered(values, descending: false),
            values == null ? Describe(e) : IsOrdered(values, false) ? "oldest first" : "not oldest first", e.ElapsedMs);
    }

    private async Task<ProviderCheck> FilterCheckAsync(List<JsonElement> alerts, CancellationToken ct)
    {
        const string rule = "$filter keeps exactly the matching alerts (id eq '…'; severity eq '…').";
        if (alerts.Count < 2) return Skipped("Filter", rule, "fewer than 2 alerts");
        var id = alerts[0].StringOf("id")!;
        var byId = await GetAsync("alerts?$filter=" + Query($"id eq '{id.Replace("'", "''")}'"), ct).ConfigureAwait(false);
        var idValues = Values(byId);
        if (idValues == null || idValues.Count != 1 || idValues[0].StringOf("id") != id)
            return Result("Filter", rule, false, $"id eq '{id}': " + (idValues == null ? Describe(byId) : $"{idValues.Count} alerts"), byId.ElapsedMs);
        var severity = alerts[0].StringOf("severity") ?? "unknown";
        var expected = alerts.Count(a => a.StringOf("severity") == severity);
        var bySeverity = await GetAsync("alerts?$top=1000&$filter=" + Query($"severity eq '{severity}'"), ct).ConfigureAwait(false);
        var values = Values(bySeverity);
        bool passed = values != null && values.Count == expected && values.All(a => a.StringOf("severity") == severity);
        return Result("Filter", rule, passed, values == null ? Describe(bySeverity) : $"severity eq '{severity}': {values.Count} alerts, {expected} expected",
            Math.Max(byId.ElapsedMs, bySeverity.ElapsedMs));
    }

    private async Task<ProviderCheck> FilterUnsupportedCheckAsync(CancellationToken ct)
    {
        var e = await GetAsync("alerts?$filter=" + Query("gsNoSuchProperty eq 'x'"), ct).ConfigureAwait(false);
        return Result("FilterUnsupported", "A $filter on a property the contract does not list is refused with 400.", e.Status == 400, Describe(e), e.ElapsedMs);
    }

    private async Task<ProviderCheck> GetByIdCheckAsync(List<JsonElement> alerts, CancellationToken ct)
    {
        const string rule = "GET {base}/alerts/{id} returns that alert.";
        if (alerts.Count == 0) return Skipped("GetById", rule, "no alerts");
        var id = alerts[0].StringOf("id")!;
        var e = await GetAsync("alerts/" + Query(id), ct).ConfigureAwait(false);
        return Result("GetById", rule, e.Status == 200 && e.IsJsonObject && e.Json!.Value.StringOf("id") == id, e.Status == 200 ? $"alert {e.Json?.StringOf("id")}" : Describe(e), e.ElapsedMs);
    }

    private async Task<ProviderCheck> GetUnknownCheckAsync(CancellationToken ct)
    {
        var e = await GetAsync("alerts/" + Query("gs-conformance-missing-" + Guid.NewGuid().ToString("N")), ct).ConfigureAwait(false);
        return Result("GetUnknown", "GET of an id the provider does not hold answers 404.", e.Status == 404, Describe(e), e.ElapsedMs);
    }

    // ---- updates --------------------------------------------------------------------------------------

    private object Vendor => new Dictionary<string, string> { ["vendor"] = _vendor, ["provider"] = _provider };

    private static List<string> Tags(JsonElement alert) =>
        alert.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : new List<string>();

    private async Task<IReadOnlyList<ProviderCheck>> PatchChecksAsync(List<JsonElement> alerts, CancellationToken ct)
    {
        const string echo = "PATCH of tags with vendorInformation answers 200 with the whole updated alert (and the change is kept).";
        const string readOnly = "PATCH of a field the contract does not list as editable (title) is refused with 400.";
        const string vendor = "PATCH without vendorInformation, or naming another vendor, is refused with 400.";
        const string unknown = "PATCH of an id the provider does not hold answers 404.";
        var why = !_options.AllowChanges ? "changes not allowed (-WhatIf)" : alerts.Count == 0 ? "no alerts" : null;
        if (why != null)
            return new[] { Skipped("PatchEcho", echo, why), Skipped("PatchReadOnlyField", readOnly, why), Skipped("PatchNeedsVendorInformation", vendor, why), Skipped("PatchUnknownId", unknown, why) };
        var alert = alerts[0];
        var id = alert.StringOf("id")!;
        var path = "alerts/" + Query(id);
        var tags = Tags(alert).Where(t => t != ConformanceTag).ToList();
        var checks = new List<ProviderCheck>();

        var tagged = await CallAsync(() => _caller.PatchAsync(path, _token, new Dictionary<string, object> { ["tags"] = tags.Append(ConformanceTag).ToList(), ["vendorInformation"] = Vendor }, ct)).ConfigureAwait(false);
        var echoed = tagged.Status == 200 && tagged.IsJsonObject && tagged.Json!.Value.StringOf("id") == id && Tags(tagged.Json.Value).Contains(ConformanceTag);
        var reread = await GetAsync(path, ct).ConfigureAwait(false);
        var kept = reread.Status == 200 && reread.IsJsonObject && Tags(reread.Json!.Value).Contains(ConformanceTag);
        checks.Add(Result("PatchEcho", echo, echoed && kept,
            !echoed ? (tagged.Status == 200 ? "200 without the updated alert" : Describe(tagged)) : !kept ? "the change was not kept" : "updated alert echoed", tagged.ElapsedMs));
        await CallAsync(() => _caller.PatchAsync(path, _token, new Dictionary<string, object> { ["tags"] = tags, ["vendorInformation"] = Vendor }, ct)).ConfigureAwait(false);

        // The same title: a provider that wrongly accepts the field changes nothing.
        var title = await CallAsync(() => _caller.PatchAsync(path, _token, new Dictionary<string, object?> { ["title"] = alert.StringOf("title"), ["vendorInformation"] = Vendor }, ct)).ConfigureAwait(false);
        checks.Add(Result("PatchReadOnlyField", readOnly, title.Status == 400, Describe(title), title.ElapsedMs));

        var noVendor = await CallAsync(() => _caller.PatchAsync(path, _token, new Dictionary<string, object> { ["tags"] = tags }, ct)).ConfigureAwait(false);
        var otherVendor = await CallAsync(() => _caller.PatchAsync(path, _token, new Dictionary<string, object>
        {
            ["tags"] = tags, ["vendorInformation"] = new Dictionary<string, string> { ["vendor"] = "Microsoft", ["provider"] = "Windows Defender ATP" },
        }, ct)).ConfigureAwait(false);
        checks.Add(Result("PatchNeedsVendorInformation", vendor, noVendor.Status == 400 && otherVendor.Status == 400,
            $"without: {Describe(noVendor)}; another vendor: {Describe(otherVendor)}", Math.Max(noVendor.ElapsedMs, otherVendor.ElapsedMs)));

        var missing = await CallAsync(() => _caller.PatchAsync("alerts/" + Query("gs-conformance-missing-" + Guid.NewGuid().ToString("N")), _token,
            new Dictionary<string, object> { ["tags"] = new List<string>(), ["vendorInformation"] = Vendor }, ct)).ConfigureAwait(false);
        checks.Add(Result("PatchUnknownId", unknown, missing.Status == 404, Describe(missing), missing.ElapsedMs));
        return checks;
    }

    // ---- security actions -----------------------------------------------------------------------------

    private Dictionary<string, object> ActionBody(string name, string address) => new Dictionary<string, object>
    {
        ["name"] = name, ["actionReason"] = "GraphSecurity provider conformance check",
        ["parameters"] = new[] { new Dictionary<string, string> { ["name"] = "ipAddress", ["value"] = address } },
        ["vendorInformation"] = Vendor,
    };

    private static string? Status(ProviderExchange e) => e.IsJsonObject ? e.Json!.Value.StringOf("status") : null;

    private async Task<IReadOnlyList<ProviderCheck>> ActionChecksAsync(IReadOnlyList<string> actions, CancellationToken ct)
    {
        const string unknownRule = "An action name the provider does not support is refused with 400.";
        const string lifecycle = "blockIp answers 201 (notStarted or running) and reaches completed or failed within the timeout, with its states.";
        const string cancelRule = "Cancelling a running action answers 200 with status failed and errorInfo.code cancelled.";
        const string finishedRule = "Cancelling a finished action answers 409.";
        var names = new[] { ("ActionUnknownName", unknownRule), ("ActionLifecycle", lifecycle), ("ActionCancel", cancelRule), ("ActionCancelFinished", finishedRule) };
        bool blocks = actions.Any(a => string.Equals(a, "blockIp", StringComparison.OrdinalIgnoreCase));
        if (!blocks) return names.Select(n => Skipped(n.Item1, n.Item2, "the provider lists no blockIp action")).ToList();
        if (!_options.AllowChanges) return names.Select(n => Skipped(n.Item1, n.Item2, "changes not allowed (-WhatIf)")).ToList();
        var checks = new List<ProviderCheck>();

        var unknown = await CallAsync(() => _caller.PostAsync("securityActions", _token, ActionBody("gsConformanceNoSuchAction", BlockAddress), ct)).ConfigureAwait(false);
        checks.Add(Result("ActionUnknownName", unknownRule, unknown.Status == 400, Describe(unknown), unknown.ElapsedMs));

        var created = await CallAsync(() => _caller.PostAsync("securityActions", _token, ActionBody("blockIp", BlockAddress), ct)).ConfigureAwait(false);
        var id = created.IsJsonObject ? created.Json!.Value.StringOf("id") : null;
        ProviderExchange? last = null;
        if (created.Status == 201 && id != null && Status(created) is "notStarted" or "running")
        {
            var deadline = DateTimeOffset.UtcNow + _options.Timeout;
            do
            {
                await Task.Delay(250, ct).ConfigureAwait(false);
                last = await GetAsync("securityActions/" + Query(id), ct).ConfigureAwait(false);
            } while (Status(last) is "notStarted" or "running" && DateTimeOffset.UtcNow < deadline);
            var final = Status(last);
            var hasStates = last.IsJsonObject && last.Json!.Value.TryGetProperty("states", out var s) && s.ValueKind == JsonValueKind.Array && s.GetArrayLength() > 0;
            checks.Add(Result("ActionLifecycle", lifecycle, final is "completed" or "failed" && hasStates,
                final is "completed" or "failed" ? (hasStates ? $"blockIp {final}" : $"blockIp {final} without states") : $"still {final ?? Describe(last)} after {_options.Timeout.TotalSeconds:0} s",
                created.ElapsedMs));
        }
        else checks.Add(Result("ActionLifecycle", lifecycle, false, created.Status == 201 ? $"201 with status '{Status(created)}' and id '{id}'" : Describe(created), created.ElapsedMs));

        var running = await CallAsync(() => _caller.PostAsync("securityActions", _token, ActionBody("blockIp", CancelAddress), ct)).ConfigureAwait(false);
        var runningId = running.IsJsonObject ? running.Json!.Value.StringOf("id") : null;
        if (runningId == null) checks.Add(Result("ActionCancel", cancelRule, false, "could not start an action to cancel: " + Describe(running)));
        else
        {
            var cancel = await CallAsync(() => _caller.PostAsync("securityActions/" + Query(runningId) + "/cancel", _token, null, ct)).ConfigureAwait(false);
            var code = cancel.IsJsonObject && cancel.Json!.Value.TryGetProperty("errorInfo", out var ei) ? ei.StringOf("code") : null;
            if (cancel.Status == 409) checks.Add(Skipped("ActionCancel", cancelRule, "the action had already finished"));
            else checks.Add(Result("ActionCancel", cancelRule, cancel.Status == 200 && Status(cancel) == "failed" && code == "cancelled",
                cancel.Status == 200 ? $"status {Status(cancel)}, errorInfo.code {code}" : Describe(cancel), cancel.ElapsedMs));
        }

        if (Status(last ?? created) is "completed" or "failed" && id != null)
        {
            var again = await CallAsync(() => _caller.PostAsync("securityActions/" + Query(id) + "/cancel", _token, null, ct)).ConfigureAwait(false);
            checks.Add(Result("ActionCancelFinished", finishedRule, again.Status == 409, Describe(again), again.ElapsedMs));
        }
        else checks.Add(Skipped("ActionCancelFinished", finishedRule, "no finished action to cancel"));

        // Leave nothing blocked: the addresses are documentation-only, but a tidy provider has no trace of the run.
        if (actions.Any(a => string.Equals(a, "unblockIp", StringComparison.OrdinalIgnoreCase)))
            foreach (var address in CleanupAddresses)
                await _caller.PostAsync("securityActions", _token, ActionBody("unblockIp", address), ct).ConfigureAwait(false);
        return checks;
    }

    // ---- across the run -------------------------------------------------------------------------------

    private ProviderCheck ErrorShapeCheck()
    {
        const string rule = "Every error answer is JSON {\"error\":{\"code\":\"…\",\"message\":\"…\"}}.";
        if (_errors.Count == 0) return Skipped("ErrorShape", rule, "the provider answered no errors");
        var wrong = _errors.Where(e => !e.HasErrorShape).ToList();
        return Result("ErrorShape", rule, wrong.Count == 0, wrong.Count == 0 ? $"{_errors.Count} errors, all in shape"
            : $"{wrong.Count} of {_errors.Count} errors not in shape, e.g. {wrong[0].Method} {wrong[0].Path}: {Shorten(wrong[0].Text)}");
    }

    private ProviderCheck LatencyCheck()
    {
        var slowest = _exchanges.OrderByDescending(e => e.ElapsedMs).FirstOrDefault();
        var limit = (long)_options.Timeout.TotalMilliseconds;
        var late = _exchanges.Count(e => e.ElapsedMs > limit || e.Status == 0);
        return Result("Latency", $"Every answer comes within {_options.Timeout.TotalSeconds:0} s (the broker's timeout).", late == 0,
            slowest == null ? "no calls" : late == 0 ? $"slowest {slowest}" : $"{late} of {_exchanges.Count} answers too late, slowest {slowest}", slowest?.ElapsedMs ?? 0);
    }
}
