using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.SecureScore;

/// <summary>Secure scores (90 days) and control profiles.</summary>
public sealed class SecureScoreModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "security/secureScores", "security/secureScoreControlProfiles" };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        var scores = new TenantStores<SecureScore>(s => s.Id, s => s);
        var profiles = new TenantStores<SecureScoreControlProfile>(p => p.Id, p => p.Clone());
        foreach (var tenant in options.Directory.Tenants)
        {
            var seeder = new SecureScoreSeeder(options.Seed, tenant.Id, options.Now);
            scores.Add(tenant.Id, seeder.Scores());
            profiles.Add(tenant.Id, seeder.Profiles());
        }
        services.AddSingleton(scores);
        services.AddSingleton(profiles);
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var version in GraphVersions.All) SecureScoreEndpoints.Map(app, version);
    }
}
