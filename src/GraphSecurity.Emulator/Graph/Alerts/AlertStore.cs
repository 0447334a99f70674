namespace GraphSecurity.Emulator.Graph.Alerts;

/// <summary>
/// In-memory alerts of one tenant. Readers take a snapshot of the array without locking;
/// writers serialise on a lock and publish a new <see cref="Alert"/> object per update (copy-on-write).
/// </summary>
public sealed class AlertStore
{
    private readonly object _writeLock = new();
    private Alert[] _alerts; // replaced (under the write lock) when alerts are added
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _index;

    public string TenantId { get; }

    public AlertStore(string tenantId, IEnumerable<Alert> alerts)
    {
        TenantId = tenantId;
        _alerts = alerts.ToArray();
        _index = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < _alerts.Length; i++) _index[_alerts[i].Id] = i;
    }

    public int Count => Volatile.Read(ref _alerts).Length;

    /// <summary>The current version of every alert (a consistent copy of the references).</summary>
    public Alert[] Snapshot()
    {
        var alerts = Volatile.Read(ref _alerts);
        var copy = new Alert[alerts.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = Volatile.Read(ref alerts[i]);
        return copy;
    }

    public Alert Get(string id) => _index.TryGetValue(id, out var i) ? Volatile.Read(ref Volatile.Read(ref _alerts)[i]) : null;

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

    /// <summary>Adds a new alert (ids must be unique). False when the id is taken.</summary>
    public bool Add(Alert alert)
    {
        lock (_writeLock)
        {
            if (_index.ContainsKey(alert.Id)) return false;
            var grown = new Alert[_alerts.Length + 1];
            Array.Copy(_alerts, grown, _alerts.Length);
            grown[^1] = alert;
            Volatile.Write(ref _alerts, grown);
            _index[alert.Id] = grown.Length - 1;
            return true;
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
