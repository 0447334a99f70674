using System.Text.Json;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Legacy;

/// <summary>
/// Control endpoints of the legacy alerts API, under <c>/_emulator</c>:
/// provider failures, the retired switch, and creating or changing alerts (which fires change notifications).
/// </summary>
public static class LegacyControl
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
    /// <summary>Numbers the alerts created at run time, so their ids are unique and repeat from run to run.</summary>
    private static int _created;

    private sealed record ProviderRequest(string Provider, bool Fail = true, int Status = 504, int LatencyMs = 10000);
    private sealed record RetiredRequest(bool Retired);
    private sealed record AlertRequest(string Tenant, string Provider, string Title, string Severity, string Status, string AssignedTo);

    /// <param name="app">The control group (<c>/_emulator</c>).</param>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/legacy", (LegacySettings s) => State(s));
        app.MapPost("/legacy/providers", async (HttpContext ctx, LegacySettings s) =>
        {
            var r = await JsonSerializer.DeserializeAsync<ProviderRequest>(ctx.Request.Body, Json);
            var provider = LegacyAlertSeeder.ProviderNames.FirstOrDefault(p => string.Equals(p, r?.Provider, StringComparison.OrdinalIgnoreCase));
            if (provider == null) return Results.BadRequest(new { error = $"Unknown provider '{r?.Provider}'. Known: {string.Join(", ", LegacyAlertSeeder.ProviderNames)}." });
            if (r.Fail) s.FailingProviders[provider] = new ProviderFault(r.Status, r.LatencyMs);
            else s.FailingProviders.TryRemove(provider, out _);
            return State(s);
        });
        app.MapPost("/legacy/retired", async (HttpContext ctx, LegacySettings s) =>
        {
            s.Retired = (await JsonSerializer.DeserializeAsync<RetiredRequest>(ctx.Request.Body, Json)).Retired;
            return State(s);
        });
        app.MapPost("/legacy/alerts", async (HttpContext ctx, TenantStores<LegacyAlert> stores, TenantDirectory dir, EmulatorClock clock, LegacyAlertEvents events) =>
        {
            var r = await JsonSerializer.DeserializeAsync<AlertRequest>(ctx.Request.Body, Json) ?? new AlertRequest(null, null, null, null, null, null);
            var tenant = dir.Find(r.Tenant ?? TenantDirectory.DefaultTenantId);
            if (tenant == null) return Results.BadRequest(new { error = $"Unknown tenant '{r.Tenant}'." });
            var store = stores.For(tenant.Id);
            var provider = r.Provider ?? "IPC";
            var template = store.Snapshot().FirstOrDefault(a => string.Equals(a.Provider, provider, StringComparison.OrdinalIgnoreCase));
            if (template == null) return Results.BadRequest(new { error = $"Tenant '{tenant.Domain}' has no '{provider}' alert to model the new one on." });
            var now = clock.UtcNow;
            var alert = template.Clone();
            alert.Id = AppRegistration.DeterministicGuid($"legacy-created:{tenant.Id}:{Interlocked.Increment(ref _created)}").ToString().ToUpperInvariant();
            alert.Title = r.Title ?? template.Title;
            alert.Severity = LegacyAlertSchema.Severity.Parse(r.Severity) ?? template.Severity;
            alert.Status = LegacyAlertSchema.Status.Parse(r.Status) ?? "newAlert";
            alert.AssignedTo = r.AssignedTo;
            alert.Feedback = null;
            alert.ClosedDateTime = null;
            alert.Comments = new List<string>();
            alert.HistoryStates = new System.Text.Json.Nodes.JsonArray();
            alert.CreatedDateTime = now;
            alert.EventDateTime = now;
            alert.LastEventDateTime = now;
            alert.LastModifiedDateTime = now;
            store.Add(alert);
            events.Publish(tenant.Id, alert, "created");
            return Results.Json(new { id = alert.Id, tenantId = tenant.Id, provider = alert.Provider }, statusCode: 201);
        });
        app.MapMethods("/legacy/alerts/{id}", new[] { "PATCH" }, async (HttpContext ctx, string id, TenantStores<LegacyAlert> stores, TenantDirectory dir,
            EmulatorClock clock, LegacyAlertEvents events) =>
        {
            var r = await JsonSerializer.DeserializeAsync<AlertRequest>(ctx.Request.Body, Json) ?? new AlertRequest(null, null, null, null, null, null);
            var tenant = dir.Find(r.Tenant ?? TenantDirectory.DefaultTenantId);
            var updated = tenant == null ? null : stores.For(tenant.Id).Update(id, a =>
            {
                a.Title = r.Title ?? a.Title;
                a.Severity = LegacyAlertSchema.Severity.Parse(r.Severity) ?? a.Severity;
                a.Status = LegacyAlertSchema.Status.Parse(r.Status) ?? a.Status;
                a.AssignedTo = r.AssignedTo ?? a.AssignedTo;
                a.LastModifiedDateTime = clock.UtcNow;
            });
            if (updated == null) return Results.NotFound(new { error = $"No legacy alert '{id}' in tenant '{r.Tenant ?? TenantDirectory.DefaultTenantId}'." });
            events.Publish(tenant.Id, updated, "updated");
            return Results.Json(new { id = updated.Id, status = updated.Status, severity = updated.Severity });
        });
    }

    private static IResult State(LegacySettings s) => Results.Json(new
    {
        retired = s.Retired,
        failingProviders = s.FailingProviders.Select(p => new { provider = p.Key, status = p.Value.Status, latencyMs = p.Value.LatencyMs }).ToList(),
    });
}
