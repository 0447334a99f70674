using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Alerts;

/// <summary>The alerts each tenant was seeded with, which incidents and legacy alerts are derived from.</summary>
public sealed class SeededAlerts : Dictionary<string, List<Alert>>
{
    public SeededAlerts() : base(StringComparer.OrdinalIgnoreCase) { }
}

/// <summary>alerts_v2 (v1.0 and beta), and the control routes that create and change alerts "in the portal".</summary>
public sealed class AlertsModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "security/alerts_v2" };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        var seeded = new SeededAlerts();
        var repository = new AlertRepository();
        var pools = new SeedPools();
        foreach (var tenant in options.Directory.Tenants)
        {
            var seeder = new AlertSeeder(options.Seed, tenant, options.Now, options.Days);
            pools.Add(tenant.Id, seeder.Pool);
            var alerts = seeder.Generate(tenant.AlertCount);
            seeded[tenant.Id] = alerts;
            repository.Add(new AlertStore(tenant.Id, alerts));
        }
        services.AddSingleton(seeded);
        services.AddSingleton(pools);
        services.AddSingleton(repository);
        services.AddSingleton<AlertControl>();
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var version in GraphVersions.All) AlertsEndpoints.Map(app, version);
        CreateAlertEndpoints.Map(app);
    }

    public void MapControl(IEndpointRouteBuilder control)
    {
        control.MapPost("/tenants/{tenant}/alerts", (string tenant, NewAlertsRequest body, TenantDirectory directory, AlertControl alerts) =>
        {
            var t = directory.Find(tenant);
            if (t == null) return ControlEndpoints.UnknownTenant(tenant);
            var created = alerts.Create(t, body ?? new NewAlertsRequest());
            return Results.Json(new { value = created.Select(AlertControl.Describe) }, statusCode: 201);
        });
        control.MapMethods("/tenants/{tenant}/alerts/{id}", new[] { "PATCH" }, (string tenant, string id, PortalAlertChange body, TenantDirectory directory, AlertControl alerts) =>
        {
            var t = directory.Find(tenant);
            if (t == null) return ControlEndpoints.UnknownTenant(tenant);
            var updated = alerts.Change(t, id, body ?? throw new ArgumentException("A body is required."));
            return updated == null
                ? Results.Json(new { error = $"Alert '{id}' was not found in tenant '{t.Domain}'." }, statusCode: 404)
                : Results.Json(AlertControl.Describe(updated));
        });
    }
}
