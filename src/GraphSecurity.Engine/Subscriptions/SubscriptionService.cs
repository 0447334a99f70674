using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Subscriptions;

/// <summary>/subscriptions (v1.0) for the legacy security alert resource, the only one that has notifications.</summary>
public sealed class SubscriptionService : EntityService<Subscription>
{
    public const string CollectionPath = "subscriptions";
    /// <summary>The longest lifetime the service accepts for security alerts, in minutes.</summary>
    public const int MaxLifetimeMinutes = 43200;
    public const int MaxClientStateLength = 128;

    public SubscriptionService(ApiClient graph) : base(graph, "v1.0", CollectionPath) { }

    /// <summary>"security/alerts" with an optional filter built from typed clauses and a raw one.</summary>
    public static string AlertResource(IEnumerable<string> severities, IEnumerable<string> statuses, IEnumerable<string> providers, string rawFilter)
    {
        var filter = ODataFilter.And(new[]
        {
            ODataFilter.Group(rawFilter),
            ODataFilter.AnyOf("severity", (severities ?? Enumerable.Empty<string>()).Select(ODataFilter.Quote)),
            ODataFilter.AnyOf("status", (statuses ?? Enumerable.Empty<string>()).Select(ODataFilter.Quote)),
            ODataFilter.AnyOf("vendorInformation/provider", (providers ?? Enumerable.Empty<string>()).Select(ODataFilter.Quote)),
        });
        return filter.Length == 0 ? "security/alerts" : "security/alerts?$filter=" + filter;
    }

    /// <summary>An expiration this many minutes ahead; the maximum keeps a minute's margin so clock skew cannot push it over.</summary>
    public static DateTimeOffset ExpirationIn(int minutes, DateTimeOffset now)
    {
        var limit = now.AddMinutes(MaxLifetimeMinutes).AddMinutes(-1);
        var wanted = now.AddMinutes(minutes);
        return wanted > limit ? limit : wanted;
    }

    /// <summary>A random secret for clientState: 32 bytes, base64url (43 characters).</summary>
    public static string NewClientState()
    {
        var bytes = new byte[32];
        using (var random = RandomNumberGenerator.Create()) random.GetBytes(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>What New-GsSubscription (or Receive-GsNotification -Subscribe) asks for: the service's spelling of the
    /// change types, and a clientState generated when none is given.</summary>
    public static Subscription NewRequest(string resource, IEnumerable<SubscriptionChangeType> changeTypes, string notificationUrl,
        DateTimeOffset expiration, string? clientState = null) => new Subscription
        {
            Resource = resource,
            ChangeType = string.Join(",", changeTypes.Distinct().Select(c => Json.GraphJson.ToWire(c))),
            NotificationUrl = notificationUrl,
            ExpirationDateTime = expiration,
            ClientState = Strings.IsNullOrEmpty(clientState) ? NewClientState() : clientState,
        };

    /// <summary>Creates the subscription; the service validates the notification URL before answering.</summary>
    public Task<Subscription> CreateAsync(Subscription request, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object?>
        {
            ["changeType"] = request.ChangeType,
            ["notificationUrl"] = request.NotificationUrl,
            ["resource"] = request.Resource,
            ["expirationDateTime"] = request.ExpirationDateTime.UtcDateTime.ToString("o"),
            ["clientState"] = request.ClientState,
        };
        if (request.LifecycleNotificationUrl != null) body["lifecycleNotificationUrl"] = request.LifecycleNotificationUrl;
        return Graph.SendForItemAsync<Subscription>(HttpMethod.Post, Graph.Url(Version, Path), body, cancellationToken);
    }

    /// <summary>Renews: PATCH with only expirationDateTime; the service answers with the subscription (null if it answers 204).</summary>
    public Task<Subscription?> RenewAsync(string id, DateTimeOffset expiration, CancellationToken cancellationToken) =>
        UpdateAsync(id, new Dictionary<string, object?> { ["expirationDateTime"] = expiration.UtcDateTime.ToString("o") }, cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        Graph.SendAsync<object>(HttpMethod.Delete, ItemUrl(id), null, cancellationToken);

    /// <summary>The legacy alert a notification names (resourceData.id).</summary>
    public Task<LegacyAlert> GetAlertAsync(string id, CancellationToken cancellationToken) =>
        Graph.SendForItemAsync<LegacyAlert>(HttpMethod.Get, Graph.Url(Version, "security/alerts/" + ItemIds.ToPathSegment(id, "alert id")), null, cancellationToken);
}
