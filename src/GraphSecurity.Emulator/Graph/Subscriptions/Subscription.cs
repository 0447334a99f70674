using GraphSecurity.Emulator.Graph.Query;
using P = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Graph.Subscriptions.Subscription>;

namespace GraphSecurity.Emulator.Graph.Subscriptions;

/// <summary>A <c>microsoft.graph.subscription</c> on security/alerts, plus what the emulator needs to deliver to it.</summary>
public sealed class Subscription
{
    public string Id { get; set; }
    public string ApplicationId { get; set; }
    public string ChangeType { get; set; }
    public string ClientState { get; set; }
    public string CreatorId { get; set; }
    public string EncryptionCertificate { get; set; }
    public string EncryptionCertificateId { get; set; }
    public DateTimeOffset ExpirationDateTime { get; set; }
    public bool? IncludeResourceData { get; set; }
    public string LatestSupportedTlsVersion { get; set; }
    public string LifecycleNotificationUrl { get; set; }
    public string NotificationQueryOptions { get; set; }
    public string NotificationUrl { get; set; }
    public string NotificationUrlAppId { get; set; }
    public string Resource { get; set; }

    public string TenantId { get; set; }
    /// <summary>The resource's $filter compiled against the legacy alert schema; null matches every alert.</summary>
    public Func<FilterContext, bool> Predicate { get; set; }

    public Subscription Clone() => (Subscription)MemberwiseClone();
}

public static class SubscriptionSchema
{
    public const string TypeName = "microsoft.graph.subscription";

    public static readonly EntitySchema Entity = new(TypeName, "subscriptions", new List<PropertyDef>
    {
        P.S("id", s => s.Id),
        P.S("applicationId", s => s.ApplicationId),
        P.S("changeType", s => s.ChangeType),
        P.S("clientState", s => s.ClientState),
        P.S("creatorId", s => s.CreatorId),
        P.S("encryptionCertificate", s => s.EncryptionCertificate),
        P.S("encryptionCertificateId", s => s.EncryptionCertificateId),
        P.D("expirationDateTime", s => s.ExpirationDateTime),
        P.B("includeResourceData", s => s.IncludeResourceData),
        P.S("latestSupportedTlsVersion", s => s.LatestSupportedTlsVersion),
        P.S("lifecycleNotificationUrl", s => s.LifecycleNotificationUrl),
        P.S("notificationQueryOptions", s => s.NotificationQueryOptions),
        P.S("notificationUrl", s => s.NotificationUrl),
        P.S("notificationUrlAppId", s => s.NotificationUrlAppId),
        P.S("resource", s => s.Resource),
    })
    { WriteODataType = false };

    public static readonly QueryRules Rules = new(Entity, 1000) { DefaultTop = 100 };
}
