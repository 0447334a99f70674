namespace GraphSecurity.Emulator.Graph.Alerts;

/// <summary>
/// In-memory alerts_v2 of one tenant (copy-on-write, see <see cref="EntityStore{T}"/>). Kept in the
/// default order (createdDateTime desc, id asc), which updates never change, so lists need no sort;
/// alerts created through the control API are inserted at their place in it.
/// </summary>
public sealed class AlertStore : EntityStore<Alert>
{
    private static readonly IComparer<Alert> NewestFirst = Comparer<Alert>.Create((x, y) =>
    {
        var c = y.CreatedDateTime.CompareTo(x.CreatedDateTime);
        return c != 0 ? c : string.CompareOrdinal(x.Id, y.Id);
    });

    public AlertStore(string tenantId, IEnumerable<Alert> alerts)
        : base(tenantId, Query.CollectionQuery.SortNewestFirst(alerts, a => a.CreatedDateTime, a => a.Id), a => a.Id, a => a.Clone(), NewestFirst) { }
}

/// <summary>Alert stores of every tenant.</summary>
public sealed class AlertRepository
{
    private readonly Dictionary<string, AlertStore> _stores = new(StringComparer.OrdinalIgnoreCase);

    public void Add(AlertStore store) => _stores[store.TenantId] = store;

    public AlertStore For(string tenantId) =>
        _stores.TryGetValue(tenantId, out var s) ? s : new AlertStore(tenantId, Array.Empty<Alert>());
}
