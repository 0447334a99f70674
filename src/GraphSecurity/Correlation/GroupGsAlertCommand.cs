using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Correlation;
using GraphSecurity.Engine.Incidents;

namespace GraphSecurity.Commands.Correlation;

/// <summary>
/// <para type="synopsis">Groups alerts from any source by the entities they share within a sliding time window.</para>
/// </summary>
/// <remarks>
/// Grouping sends nothing. With -Apply each group's alerts_v2 alerts are made one Defender incident through beta
/// mergeIncidents and moveAlerts, after ShouldProcess (ConfirmImpact High): the service picks which incident
/// survives and refuses what it never merges, which comes back as an error record for that group.
/// </remarks>
[Cmdlet(VerbsData.Group, "GsAlert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[GraphPermission("incidents (beta mergeIncidents, moveAlerts; -Apply only)", "SecurityIncident.ReadWrite.All", "SecurityAlert.ReadWrite.All", NotServedIn = new[] { "China" })]
[OutputType(typeof(AlertGroup))]
public sealed class GroupGsAlertCommand : GsConnectedCmdlet
{
    private readonly List<CorrelationAlert> _alerts = new List<CorrelationAlert>();
    private readonly HashSet<string> _ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>An alerts_v2 alert, a legacy alert, or any object (a CSV row) with the documented property names.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject InputObject { get; set; }

    [Parameter]
    [ValidateDuration(1, 366 * 86400)]
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(1);

    [Parameter]
    [ValidateDuration(1, 3660 * 86400)]
    public TimeSpan MaxSpan { get; set; } = TimeSpan.FromDays(7);

    [Parameter]
    [ValidateRange(1, 1000000)]
    public int MaxGroupSize { get; set; } = 150;

    [Parameter]
    [ValidateRange(1, 10000000)]
    public int MaxKeyAlerts { get; set; } = 150;

    /// <summary>Values (or whole keys such as ip:10.0.0.1) that never join alerts: proxies, scanners, service accounts.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] StopList { get; set; }

    [Parameter]
    public SwitchParameter RespectIncident { get; set; }

    /// <summary>Make each group one Defender incident (beta mergeIncidents and moveAlerts); only its alerts_v2 alerts take part.</summary>
    [Parameter]
    public SwitchParameter Apply { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        CorrelationAlert alert;
        try
        {
            alert = InputObject.BaseObject switch
            {
                Alert v2 => CorrelationAlert.From(v2),
                LegacyAlert legacy => CorrelationAlert.From(legacy),
                _ => FromRow(InputObject),
            };
        }
        catch (FormatException ex)
        {
            WriteError(ErrorRecords.Argument(ErrorIds.InvalidArgument, ex.Message, InputObject));
            return;
        }
        if (alert.Id.Length == 0)
        {
            WriteError(ErrorRecords.Argument(ErrorIds.InvalidArgument, "The alert has no id.", InputObject));
            return;
        }
        // The same alert piped twice (an export and a fresh read) counts once.
        if (!_ids.Add(alert.Id))
        {
            WriteVerbose($"Alert {alert.Id} was piped more than once; the first copy is grouped.");
            return;
        }
        _alerts.Add(alert);
    }

    protected override void EndProcessing()
    {
        var options = new CorrelationOptions
        {
            Window = Window,
            MaxSpan = MaxSpan,
            MaxGroupSize = MaxGroupSize,
            MaxKeyAlerts = MaxKeyAlerts,
            StopList = StopList ?? Array.Empty<string>(),
            RespectIncident = RespectIncident,
        };
        var result = new AlertCorrelator(options).Group(_alerts);
        foreach (var key in result.Suppressed)
        {
            WriteWarning($"{key.Key} is in {key.AlertCount} alerts (more than -MaxKeyAlerts {MaxKeyAlerts}): it joins none of them.");
        }
        WriteVerbose($"{_alerts.Count} alerts in {result.Groups.Count} groups.");
        if (!Apply)
        {
            foreach (var group in result.Groups) WriteObject(group);
            return;
        }
        var connection = GraphConnection;
        var merger = new IncidentMerger(connection.Graph);
        foreach (var group in result.Groups)
        {
            ForInput(group, connection, () => ApplyGroup(group, merger));
            WriteObject(group);
        }
    }

    /// <summary>Puts the group's alerts_v2 alerts into one incident; alerts of other sources are not in Defender and stay as they are.</summary>
    private void ApplyGroup(AlertGroup group, IncidentMerger merger)
    {
        var v2 = group.Alerts.OfType<Alert>().ToList();
        if (v2.Count < group.AlertCount)
            WriteVerbose($"{group.Id}: {group.AlertCount - v2.Count} alert(s) are not alerts_v2 alerts (legacy or another tool's) and are left out of the merge.");
        var incidents = v2.Select(a => a.IncidentId).Where(i => !string.IsNullOrEmpty(i)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var loose = v2.Where(a => string.IsNullOrEmpty(a.IncidentId)).Select(a => a.Id).ToList();
        // Already one incident (or none, and nothing to move): nothing to change.
        if (incidents.Count <= 1 && loose.Count == 0)
        {
            group.AppliedIncidentId = incidents.FirstOrDefault();
            return;
        }
        var what = incidents.Count > 1 ? $"Merge incidents {string.Join(", ", incidents)}" : $"Move {loose.Count} alert(s) into one incident";
        if (incidents.Count > 1 && loose.Count > 0) what += $" and move {loose.Count} alert(s) without an incident into it";
        if (!ShouldProcess($"alert group {group.Id} ({group.AlertCount} alerts)", what)) return;
        var reasons = group.Edges.SelectMany(e => (e.Reason ?? "").Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries))
            .Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var shared = group.Edges.Select(e => e.Key).Distinct(StringComparer.OrdinalIgnoreCase).Take(5).ToList();
        var comment = $"Grouped by Group-GsAlert ({group.Id}): shared {string.Join(", ", shared)}.";
        var outcome = Run(token => merger.MergeAsync(incidents, loose, comment, reasons, token));
        group.AppliedIncidentId = outcome.TargetIncidentId;
        WriteVerbose($"{group.Id}: its alerts are in incident {outcome.TargetIncidentId} now.");
    }

    private static CorrelationAlert FromRow(PSObject item)
    {
        var row = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        if (item.BaseObject is System.Collections.IDictionary table)
        {
            foreach (System.Collections.DictionaryEntry entry in table) row[Convert.ToString(entry.Key, CultureInfo.InvariantCulture)] = Unwrap(entry.Value);
        }
        else
        {
            foreach (var property in item.Properties)
            {
                try { row[property.Name] = Unwrap(property.Value); }
                catch (GetValueException) { /* a property that throws when read names no entity */ }
            }
        }
        var found = CorrelationAlert.FromRow(row);
        found.Item = item;
        return found;
    }

    private static object Unwrap(object value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
