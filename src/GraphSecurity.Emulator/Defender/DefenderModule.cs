using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Defender;

/// <summary>
/// The Defender for Endpoint API under <c>/defender</c> (api.security.microsoft.com): its indicators
/// (successor-apis.md §1), listed with OData, submitted one by one or imported 500 at a time, deleted
/// one by one or in batches. Tokens must be for WindowsDefenderATP; every error has Defender's shape.
/// </summary>
public sealed class DefenderModule : IEmulatorModule
{
    /// <summary>$top may ask for up to 10,000 indicators (§1.6); without it a page holds all of them up to that.</summary>
    public const int MaxTop = 10_000;
    /// <summary>Most indicators per import and ids per BatchDelete (§1.7, §1.9).</summary>
    public const int MaxBatch = 500;

    public static readonly QueryRules IndicatorRules = new(DefenderIndicatorSchema.Entity, MaxTop) { AllowSelect = false };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        var indicators = new DefenderIndicatorStore(options.Defender.IndicatorCap);
        foreach (var tenant in options.Directory.Tenants)
            indicators.Seed(tenant.Id, DefenderSeeder.PortalIndicators(tenant, options.Now));
        services.AddSingleton(indicators);
        DefenderRateLimits.Declare(services, options);
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        // Omitting the version gives the latest, which v1.0 pins (§1.1).
        foreach (var root in new[] { "/api", "/api/v1.0" })
        {
            var api = app.MapGroup(ApiResources.DefenderForEndpoint.PathRoot + root);
            api.MapGet("/indicators", ListIndicatorsAsync).Requires(Permissions.DefenderIndicators).Limited(DefenderSettings.Calls.List);
            api.MapPost("/indicators", SubmitAsync).Requires(Permissions.DefenderIndicators).Limited(DefenderSettings.Calls.Submit);
            api.MapPost("/indicators/import", ImportAsync).Requires(Permissions.DefenderIndicators).Limited(DefenderSettings.Calls.Import);
            api.MapDelete("/indicators/{id}", DeleteAsync).Requires(Permissions.DefenderIndicatorsDelete).Limited(DefenderSettings.Calls.Delete);
            api.MapPost("/indicators/BatchDelete", BatchDeleteAsync).Requires(Permissions.DefenderIndicatorsDelete).Limited(DefenderSettings.Calls.BatchDelete);
        }
    }

    /// <summary>
    /// <c>GET</c>/<c>DELETE /_emulator/tenants/{tenant}/defender/indicators</c>: a tenant's indicators as stored
    /// (every creator), or none from now on; <c>DELETE /_emulator/defender/indicators</c> empties every tenant.
    /// </summary>
    public void MapControl(IEndpointRouteBuilder control)
    {
        control.MapGet("/tenants/{tenant}/defender/indicators", (HttpContext ctx, string tenant, TenantDirectory directory, DefenderIndicatorStore store, EmulatorClock clock) =>
            directory.Find(tenant) is { } t
                ? GraphResponse.WriteAsync(ctx, 200, w => WriteValues(w, store.Live(t.Id, clock.UtcNow).Snapshot(), WriteIndicator))
                : ControlEndpoints.UnknownTenant(tenant).ExecuteAsync(ctx));
        control.MapDelete("/tenants/{tenant}/defender/indicators", (string tenant, TenantDirectory directory, DefenderIndicatorStore store) =>
            directory.Find(tenant) is { } t ? Results.Json(new { removed = store.Clear(t.Id) }) : ControlEndpoints.UnknownTenant(tenant));
        control.MapDelete("/defender/indicators", (TenantDirectory directory, DefenderIndicatorStore store) =>
            Results.Json(new { removed = directory.Tenants.Sum(t => store.Clear(t.Id)) }));
    }

    private static string Root(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}{ApiResources.DefenderForEndpoint.PathRoot}/api";

    private static void WriteIndicator(Utf8JsonWriter w, DefenderIndicator i) => DefenderIndicatorSchema.Entity.Write(w, i, null, true);

    private static void WriteValues<T>(Utf8JsonWriter w, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartObject();
        w.WriteStartArray("value");
        foreach (var item in items) write(w, item);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// Ti.ReadWrite.All sees every indicator of the tenant, Ti.ReadWrite only those its app created (§1.2).
    /// Newest first; a page that does not hold every match carries @odata.nextLink (an emulator choice: the
    /// reference does not say whether the service sends one).
    /// </summary>
    private static Task ListIndicatorsAsync(HttpContext ctx, DefenderIndicatorStore indicators, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var caller = IndicatorCaller.From(principal);
        var visible = indicators.Live(principal.Tenant.Id, clock.UtcNow).Snapshot().Where(caller.Owns);
        var options = DefenderRequest.ParseQuery(ctx, IndicatorRules);
        var page = CollectionQuery.Page(visible, options, IndicatorRules.PageSize, includeUnknown: true,
            CollectionQuery.NewestFirst<DefenderIndicator>(i => i.CreationTimeDateTimeUtc), i => i.Id);
        var root = Root(ctx);
        var nextLink = page.NextSkip is int next ? GraphResponse.NextLink(ctx.Request, root, "indicators", next, beta: false) : null;
        return CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#Indicators", options.Count, page.TotalCount, nextLink, page.Items, WriteIndicator);
    }

    /// <summary>Submit or update one indicator: 200 with it either way (§1.5).</summary>
    private static async Task SubmitAsync(HttpContext ctx, DefenderIndicatorStore indicators, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var submission = DefenderIndicatorRules.Parse(await DefenderRequest.ReadBodyAsync(ctx));
        var (indicator, _) = indicators.Submit(principal.Tenant.Id, submission, IndicatorCaller.From(principal), clock.UtcNow);
        await GraphResponse.WriteAsync(ctx, 200, w => DefenderIndicatorSchema.Entity.Write(w, indicator, null, true, $"{Root(ctx)}/$metadata#Indicators/$entity"));
    }

    /// <summary>Up to 500 indicators, each created, updated or refused on its own: 200 with one result per item, in order (§1.7).</summary>
    private static async Task ImportAsync(HttpContext ctx, DefenderIndicatorStore indicators, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var caller = IndicatorCaller.From(principal);
        var items = Batch(await DefenderRequest.ReadBodyAsync(ctx), "Indicators");
        var values = items.Select(item => (item as JsonObject)?["indicatorValue"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null).ToList();
        var outcomes = indicators.Import(principal.Tenant.Id, items.Select(item => (Func<IndicatorSubmission>)(() => DefenderIndicatorRules.Parse(item))).ToList(), caller, clock.UtcNow);
        var results = outcomes.Select((o, i) => (Id: o.Indicator?.Id, Value: values[i], Failure: o.Error?.Message)).ToList();
        await GraphResponse.WriteAsync(ctx, 200, w => WriteValues(w, results, (w, r) =>
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            w.WriteString("indicator", r.Value);
            w.WriteBoolean("isFailed", r.Failure != null);
            w.WriteString("failureReason", r.Failure);
            w.WriteEndObject();
        }));
    }

    /// <summary>204, or 404 for an id the tenant does not have, 403 for another app's indicator under Ti.ReadWrite (§1.9).</summary>
    private static IResult DeleteAsync(HttpContext ctx, string id, DefenderIndicatorStore indicators, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        indicators.Delete(principal.Tenant.Id, new[] { id }, IndicatorCaller.From(principal), clock.UtcNow);
        return Results.NoContent();
    }

    /// <summary>All or nothing: every id is checked (numeric, known, the caller's) before any is deleted (§1.9).</summary>
    private static async Task<IResult> BatchDeleteAsync(HttpContext ctx, DefenderIndicatorStore indicators, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var ids = Batch(await DefenderRequest.ReadBodyAsync(ctx), "IndicatorIds").Select(node => node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out _) => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) && n >= 0 => n.ToString(CultureInfo.InvariantCulture),
            _ => throw DefenderIndicatorRules.Invalid("InvalidInput", $"'IndicatorIds' holds an invalid id: {node?.ToJsonString() ?? "null"}."),
        }).Distinct().ToList();
        indicators.Delete(principal.Tenant.Id, ids, IndicatorCaller.From(principal), clock.UtcNow);
        return Results.NoContent();
    }

    /// <summary>The array of a batch body (<c>{"Indicators": […]}</c>, <c>{"IndicatorIds": […]}</c>): present, not empty, at most 500.</summary>
    private static JsonArray Batch(JsonNode body, string name)
    {
        if (body is not JsonObject o || !o.TryGetPropertyValue(name, out var node) || node == null)
            throw DefenderIndicatorRules.Invalid("MissingRequiredParameter", $"Missing required parameter '{name}'.");
        if (node is not JsonArray items) throw DefenderIndicatorRules.Invalid("InvalidRequestBody", $"'{name}' must be an array.");
        if (items.Count == 0) throw DefenderIndicatorRules.Invalid("InvalidInput", $"'{name}' is empty.");
        if (items.Count > MaxBatch)
            throw DefenderIndicatorRules.Invalid("MaximumBatchSizeExceeded", $"Maximum batch size exceeded. Received: {items.Count}, allowed: {MaxBatch}.");
        return items;
    }
}

/// <summary>The indicators each tenant starts with: made in the portal by an analyst, so no app owns them.</summary>
public static class DefenderSeeder
{
    public static IEnumerable<DefenderIndicator> PortalIndicators(Tenant tenant, DateTimeOffset now)
    {
        var analyst = tenant.Users.FirstOrDefault();
        var samples = new (string Value, string Type, string Action, string Severity, string Title, int DaysAgo)[]
        {
            ("198.51.100.77", "IpAddress", "Block", "High", "C2 server from incident 4711", 20),
            ("login-micros0ft.example", "DomainName", "Block", "High", "Phishing domain", 12),
            ("https://invoice-portal.example/pay", "Url", "Warn", "Medium", "Invoice lure", 9),
            ("e3b8f5a4c1d2e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1", "FileSha256", "BlockAndRemediate", "High", "Ransomware loader", 5),
            ("crm.contoso-partner.example", "DomainName", "Allowed", "Informational", "Partner CRM (false positives)", 2),
        };
        return samples.Select((s, n) => new DefenderIndicator
        {
            Id = (101 + n).ToString(System.Globalization.CultureInfo.InvariantCulture),
            IndicatorValue = s.Value,
            IndicatorType = s.Type,
            Action = s.Action,
            Severity = s.Severity,
            Title = s.Title,
            Description = s.Title + " (added in the portal)",
            SourceType = "User",
            CreatedBySource = "Portal",
            CreatedBy = analyst?.UserPrincipalName,
            CreatedByDisplayName = analyst?.DisplayName,
            CreationTimeDateTimeUtc = now.AddDays(-s.DaysAgo),
            LastUpdateTime = now.AddDays(-s.DaysAgo),
            GenerateAlert = s.Action is "Block" or "BlockAndRemediate",
        });
    }
}
