using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.TiIndicators;

/// <summary>
/// Threat indicators, kept per tenant and per creating application: an app only ever sees the
/// indicators it created (ThreatIndicators.ReadWrite.OwnedBy). Stored indicators are never modified in
/// place; updates replace them with a changed copy, so a list can hand out references safely.
/// </summary>
public sealed class TiIndicatorStore
{
    private readonly ConcurrentDictionary<string, Owned> _owners = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The indicators one app created in one tenant, in creation order.</summary>
    public sealed class Owned
    {
        private readonly object _lock = new();
        private readonly List<JsonObject> _items = new();

        public JsonObject[] Snapshot() { lock (_lock) return _items.ToArray(); }

        public JsonObject Get(string id) { lock (_lock) return _items.FirstOrDefault(i => Matches(i, id)); }

        public void Add(JsonObject indicator) { lock (_lock) _items.Add(indicator); }

        /// <summary>Replaces the indicator with the same id; false when it is not there.</summary>
        public bool Replace(JsonObject indicator)
        {
            lock (_lock)
            {
                var index = _items.FindIndex(i => Matches(i, (string)indicator["id"]));
                if (index < 0) return false;
                _items[index] = indicator;
                return true;
            }
        }

        public bool Remove(string id) { lock (_lock) return _items.RemoveAll(i => Matches(i, id)) > 0; }

        public int Clear()
        {
            lock (_lock)
            {
                var count = _items.Count;
                _items.Clear();
                return count;
            }
        }

        /// <summary>Removes every indicator with this externalId (the service does not keep externalIds unique).</summary>
        public int RemoveByExternalId(string externalId)
        {
            lock (_lock) return _items.RemoveAll(i => (string)i["externalId"] == externalId);
        }

        private static bool Matches(JsonObject i, string id) => string.Equals((string)i["id"], id, StringComparison.OrdinalIgnoreCase);
    }

    public Owned For(string tenantId, string appId) => _owners.GetOrAdd(tenantId + "/" + appId, _ => new Owned());

    /// <summary>Removes every app's indicators in every tenant (control API); answers how many there were.</summary>
    public int Clear() => _owners.Values.Sum(owned => owned.Clear());
}
