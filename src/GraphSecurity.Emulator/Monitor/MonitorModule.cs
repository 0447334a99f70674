using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Graph.Hunting;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Monitor;

/// <summary>
/// Azure Monitor Logs Ingestion under <c>/ingest</c> (data collection rules from the options), the tables it
/// fills (also in advanced hunting), and the scheduled analytics rules that turn their rows into alerts_v2
/// and incidents.
/// </summary>
public sealed class MonitorModule : IEmulatorModule
{
    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(options.DataCollectionRules);
        services.AddSingleton<IngestionStore>();
        services.AddSingleton(sp => new IngestionLimiter(options.IngestionLimit, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AnalyticsRules>();
        services.AddHostedService<AnalyticsRuleScheduler>();
        services.AddSingleton<IHuntingTableSource, IngestionTables>();
    }

    public void MapRoutes(IEndpointRouteBuilder app) => IngestionEndpoints.Map(app);

    /// <summary>
    /// /_emulator/ingest/rules/run: run the analytics rules now; /ingest/requests: what the endpoint answered
    /// (DELETE forgets it); /ingest/limit: the per-rule limit; /ingest/tables/{table}: a tenant's row count.
    /// </summary>
    public void MapControl(IEndpointRouteBuilder control)
    {
        control.MapPost("/ingest/rules/run", (AnalyticsRules rules) => Results.Json(rules.Run(), AlertControl.Json));
        control.MapGet("/ingest/requests", (IngestionStore store) =>
        {
            var requests = store.Requests();
            return Results.Json(new
            {
                total = requests.Count,
                accepted = requests.Count(r => r.Status == 204),
                byStatus = requests.GroupBy(r => r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count()),
                largestBody = requests.Select(r => r.BytesSent).DefaultIfEmpty(0).Max(),
                rows = requests.Sum(r => r.Rows),
                value = requests,
            }, AlertControl.Json);
        });
        control.MapDelete("/ingest/requests", (IngestionStore store) =>
        {
            store.ClearRequests();
            return Results.NoContent();
        });
        control.MapGet("/ingest/limit", (IngestionLimiter limiter) => Results.Json(limiter.Limit, AlertControl.Json));
        // Replacing the limit forgets every window.
        control.MapPost("/ingest/limit", (IngestionLimit body, IngestionLimiter limiter) =>
        {
            limiter.Limit = body ?? throw new ArgumentException("A body is required.");
            return Results.Json(body, AlertControl.Json);
        });
        control.MapGet("/ingest/tables/{table}", (string table, IngestionStore store, Identity.TenantDirectory directory, string tenant = null) =>
        {
            var t = directory.Find(tenant ?? Identity.TenantDirectory.DefaultTenantId);
            if (t == null) return ControlEndpoints.UnknownTenant(tenant);
            return Results.Json(new { table, tenant = t.Id, rows = store.Rows(t.Id, table).Count }, AlertControl.Json);
        });
    }
}
