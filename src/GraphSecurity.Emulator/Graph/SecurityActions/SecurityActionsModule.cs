using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.SecurityActions;

/// <summary>beta securityActions, with their NotStarted → Running → Completed/Failed lifecycle.</summary>
public sealed class SecurityActionsModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "security/securityActions" };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(new SecurityActionStore(options.Seed));
        services.AddSingleton<PartnerSecurityActions>();
    }

    public void MapRoutes(IEndpointRouteBuilder app) => SecurityActionsEndpoints.Map(app);
}
