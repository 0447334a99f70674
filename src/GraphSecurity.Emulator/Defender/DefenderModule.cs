using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Defender;

/// <summary>
/// The Defender for Endpoint API under <c>/defender</c> (api.security.microsoft.com): its indicators, so
/// far listed with OData (successor-apis.md §1.6). Tokens must be for WindowsDefenderATP.
/// </summary>
public sealed class DefenderModule : IEmulatorModule
{
    /// <summary>$top may ask for up to 10,000 indicators (§1.6); without it a page holds all of them up to that.</summary>
    public const int MaxTop = 10_000;

    public static readonly QueryRules IndicatorRules = new(DefenderIndicatorSchema.Entity, MaxTop) { AllowSelect = false };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        var indicators = new TenantStores<DefenderIndicator>(i => i.Id, i => i);
        foreach (var tenant in options.Directory.Tenants)
            indicators.Add(tenant.Id, DefenderSeeder.PortalIndicators(tenant, options.Now));
        services.AddSingleton(indicators);
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiResources.DefenderForEndpoint.PathRoot + "/api");
        api.MapGet("/indicators", (HttpContext ctx, TenantStores<DefenderIndicator> indicators) => ListIndicatorsAsync(ctx, indicators))
            .Requires(Permissions.DefenderIndicators);
    }

    /// <summary>
    /// Ti.ReadWrite.All sees every indicator of the tenant, Ti.ReadWrite only those its app created (§1.2).
    /// Newest first; a page that does not hold every match carries @odata.nextLink (an emulator choice: the
    /// reference does not say whether the service sends one).
    /// </summary>
    private static Task ListIndicatorsAsync(HttpContext ctx, TenantStores<DefenderIndicator> indicators)
    {
        var caller = ctx.Caller();
        var all = caller.Roles.Contains("Ti.ReadWrite.All") || caller.IsDelegated;
        var visible = indicators.For(caller.Tenant.Id).Snapshot().Where(i => all || string.Equals(i.CreatedBy, caller.AppId, StringComparison.OrdinalIgnoreCase));
        var options = ParseQuery(ctx);
        var page = CollectionQuery.Page(visible, options, IndicatorRules.PageSize, includeUnknown: true,
            CollectionQuery.NewestFirst<DefenderIndicator>(i => i.CreationTimeDateTimeUtc), i => i.Id);
        var root = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ApiResources.DefenderForEndpoint.PathRoot}/api";
        var nextLink = page.NextSkip is int next ? GraphResponse.NextLink(ctx.Request, root, "indicators", next, beta: false) : null;
        return CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#Indicators", options.Count, page.TotalCount, nextLink, page.Items,
            (w, i) => DefenderIndicatorSchema.Entity.Write(w, i, null, true));
    }

    /// <summary>The OData options in Defender's error shape (400 ODataError with the parser's message).</summary>
    private static QueryOptions ParseQuery(HttpContext ctx)
    {
        try { return QueryOptions.Parse(ctx.Request.Query, isBeta: false, IndicatorRules); }
        catch (GraphError e) { throw new ApiError(e.Status, "ODataError", e.Message); }
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
