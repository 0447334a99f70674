using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Subscriptions;

namespace GraphSecurity.Commands.Subscriptions;

/// <summary>
/// <para type="synopsis">Renews a change-notification subscription: sets a new expiration.</para>
/// </summary>
[Cmdlet(VerbsData.Update, "GsSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[GraphPermission("change notifications on security alerts", "SecurityEvents.ReadWrite.All")]
[OutputType(typeof(Subscription))]
public sealed class UpdateGsSubscriptionCommand : GsConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("SubscriptionId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    /// <summary>Minutes from now until the subscription expires (at most 43,200).</summary>
    [Parameter]
    [ValidateRange(1, SubscriptionService.MaxLifetimeMinutes)]
    public int ExpiresIn { get; set; } = SubscriptionService.MaxLifetimeMinutes;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!IsValidId(Id)) return;
        var expiration = SubscriptionService.ExpirationIn(ExpiresIn, DateTimeOffset.UtcNow);
        if (!ShouldProcess($"subscription {Id}", $"Renew until {expiration:u}")) return;
        var connection = GraphConnection;
        var service = new SubscriptionService(connection.Graph);
        ForInput(Id, connection, () =>
        {
            var renewed = Run(token => service.RenewAsync(Id, expiration, token));
            if (!PassThru || renewed == null) return;
            renewed.ConnectionName = connection.Name;
            WriteObject(renewed);
        });
    }
}
