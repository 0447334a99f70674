using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.Hunting;

/// <summary>runHuntingQuery over the tenant's alerts (AlertInfo, AlertEvidence).</summary>
public sealed class HuntingModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "security/runHuntingQuery" };

    public void AddServices(IServiceCollection services, EmulatorOptions options) { }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var version in GraphVersions.All) HuntingEndpoints.Map(app, version);
    }
}
