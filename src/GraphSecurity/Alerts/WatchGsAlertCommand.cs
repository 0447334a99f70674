using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Commands.Alerts;

/// <summary>
/// <para type="synopsis">Watches alerts (alerts_v2) for new and updated alerts, emitting each change exactly once.</para>
/// </summary>
[Cmdlet(VerbsCommon.Watch, "GsAlert")]
[GraphPermission("alerts_v2", "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All", NotServedIn = new[] { "China" })]
[OutputType(typeof(AlertChange))]
public sealed class WatchGsAlertCommand : GsWatchCmdlet<Alert, AlertChange>
{
    [Parameter]
    [ValidateKnownValue]
    [ValidateSet("Informational", "Low", "Medium", "High", IgnoreCase = true)]
    public AlertSeverity[] Severity { get; set; }

    [Parameter]
    [ValidateKnownValue]
    [ValidateSet("MicrosoftDefenderForEndpoint", "MicrosoftDefenderForIdentity", "MicrosoftDefenderForCloudApps", "MicrosoftDefenderForOffice365", "Microsoft365Defender", "AzureAdIdentityProtection", "MicrosoftAppGovernance", "DataLossPrevention", "MicrosoftDefenderForCloud", "MicrosoftSentinel", "MicrosoftInsiderRiskManagement", "MicrosoftThreatIntelligence", "MicrosoftSecurityForAI", IgnoreCase = true)]
    public ServiceSource[] ServiceSource { get; set; }

    protected override EntityService<Alert> CreateService(GraphConnection connection) => new AlertService(connection.Graph);

    protected override CollectionQuery CreateQuery() =>
        new AlertQuery { Severity = Severity ?? new AlertSeverity[0], ServiceSource = ServiceSource ?? new ServiceSource[0] }.ToCollectionQuery();

    protected override string IdOf(Alert item) => item.Id;

    protected override DateTimeOffset LastUpdateOf(Alert item) => item.LastUpdateDateTime ?? item.CreatedDateTime;

    protected override void SetItem(AlertChange change, Alert item) => change.Alert = item;
}
