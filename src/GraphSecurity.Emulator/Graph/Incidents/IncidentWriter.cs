using System.Globalization;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.Incidents;

/// <summary>
/// Publishes alerts that arrive while the emulator runs (createAlert, the analytics rule over ingested rows)
/// together with their incident: a new incident with the next free numeric id, or the alerts appended to an
/// existing one. Alert and incident are written under one lock, so a reader never sees an alert whose
/// incident does not exist yet for longer than the two stores take to publish.
/// </summary>
public sealed class IncidentWriter
{
    private readonly AlertRepository _alerts;
    private readonly TenantStores<Incident> _incidents;
    private readonly EmulatorClock _clock;
    private readonly object _lock = new();
    private readonly Dictionary<string, long> _nextId = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Per tenant: the alerts and incidents this writer published (what <see cref="RemovePublished"/> takes away).</summary>
    private readonly Dictionary<string, (HashSet<string> Alerts, HashSet<string> Incidents)> _published = new(StringComparer.OrdinalIgnoreCase);

    public IncidentWriter(AlertRepository alerts, TenantStores<Incident> incidents, EmulatorClock clock)
    {
        _alerts = alerts;
        _incidents = incidents;
        _clock = clock;
    }

    public Incident Find(string tenantId, string incidentId) => _incidents.For(tenantId).Get(incidentId);

    /// <summary>Adds the alerts and one new incident holding them (named after the first alert); answers the incident.</summary>
    public Incident AddWithNewIncident(string tenantId, IReadOnlyList<Alert> alerts)
    {
        lock (_lock)
        {
            var store = _incidents.For(tenantId);
            var id = NextId(tenantId, store);
            var now = _clock.UtcNow;
            foreach (var a in alerts) Attach(a, tenantId, id);
            _alerts.For(tenantId).AddRange(alerts);
            Published(tenantId, alerts).Incidents.Add(id);
            var incident = Build(tenantId, id, alerts, now);
            store.Add(incident);
            return incident;
        }
    }

    /// <summary>A new active incident holding the alerts, named after the first.</summary>
    private static Incident Build(string tenantId, string id, IReadOnlyList<Alert> alerts, DateTimeOffset now) => new()
    {
        Id = id, TenantId = tenantId, CreatedDateTime = now, LastUpdateDateTime = now, Status = "active",
        Classification = "unknown", Determination = "unknown", Severity = Highest(alerts),
        DisplayName = alerts.Count == 1 ? alerts[0].Title : $"{alerts[0].Title} and {alerts.Count - 1} other alert(s)",
        IncidentWebUrl = WebUrl(tenantId, id), AlertIds = alerts.Select(a => a.Id).ToList(),
        PriorityScore = SecurityEnums.AlertSeverity.Ordinal(Highest(alerts)) * 20 + Math.Min(alerts.Count, 20),
    };

    /// <summary>
    /// A new, empty incident for alerts that already exist (moveAlerts without a target): named after them, with the
    /// next free id. The caller moves the alerts in.
    /// </summary>
    public Incident NewIncidentFor(string tenantId, IReadOnlyList<Alert> existing)
    {
        lock (_lock)
        {
            var store = _incidents.For(tenantId);
            var id = NextId(tenantId, store);
            var incident = Build(tenantId, id, existing, _clock.UtcNow);
            incident.AlertIds = new List<string>();
            store.Add(incident);
            return incident;
        }
    }

    /// <summary>Adds the alerts to an existing incident (its severity rises with them); null when it does not exist.</summary>
    public Incident AddToIncident(string tenantId, string incidentId, IReadOnlyList<Alert> alerts)
    {
        lock (_lock)
        {
            var store = _incidents.For(tenantId);
            if (store.Get(incidentId) == null) return null;
            foreach (var a in alerts) Attach(a, tenantId, incidentId);
            _alerts.For(tenantId).AddRange(alerts);
            Published(tenantId, alerts);
            var now = _clock.UtcNow;
            return store.Update(incidentId, i =>
            {
                i.AlertIds = i.AlertIds.Concat(alerts.Select(a => a.Id)).ToList();
                i.LastUpdateDateTime = now;
                var severities = alerts.Select(a => a.Severity).Append(i.Severity);
                i.Severity = severities.MaxBy(s => SecurityEnums.AlertSeverity.Ordinal(s));
            });
        }
    }

    private (HashSet<string> Alerts, HashSet<string> Incidents) Published(string tenantId, IEnumerable<Alert> alerts)
    {
        if (!_published.TryGetValue(tenantId, out var p)) _published[tenantId] = p = (new HashSet<string>(StringComparer.OrdinalIgnoreCase), new HashSet<string>(StringComparer.OrdinalIgnoreCase));
        p.Alerts.UnionWith(alerts.Select(a => a.Id));
        return p;
    }

    /// <summary>
    /// Removes every alert and incident this writer published, and its alerts from the seeded incidents
    /// they were linked to, so a test leaves the tenant as seeded; answers how many alerts went.
    /// </summary>
    public int RemovePublished()
    {
        lock (_lock)
        {
            var removed = 0;
            foreach (var (tenantId, (alerts, incidents)) in _published)
            {
                removed += _alerts.For(tenantId).RemoveWhere(a => alerts.Contains(a.Id));
                var store = _incidents.For(tenantId);
                store.RemoveWhere(i => incidents.Contains(i.Id));
                foreach (var linked in store.Snapshot().Where(i => i.AlertIds.Any(alerts.Contains)))
                    store.Update(linked.Id, i => i.AlertIds = i.AlertIds.Where(a => !alerts.Contains(a)).ToList());
            }
            _published.Clear();
            return removed;
        }
    }

    private static void Attach(Alert a, string tenantId, string incidentId)
    {
        a.IncidentId = incidentId;
        a.IncidentWebUrl = WebUrl(tenantId, incidentId);
    }

    /// <summary>The portal link of an incident, as alerts and incidents carry it.</summary>
    internal static string WebUrl(string tenantId, string incidentId) => $"https://security.microsoft.com/incidents/{incidentId}?tid={tenantId}";

    private static string Highest(IEnumerable<Alert> alerts) => alerts.Select(a => a.Severity).MaxBy(s => SecurityEnums.AlertSeverity.Ordinal(s));

    /// <summary>One above the largest numeric id the tenant has (seeded incidents included), then counting up.</summary>
    private string NextId(string tenantId, EntityStore<Incident> store)
    {
        if (!_nextId.TryGetValue(tenantId, out var next))
            next = store.Snapshot().Select(i => long.TryParse(i.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1;
        _nextId[tenantId] = next + 1;
        return next.ToString(CultureInfo.InvariantCulture);
    }
}
