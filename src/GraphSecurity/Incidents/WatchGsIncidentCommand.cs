using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Incidents;

namespace GraphSecurity.Commands.Incidents;

/// <summary>
/// <para type="synopsis">Watches incidents for new and updated incidents, emitting each change exactly once.</para>
/// </summary>
[Cmdlet(VerbsCommon.Watch, "GsIncident")]
[GraphPermission("incidents", "SecurityIncident.Read.All", "SecurityIncident.ReadWrite.All", NotServedIn = new[] { "China" })]
[OutputType(typeof(IncidentChange))]
public sealed class WatchGsIncidentCommand : GsWatchCmdlet<Incident, IncidentChange>
{
    [Parameter]
    [ValidateKnownValue]
    [ValidateSet("Informational", "Low", "Medium", "High", IgnoreCase = true)]
    public AlertSeverity[] Severity { get; set; }

    [Parameter]
    [ValidateKnownValue]
    [ValidateSet("Active", "Resolved", "InProgress", "Redirected", "AwaitingAction", IgnoreCase = true)]
    public IncidentStatus[] Status { get; set; }

    protected override int MaxPageSize => IncidentService.MaxPageSize;

    protected override EntityService<Incident> CreateService(GraphConnection connection) => new IncidentService(connection.Graph);

    protected override CollectionQuery CreateQuery() =>
        new CollectionQuery(IncidentService.CollectionPath).AnyOf("severity", Severity).AnyOf("status", Status);

    protected override string IdOf(Incident item) => item.Id;

    protected override DateTimeOffset LastUpdateOf(Incident item) => item.LastUpdateDateTime;

    protected override void SetItem(IncidentChange change, Incident item) => change.Incident = item;
}
