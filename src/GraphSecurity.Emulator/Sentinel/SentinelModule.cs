using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Graph.Hunting;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>
/// Microsoft Sentinel threat intelligence: the STIX upload API and the legacy upload-indicators API under
/// <c>/sentinel-ti</c>, the ARM threatIntelligence indicators of each workspace under <c>/arm</c>, and the
/// ThreatIntelIndicators / ThreatIntelObjects hunting tables, all over one store. Workspaces and their
/// role assignments are the ARM module's.
/// </summary>
public sealed class SentinelModule : IEmulatorModule
{
    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton<ThreatIntelStore>();
        services.AddSingleton(UploadEndpoints.Limit(options.SentinelUploadLimit));
        services.AddSingleton<IHuntingTableSource, ThreatIntelTables>();
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        UploadEndpoints.Map(app);
        ArmIndicatorEndpoints.Map(app);
    }

    /// <summary>/_emulator/sentinel/ti: the raw store (?workspace= a customerId) and emptying it; /upload-limit: the per-caller limit.</summary>
    public void MapControl(IEndpointRouteBuilder control)
    {
        control.MapGet("/sentinel/ti", (ThreatIntelStore store, string workspace = null) => Results.Json(store.Snapshot(workspaceId: workspace).Select(o => new
        {
            o.TenantId, o.WorkspaceId, o.Id, o.Type, o.SourceSystem, o.Revoked, o.Deleted, o.Created, o.Modified, o.TimeGenerated, o.LastUpdated,
            o.UploadedBy, o.LastUpdateMethod, o.Data,
        }), AlertControl.Json));
        // Counts, without the objects: what a check of a large upload needs.
        control.MapGet("/sentinel/ti/count", (ThreatIntelStore store, string workspace = null) =>
        {
            var objects = store.Snapshot(workspaceId: workspace).Where(o => !o.Deleted).ToList();
            return Results.Json(new
            {
                total = objects.Count,
                revoked = objects.Count(o => o.Revoked),
                bySourceSystem = objects.GroupBy(o => o.SourceSystem ?? "").ToDictionary(g => g.Key, g => g.Count()),
                byType = objects.GroupBy(o => o.Type).ToDictionary(g => g.Key, g => g.Count()),
            }, AlertControl.Json);
        });
        control.MapDelete("/sentinel/ti", (ThreatIntelStore store) =>
        {
            store.Clear();
            return Results.NoContent();
        });
        control.MapGet("/sentinel/upload-limit", (ThrottleService throttle) => Results.Json(throttle.Limit(UploadEndpoints.LimitName).Windows[0], AlertControl.Json));
        control.MapPost("/sentinel/upload-limit", (ThrottleLimit body, ThrottleService throttle) =>
        {
            SentinelSettings.ValidateLimit(body);
            // Replacing the limit forgets its windows.
            throttle.Define(UploadEndpoints.Limit(body));
            return Results.Json(body, AlertControl.Json);
        });
    }
}
