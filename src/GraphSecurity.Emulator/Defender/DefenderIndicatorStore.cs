using System.Collections.Concurrent;
using System.Globalization;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph;

namespace GraphSecurity.Emulator.Defender;

/// <summary>
/// Every tenant's Defender indicators: numeric ids that are never reused, expiry to the second, the
/// tenant cap, and the one indicator per value and type that submissions update (successor-apis.md §1.4, §1.8).
/// Writes of a tenant take its store's lock, so the key lookup, the cap and the id stay consistent.
/// </summary>
public sealed class DefenderIndicatorStore
{
    private readonly TenantStores<DefenderIndicator> _stores = new(i => i.Id, i => i);
    private readonly ConcurrentDictionary<string, long> _lastIds = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Per tenant, the id of each value and type: a submission finds its indicator without a scan (imports of 500 into 15,000).</summary>
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _idsByKey = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _cap;

    public DefenderIndicatorStore(int cap) => _cap = cap;

    public void Seed(string tenantId, IEnumerable<DefenderIndicator> indicators)
    {
        _stores.Add(tenantId, indicators);
        _idsByKey.TryRemove(tenantId, out _);
    }

    /// <summary>The tenant's indicators without those whose expirationTime has passed: they are deleted, not hidden (§1.6).</summary>
    public EntityStore<DefenderIndicator> Live(string tenantId, DateTimeOffset now)
    {
        var store = For(tenantId);
        store.RemoveWhere(i => i.ExpirationTime <= now);
        return store;
    }

    /// <summary>The tenant's store, its highest id noted before anything can be deleted, so ids are never reused.</summary>
    private EntityStore<DefenderIndicator> For(string tenantId)
    {
        var store = _stores.For(tenantId);
        _lastIds.GetOrAdd(tenantId, _ => store.Snapshot()
            .Select(i => long.TryParse(i.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max());
        return store;
    }

    /// <summary>Creates or updates the indicator of the submission's value and type; answers it and whether it is new.</summary>
    public (DefenderIndicator Indicator, bool Created) Submit(string tenantId, IndicatorSubmission s, IndicatorCaller caller, DateTimeOffset now)
    {
        var outcome = Import(tenantId, new Func<IndicatorSubmission>[] { () => s }, caller, now)[0];
        if (outcome.Error != null) throw outcome.Error;
        return (outcome.Indicator, outcome.Created);
    }

    /// <summary>
    /// An import: each item handled in order as a submission (a later item of the same value and type
    /// updates the earlier one), the new ones added to the store together, so an import of 500 into a
    /// full tenant costs one copy of the store rather than one per item. A refused item is its error.
    /// </summary>
    public List<(DefenderIndicator Indicator, bool Created, ApiError Error)> Import(string tenantId, IReadOnlyList<Func<IndicatorSubmission>> items, IndicatorCaller caller, DateTimeOffset now)
    {
        var store = Live(tenantId, now);
        var results = new List<(DefenderIndicator, bool, ApiError)>(items.Count);
        lock (store)
        {
            var keys = KeysOf(tenantId, store);
            var added = new List<DefenderIndicator>();
            var addedByKey = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var parse in items)
            {
                try
                {
                    var s = parse();
                    var key = Key(s.Values.IndicatorType, s.Values.IndicatorValue);
                    if (addedByKey.TryGetValue(key, out var at))
                    {
                        added[at] = DefenderIndicatorRules.Update(added[at], s, caller, now);
                        results.Add((added[at], false, null));
                        continue;
                    }
                    var current = keys.TryGetValue(key, out var id) && store.Get(id) is { } found && Key(found.IndicatorType, found.IndicatorValue) == key ? found : null;
                    if (current != null)
                    {
                        if (!caller.Owns(current))
                            throw ApiError.Forbidden($"Indicator {current.Id} for {current.IndicatorType} '{current.IndicatorValue}' was created by another application; changing it needs Ti.ReadWrite.All.");
                        var updated = DefenderIndicatorRules.Update(current, s, caller, now);
                        store.Put(updated);
                        results.Add((updated, false, null));
                        continue;
                    }
                    if (store.Count + added.Count >= _cap)
                        throw new ApiError(400, "DisallowedOperation", $"The tenant has reached the limit of {_cap} indicators; increases are not supported. Delete indicators or let them expire before adding more.");
                    var created = DefenderIndicatorRules.Create(s, NextId(tenantId), caller, now);
                    addedByKey[key] = added.Count;
                    added.Add(created);
                    keys[key] = created.Id;
                    results.Add((created, true, null));
                }
                catch (ApiError e) { results.Add((null, false, e)); }
            }
            store.AddRange(added);
        }
        return results;
    }

    private static string Key(string type, string value) => type + "|" + (value ?? "").ToLowerInvariant();

    /// <summary>The tenant's index of ids by value and type, built from its store the first time (seeded indicators included).</summary>
    private Dictionary<string, string> KeysOf(string tenantId, EntityStore<DefenderIndicator> store) =>
        _idsByKey.GetOrAdd(tenantId, _ => store.Snapshot().GroupBy(i => Key(i.IndicatorType, i.IndicatorValue)).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal));

    /// <summary>Deletes the indicators of <paramref name="ids"/> after checking them all (nothing is deleted when one fails).</summary>
    public void Delete(string tenantId, IReadOnlyCollection<string> ids, IndicatorCaller caller, DateTimeOffset now)
    {
        var store = Live(tenantId, now);
        lock (store)
        {
            var found = ids.Select(id => (Id: id, Indicator: store.Get(id))).ToList();
            var missing = found.Where(f => f.Indicator == null).Select(f => f.Id).ToList();
            if (missing.Count > 0)
                throw new ApiError(404, "ResourceNotFound", $"Indicator{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} not found.");
            var foreign = found.Where(f => !caller.Owns(f.Indicator)).Select(f => f.Id).ToList();
            if (foreign.Count > 0)
                throw ApiError.Forbidden($"Indicator{(foreign.Count > 1 ? "s" : "")} {string.Join(", ", foreign)} created by another application; deleting needs Ti.ReadWrite.All.");
            var doomed = new HashSet<string>(ids, StringComparer.OrdinalIgnoreCase);
            store.RemoveWhere(i => doomed.Contains(i.Id));
        }
    }

    /// <summary>Empties the tenant's store (control API); answers how many indicators it held.</summary>
    public int Clear(string tenantId)
    {
        _idsByKey.TryRemove(tenantId, out _);
        return For(tenantId).RemoveWhere(_ => true);
    }

    /// <summary>One more than the highest id the tenant has ever had.</summary>
    private string NextId(string tenantId) =>
        _lastIds.AddOrUpdate(tenantId, 1, (_, last) => last + 1).ToString(CultureInfo.InvariantCulture);
}
