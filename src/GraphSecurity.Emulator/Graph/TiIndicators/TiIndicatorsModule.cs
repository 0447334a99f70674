using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.TiIndicators;

/// <summary>beta tiIndicators: each app's own indicators, the four bulk actions.</summary>
public sealed class TiIndicatorsModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "security/tiIndicators" };

    public void AddServices(IServiceCollection services, EmulatorOptions options) => services.AddSingleton(new TiIndicatorStore());

    public void MapRoutes(IEndpointRouteBuilder app) => TiIndicatorsEndpoints.Map(app);

    /// <summary><c>DELETE /_emulator/tiIndicators</c>: start from an empty store.</summary>
    public void MapControl(IEndpointRouteBuilder control) =>
        control.MapDelete("/tiIndicators", (TiIndicatorStore store) => Results.Json(new { removed = store.Clear() }));
}
