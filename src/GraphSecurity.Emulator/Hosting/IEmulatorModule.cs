namespace GraphSecurity.Emulator.Hosting;

/// <summary>
/// One resource of the emulator (alerts_v2, incidents, Defender for Endpoint indicators…). The host
/// calls every module of <see cref="EmulatorModules.All"/>: each registers its services (its stores,
/// seeded from the options), maps its API routes, and maps its control routes under the one
/// <c>/_emulator</c> group (loopback callers only, bad bodies answered 400). Adding a resource is a
/// folder with its module and one line in that list.
/// </summary>
public interface IEmulatorModule
{
    /// <summary>
    /// Graph paths it serves below a version root: collections ("security/alerts_v2") and top-level
    /// resources ("subscriptions"). An unmatched request to one of them is a 405, to anything else a 400.
    /// </summary>
    IEnumerable<string> GraphPaths => Array.Empty<string>();

    void AddServices(IServiceCollection services, EmulatorOptions options);

    void MapRoutes(IEndpointRouteBuilder app);

    /// <summary>Control routes, relative to <c>/_emulator</c>.</summary>
    void MapControl(IEndpointRouteBuilder control) { }
}
