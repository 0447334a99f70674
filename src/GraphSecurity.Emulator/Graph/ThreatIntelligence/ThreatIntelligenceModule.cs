using System.Text.Json;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.ThreatIntelligence;

/// <summary>Defender Threat Intelligence through Graph (/security/threatIntelligence), read-only, from a fixed catalogue.</summary>
public sealed class ThreatIntelligenceModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "security/threatIntelligence" };

    public void AddServices(IServiceCollection services, EmulatorOptions options) =>
        services.AddSingleton(new ThreatIntelligenceLicences(options.ThreatIntelligenceUnlicensedTenants));

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var version in GraphVersions.All) ThreatIntelligenceEndpoints.Map(app, version);
    }

    /// <summary><c>POST /_emulator/threatIntelligence/licence {"tenantId": "…", "licensed": true|false}</c>.</summary>
    public void MapControl(IEndpointRouteBuilder control) =>
        control.MapPost("/threatIntelligence/licence", async (HttpContext ctx, ThreatIntelligenceLicences licences) =>
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            var root = doc.RootElement;
            if (!root.TryGetProperty("tenantId", out var t) || t.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("licensed", out var l) || l.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return Results.BadRequest(new { error = "Expected {\"tenantId\": \"…\", \"licensed\": true|false}." });
            licences.Set(t.GetString(), l.GetBoolean());
            return Results.Json(new { tenantId = t.GetString(), licensed = licences.IsLicensed(t.GetString()) });
        });
}
