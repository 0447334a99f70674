using System.Collections.Concurrent;

namespace GraphSecurity.Emulator.Graph.SecurityActions;

/// <summary>Security actions per tenant, newest last. Actions are immutable; cancelling swaps in a copy.</summary>
public sealed class SecurityActionStore
{
    private readonly ConcurrentDictionary<string, List<SecurityAction>> _tenants = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _lock = new();
    private readonly Random _failures;

    public SecurityActionStore(int seed) => _failures = new Random(seed);

    /// <summary>Draws from the seeded stream that decides which actions fail (with the configured failure rate).</summary>
    public bool NextFails(double rate)
    {
        lock (_lock) return rate > 0 && _failures.NextDouble() < rate;
    }

    private List<SecurityAction> For(string tenantId) => _tenants.GetOrAdd(tenantId, _ => new List<SecurityAction>());

    public SecurityAction[] Snapshot(string tenantId) { lock (_lock) return For(tenantId).ToArray(); }

    public SecurityAction Get(string tenantId, string id)
    {
        lock (_lock) return For(tenantId).FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase));
    }

    public void Add(SecurityAction action) { lock (_lock) For(action.AzureTenantId).Add(action); }

    /// <summary>Replaces the action if it is still the one the caller read (no lost updates); false otherwise.</summary>
    public bool Replace(SecurityAction current, SecurityAction updated)
    {
        lock (_lock)
        {
            var list = For(current.AzureTenantId);
            var i = list.IndexOf(current);
            if (i < 0) return false;
            list[i] = updated;
            return true;
        }
    }
}
