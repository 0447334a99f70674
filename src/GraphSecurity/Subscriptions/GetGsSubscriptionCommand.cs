using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Subscriptions;

namespace GraphSecurity.Commands.Subscriptions;

/// <summary>
/// <para type="synopsis">Gets the calling app's active change-notification subscriptions.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsSubscription")]
[GraphPermission("change notifications on security alerts", "SecurityEvents.ReadWrite.All")]
[OutputType(typeof(Subscription))]
public sealed class GetGsSubscriptionCommand : GsConnectedCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("SubscriptionId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var connection in GraphConnections)
        {
            var service = new SubscriptionService(connection.Graph);
            Action<Subscription> write = s => { s.ConnectionName = connection.Name; WriteObject(s); };
            if (Id == null)
            {
                ForInput(connection.Name, connection, () => { Run(token => service.List(new CollectionQuery(SubscriptionService.CollectionPath)).ReadAsync(null, true, StreamPages(write), token)); });
                continue;
            }
            foreach (var id in Id)
            {
                if (!IsValidId(id)) continue;
                ForInput(id, connection, () => { write(Run(token => service.GetAsync(id, token))); });
            }
        }
    }
}
