namespace GraphSecurity.Emulator.Graph.Alerts;

/// <summary>
/// In-memory alerts of one tenant. Readers take a snapshot of the array without locking;
/// writers serialise on a lock and publish a new <see cref="Alert"/> object per update (copy-on-write).
/// </summary>
public sealed class AlertStore
{
    private readonly object _writeLock = new();
    private readonly Alert[] _alerts;
    private readonly Dictionary<string, int> _index;

    public string TenantId { get; }

    public AlertStore(string tenantId, IEnumerable<Alert> alerts)
    {
        TenantId = tenantId;
        _alerts = alerts.ToArray();
        _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < _alerts.Length; i++) _index.Add(_alerts[i].Id, i);
    }

    public int Count => _alerts.Length;

    /// <summary>The current version of every alert (a consistent copy of the references).</summary>
    public Alert[] Snapshot()
    {
        var copy = new Alert[_alerts.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = Volatile.Read(ref _alerts[i]);
        return copy;
    }

    public Alert Get(string id) => _index.TryGetValue(id, out var i) ? Volatile.Read(ref _alerts[i]) : null;

    /// <summary>Applies <paramref name="mutate"/> to a clone of the alert and publishes it. Null when the id is unknown.</summary>
    public Alert Update(string id, Action<Alert> mutate)
    {
        if (!_index.TryGetValue(id, out var i)) return null;
        lock (_writeLock)
        {
            var updated = _alerts[i].Clone();
            mutate(updated);
            Volatile.Write(ref _alerts[i], updated);
            return updated;
        }
    }
}

/// <summary>Alert stores of every tenant.</summary>
public sealed class AlertRepository
{
    private readonly Dictionary<string, AlertStore> _stores = new(StringComparer.OrdinalIgnoreCase);

    public void Add(AlertStore store) => _stores[store.TenantId] = store;

    public AlertStore For(string tenantId) =>
        _stores.TryGetValue(tenantId, out var s) ? s : new AlertStore(tenantId, Array.Empty<Alert>());
}
