using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Legacy;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Subscriptions;

/// <summary>
/// The subscriptions of every tenant and the delivery of change notifications when a matching legacy
/// alert is created or updated. Expiry uses the real UTC clock (receivers live in real time), and an
/// expired subscription is removed the next time it is looked at.
/// </summary>
public sealed class SubscriptionService
{
    public const int MaxLifetimeMinutes = 43200;
    private readonly EntityStore<Subscription> _all = new("*", Array.Empty<Subscription>(), s => s.Id, s => s.Clone());
    private readonly HashSet<string> _deleted = new(StringComparer.OrdinalIgnoreCase);
    public NotificationSender Sender { get; }

    public SubscriptionService(LegacyAlertEvents events, NotificationSender sender)
    {
        Sender = sender;
        events.Changed += OnAlertChanged;
    }

    public IEnumerable<Subscription> Active(string tenantId)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_deleted)
            return _all.Snapshot().Where(s => s.TenantId == tenantId && s.ExpirationDateTime > now && !_deleted.Contains(s.Id)).ToList();
    }

    public Subscription Find(string tenantId, string appId, string id) =>
        Active(tenantId).FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase) && (appId == null || s.ApplicationId == appId));

    public void Add(Subscription s) => _all.Add(s);
    public Subscription Update(string id, Action<Subscription> change) => _all.Update(id, change);
    public void Delete(string id) { lock (_deleted) _deleted.Add(id); }

    /// <summary>Pending deliveries (tests and shutdown can wait for them).</summary>
    public List<Task> Deliveries { get; } = new();

    private void OnAlertChanged(string tenantId, LegacyAlert alert, string changeType)
    {
        foreach (var s in Active(tenantId))
        {
            if (!s.ChangeType.Split(',').Contains(changeType, StringComparer.OrdinalIgnoreCase)) continue;
            if (s.Predicate != null && !s.Predicate(new FilterContext { Item = alert })) continue;
            var payload = new JsonObject
            {
                ["value"] = new JsonArray(new JsonObject
                {
                    ["subscriptionId"] = s.Id,
                    ["subscriptionExpirationDateTime"] = EntitySchema.FormatDate(s.ExpirationDateTime),
                    ["changeType"] = changeType,
                    ["clientState"] = s.ClientState,
                    ["tenantId"] = s.TenantId,
                    ["resource"] = $"security/alerts/{alert.Id}",
                    ["resourceData"] = new JsonObject
                    {
                        ["@odata.type"] = "#Microsoft.Graph.alert",
                        ["@odata.id"] = $"security/alerts/{alert.Id}",
                        ["id"] = alert.Id,
                    },
                }),
            };
            Track(Task.Run(() => Sender.DeliverAsync(s.Id, s.NotificationUrl, payload)));
        }
    }

    /// <summary>Sends a reauthorizationRequired lifecycle event to the subscription's lifecycleNotificationUrl.</summary>
    public Task<int> SendLifecycleAsync(Subscription s, string lifecycleEvent)
    {
        var payload = new JsonObject
        {
            ["value"] = new JsonArray(new JsonObject
            {
                ["subscriptionId"] = s.Id,
                ["subscriptionExpirationDateTime"] = EntitySchema.FormatDate(s.ExpirationDateTime),
                ["tenantId"] = s.TenantId,
                ["clientState"] = s.ClientState,
                ["lifecycleEvent"] = lifecycleEvent,
            }),
        };
        var task = Sender.DeliverAsync(s.Id, s.LifecycleNotificationUrl, payload);
        Track(task);
        return task;
    }

    private void Track(Task t)
    {
        lock (Deliveries)
        {
            Deliveries.RemoveAll(d => d.IsCompleted);
            Deliveries.Add(t);
        }
    }
}

/// <summary>/subscriptions on v1.0 and beta (change notifications for security/alerts only, reference §8).</summary>
public static class SubscriptionsEndpoints
{
    private static readonly string[] ChangeTypes = { "created", "updated", "deleted" };
    private static readonly string[] TlsVersions = { "v1_0", "v1_1", "v1_2", "v1_3" };

    public static void Map(IEndpointRouteBuilder app, string version)
    {
        var g = app.MapGroup($"/{version}/subscriptions").Requires(Permissions.SecurityEventsWrite);
        g.MapPost("", (HttpContext ctx, SubscriptionService service) => CreateAsync(ctx, service, version));
        g.MapGet("", async (HttpContext ctx, SubscriptionService service) =>
        {
            var p = ctx.Caller();
            await SimpleResource.ListAsync(ctx, version, "subscriptions", SubscriptionSchema.Rules, service.Active(p.Tenant.Id).Where(s => s.ApplicationId == p.AppId),
                xs => xs.OrderBy(s => s.ExpirationDateTime), s => s.Id);
        });
        g.MapGet("/{id}", async (HttpContext ctx, string id, SubscriptionService service) =>
        {
            var p = ctx.Caller();
            await SimpleResource.GetAsync(ctx, version, "subscriptions", SubscriptionSchema.Rules, service.Find(p.Tenant.Id, p.AppId, id) ?? throw NotFound(id));
        });
        g.MapMethods("/{id}", new[] { "PATCH" }, (HttpContext ctx, string id, SubscriptionService service) => RenewAsync(ctx, service, version, id));
        g.MapDelete("/{id}", async (HttpContext ctx, string id, SubscriptionService service) =>
        {
            var p = ctx.Caller();
            var s = service.Find(p.Tenant.Id, p.AppId, id) ?? throw NotFound(id);
            service.Delete(s.Id);
            ctx.Response.StatusCode = 204;
        });
        g.MapPost("/{id}/reauthorize", async (HttpContext ctx, string id, SubscriptionService service) =>
        {
            var p = ctx.Caller();
            _ = service.Find(p.Tenant.Id, p.AppId, id) ?? throw NotFound(id);
            ctx.Response.StatusCode = 204;
        });
    }

    /// <summary>Control endpoints (under <c>/_emulator</c>): list delivery stats, and send a reauthorizationRequired lifecycle event.</summary>
    public static void MapControl(IEndpointRouteBuilder app)
    {
        app.MapGet("/subscriptions", (SubscriptionService service, TenantDirectory dir) =>
            Results.Json(dir.Tenants.SelectMany(t => service.Active(t.Id)).Select(s =>
            {
                var st = service.Sender.Stats.GetValueOrDefault(s.Id) ?? new DeliveryStats();
                return new { id = s.Id, tenantId = s.TenantId, resource = s.Resource, delivered = st.Delivered, failedAttempts = st.FailedAttempts, dropped = st.Dropped };
            })));
        app.MapPost("/subscriptions/{id}/reauthorizationRequired", async (string id, SubscriptionService service, TenantDirectory dir) =>
        {
            var s = dir.Tenants.SelectMany(t => service.Active(t.Id)).FirstOrDefault(x => string.Equals(x.Id, id, StringComparison.OrdinalIgnoreCase));
            if (s == null) return Results.NotFound(new { error = $"No active subscription '{id}'." });
            if (s.LifecycleNotificationUrl == null) return Results.BadRequest(new { error = "The subscription has no lifecycleNotificationUrl." });
            var status = await service.SendLifecycleAsync(s, "reauthorizationRequired");
            return Results.Json(new { lifecycleEvent = "reauthorizationRequired", status });
        });
    }

    private static GraphError NotFound(string id) => GraphError.NotFound($"Subscription '{id}' was not found.");

    private static async Task CreateAsync(HttpContext ctx, SubscriptionService service, string version)
    {
        var principal = ctx.Caller();
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        var s = new Subscription
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = principal.Tenant.Id,
            ApplicationId = principal.AppId,
            CreatorId = principal.Tenant.FindApp(principal.AppId)?.ObjectId(principal.Tenant.Id),
            LatestSupportedTlsVersion = "v1_2",
            IncludeResourceData = false,
        };
        foreach (var prop in body.EnumerateObject())
        {
            switch (prop.Name)
            {
                case "@odata.type": GraphRequest.CheckODataType(prop.Value, SubscriptionSchema.TypeName); break;
                case "changeType": s.ChangeType = GraphRequest.StringOrNull(prop); break;
                case "notificationUrl": s.NotificationUrl = GraphRequest.StringOrNull(prop); break;
                case "lifecycleNotificationUrl": s.LifecycleNotificationUrl = GraphRequest.StringOrNull(prop); break;
                case "resource": s.Resource = GraphRequest.StringOrNull(prop); break;
                case "clientState": s.ClientState = GraphRequest.StringOrNull(prop); break;
                case "expirationDateTime": s.ExpirationDateTime = ParseExpiration(prop); break;
                case "latestSupportedTlsVersion":
                    var tls = GraphRequest.StringOrNull(prop);
                    s.LatestSupportedTlsVersion = TlsVersions.FirstOrDefault(v => v == tls) ?? throw GraphError.BadRequest($"Invalid latestSupportedTlsVersion '{tls}'. Valid values: {string.Join(", ", TlsVersions)}.");
                    break;
                case "includeResourceData":
                    if (prop.Value.ValueKind == JsonValueKind.True)
                        throw GraphError.BadRequest("Rich notifications (includeResourceData) are not supported for the resource 'security/alerts'.");
                    break;
                case "encryptionCertificate":
                case "encryptionCertificateId":
                case "notificationUrlAppId":
                case "notificationQueryOptions":
                case "applicationId":
                case "creatorId":
                case "id":
                    break; // accepted and ignored: not used by alert subscriptions
                default:
                    throw GraphRequest.UnknownProperty(prop.Name, SubscriptionSchema.TypeName);
            }
        }
        foreach (var (name, value) in new[] { ("changeType", s.ChangeType), ("notificationUrl", s.NotificationUrl), ("resource", s.Resource) })
            if (string.IsNullOrWhiteSpace(value)) throw GraphError.BadRequest($"The property '{name}' is required.");
        if (s.ExpirationDateTime == default) throw GraphError.BadRequest("The property 'expirationDateTime' is required.");
        var types = s.ChangeType.Split(',', StringSplitOptions.TrimEntries);
        if (types.Any(t => !ChangeTypes.Contains(t)))
            throw GraphError.BadRequest($"Invalid changeType '{s.ChangeType}'. Valid values: a comma list of {string.Join(", ", ChangeTypes)}.");
        s.ChangeType = string.Join(",", types);
        if (s.ClientState?.Length > 128) throw GraphError.BadRequest("The clientState must be at most 128 characters.");
        CheckUrl("notificationUrl", s.NotificationUrl);
        if (s.LifecycleNotificationUrl != null) CheckUrl("lifecycleNotificationUrl", s.LifecycleNotificationUrl);
        s.Predicate = CompileResource(s.Resource);

        var error = await service.Sender.ValidateAsync(s.NotificationUrl, ctx.RequestAborted);
        if (error == null && s.LifecycleNotificationUrl != null) error = await service.Sender.ValidateAsync(s.LifecycleNotificationUrl, ctx.RequestAborted);
        if (error != null) throw GraphError.BadRequest(error);
        service.Add(s);
        await SimpleResource.WriteEntityAsync(ctx, version, "subscriptions", SubscriptionSchema.Entity, s, status: 201);
    }

    private static async Task RenewAsync(HttpContext ctx, SubscriptionService service, string version, string id)
    {
        var principal = ctx.Caller();
        _ = service.Find(principal.Tenant.Id, principal.AppId, id) ?? throw NotFound(id);
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        DateTimeOffset? expiration = null;
        foreach (var prop in body.EnumerateObject())
        {
            if (prop.Name == "expirationDateTime") expiration = ParseExpiration(prop);
            else if (prop.Name != "@odata.type")
                throw GraphError.BadRequest($"The property '{prop.Name}' cannot be updated; only 'expirationDateTime' can be changed to renew a subscription.");
        }
        if (expiration == null) throw GraphError.BadRequest("The property 'expirationDateTime' is required.");
        var updated = service.Update(id, s => s.ExpirationDateTime = expiration.Value);
        await SimpleResource.WriteEntityAsync(ctx, version, "subscriptions", SubscriptionSchema.Entity, updated);
    }

    /// <summary>In the future and at most 43,200 minutes ahead (real UTC time).</summary>
    private static DateTimeOffset ParseExpiration(JsonProperty prop)
    {
        var text = GraphRequest.StringOrNull(prop);
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            throw GraphError.BadRequest($"Cannot convert the literal '{text}' to the expected type 'Edm.DateTimeOffset'.");
        var now = DateTimeOffset.UtcNow;
        if (value <= now) throw GraphError.BadRequest("Subscription expiration must be in the future.");
        if (value > now.AddMinutes(SubscriptionService.MaxLifetimeMinutes))
            throw GraphError.BadRequest($"Subscription expiration can only be {SubscriptionService.MaxLifetimeMinutes} minutes in the future.");
        return value.ToUniversalTime();
    }

    /// <summary>HTTPS, or HTTP on a loopback host (an emulator relaxation so local test receivers need no certificate).</summary>
    private static void CheckUrl(string name, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && NotificationSender.IsLoopback(uri))))
            throw GraphError.BadRequest($"The {name} '{url}' is not valid: it must be an absolute https URL (http is only accepted for loopback hosts).");
    }

    /// <summary>security/alerts, optionally with ?$filter=…; the filter is compiled against the legacy alert schema.</summary>
    private static Func<FilterContext, bool> CompileResource(string resource)
    {
        var text = resource.TrimStart('/');
        var q = text.IndexOf('?');
        var path = q < 0 ? text : text[..q];
        if (!string.Equals(path, "security/alerts", StringComparison.OrdinalIgnoreCase))
            throw GraphError.BadRequest($"The resource '{resource}' is not supported: the emulator offers change notifications for 'security/alerts' only.");
        if (q < 0) return null;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text[q..]);
        var other = query.Keys.FirstOrDefault(k => !string.Equals(k, "$filter", StringComparison.OrdinalIgnoreCase));
        if (other != null) throw GraphError.BadRequest($"The query option '{other}' is not supported in a subscription resource; only $filter is.");
        return query.TryGetValue("$filter", out var filter) ? FilterCompiler.Compile(filter.ToString(), LegacyAlertSchema.Entity) : null;
    }
}
