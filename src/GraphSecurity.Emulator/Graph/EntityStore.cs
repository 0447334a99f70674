namespace GraphSecurity.Emulator.Graph;

/// <summary>
/// In-memory entities of one tenant. Readers take a snapshot without locking; writers serialise on a
/// lock and publish a new object per update (copy-on-write), so a reader never sees a half-applied change.
/// </summary>
public class EntityStore<T> where T : class
{
    /// <summary>The items and their positions, published together so a reader never mixes two versions.</summary>
    private sealed record State(T[] Items, Dictionary<string, int> Index);

    private readonly object _writeLock = new();
    private readonly Func<T, T> _clone;
    private readonly Func<T, string> _id;
    private readonly IComparer<T> _order;
    private State _state;

    public string TenantId { get; }

    /// <param name="order">When given, <paramref name="items"/> must already be in this order and added entities are
    /// inserted where it puts them (updates must not change it); otherwise they are appended.</param>
    public EntityStore(string tenantId, IEnumerable<T> items, Func<T, string> id, Func<T, T> clone, IComparer<T> order = null)
    {
        TenantId = tenantId;
        _id = id;
        _clone = clone;
        _order = order;
        _state = Indexed(items.ToArray());
    }

    private State Indexed(T[] items)
    {
        var index = new Dictionary<string, int>(items.Length, StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < items.Length; i++) index.Add(_id(items[i]), i);
        return new State(items, index);
    }

    public int Count => Volatile.Read(ref _state).Items.Length;

    /// <summary>The current version of every entity (a consistent copy of the references).</summary>
    public T[] Snapshot()
    {
        var items = Volatile.Read(ref _state).Items;
        var copy = new T[items.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = Volatile.Read(ref items[i]);
        return copy;
    }

    public T Get(string id)
    {
        if (id == null) return null;
        var state = Volatile.Read(ref _state);
        return state.Index.TryGetValue(id, out var i) ? Volatile.Read(ref state.Items[i]) : null;
    }

    /// <summary>Applies <paramref name="mutate"/> to a clone of the entity and publishes it. Null when the id is unknown.</summary>
    public T Update(string id, Action<T> mutate)
    {
        lock (_writeLock)
        {
            if (!_state.Index.TryGetValue(id, out var i)) return null;
            var updated = _clone(_state.Items[i]);
            mutate(updated);
            Volatile.Write(ref _state.Items[i], updated);
            return updated;
        }
    }

    /// <summary>Replaces the entity of the same id with <paramref name="item"/> as it is (immutable entities); false when the id is unknown.</summary>
    public bool Put(T item) => Replace(null, item);

    /// <summary>
    /// Replaces the entity of <paramref name="updated"/>'s id, but only while it is still
    /// <paramref name="current"/> (null: whatever it is), so two writers cannot lose each other's update.
    /// </summary>
    public bool Replace(T current, T updated)
    {
        lock (_writeLock)
        {
            if (!_state.Index.TryGetValue(_id(updated), out var i)) return false;
            if (current != null && !ReferenceEquals(_state.Items[i], current)) return false;
            Volatile.Write(ref _state.Items[i], updated);
            return true;
        }
    }

    /// <summary>Removes the entities that match; answers how many. Nothing is copied when none match (expiry sweeps run per request).</summary>
    public int RemoveWhere(Func<T, bool> match)
    {
        lock (_writeLock)
        {
            if (!_state.Items.Any(match)) return 0;
            var kept = _state.Items.Where(i => !match(i)).ToArray();
            var removed = _state.Items.Length - kept.Length;
            if (removed > 0) Volatile.Write(ref _state, Indexed(kept));
            return removed;
        }
    }

    public bool Remove(string id) => RemoveWhere(i => string.Equals(_id(i), id, StringComparison.OrdinalIgnoreCase)) > 0;

    /// <summary>Adds a new entity (rare: control endpoints). False when its id is taken.</summary>
    public bool Add(T item) => AddRange(new[] { item }).Count == 1;

    /// <summary>
    /// Adds new entities with one copy of the arrays (running snapshots stay valid); entities whose id is
    /// taken are skipped. Returns those added.
    /// </summary>
    public List<T> AddRange(IEnumerable<T> newItems)
    {
        lock (_writeLock)
        {
            var ids = new HashSet<string>(_state.Index.Keys, StringComparer.OrdinalIgnoreCase);
            var added = newItems.Where(i => ids.Add(_id(i))).ToList();
            if (added.Count == 0) return added;
            var items = new List<T>(_state.Items.Length + added.Count);
            items.AddRange(_state.Items);
            foreach (var item in added)
            {
                if (_order == null) { items.Add(item); continue; }
                var at = items.BinarySearch(item, _order);
                items.Insert(at < 0 ? ~at : at, item);
            }
            Volatile.Write(ref _state, Indexed(items.ToArray()));
            return added;
        }
    }
}

/// <summary>
/// One <see cref="EntityStore{T}"/> per tenant, or per tenant and owner for entities that only their
/// creating app sees (tiIndicators; Defender indicators of a Ti.ReadWrite app).
/// </summary>
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

    /// <summary>The store of what <paramref name="owner"/> (e.g. an app id) holds in the tenant.</summary>
    public EntityStore<T> For(string tenantId, string owner) => For(tenantId + "/" + owner);

    /// <summary>Every store made so far (every tenant, every owner).</summary>
    public IReadOnlyList<EntityStore<T>> All()
    {
        lock (_stores) return _stores.Values.Where(s => s.IsValueCreated).Select(s => s.Value).ToList();
    }

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
