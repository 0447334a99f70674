namespace GraphSecurity.Emulator.Graph.SecurityActions;

/// <summary>Security actions per tenant, newest last. Actions are immutable; cancelling swaps in a copy.</summary>
public sealed class SecurityActionStore
{
    private readonly TenantStores<SecurityAction> _stores = new(a => a.Id, a => a);
    private readonly object _lock = new();
    private readonly Random _failures;

    public SecurityActionStore(int seed) => _failures = new Random(seed);

    /// <summary>Draws from the seeded stream that decides which actions fail (with the configured failure rate).</summary>
    public bool NextFails(double rate)
    {
        lock (_lock) return rate > 0 && _failures.NextDouble() < rate;
    }

    public SecurityAction[] Snapshot(string tenantId) => _stores.For(tenantId).Snapshot();

    public SecurityAction Get(string tenantId, string id) => _stores.For(tenantId).Get(id);

    public void Add(SecurityAction action) => _stores.For(action.AzureTenantId).Add(action);

    /// <summary>Replaces the action if it is still the one the caller read (no lost updates); false otherwise.</summary>
    public bool Replace(SecurityAction current, SecurityAction updated) => _stores.For(current.AzureTenantId).Replace(current, updated);
}
