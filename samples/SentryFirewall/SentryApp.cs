using System.Text.Json;
using GraphSecurity.ProviderKit;
using GraphSecurity.ProviderKit.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SentryFirewall;

/// <summary>Builds the web app: the gsprov/1 provider on the kit plus the firewall's own endpoints.</summary>
public static class SentryApp
{
    public const string Prefix = "/gsprov/v1";
    private const int MaxLogBody = 1024 * 1024;

    public static WebApplication Build(SentryOptions options, Action<WebApplicationBuilder> configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Clock);
        builder.Services.AddGsProvider<SentryStore>(provider =>
        {
            provider.Vendor = SentryOptions.Vendor;
            provider.Provider = SentryOptions.Provider;
            provider.ProviderVersion = SentryOptions.ProviderVersion;
            provider.AppId = SentryOptions.AppId;
            provider.Audience = SentryOptions.Audience;
            provider.Authority = options.Authority;
            provider.AuthorityThumbprint = options.AuthorityThumbprint;
            provider.BrokerUrl = options.Broker;
            provider.HomeTenantId = SentryOptions.HomeTenantId;
            provider.ClientSecret = options.ClientSecret;
            var deviations = provider.Deviations;
            deviations.SkipAuthentication = options.Has(BreakRules.NoAuth);
            deviations.UnauthenticatedTenantId = options.ConsentedTenants[0];
            deviations.AcceptReadOnlyFields = options.Has(BreakRules.PatchAcceptsReadOnly);
            deviations.SkipVendorCheck = options.Has(BreakRules.PatchNoVendorCheck);
            deviations.NoPatchEcho = options.Has(BreakRules.PatchNoEcho);
            deviations.PlainTextErrors = options.Has(BreakRules.BadErrorShape);
            deviations.ActionsNeverStart = options.Has(BreakRules.ActionStuck);
            deviations.CancelFinishedActions = options.Has(BreakRules.CancelCompleted);
            options.ConfigureProvider?.Invoke(provider);
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        if (options.Has(BreakRules.Slow))
        {
            // The slow variant holds every alerts call past the broker's 10 s timeout.
            app.Use(async (ctx, next) =>
            {
                if (ctx.Request.Path.StartsWithSegments(Prefix + "/alerts", StringComparison.OrdinalIgnoreCase))
                    await Task.Delay(options.SlowDelay, ctx.RequestAborted).ConfigureAwait(false);
                await next(ctx).ConfigureAwait(false);
            });
        }
        app.MapGsProvider(Prefix);
        MapFirewall(app);
        return app;
    }

    private static void MapFirewall(WebApplication app)
    {
        var json = ProviderJson.Options;
        // The raw store, without authentication: for tests that check what a PATCH or a detection changed.
        app.MapGet("/firewall/alerts", (SentryStore store) => Results.Json(new { value = store.RawAlerts() }, json));
        app.MapGet("/firewall/blocklist", (HttpContext ctx, SentryStore store) =>
        {
            var tenant = ctx.Request.Query["tenant"].ToString();
            if (tenant.Length > 0 && !Guid.TryParse(tenant, out _))
                return Error(400, "BadRequest", $"tenant must be a tenant id, not '{tenant}'.");
            return Results.Json(new { value = store.BlockList(tenant.Length > 0 ? tenant : null) }, json);
        });
        app.MapPost("/firewall/log", async (HttpContext ctx, SentryStore store, SentryOptions options) =>
        {
            var tenant = ctx.Request.Query["tenant"].ToString();
            if (tenant.Length == 0) tenant = options.ConsentedTenants[0];
            if (!Guid.TryParse(tenant, out _)) return Error(400, "BadRequest", $"tenant must be a tenant id, not '{tenant}'.");
            var lines = await ReadLinesAsync(ctx.Request).ConfigureAwait(false);
            if (lines == null) return Error(400, "BadRequest", $"Send log lines as text/plain (one per line) or JSON {{\"lines\":[...]}}, at most {MaxLogBody} bytes.");
            var result = store.Append(lines, tenant);
            if (result.Accepted == 0 && result.Rejected.Count > 0)
                return Results.Json(new { error = new { code = "BadRequest", message = "No line could be read." }, rejected = result.Rejected }, json, statusCode: 400);
            return Results.Json(result, json);
        });
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message } }, ProviderJson.Options, statusCode: status);

    private static async Task<IReadOnlyList<string>> ReadLinesAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxLogBody) return null;
        using var reader = new StreamReader(request.Body);
        var buffer = new char[MaxLogBody + 1];
        var length = await reader.ReadBlockAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (length > MaxLogBody || length == 0) return null;
        var text = new string(buffer, 0, length);
        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (!doc.RootElement.TryGetProperty("lines", out var items) || items.ValueKind != JsonValueKind.Array) return null;
                if (items.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String)) return null;
                return items.EnumerateArray().Select(i => i.GetString()).ToList();
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
    }

    /// <summary>The provider's base URL once the server listens (the bound port when it asked for 0).</summary>
    public static string BaseUrl(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no address.");
        return address.TrimEnd('/').Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal) + Prefix;
    }
}
