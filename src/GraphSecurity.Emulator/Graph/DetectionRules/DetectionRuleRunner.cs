using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Hunting;
using GraphSecurity.Emulator.Graph.Hunting.Kql;
using GraphSecurity.Emulator.Graph.Incidents;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.DetectionRules;

/// <summary>What one run of a rule did.</summary>
public sealed record DetectionRunResult(string RuleId, string Status, int Rows, int AlertsCreated, int DuplicatesSkipped, string IncidentId, string FailureReason);

/// <summary>
/// Runs custom detection rules over the advanced-hunting tables: each row not seen by an earlier run of the
/// rule becomes one alerts_v2 alert (detectionSource customDetection) with evidence from the mapped columns;
/// a run's new alerts share one new incident. Alerts the rules made are left out of the tables the rules read,
/// so a rule over AlertEvidence does not feed on its own alerts.
/// </summary>
public sealed class DetectionRuleRunner
{
    /// <summary>Rows a run turns into alerts at most; the rest are reported as queryExceededResultSize.</summary>
    public const int MaxRowsPerRun = 100;
    public const string DetectionSource = "customDetection";
    public const string ServiceSource = "microsoftDefenderForEndpoint";

    private readonly AlertRepository _alerts;
    private readonly IncidentWriter _writer;
    private readonly EmulatorClock _clock;
    private readonly IReadOnlyList<IHuntingTableSource> _sources;
    private readonly object _runLock = new();

    public DetectionRuleRunner(AlertRepository alerts, IncidentWriter writer, EmulatorClock clock, IEnumerable<IHuntingTableSource> sources)
    {
        _alerts = alerts;
        _writer = writer;
        _clock = clock;
        _sources = sources.ToList();
    }

    /// <summary>How far back a run looks: Defender's windows per frequency (continuous and hourly rules 4 hours, …, daily 30 days).</summary>
    public static TimeSpan Lookback(TimeSpan frequency) => frequency.TotalHours switch
    {
        >= 24 => HuntingEndpoints.Retention,
        >= 12 => TimeSpan.FromHours(48),
        >= 3 => TimeSpan.FromHours(12),
        _ => TimeSpan.FromHours(4),
    };

    /// <summary>Runs the query over the rule's window; a <see cref="KqlException"/> when the engine rejects it.</summary>
    public KqlTable Query(string tenantId, string queryText, TimeSpan frequency)
    {
        var now = _clock.UtcNow;
        var from = now - Lookback(frequency);
        var alerts = _alerts.For(tenantId).Snapshot().Where(a => a.DetectionSource != DetectionSource).ToList();
        return new KqlEngine(name => HuntingTables.Build(name, alerts, from, now) ??
            _sources.Select(s => s.Build(name, tenantId, from, now, now)).FirstOrDefault(t => t != null), now).Run(queryText);
    }

    /// <summary>Checks the rule's query and that every mapped column is one the query returns; a 400 otherwise.</summary>
    public void Validate(DetectionRule rule)
    {
        KqlTable table;
        try { table = Query(rule.TenantId, rule.QueryText, rule.Frequency); }
        catch (KqlException e) { throw DetectionRuleParser.Invalid("queryCondition.queryText", "is not a query the service can run: " + e.Message.TrimEnd('.')); }
        var missing = rule.Entities.Select(e => e.Column).Where(c => table.IndexOf(c) < 0).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw DetectionRuleParser.Invalid("detectionAction.alertTemplate.entityMappings",
                $"maps column(s) {string.Join(", ", missing.Select(c => $"'{c}'"))} that the query does not return (it returns {string.Join(", ", table.Columns.Select(c => c.Name))})");
    }

    /// <summary>Runs the rule once (runs never overlap) and records the outcome in its lastRunDetails.</summary>
    public DetectionRunResult Run(DetectionRule rule)
    {
        lock (_runLock)
        {
            var state = rule.Run;
            var now = _clock.UtcNow;
            state.LastRunDateTime = now;
            KqlTable table;
            try { table = Query(rule.TenantId, rule.QueryText, rule.Frequency); }
            catch (KqlException e)
            {
                state.Status = "failed";
                state.ErrorCode = "queryExecutionFailed";
                state.FailureReason = e.Message;
                return new DetectionRunResult(rule.Id, state.Status, 0, 0, 0, null, e.Message);
            }
            var fresh = new List<Alert>();
            int skipped = 0;
            foreach (var row in table.Rows)
            {
                if (!state.SeenRows.Add(RowKey(table, row))) { skipped++; continue; }
                if (fresh.Count == MaxRowsPerRun) { state.SeenRows.Remove(RowKey(table, row)); continue; }
                fresh.Add(ToAlert(rule, table, row, now));
            }
            var over = table.Rows.Count - skipped > MaxRowsPerRun;
            string incidentId = null;
            if (fresh.Count > 0)
            {
                incidentId = _writer.AddWithNewIncident(rule.TenantId, fresh).Id;
                lock (state.AlertIds) state.AlertIds.AddRange(fresh.Select(a => a.Id));
            }
            state.Status = "completed";
            state.ErrorCode = over ? "queryExceededResultSize" : null;
            state.FailureReason = over ? $"The query returned more than {MaxRowsPerRun} new rows; only the first {MaxRowsPerRun} were processed." : null;
            return new DetectionRunResult(rule.Id, state.Status, table.Rows.Count, fresh.Count, skipped, incidentId, state.FailureReason);
        }
    }

    /// <summary>A row's identity for de-duplication: a hash of its values (so an identical row never alerts twice).</summary>
    private static string RowKey(KqlTable table, object[] row)
    {
        var text = new StringBuilder();
        for (int i = 0; i < table.Columns.Count; i++) text.Append(table.Columns[i].Name).Append('=').Append(KqlValues.Format(row[i])).Append('\u001f');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static Alert ToAlert(DetectionRule rule, KqlTable table, object[] row, DateTimeOffset now)
    {
        var guid = Guid.NewGuid().ToString();
        var at = table.IndexOf("Timestamp");
        var activity = at >= 0 && row[at] is DateTimeOffset t ? t : now;
        var alert = new Alert
        {
            Id = "cd" + guid, ProviderAlertId = guid, TenantId = rule.TenantId, Title = rule.Title, Description = rule.AlertDescription ?? "",
            Category = rule.Category, Categories = rule.Category == null ? new List<string>() : new List<string> { rule.Category },
            Severity = rule.Severity, Status = "new", Classification = "unknown", Determination = "unknown",
            DetectionSource = DetectionSource, ServiceSource = ServiceSource, ProductName = "Microsoft Defender XDR",
            MitreTechniques = rule.MitreTechniques.ToList(), RecommendedActions = rule.RecommendedActions,
            AlertPolicyId = rule.Id, DetectorId = rule.Id, InvestigationState = "unsupportedAlertType",
            CreatedDateTime = now, LastUpdateDateTime = now, FirstActivityDateTime = activity, LastActivityDateTime = activity,
            AlertWebUrl = $"https://security.microsoft.com/alerts/cd{guid}?tid={rule.TenantId}",
            AdditionalData = new JsonObject { ["detectionRuleId"] = rule.Id }, CustomDetails = new JsonObject(),
        };
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var evidence = new List<JsonObject>();
        foreach (var entity in rule.Entities.GroupBy(e => e.Item))
        {
            foreach (var e in entity)
            {
                var i = table.IndexOf(e.Column);
                var value = i < 0 || row[i] == null ? "" : KqlValues.Format(row[i]);
                if (value.Length == 0) continue;
                if (seen.Add($"{e.EvidenceType}|{e.Identifier}|{value}"))
                    evidence.Add(PartnerEvidence.Build(e.EvidenceType, e.Identifier, value, e.Impacted, now, rule.TenantId));
                break;
            }
        }
        alert.Evidence = evidence;
        return alert;
    }

    /// <summary>When the rule runs next: one frequency (divided by the time scale) after its last run, or after it was created.</summary>
    public static DateTimeOffset NextRun(DetectionRule rule, double timeScale) =>
        (rule.Run.LastRunDateTime ?? rule.CreatedDateTime) + TimeSpan.FromTicks((long)(rule.Frequency.Ticks / Math.Max(timeScale, 1e-9)));

    public static string Format(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
