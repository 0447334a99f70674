using System.Collections.Concurrent;

namespace GraphSecurity.Emulator.Graph.Legacy.Providers;

/// <summary>
/// A partner's alert provider registered with the broker (docs/provider-contract.md): who it is, where its
/// gsprov/1 endpoint is, the app its tokens are for, and how long the broker waits for it.
/// </summary>
public sealed class PartnerProvider
{
    public const int DefaultTimeoutMs = 10_000;

    /// <summary>A short stable key, e.g. "northwind-security-sentry-firewall", used by the control API.</summary>
    public string Id { get; init; }
    public string Vendor { get; init; }
    public string Provider { get; init; }
    public string ProviderVersion { get; init; }
    /// <summary>The contract's base URL, e.g. http://127.0.0.1:7801/gsprov/v1 (no trailing slash).</summary>
    public string BaseUrl { get; init; }
    /// <summary>The provider's (multi-tenant) app: a tenant is fanned out to only where it has consented to this app.</summary>
    public string AppId { get; init; }
    /// <summary>The audience of the broker's tokens for the provider (its app-id URI; its app id when not given).</summary>
    public string Audience { get; init; }
    public int TimeoutMs { get; init; } = DefaultTimeoutMs;

    /// <summary>The legacy alert's vendorInformation/provider and vendor name this provider (case-insensitive).</summary>
    public bool Owns(string vendor, string provider) =>
        string.Equals(vendor, Vendor, StringComparison.OrdinalIgnoreCase) && string.Equals(provider, Provider, StringComparison.OrdinalIgnoreCase);

    public static string KeyOf(string vendor, string provider) =>
        new string($"{vendor}-{provider}".ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-').Replace("--", "-");

    /// <summary>
    /// Checks a registration and returns it completed (key, audience, trimmed URL); throws ArgumentException naming the
    /// bad field. Plain http is allowed only to loopback, so a partner's token never crosses a network in clear.
    /// </summary>
    public static PartnerProvider Validated(string vendor, string provider, string providerVersion, string baseUrl, string appId, string audience, int? timeoutMs)
    {
        if (string.IsNullOrWhiteSpace(vendor)) throw new ArgumentException("'vendor' is required, e.g. \"Northwind Security\".");
        if (string.IsNullOrWhiteSpace(provider)) throw new ArgumentException("'provider' is required, e.g. \"Sentry Firewall\".");
        if (string.Equals(vendor.Trim(), "Microsoft", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("'vendor' may not be Microsoft: Microsoft's providers are built in.");
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"'baseUrl' must be an absolute http(s) URL, not '{baseUrl}'.");
        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
            throw new ArgumentException($"'baseUrl' must use https unless it is a loopback address: '{baseUrl}'.");
        if (!Guid.TryParse(appId, out _)) throw new ArgumentException($"'appId' must be the provider's application (client) id, a GUID, not '{appId}'.");
        if (timeoutMs is < 100 or > 120_000) throw new ArgumentException($"'timeoutMs' must be between 100 and 120000, not {timeoutMs}.");
        return new PartnerProvider
        {
            Id = KeyOf(vendor.Trim(), provider.Trim()),
            Vendor = vendor.Trim(),
            Provider = provider.Trim(),
            ProviderVersion = string.IsNullOrWhiteSpace(providerVersion) ? null : providerVersion.Trim(),
            BaseUrl = url.ToString().TrimEnd('/'),
            AppId = appId.ToLowerInvariant(),
            Audience = string.IsNullOrWhiteSpace(audience) ? appId.ToLowerInvariant() : audience.Trim(),
            TimeoutMs = timeoutMs ?? DefaultTimeoutMs,
        };
    }
}

/// <summary>The partner providers the broker knows: from the config file and the control API (keyed by vendor + provider).</summary>
public sealed class PartnerProviderRegistry
{
    private readonly ConcurrentDictionary<string, PartnerProvider> _providers = new(StringComparer.OrdinalIgnoreCase);

    public static PartnerProviderRegistry FromOptions(Hosting.EmulatorOptions options)
    {
        var registry = new PartnerProviderRegistry();
        foreach (var p in options.PartnerProviders) registry.Register(p);
        return registry;
    }

    public IReadOnlyList<PartnerProvider> All => _providers.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

    /// <summary>Adds or replaces (same vendor and provider) a registration; returns true when it is new.</summary>
    public bool Register(PartnerProvider provider)
    {
        bool added = true;
        _providers.AddOrUpdate(provider.Id, provider, (_, _) => { added = false; return provider; });
        return added;
    }

    public bool Remove(string id) => _providers.TryRemove(id, out _);

    public PartnerProvider Find(string id) => id != null && _providers.TryGetValue(id, out var p) ? p : null;

    /// <summary>The registration named by a vendorInformation (provider and, when given, vendor).</summary>
    public PartnerProvider FindByName(string vendor, string provider) =>
        _providers.Values.FirstOrDefault(p => string.Equals(p.Provider, provider, StringComparison.OrdinalIgnoreCase) &&
                                              (vendor == null || string.Equals(p.Vendor, vendor, StringComparison.OrdinalIgnoreCase)));

    public IEnumerable<PartnerProvider> ForApp(string appId) =>
        _providers.Values.Where(p => string.Equals(p.AppId, appId, StringComparison.OrdinalIgnoreCase));
}
