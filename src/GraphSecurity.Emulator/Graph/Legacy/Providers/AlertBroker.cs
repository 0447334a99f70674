using System.Collections.Concurrent;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.Legacy.Providers;

/// <summary>The merged answer of a fan-out: what the providers returned and a Warning item per provider that failed.</summary>
public sealed record BrokerAnswer<T>(T Value, IReadOnlyList<string> Warnings);

/// <summary>
/// The legacy API as a broker: every request goes to the providers the tenant has (Microsoft's built-in
/// ones, partners it consented to) in parallel; the answers are merged and the failures reported, never
/// stored. Which provider answered for an id is remembered, so a later get or update goes straight to it.
/// </summary>
public sealed class AlertBroker
{
    private readonly IReadOnlyList<BuiltInAlertProvider> _builtIn;
    private readonly PartnerProviderRegistry _registry;
    private readonly PartnerClient _client;
    private readonly LegacySettings _settings;
    private readonly TenantStores<LegacyAlert> _stores;
    private readonly ConcurrentDictionary<(string Tenant, string Id), string> _partnerOfAlert = new();

    public AlertBroker(TenantStores<LegacyAlert> stores, LegacySettings settings, EmulatorClock clock, PartnerProviderRegistry registry, PartnerClient client)
    {
        _builtIn = LegacyAlertSeeder.ProviderNames.Select(p => new BuiltInAlertProvider(p, stores, settings, clock)).ToList();
        _registry = registry;
        _client = client;
        _settings = settings;
        _stores = stores;
    }

    /// <summary>The providers of a tenant, built-in first; none while the API is retired.</summary>
    public IReadOnlyList<IAlertProvider> ProvidersOf(string tenantId)
    {
        if (_settings.Retired) return Array.Empty<IAlertProvider>();
        var partners = _registry.All.Select(r => new PartnerAlertProvider(r, _client)).Where(p => p.Serves(tenantId));
        return _builtIn.Cast<IAlertProvider>().Concat(partners).ToList();
    }

    /// <summary>The provider a vendorInformation names, if the tenant has it.</summary>
    public IAlertProvider Named(string tenantId, string vendor, string provider) =>
        ProvidersOf(tenantId).FirstOrDefault(p => string.Equals(p.Provider, provider, StringComparison.OrdinalIgnoreCase) &&
                                                  string.Equals(p.Vendor, vendor, StringComparison.OrdinalIgnoreCase));

    public async Task<BrokerAnswer<IReadOnlyList<ProviderPage>>> ListAsync(string tenantId, ProviderQuery query, CancellationToken cancellationToken)
    {
        var providers = ProvidersOf(tenantId);
        var shared = query with { Stored = new Lazy<LegacyAlert[]>(() => _stores.For(tenantId).Snapshot()) };
        var replies = await Task.WhenAll(providers.Select(p => p.ListAsync(tenantId, shared, cancellationToken))).ConfigureAwait(false);
        var pages = new List<ProviderPage>();
        var warnings = new List<string>();
        for (int i = 0; i < providers.Count; i++)
        {
            if (!replies[i].Succeeded) { warnings.Add(replies[i].WarningItem(providers[i])); continue; }
            pages.Add(replies[i].Value);
            Remember(tenantId, providers[i], replies[i].Value.Items);
        }
        return new BrokerAnswer<IReadOnlyList<ProviderPage>>(pages, warnings);
    }

    /// <summary>
    /// An alert by id: from the provider known to hold it, else from every provider at once (a 404 from the
    /// others is normal and silent). Null when nobody has it.
    /// </summary>
    public async Task<BrokerAnswer<(LegacyAlert Alert, IAlertProvider Provider)>> GetAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var providers = ProvidersOf(tenantId);
        if (_partnerOfAlert.TryGetValue((tenantId, id), out var known) && providers.FirstOrDefault(p => p is PartnerAlertProvider pp && pp.Registration.Id == known) is { } owner)
        {
            var reply = await owner.GetAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
            if (!reply.IsNotFound)
                return new BrokerAnswer<(LegacyAlert, IAlertProvider)>(reply.Succeeded ? (reply.Value, owner) : default,
                    reply.Failed ? new[] { reply.WarningItem(owner) } : Array.Empty<string>());
        }
        var replies = await Task.WhenAll(providers.Select(p => p.GetAsync(tenantId, id, cancellationToken))).ConfigureAwait(false);
        var warnings = new List<string>();
        (LegacyAlert, IAlertProvider) found = default;
        for (int i = 0; i < providers.Count; i++)
        {
            if (replies[i].Failed) warnings.Add(replies[i].WarningItem(providers[i]));
            else if (replies[i].Succeeded && found.Item1 == null)
            {
                found = (replies[i].Value, providers[i]);
                Remember(tenantId, providers[i], new[] { replies[i].Value });
            }
        }
        return new BrokerAnswer<(LegacyAlert, IAlertProvider)>(found, warnings);
    }

    public async Task<ProviderReply<LegacyAlert>> UpdateAsync(string tenantId, IAlertProvider provider, string id, AlertUpdate update, CancellationToken cancellationToken)
    {
        var reply = await provider.UpdateAsync(tenantId, id, update, cancellationToken).ConfigureAwait(false);
        if (reply.Succeeded) Remember(tenantId, provider, new[] { reply.Value });
        return reply;
    }

    /// <summary>Remembers which partner holds which alert ids (built-in ids are found in the store anyway).</summary>
    public void Remember(string tenantId, IAlertProvider provider, IEnumerable<LegacyAlert> alerts)
    {
        if (provider is not PartnerAlertProvider partner) return;
        foreach (var a in alerts) _partnerOfAlert[(tenantId, a.Id)] = partner.Registration.Id;
    }
}
