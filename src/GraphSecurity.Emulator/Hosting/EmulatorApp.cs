using System.Net;
using System.Security.Cryptography.X509Certificates;
using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Batch;
using GraphSecurity.Emulator.Graph.Hunting;
using GraphSecurity.Emulator.Graph.Incidents;
using GraphSecurity.Emulator.Graph.Legacy;
using GraphSecurity.Emulator.Graph.SecureScore;
using GraphSecurity.Emulator.Graph.SecurityActions;
using GraphSecurity.Emulator.Graph.Subscriptions;
using GraphSecurity.Emulator.Graph.TiIndicators;
using GraphSecurity.Emulator.Identity;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>Builds the emulator web application: services, seeded data and routes.</summary>
public static class EmulatorApp
{
    /// <summary>Graph resource collections the emulator serves (used to tell 405 from 400 on unmatched requests).</summary>
    public static readonly List<string> KnownResources = new()
    {
        "security/alerts_v2", "security/incidents", "security/secureScores", "security/secureScoreControlProfiles", "security/alerts",
        "security/tiIndicators", "security/securityActions", "security/runHuntingQuery",
    };

    /// <summary>Graph resources directly under the version root (same 405 rule as <see cref="KnownResources"/>).</summary>
    public static readonly List<string> TopLevelResources = new() { "subscriptions", "$batch" };

    /// <summary>
    /// Creates the application. With <paramref name="certificate"/> it listens with HTTPS on 127.0.0.1:<c>options.Port</c>;
    /// <paramref name="configureBuilder"/> lets tests swap the server (e.g. TestServer).
    /// </summary>
    public static WebApplication Build(EmulatorOptions options, X509Certificate2 certificate = null, Action<WebApplicationBuilder> configureBuilder = null)
    {
        options.Directory ??= TenantDirectory.CreateDefault(options.AlertCount);
        if (options.Now == default) options.Finish();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None); // start failures are reported by Program
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddRoutingCore();

        if (certificate != null)
        {
            builder.WebHost.UseKestrelCore();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                k.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificate));
            });
        }

        var stats = new ServingStats();
        var seeding = System.Diagnostics.Stopwatch.StartNew();
        var repository = new AlertRepository();
        var incidents = new TenantStores<Incident>(i => i.Id, i => i.Clone());
        var secureScores = new TenantStores<SecureScore>(s => s.Id, s => s);
        var controlProfiles = new TenantStores<SecureScoreControlProfile>(p => p.Id, p => p.Clone());
        var legacyAlerts = new TenantStores<LegacyAlert>(a => a.Id, a => a.Clone());
        foreach (var tenant in options.Directory.Tenants)
        {
            var alerts = new AlertSeeder(options.Seed, tenant, options.Now, options.Days).Generate(tenant.AlertCount);
            repository.Add(new AlertStore(tenant.Id, alerts));
            incidents.AddLazy(tenant.Id, () => IncidentSeeder.Generate(options.Seed, tenant.Id, alerts));
            var secureScoreSeeder = new SecureScoreSeeder(options.Seed, tenant.Id, options.Now);
            secureScores.Add(tenant.Id, secureScoreSeeder.Scores());
            controlProfiles.Add(tenant.Id, secureScoreSeeder.Profiles());
            legacyAlerts.AddLazy(tenant.Id, () => new LegacyAlertSeeder(options.Seed, tenant.Id).Generate(alerts));
        }

        stats.SeedDuration = seeding.Elapsed;
        builder.Services.AddSingleton(stats);
        // Identity flows and throttling read time from here so tests can replace the clock.
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UserGrants>();
        builder.Services.AddSingleton<ThrottleService>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<RetiredApis>();
        builder.Services.AddSingleton<RequestCounters>();
        builder.Services.AddSingleton<AlertControl>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Directory);
        builder.Services.AddSingleton(repository);
        builder.Services.AddSingleton(incidents);
        builder.Services.AddSingleton(secureScores);
        builder.Services.AddSingleton(controlProfiles);
        builder.Services.AddSingleton(legacyAlerts);
        builder.Services.AddSingleton(LegacySettingsFrom(options));
        builder.Services.AddSingleton<LegacyAlertEvents>();
        builder.Services.AddSingleton(_ => new NotificationSender(options.NotificationTimeScale)); // created by DI, so disposed with the app
        builder.Services.AddSingleton<SubscriptionService>();
        builder.Services.AddSingleton(new IncidentFaults());
        builder.Services.AddSingleton(new EmulatorClock(options.Now, options.NowGiven));
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<SubRequestDispatcher>();
        builder.Services.AddSingleton<TokenEndpoint>();
        builder.Services.AddSingleton(new TiIndicatorStore());
        builder.Services.AddSingleton(new SecurityActionStore(options.Seed));
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<ServingStatsMiddleware>();
        app.UseMiddleware<GraphErrorMiddleware>();
        app.UseMiddleware<RetiredApiMiddleware>();
        app.UseRouting();
        app.UseMiddleware<RequestCountingMiddleware>();
        app.UseMiddleware<FaultInjectionMiddleware>();
        app.UseMiddleware<ThrottlingMiddleware>();
        app.UseMiddleware<PermissionMiddleware>();

        app.MapGet("/_emulator/health", () => Results.Json(new { status = "ok" }));
        ServingStats.Map(app);
        app.MapPost("/{tenant}/oauth2/v2.0/token", (HttpContext ctx, string tenant, TokenEndpoint endpoint) => endpoint.HandleAsync(ctx, tenant));
        UserFlowEndpoints.Map(app);
        ManagedIdentityEndpoints.Map(app);
        ControlEndpoints.Map(app);
        DiscoveryEndpoints.Map(app);
        TiIndicatorsEndpoints.Map(app);
        SecurityActionsEndpoints.Map(app);
        IncidentsEndpoints.MapControl(app);
        LegacyControl.Map(app);
        SubscriptionsEndpoints.MapControl(app);
        foreach (var version in new[] { "v1.0", "beta" })
        {
            AlertsEndpoints.Map(app, version);
            HuntingEndpoints.Map(app, version);
            IncidentsEndpoints.Map(app, version);
            SecureScoreEndpoints.Map(app, version);
            LegacyAlertsEndpoints.Map(app, version);
            SubscriptionsEndpoints.Map(app, version);
            BatchEndpoint.Map(app, version);
            app.Map($"/{version}/{{**rest}}", (string rest) =>
            {
                var segments = (rest ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
                // A known resource path reached with a method it does not support.
                if (segments.Length is >= 2 and <= 4 && KnownResources.Contains(segments[0] + "/" + segments[1], StringComparer.OrdinalIgnoreCase)
                    && (segments.Length < 4 || string.Equals(segments[3], "comments", StringComparison.OrdinalIgnoreCase)))
                    throw GraphError.MethodNotAllowed();
                // Top-level collections (subscriptions, $batch) reached with a method they do not support.
                if (segments.Length is 1 or 2 && TopLevelResources.Contains(segments[0], StringComparer.OrdinalIgnoreCase))
                    throw GraphError.MethodNotAllowed();
                var segment = segments.LastOrDefault() ?? version;
                throw GraphError.BadRequest($"Resource not found for the segment '{segment}'.");
            });
        }
        // Endpoints run inside the pipeline built here, so $batch items can be dispatched through it in-process.
        app.UseEndpoints(_ => { });
        app.Services.GetRequiredService<SubRequestDispatcher>().Attach(((IApplicationBuilder)app).Build());
        return app;
    }

    private static LegacySettings LegacySettingsFrom(EmulatorOptions options)
    {
        var settings = new LegacySettings { Retired = options.Legacy.Retired };
        foreach (var f in options.Legacy.FailingProviders ?? new())
        {
            // Names were checked when the config was read; stored under their canonical spelling.
            var provider = LegacyAlertSeeder.ProviderNames.First(p => string.Equals(p, f.Provider, StringComparison.OrdinalIgnoreCase));
            settings.FailingProviders[provider] = new ProviderFault(f.Status, f.LatencyMs);
        }
        return settings;
    }

    /// <summary>The base URL Kestrel actually bound (resolves port 0).</summary>
    public static (string Url, int Port) BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var uri = new Uri(addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        return ($"https://127.0.0.1:{uri.Port}", uri.Port);
    }
}
