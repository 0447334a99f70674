using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.Subscriptions;

/// <summary>Change-notification subscriptions on legacy alerts, with real deliveries to the notification URL.</summary>
public sealed class SubscriptionsModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "subscriptions" };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(_ => new NotificationSender(options.NotificationTimeScale)); // created by DI, so disposed with the app
        services.AddSingleton<SubscriptionService>();
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var version in GraphVersions.All) SubscriptionsEndpoints.Map(app, version);
    }

    public void MapControl(IEndpointRouteBuilder control) => SubscriptionsEndpoints.MapControl(control);
}
