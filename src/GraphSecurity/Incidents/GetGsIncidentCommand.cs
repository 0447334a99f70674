using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Incidents;

namespace GraphSecurity.Commands.Incidents;

/// <summary>
/// <para type="synopsis">Gets incidents: by id, or filtered by typed parameters, streamed page by page (at most 50 per request).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsIncident", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[GraphPermission("incidents", "SecurityIncident.Read.All", "SecurityIncident.ReadWrite.All", NotServedIn = new[] { "China" })]
[OutputType(typeof(Incident))]
public sealed class GetGsIncidentCommand : GsTriageListCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IncidentId")]
    [ArgumentCompleter(typeof(RecentIdCompleter<Incident>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ValidateKnownValue]
    [ValidateSet("Active", "Resolved", "InProgress", "Redirected", "AwaitingAction", IgnoreCase = true)]
    public IncidentStatus[] Status { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ValidateKnownValue(AllowUnknown = true)]
    [ValidateSet("Unknown", "Apt", "Malware", "SecurityPersonnel", "SecurityTesting", "UnwantedSoftware", "Other", "MultiStagedAttack", "CompromisedAccount", "Phishing", "MaliciousUserActivity", "NotMalicious", "NotEnoughDataToValidate", "ConfirmedActivity", "LineOfBusinessApplication", IgnoreCase = true)]
    public AlertDetermination[] Determination { get; set; }

    /// <summary>Incidents updated at or after this time.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateMoment]
    public DateTime UpdatedSince { get; set; }

    /// <summary>Page size: incidents per request (1–50, the service's limit).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, IncidentService.MaxPageSize)]
    public int Top { get; set; }

    /// <summary>Include each incident's alerts ($expand=alerts, or one request per incident when the service fails to expand).</summary>
    [Parameter]
    public SwitchParameter ExpandAlerts { get; set; }

    protected override string ItemsName => "incidents";

    private string Expand => ExpandAlerts ? IncidentService.AlertsNavigation : null;

    protected override void ProcessRecord() =>
        ListOrGet(connection => new IncidentService(connection.Graph), Id, () => new IncidentQuery
        {
            Severity = Severity.OrNone(),
            Status = Status.OrNone(),
            Classification = Classification.OrNone(),
            Determination = Determination.OrNone(),
            AssignedTo = AssignedTo.OrNone(),
            Since = SinceMoment,
            Until = UntilMoment,
            UpdatedSince = Moment(nameof(UpdatedSince), UpdatedSince),
            ExpandAlerts = ExpandAlerts,
        }.ToCollectionQuery(), Expand);

    /// <summary>The incident's alerts go back to the same tenant when piped to Set-GsAlert.</summary>
    protected override void WriteItem(object item, GraphConnection connection)
    {
        if (item is Incident incident)
            foreach (var alert in incident.Alerts ?? ValueList<Alert>.Empty) alert.ConnectionName = connection.Name;
        base.WriteItem(item, connection);
    }
}
