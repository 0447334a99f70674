using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.Legacy;

/// <summary>The legacy, federated /security/alerts, derived from each tenant's seeded alerts on first use.</summary>
public sealed class LegacyAlertsModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "security/alerts" };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(sp =>
        {
            var seeded = sp.GetRequiredService<SeededAlerts>();
            var stores = new TenantStores<LegacyAlert>(a => a.Id, a => a.Clone());
            foreach (var (tenantId, alerts) in seeded)
                stores.AddLazy(tenantId, () => new LegacyAlertSeeder(options.Seed, tenantId).Generate(alerts));
            return stores;
        });
        services.AddSingleton(Settings(options));
        services.AddSingleton<LegacyAlertEvents>();
        services.AddSingleton(_ => Providers.PartnerProviderRegistry.FromOptions(options));
        services.AddSingleton<Providers.PartnerClient>();
        services.AddSingleton<Providers.AlertBroker>();
    }

    private static LegacySettings Settings(EmulatorOptions options)
    {
        var settings = new LegacySettings { Retired = options.Legacy.Retired };
        foreach (var f in options.Legacy.FailingProviders ?? new())
        {
            // Names were checked when the config was read; stored under their canonical spelling.
            var provider = LegacyAlertSeeder.ProviderNames.First(p => string.Equals(p, f.Provider, StringComparison.OrdinalIgnoreCase));
            settings.FailingProviders[provider] = new ProviderFault(f.Status, f.LatencyMs);
        }
        return settings;
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var version in GraphVersions.All) LegacyAlertsEndpoints.Map(app, version);
        Providers.ProviderNotifications.Map(app);
    }

    public void MapControl(IEndpointRouteBuilder control)
    {
        LegacyControl.Map(control);
        Providers.ProviderControl.Map(control);
    }
}
