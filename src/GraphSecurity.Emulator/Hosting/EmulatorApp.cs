using System.Net;
using System.Security.Cryptography.X509Certificates;
using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.Batch;
using GraphSecurity.Emulator.Identity;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>Builds the emulator web application: services, seeded data and routes.</summary>
public static class EmulatorApp
{
    /// <summary>Graph collections below a version root (two segments, e.g. "security/alerts_v2"), from the modules.</summary>
    public static readonly List<string> KnownResources = EmulatorModules.All.SelectMany(m => m.GraphPaths).Where(p => p.Contains('/')).ToList();

    /// <summary>Graph resources directly under the version root ("subscriptions", "$batch"), from the modules.</summary>
    public static readonly List<string> TopLevelResources = EmulatorModules.All.SelectMany(m => m.GraphPaths).Where(p => !p.Contains('/')).ToList();

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
        foreach (var module in EmulatorModules.All) module.AddServices(builder.Services, options);
        stats.SeedDuration = seeding.Elapsed;
        builder.Services.AddSingleton(stats);
        // Identity flows and throttling read time from here so tests can replace the clock.
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UserGrants>();
        builder.Services.AddSingleton<ThrottleService>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<RetiredApis>();
        builder.Services.AddSingleton<RequestCounters>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Directory);
        builder.Services.AddSingleton(new EmulatorClock(options.Now, options.NowGiven));
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<TokenEndpoint>();
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<ServingStatsMiddleware>();
        app.UseMiddleware<GraphErrorMiddleware>();
        app.UseMiddleware<ApiErrorMiddleware>();
        app.UseMiddleware<RetiredApiMiddleware>();
        app.UseRouting();
        app.UseMiddleware<RequestCountingMiddleware>();
        app.UseMiddleware<FaultInjectionMiddleware>();
        app.UseMiddleware<ThrottlingMiddleware>();
        app.UseMiddleware<PermissionMiddleware>();

        app.MapPost("/{tenant}/oauth2/v2.0/token", (HttpContext ctx, string tenant, TokenEndpoint endpoint) => endpoint.HandleAsync(ctx, tenant));
        UserFlowEndpoints.Map(app);
        ManagedIdentityEndpoints.Map(app);
        DiscoveryEndpoints.Map(app);
        var control = ControlEndpoints.Map(app);
        foreach (var module in EmulatorModules.All)
        {
            module.MapRoutes(app);
            module.MapControl(control);
        }
        foreach (var version in GraphVersions.All)
        {
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
        // Paths under another API's root that no module serves: that API's 404.
        foreach (var root in ApiResources.All.Select(a => a.PathRoot).Where(r => r.Length > 0).Append(ApiResources.SentinelPathRoot))
            app.Map(root + "/{**rest}", (HttpContext ctx) => throw new ApiError(404, "NotFound", $"No resource at {ctx.Request.Path}."));
        // Endpoints run inside the pipeline built here, so $batch items can be dispatched through it in-process.
        app.UseEndpoints(_ => { });
        app.Services.GetRequiredService<SubRequestDispatcher>().Attach(((IApplicationBuilder)app).Build());
        return app;
    }

    /// <summary>The base URL Kestrel actually bound (resolves port 0).</summary>
    public static (string Url, int Port) BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var uri = new Uri(addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        return ($"https://127.0.0.1:{uri.Port}", uri.Port);
    }
}
