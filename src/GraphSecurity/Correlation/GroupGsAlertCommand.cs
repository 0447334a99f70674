using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Correlation;

namespace GraphSecurity.Commands.Correlation;

/// <summary>
/// <para type="synopsis">Groups alerts from any source by the entities they share within a sliding time window.</para>
/// </summary>
[Cmdlet(VerbsData.Group, "GsAlert")]
[OutputType(typeof(AlertGroup))]
public sealed class GroupGsAlertCommand : GsCmdlet
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
        foreach (var group in result.Groups) WriteObject(group);
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
