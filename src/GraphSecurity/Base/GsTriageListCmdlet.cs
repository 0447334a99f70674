using System;
using System.Management.Automation;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Base of Get-GsAlert and Get-GsIncident: the triage filters both collections share (severity,
/// classification, owner, creation time), with the same names, types and checks.
/// </summary>
public abstract class GsTriageListCmdlet : GsListCmdlet
{
    [Parameter(ParameterSetName = ListSet)]
    [ValidateKnownValue]
    [ValidateSet("Informational", "Low", "Medium", "High", IgnoreCase = true)]
    public AlertSeverity[] Severity { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ValidateKnownValue(AllowUnknown = true)]
    [ValidateSet("Unknown", "FalsePositive", "TruePositive", "InformationalExpectedActivity", IgnoreCase = true)]
    public AlertClassification[] Classification { get; set; }

    /// <summary>Items assigned to any of these (an empty string: unassigned items).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [AllowEmptyString]
    [ValidateText(SingleLine = true)]
    public string[] AssignedTo { get; set; }

    /// <summary>Items created at or after this time (local time unless it says otherwise).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateMoment]
    public DateTime Since { get; set; }

    /// <summary>Items created before this time.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateMoment]
    public DateTime Until { get; set; }

    protected DateTimeOffset? SinceMoment => Moment(nameof(Since), Since);
    protected DateTimeOffset? UntilMoment => Moment(nameof(Until), Until);

    protected override void BeginProcessing() =>
        RequireTimeRange(nameof(Since), Bound(nameof(Since), Since), nameof(Until), Bound(nameof(Until), Until));
}
