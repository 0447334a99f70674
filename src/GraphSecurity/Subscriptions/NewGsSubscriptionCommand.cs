using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Subscriptions;

namespace GraphSecurity.Commands.Subscriptions;

/// <summary>
/// <para type="synopsis">Subscribes a notification URL to changes of (legacy) security alerts.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "GsSubscription", DefaultParameterSetName = TypedSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("change notifications on security alerts", "SecurityEvents.ReadWrite.All")]
[OutputType(typeof(Subscription))]
public sealed class NewGsSubscriptionCommand : GsConnectedCmdlet
{
    private const string TypedSet = "Typed";
    private const string RawSet = "Resource";

    /// <summary>The HTTPS URL that receives the validation request and the notifications.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public Uri NotificationUrl { get; set; }

    [Parameter(ParameterSetName = TypedSet)]
    [ValidateSet("informational", "low", "medium", "high", IgnoreCase = true)]
    public string[] Severity { get; set; }

    [Parameter(ParameterSetName = TypedSet)]
    [ValidateSet("newAlert", "inProgress", "resolved", IgnoreCase = true)]
    public string[] Status { get; set; }

    /// <summary>Only alerts of these providers (vendorInformation/provider), e.g. IPC, MCAS.</summary>
    [Parameter(ParameterSetName = TypedSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Provider { get; set; }

    /// <summary>A raw OData filter on legacy alerts, and-ed with the typed filters.</summary>
    [Parameter(ParameterSetName = TypedSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Filter { get; set; }

    /// <summary>The resource as the service takes it, e.g. "security/alerts?$filter=severity eq 'high'".</summary>
    [Parameter(Mandatory = true, ParameterSetName = RawSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Resource { get; set; }

    [Parameter]
    public SubscriptionChangeType[] ChangeType { get; set; } = { SubscriptionChangeType.Created, SubscriptionChangeType.Updated };

    /// <summary>Minutes until the subscription expires (at most 43,200, about 30 days).</summary>
    [Parameter]
    [ValidateRange(1, SubscriptionService.MaxLifetimeMinutes)]
    public int ExpiresIn { get; set; } = SubscriptionService.MaxLifetimeMinutes;

    /// <summary>The secret notifications carry (at most 128 characters); a random one is generated when not given.</summary>
    [Parameter]
    [ValidateLength(1, SubscriptionService.MaxClientStateLength)]
    [ValidateText(SingleLine = true)]
    public string ClientState { get; set; }

    /// <summary>An HTTPS URL for lifecycle notifications (reauthorizationRequired).</summary>
    [Parameter]
    public Uri LifecycleNotificationUrl { get; set; }

    protected override void ProcessRecord()
    {
        var resource = ParameterSetName == RawSet ? Resource : SubscriptionService.AlertResource(Severity, Status, Provider, Filter);
        if (!NotificationUrl.IsAbsoluteUri)
        {
            WriteErrorFor(new ArgumentException($"-NotificationUrl must be an absolute URL: '{NotificationUrl}'."), NotificationUrl);
            return;
        }
        if (!ShouldProcess(resource, $"Subscribe {NotificationUrl} to {string.Join(", ", ChangeType)} changes for {ExpiresIn} minutes")) return;

        var connection = GraphConnection;
        var service = new SubscriptionService(connection.Graph);
        var request = SubscriptionService.NewRequest(resource, ChangeType, NotificationUrl.AbsoluteUri,
            SubscriptionService.ExpirationIn(ExpiresIn, DateTimeOffset.UtcNow), ClientState);
        request.LifecycleNotificationUrl = LifecycleNotificationUrl?.AbsoluteUri;
        ForInput(NotificationUrl, connection, () =>
        {
            var subscription = Run(token => service.CreateAsync(request, token));
            subscription.ConnectionName = connection.Name;
            WriteObject(subscription);
        });
    }
}
