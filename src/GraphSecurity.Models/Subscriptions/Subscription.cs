using System;

namespace GraphSecurity;

/// <summary>The kinds of change a subscription is notified of.</summary>
public enum SubscriptionChangeType { Created, Updated, Deleted }

/// <summary>A change-notification subscription (microsoft.graph.subscription) on legacy security alerts.</summary>
public class Subscription : IConnectionBound
{
    public string? Id { get; set; }
    public string? Resource { get; set; }
    /// <summary>Comma list as the service keeps it, e.g. "created,updated".</summary>
    public string? ChangeType { get; set; }
    public string? NotificationUrl { get; set; }
    public string? LifecycleNotificationUrl { get; set; }
    public DateTimeOffset ExpirationDateTime { get; set; }
    /// <summary>The shared secret every notification of this subscription carries; check it before trusting a notification.</summary>
    public string? ClientState { get; set; }
    public string? ApplicationId { get; set; }
    public string? CreatorId { get; set; }
    public string? LatestSupportedTlsVersion { get; set; }
    public string? ConnectionName { get; set; }

    public override string? ToString() => Id;
}

/// <summary>One change notification received by Receive-GsNotification (changeNotification).</summary>
public class ChangeNotification
{
    public string? SubscriptionId { get; set; }
    /// <summary>created, updated or deleted; empty for lifecycle notifications.</summary>
    public string? ChangeType { get; set; }
    /// <summary>The changed resource, e.g. "security/alerts/{id}".</summary>
    public string? Resource { get; set; }
    /// <summary>The id of the changed alert (resourceData.id).</summary>
    public string? ResourceId { get; set; }
    public string? TenantId { get; set; }
    public DateTimeOffset? SubscriptionExpirationDateTime { get; set; }
    /// <summary>For lifecycle notifications: reauthorizationRequired, subscriptionRemoved or missed.</summary>
    public string? LifecycleEvent { get; set; }
    public DateTimeOffset ReceivedDateTime { get; set; }
    /// <summary>With -Resolve: the alert read after the notification arrived (legacy /security/alerts).</summary>
    public LegacyAlert? Alert { get; set; }
    public string? ConnectionName { get; set; }

    public override string ToString() => $"{ChangeType} {Resource}";
}
