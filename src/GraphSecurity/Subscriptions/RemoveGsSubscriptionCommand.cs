using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Subscriptions;

namespace GraphSecurity.Commands.Subscriptions;

/// <summary>
/// <para type="synopsis">Deletes a change-notification subscription.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "GsSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[GraphPermission("change notifications on security alerts", "SecurityEvents.ReadWrite.All")]
public sealed class RemoveGsSubscriptionCommand : GsConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("SubscriptionId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    protected override void ProcessRecord()
    {
        if (!IsValidId(Id)) return;
        if (!ShouldProcess($"subscription {Id}", "Delete")) return;
        var connection = GraphConnection;
        ForInput(Id, connection, () => { Run(token => new SubscriptionService(connection.Graph).DeleteAsync(Id, token)); });
    }
}
