using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Incidents;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Monitor;

/// <summary>What one run of the analytics rules did.</summary>
public sealed record RuleRunResult(int RowsRead, int AlertsCreated, int DuplicatesSkipped, int IncidentsCreated, int IncidentsExtended);

/// <summary>
/// The scheduled analytics rules over the ingested tables (provider-and-correlation.md §1.4 B "From rows to
/// alerts_v2"): each run reads the rows that arrived since the last one and makes one alerts_v2 alert per new
/// alert id (serviceSource microsoftSentinel, detectionSource scheduledAlerts, evidence from the mapped
/// columns, the row's columns as custom details), grouped into incidents by the rule's group-by columns: an
/// open incident of the group created within the grouping window takes alerts up to 150, then a new one opens.
/// A row whose alert id was already made an alert makes none (the alert's id is derived from it).
/// </summary>
public sealed class AnalyticsRules
{
    private readonly List<DataCollectionRule> _rules;
    private readonly IngestionStore _store;
    private readonly IncidentWriter _incidents;
    private readonly EmulatorClock _clock;
    private readonly object _runLock = new();
    /// <summary>Per tenant and table: the last row sequence a run read.</summary>
    private readonly Dictionary<string, long> _cursors = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Per tenant, table and group key: the incident that group's alerts go to while it is open.</summary>
    private readonly Dictionary<string, (string IncidentId, DateTimeOffset Created, int Count)> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _alertIds = new(StringComparer.Ordinal);

    public AnalyticsRules(List<DataCollectionRule> rules, IngestionStore store, IncidentWriter incidents, EmulatorClock clock)
    {
        _rules = rules;
        _store = store;
        _incidents = incidents;
        _clock = clock;
    }

    /// <summary>Runs every rule once over the rows that are new to it (runs never overlap).</summary>
    public RuleRunResult Run()
    {
        lock (_runLock)
        {
            int read = 0, created = 0, skipped = 0, newIncidents = 0, extended = 0;
            // One rule per table and tenant, even when several streams feed it.
            var tables = _rules.SelectMany(r => r.Streams.Values.Where(s => s.Rule != null).Select(s => (r.TenantId, Stream: s)))
                .GroupBy(x => $"{x.TenantId}|{x.Stream.OutputTable}".ToLowerInvariant()).Select(g => g.First());
            foreach (var (tenantId, stream) in tables)
            {
                var cursorKey = $"{tenantId}|{stream.OutputTable}";
                _cursors.TryGetValue(cursorKey, out var after);
                var rows = _store.Rows(tenantId, stream.OutputTable, after);
                if (rows.Count == 0) continue;
                _cursors[cursorKey] = rows[^1].Sequence;
                read += rows.Count;
                var alerts = new List<(Alert Alert, string Group)>();
                foreach (var row in rows)
                {
                    var alert = ToAlert(row, stream, tenantId);
                    if (!_alertIds.Add(alert.Id)) { skipped++; continue; }
                    alerts.Add((alert, GroupKey(row, stream)));
                }
                created += alerts.Count;
                foreach (var group in alerts.GroupBy(a => a.Group))
                {
                    var (n, e) = Publish(tenantId, stream, group.Key, group.Select(g => g.Alert).ToList());
                    newIncidents += n;
                    extended += e;
                }
            }
            return new RuleRunResult(read, created, skipped, newIncidents, extended);
        }
    }

    private (int Created, int Extended) Publish(string tenantId, IngestStream stream, string group, List<Alert> alerts)
    {
        var rule = stream.Rule;
        var key = $"{tenantId}|{stream.OutputTable}|{group}";
        int created = 0, extended = 0, next = 0;
        var now = _clock.UtcNow;
        if (_groups.TryGetValue(key, out var open) && now - open.Created < TimeSpan.FromMinutes(rule.GroupingWindowMinutes)
            && open.Count < rule.MaxAlertsPerIncident && _incidents.Find(tenantId, open.IncidentId) is { Status: not "resolved" })
        {
            var take = alerts.Take(rule.MaxAlertsPerIncident - open.Count).ToList();
            _incidents.AddToIncident(tenantId, open.IncidentId, take);
            _groups[key] = open with { Count = open.Count + take.Count };
            next = take.Count;
            extended++;
        }
        while (next < alerts.Count)
        {
            var chunk = alerts.Skip(next).Take(rule.MaxAlertsPerIncident).ToList();
            var incident = _incidents.AddWithNewIncident(tenantId, chunk);
            _groups[key] = (incident.Id, now, chunk.Count);
            next += chunk.Count;
            created++;
        }
        return (created, extended);
    }

    private static string GroupKey(IngestedRow row, IngestStream stream) =>
        string.Join("\u001f", (stream.Rule.GroupBy ?? new()).Select(c => Text(row, stream, c)?.ToLowerInvariant() ?? ""));

    private static string Text(IngestedRow row, IngestStream stream, string column)
    {
        if (column == null) return null;
        var at = stream.IndexOf(column);
        var v = at < 0 ? null : row.Values[at];
        return v switch
        {
            null => null,
            string s => s.Length == 0 ? null : s,
            DateTimeOffset t => AlertSchema.FormatDate(t),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            JsonNode n => n.ToJsonString(),
            _ => v.ToString(),
        };
    }

    /// <summary>The alert of one row; its id derives from the row's alert id (or, without one, from the row itself).</summary>
    public static Alert ToAlert(IngestedRow row, IngestStream stream, string tenantId)
    {
        var rule = stream.Rule;
        var detection = Text(row, stream, rule.AlertIdColumn) ?? "row-" + row.Sequence.ToString(CultureInfo.InvariantCulture);
        var guid = AppRegistration.DeterministicGuid($"sentinel-alert:{tenantId}:{stream.OutputTable}:{detection}").ToString();
        var time = (DateTimeOffset)row.Values[stream.IndexOf("TimeGenerated")];
        var ruleId = AppRegistration.DeterministicGuid($"sentinel-rule:{tenantId}:{stream.OutputTable}:{rule.Name}").ToString();
        var severity = SecurityEnums.AlertSeverity.Parse(Text(row, stream, rule.SeverityColumn) ?? "") is { } s && s != EnumDef.UnknownFutureValue ? s : rule.DefaultSeverity;
        var category = Text(row, stream, rule.CategoryColumn) is { } c
            ? CreateAlertEndpoints.Tactics.FirstOrDefault(t => string.Equals(t, c, StringComparison.OrdinalIgnoreCase)) ?? c
            : null;
        var alert = new Alert
        {
            Id = "sn" + guid, ProviderAlertId = guid, TenantId = tenantId,
            Title = Text(row, stream, rule.TitleColumn) ?? rule.Name, Description = Text(row, stream, rule.DescriptionColumn) ?? "",
            Category = category, Categories = category == null ? new List<string>() : new List<string> { category },
            Severity = severity, Status = "new", Classification = "unknown", Determination = "unknown",
            ServiceSource = "microsoftSentinel", DetectionSource = "scheduledAlerts",
            ProductName = Text(row, stream, rule.ProductNameColumn) ?? "Microsoft Sentinel",
            MitreTechniques = Techniques(row, stream, rule.MitreTechniquesColumn), RecommendedActions = Text(row, stream, rule.RecommendedActionsColumn),
            AlertPolicyId = ruleId, DetectorId = ruleId, InvestigationState = "unsupportedAlertType",
            CreatedDateTime = row.Received, LastUpdateDateTime = row.Received, FirstActivityDateTime = time, LastActivityDateTime = time,
            AlertWebUrl = $"https://security.microsoft.com/alerts/sn{guid}?tid={tenantId}",
            AdditionalData = new JsonObject(), CustomDetails = CustomDetails(row, stream),
        };
        alert.Evidence = Evidence(row, stream, tenantId, row.Received);
        return alert;
    }

    /// <summary>A dynamic array of ids, or a comma list in a string.</summary>
    private static List<string> Techniques(IngestedRow row, IngestStream stream, string column)
    {
        var at = column == null ? -1 : stream.IndexOf(column);
        return (at < 0 ? null : row.Values[at]) switch
        {
            JsonArray a => a.Where(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String).Select(n => n.GetValue<string>()).ToList(),
            string s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            _ => new List<string>(),
        };
    }

    /// <summary>Sentinel's custom details: each non-empty column → an array of its value, as the portal shows them.</summary>
    private static JsonObject CustomDetails(IngestedRow row, IngestStream stream)
    {
        var details = new JsonObject();
        foreach (var column in stream.Columns.Where(c => c.Name != "TimeGenerated"))
            if (Text(row, stream, column.Name) is { } value) details[column.Name] = new JsonArray(value);
        return details;
    }

    private static List<JsonObject> Evidence(IngestedRow row, IngestStream stream, string tenantId, DateTimeOffset created)
    {
        var list = new List<JsonObject>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (kind, columns) in stream.Rule.Entities ?? new())
            foreach (var column in columns)
            {
                if (Text(row, stream, column) is not { } value || !seen.Add(kind + "|" + value)) continue;
                var (type, identifier, impacted) = kind.ToLowerInvariant() switch
                {
                    "user" => ("user", value.Contains('@') ? "userPrincipalName" : "aadUserId", true),
                    "host" => ("device", "deviceName", true),
                    "ip" => ("ip", "address", false),
                    "url" => ("url", "url", false),
                    "filehash" => ("file", value.Length == 40 ? "sha1" : "sha256", false),
                    _ => ("mailbox", "mailboxPrimaryAddress", false),
                };
                list.Add(PartnerEvidence.Build(type, identifier, value, impacted, created, tenantId));
            }
        return list;
    }
}

/// <summary>Runs the analytics rules on their schedule (none when the interval is zero).</summary>
public sealed class AnalyticsRuleScheduler : IHostedService, IDisposable
{
    private readonly AnalyticsRules _rules;
    private readonly TimeSpan _interval;
    private readonly ILogger<AnalyticsRuleScheduler> _log;
    private Timer _timer;

    public AnalyticsRuleScheduler(AnalyticsRules rules, EmulatorOptions options, ILogger<AnalyticsRuleScheduler> log)
    {
        _rules = rules;
        _interval = options.AnalyticsRuleInterval;
        _log = log;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_interval > TimeSpan.Zero) _timer = new Timer(_ => Tick(), null, _interval, _interval);
        return Task.CompletedTask;
    }

    private void Tick()
    {
        try { _rules.Run(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogError(e, "An analytics rule run failed.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.Infinite, Timeout.Infinite);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
