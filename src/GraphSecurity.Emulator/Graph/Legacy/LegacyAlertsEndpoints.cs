using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Graph.SecureScore;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Legacy;

/// <summary>A provider that fails in the federation: its status code and the latency reported in the Warning header.</summary>
public sealed record ProviderFault(int Status, int LatencyMs);

/// <summary>Switches of the legacy API: failing providers and the retired mode (config file and control endpoints).</summary>
public sealed class LegacySettings
{
    public ConcurrentDictionary<string, ProviderFault> FailingProviders { get; } = new(StringComparer.OrdinalIgnoreCase);
    public volatile bool Retired;
}

/// <summary>Raised after a legacy alert is created or updated (subscriptions listen to it).</summary>
public sealed class LegacyAlertEvents
{
    public event Action<string, LegacyAlert, string> Changed;
    public void Publish(string tenantId, LegacyAlert alert, string changeType) => Changed?.Invoke(tenantId, alert, changeType);
}

/// <summary>/security/alerts (legacy, federated) on v1.0 and beta, plus beta updateAlerts.</summary>
public static class LegacyAlertsEndpoints
{
    private const string Path = "security/alerts";

    public static void Map(IEndpointRouteBuilder app, string version)
    {
        var g = app.MapGroup($"/{version}/{Path}");
        g.MapGet("", (HttpContext ctx, TenantStores<LegacyAlert> stores, LegacySettings settings) => ListAsync(ctx, stores, settings, version))
            .Requires(Permissions.SecurityEventsRead);
        g.MapGet("/{id}", (HttpContext ctx, string id, TenantStores<LegacyAlert> stores, LegacySettings settings) => GetAsync(ctx, stores, settings, version, id))
            .Requires(Permissions.SecurityEventsRead);
        g.MapMethods("/{id}", new[] { "PATCH" }, (HttpContext ctx, string id, TenantStores<LegacyAlert> stores, LegacySettings settings, EmulatorClock clock, LegacyAlertEvents events) =>
            PatchAsync(ctx, stores, settings, clock, events, version, id)).Requires(Permissions.SecurityEventsWrite);
        if (version == "beta")
            g.MapPost("/updateAlerts", (HttpContext ctx, TenantStores<LegacyAlert> stores, LegacySettings settings, EmulatorClock clock, LegacyAlertEvents events) =>
                UpdateAlertsAsync(ctx, stores, settings, clock, events, version)).Requires(Permissions.SecurityEventsWrite);
    }

    private static GraphError NotFound(string id) => GraphError.NotFound($"Alert with id '{id}' was not found.");

    /// <summary>The caller and its tenant's legacy alerts.</summary>
    private static (CallerPrincipal, EntityStore<LegacyAlert>) Access(HttpContext ctx, TenantStores<LegacyAlert> stores)
    {
        var principal = ctx.Caller();
        return (principal, stores.For(principal.Tenant.Id));
    }

    /// <summary>The alert as the federation sees it: unknown while retired or while its provider fails.</summary>
    private static LegacyAlert Find(EntityStore<LegacyAlert> store, LegacySettings settings, string id)
    {
        var alert = settings.Retired ? null : store.Get(id);
        return alert == null || settings.FailingProviders.ContainsKey(alert.Provider) ? throw NotFound(id) : alert;
    }

    /// <summary>
    /// Fans out to every provider: $filter, $orderby and $skip apply per provider and $top is taken from
    /// each, so a page holds up to $top × providers alerts. Failing providers are left out and reported
    /// in a Warning header with status 206.
    /// </summary>
    private static async Task ListAsync(HttpContext ctx, TenantStores<LegacyAlert> stores, LegacySettings settings, string version)
    {
        var (_, store) = Access(ctx, stores);
        bool beta = version == "beta";
        var options = QueryOptions.Parse(ctx.Request.Query, beta, LegacyAlertSchema.Rules);
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var all = settings.Retired ? System.Array.Empty<LegacyAlert>() : store.Snapshot();
        var order = CollectionQuery.NewestFirst<LegacyAlert>(a => a.CreatedDateTime);

        var items = new List<LegacyAlert>();
        var warnings = new List<string>();
        int total = 0;
        bool more = false;
        foreach (var provider in LegacyAlertSeeder.ProviderNames)
        {
            if (settings.FailingProviders.TryGetValue(provider, out var fault))
            {
                warnings.Add($"199 - \"Microsoft/{provider}/{fault.Status}/{fault.LatencyMs}\"");
                continue;
            }
            var page = CollectionQuery.Page(all.Where(a => a.Provider == provider), options, LegacyAlertSchema.Rules.PageSize, includeUnknown, order, a => a.Id);
            items.AddRange(page.Items);
            total += page.TotalCount;
            more |= page.NextSkip != null;
        }
        // Merge the providers' answers in the requested order.
        var merged = CollectionQuery.Order(items, options.OrderBy, includeUnknown, order, a => a.Id).ToList();
        int nextSkip = options.Skip + (options.Top ?? LegacyAlertSchema.Rules.PageSize);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        // No nextLink once the next $skip would pass the 500 ceiling (as observed on the real service).
        string nextLink = more && nextSkip <= LegacyAlertSchema.MaxSkip ? GraphResponse.NextLink(ctx.Request, root, Path, nextSkip, beta) : null;
        if (warnings.Count > 0) ctx.Response.Headers.Warning = string.Join(", ", warnings);
        await CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#Security/alerts{CollectionQuery.SelectSuffix(options.Select)}", options.Count, total, nextLink,
            merged, (w, a) => LegacyAlertSchema.Entity.Write(w, a, options.Select, includeUnknown), warnings.Count > 0 ? 206 : 200);
    }

    private static async Task GetAsync(HttpContext ctx, TenantStores<LegacyAlert> stores, LegacySettings settings, string version, string id)
    {
        var (_, store) = Access(ctx, stores);
        var alert = Find(store, settings, id);
        await SimpleResource.GetAsync(ctx, version, "Security/alerts", LegacyAlertSchema.Rules, alert);
    }

    /// <summary>PATCH: 204, or 200 with the alert when the caller sends Prefer: return=representation.</summary>
    private static async Task PatchAsync(HttpContext ctx, TenantStores<LegacyAlert> stores, LegacySettings settings, EmulatorClock clock,
        LegacyAlertEvents events, string version, string id)
    {
        var (principal, store) = Access(ctx, stores);
        var alert = Find(store, settings, id);
        var change = ParseUpdate(await GraphRequest.ReadJsonObjectAsync(ctx), alert, isBulkItem: false);
        var updated = Apply(store, clock, principal, alert.Id, change);
        events.Publish(principal.Tenant.Id, updated, "updated");
        if (GraphRequest.WantsRepresentation(ctx.Request))
            await SimpleResource.WriteEntityAsync(ctx, version, "Security/alerts", LegacyAlertSchema.Entity, updated);
        else
            ctx.Response.StatusCode = 204;
    }

    /// <summary>
    /// Beta bulk update: {"value":[{id, vendorInformation, …changes}]}. Every item is validated before any
    /// is applied, so the call is all-or-nothing (the reference documents no per-item error format).
    /// </summary>
    private static async Task UpdateAlertsAsync(HttpContext ctx, TenantStores<LegacyAlert> stores, LegacySettings settings, EmulatorClock clock,
        LegacyAlertEvents events, string version)
    {
        var (principal, store) = Access(ctx, stores);
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        if (!body.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            throw GraphError.BadRequest("The parameter 'value' is required: a non-empty array of alerts.");
        var changes = new List<(string Id, List<Action<LegacyAlert>> Change)>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("id", out var idProp) || idProp.ValueKind != JsonValueKind.String)
                throw GraphError.BadRequest("Every alert in 'value' needs an 'id'.");
            var alert = Find(store, settings, idProp.GetString());
            changes.Add((alert.Id, ParseUpdate(item, alert, isBulkItem: true)));
        }
        var updated = changes.Select(c => Apply(store, clock, principal, c.Id, c.Change)).ToList();
        foreach (var u in updated) events.Publish(principal.Tenant.Id, u, "updated");
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        await CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#Collection(microsoft.graph.alert)", false, 0, null, updated,
            (w, a) => LegacyAlertSchema.Entity.Write(w, a, null, includeUnknown));
    }

    private static LegacyAlert Apply(EntityStore<LegacyAlert> store, EmulatorClock clock, CallerPrincipal principal, string id, List<Action<LegacyAlert>> change) =>
        store.Update(id, a =>
        {
            foreach (var c in change) c(a);
            var now = clock.UtcNow;
            a.LastModifiedDateTime = now;
            if (a.Status is "resolved" or "dismissed" && a.ClosedDateTime == null) a.ClosedDateTime = now;
            a.HistoryStates.Add(new JsonObject
            {
                ["appId"] = principal.AppId, ["assignedTo"] = a.AssignedTo,
                ["comments"] = new JsonArray(a.Comments.Select(x => (JsonNode)x).ToArray()), ["feedback"] = a.Feedback,
                ["status"] = a.Status, ["updatedDateTime"] = EntitySchema.FormatDate(now), ["user"] = null,
            });
        });

    /// <summary>Reads the updatable fields; vendorInformation (provider + vendor) is mandatory and must name the alert's provider.</summary>
    private static List<Action<LegacyAlert>> ParseUpdate(JsonElement body, LegacyAlert alert, bool isBulkItem)
    {
        var changes = new List<Action<LegacyAlert>>();
        bool vendor = false;
        foreach (var prop in body.EnumerateObject())
        {
            switch (prop.Name)
            {
                case "@odata.type": GraphRequest.CheckODataType(prop.Value, LegacyAlertSchema.TypeName); continue;
                case "id" when isBulkItem: continue;
                case "vendorInformation":
                    var provider = VendorInformation.Require(prop.Value, null);
                    // The provider routes the update: a provider that does not own the id does not know it.
                    if (!string.Equals(provider, alert.Provider, StringComparison.OrdinalIgnoreCase)) throw NotFound(alert.Id);
                    vendor = true;
                    continue;
            }
            var p = LegacyAlertSchema.Entity.Find(prop.Name) ?? throw GraphRequest.UnknownProperty(prop.Name, LegacyAlertSchema.TypeName);
            if (!p.Updatable)
                throw GraphError.BadRequest($"The property '{prop.Name}' is read-only and cannot be updated. Updatable properties: assignedTo, closedDateTime, comments, feedback, status, tags (plus vendorInformation).");
            switch (p.Name)
            {
                case "assignedTo": var who = GraphRequest.StringOrNull(prop); changes.Add(a => a.AssignedTo = who); break;
                case "comments": var comments = GraphRequest.StringList(prop); changes.Add(a => a.Comments = comments); break;
                case "tags": var tags = GraphRequest.StringList(prop); changes.Add(a => a.Tags = tags); break;
                case "closedDateTime":
                    var text = GraphRequest.StringOrNull(prop);
                    DateTimeOffset? closed = null;
                    if (text != null)
                        closed = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)
                            ? d.ToUniversalTime() : throw GraphError.BadRequest($"Cannot convert the literal '{text}' to the expected type 'Edm.DateTimeOffset'.");
                    changes.Add(a => a.ClosedDateTime = closed);
                    break;
                case "status":
                    var status = GraphRequest.StringOrNull(prop) ?? throw GraphError.BadRequest("The property 'status' cannot be null.");
                    var canonical = GraphRequest.ParseEnum(p.Enum, status);
                    changes.Add(a => a.Status = canonical);
                    break;
                case "feedback":
                    var fb = GraphRequest.StringOrNull(prop);
                    var fbCanonical = fb == null ? null : GraphRequest.ParseEnum(p.Enum, fb);
                    changes.Add(a => a.Feedback = fbCanonical);
                    break;
            }
        }
        if (!vendor) throw VendorInformation.Missing();
        return changes;
    }
}
