namespace GraphSecurity.Emulator.Graph;

/// <summary>
/// In-memory entities of one tenant. Readers take a snapshot without locking; writers serialise on a
/// lock and publish a new object per update (copy-on-write), so a reader never sees a half-applied change.
/// </summary>
public class EntityStore<T> where T : class
{
    private readonly object _writeLock = new();
    private readonly Func<T, T> _clone;
    private readonly Func<T, string> _id;
    private T[] _items;
    private Dictionary<string, int> _index;

    public string TenantId { get; }

    public EntityStore(string tenantId, IEnumerable<T> items, Func<T, string> id, Func<T, T> clone)
    {
        TenantId = tenantId;
        _id = id;
        _clone = clone;
        _items = items.ToArray();
        _index = new Dictionary<string, int>(_items.Length, StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < _items.Length; i++) _index.Add(id(_items[i]), i);
    }

    public int Count => Volatile.Read(ref _items).Length;

    /// <summary>The current version of every entity (a consistent copy of the references).</summary>
    public T[] Snapshot()
    {
        var items = Volatile.Read(ref _items);
        var copy = new T[items.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = Volatile.Read(ref items[i]);
        return copy;
    }

    public T Get(string id)
    {
        if (id == null) return null;
        var index = Volatile.Read(ref _index);
        var items = Volatile.Read(ref _items);
        return index.TryGetValue(id, out var i) && i < items.Length ? Volatile.Read(ref items[i]) : null;
    }

    /// <summary>Applies <paramref name="mutate"/> to a clone of the entity and publishes it. Null when the id is unknown.</summary>
    public T Update(string id, Action<T> mutate)
    {
        lock (_writeLock)
        {
            if (!_index.TryGetValue(id, out var i)) return null;
            var updated = _clone(_items[i]);
            mutate(updated);
            Volatile.Write(ref _items[i], updated);
            return updated;
        }
    }

    /// <summary>Adds a new entity (rare: control endpoints). Copies the arrays so running snapshots stay valid.</summary>
    public void Add(T item)
    {
        lock (_writeLock)
        {
            var items = new T[_items.Length + 1];
            Array.Copy(_items, items, _items.Length);
            items[^1] = item;
            var index = new Dictionary<string, int>(_index, StringComparer.OrdinalIgnoreCase) { [_id(item)] = items.Length - 1 };
            Volatile.Write(ref _items, items);
            Volatile.Write(ref _index, index);
        }
    }
}

/// <summary>One <see cref="EntityStore{T}"/> per tenant.</summary>
public sealed class TenantStores<T> where T : class
{
    private readonly Dictionary<string, Lazy<EntityStore<T>>> _stores = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<T, string> _id;
    private readonly Func<T, T> _clone;

    public TenantStores(Func<T, string> id, Func<T, T> clone)
    {
        _id = id;
        _clone = clone;
    }

    public void Add(string tenantId, IEnumerable<T> items) => AddLazy(tenantId, () => items);

    /// <summary>Registers a tenant whose items are generated on first use (keeps start-up fast for large tenants).</summary>
    public void AddLazy(string tenantId, Func<IEnumerable<T>> items) =>
        _stores[tenantId] = new Lazy<EntityStore<T>>(() => new EntityStore<T>(tenantId, items(), _id, _clone));

    public EntityStore<T> For(string tenantId)
    {
        Lazy<EntityStore<T>> s;
        lock (_stores)
        {
            if (!_stores.TryGetValue(tenantId, out s))
                _stores[tenantId] = s = new Lazy<EntityStore<T>>(new EntityStore<T>(tenantId, Array.Empty<T>(), _id, _clone));
        }
        return s.Value;
    }
}
