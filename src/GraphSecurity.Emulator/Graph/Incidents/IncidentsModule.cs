using System.Text.Json;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.Incidents;

/// <summary>Incidents (v1.0 and beta), grouped from each tenant's seeded alerts on first use.</summary>
public sealed class IncidentsModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "security/incidents" };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(sp =>
        {
            var seeded = sp.GetRequiredService<SeededAlerts>();
            var incidents = new TenantStores<Incident>(i => i.Id, i => i.Clone());
            foreach (var (tenantId, alerts) in seeded)
                incidents.AddLazy(tenantId, () => IncidentSeeder.Generate(options.Seed, tenantId, alerts));
            return incidents;
        });
        services.AddSingleton(new IncidentFaults());
        services.AddSingleton<IncidentWriter>();
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var version in GraphVersions.All) IncidentsEndpoints.Map(app, version);
        IncidentMerging.Map(app);
    }

    /// <summary><c>POST /_emulator/incidents/faults {"expandAlerts": true|false}</c>.</summary>
    public void MapControl(IEndpointRouteBuilder control) =>
        control.MapPost("/incidents/faults", async (HttpContext ctx, IncidentFaults faults) =>
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            if (doc.RootElement.TryGetProperty("expandAlerts", out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False)
                faults.ExpandAlertsFails = v.GetBoolean();
            return Results.Json(new { expandAlerts = faults.ExpandAlertsFails });
        });
}
