using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.Batch;

/// <summary>JSON batching: items dispatched in-process through the whole pipeline.</summary>
public sealed class BatchModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "$batch" };

    public void AddServices(IServiceCollection services, EmulatorOptions options) => services.AddSingleton<SubRequestDispatcher>();

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var version in GraphVersions.All) BatchEndpoint.Map(app, version);
    }
}
