using GraphSecurity.ProviderKit.Actions;
using GraphSecurity.ProviderKit.Auth;
using GraphSecurity.ProviderKit.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GraphSecurity.ProviderKit.Hosting;

public static class GsProviderServiceCollectionExtensions
{
    /// <summary>
    /// Registers a gsprov/1 provider over <typeparamref name="TSource"/> (a singleton; register an instance first to
    /// supply your own). Map its endpoints with <see cref="GsProviderEndpoints.MapGsProvider"/>.
    /// </summary>
    public static IServiceCollection AddGsProvider<TSource>(this IServiceCollection services, Action<GsProviderOptions> configure)
        where TSource : class, IProviderDataSource
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new GsProviderOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.TryAddSingleton<TSource>();
        services.AddSingleton<IProviderDataSource>(sp => sp.GetRequiredService<TSource>());
        services.TryAddSingleton(TimeProvider.System);
        // One client for the authority and the broker; the pin (if any) is the authority's certificate.
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<GsProviderOptions>().BackchannelHandler?.Invoke()
                ?? PinnedHttp.CreateHandler(sp.GetRequiredService<GsProviderOptions>().AuthorityThumbprint))
            .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton(sp => new ProviderTokenValidator(options, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        services.AddSingleton(sp => new SecurityActionEngine(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SecurityActionEngine>>()));
        services.AddSingleton(sp => new BrokerNotifier(options, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), sp.GetRequiredService<ILogger<BrokerNotifier>>()));
        services.AddSingleton<IProviderNotifier>(sp => sp.GetRequiredService<BrokerNotifier>());
        services.AddHostedService(sp => sp.GetRequiredService<BrokerNotifier>());
        return services;
    }

    /// <summary>The named HttpClient the kit uses for the authority and the broker.</summary>
    public const string HttpClientName = "GraphSecurity.ProviderKit";
}
