using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Legacy.Providers;
using GraphSecurity.Emulator.Graph.Query;
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

/// <summary>
/// /security/alerts (legacy, federated) on v1.0 and beta, plus beta updateAlerts. Every call goes through the
/// <see cref="AlertBroker"/> to the tenant's providers, Microsoft's and consented partners'.
/// </summary>
public static class LegacyAlertsEndpoints
{
    private const string Path = "security/alerts";

    public static void Map(IEndpointRouteBuilder app, string version)
    {
        var g = app.MapGroup($"/{version}/{Path}");
        g.MapGet("", (HttpContext ctx, AlertBroker broker) => ListAsync(ctx, broker, version)).Requires(Permissions.SecurityEventsRead);
        g.MapGet("/{id}", (HttpContext ctx, string id, AlertBroker broker) => GetAsync(ctx, broker, version, id)).Requires(Permissions.SecurityEventsRead);
        g.MapMethods("/{id}", new[] { "PATCH" }, (HttpContext ctx, string id, AlertBroker broker, LegacyAlertEvents events) =>
            PatchAsync(ctx, broker, events, version, id)).Requires(Permissions.SecurityEventsWrite);
        if (version == "beta")
            g.MapPost("/updateAlerts", (HttpContext ctx, AlertBroker broker, LegacyAlertEvents events) =>
                UpdateAlertsAsync(ctx, broker, events, version)).Requires(Permissions.SecurityEventsWrite);
    }

    private static GraphError NotFound(string id) => GraphError.NotFound($"Alert with id '{id}' was not found.");

    private static void AddWarnings(HttpContext ctx, IReadOnlyList<string> warnings)
    {
        if (warnings.Count > 0) ctx.Response.Headers.Warning = string.Join(", ", warnings);
    }

    /// <summary>
    /// Fans out to every provider: $filter, $orderby and $skip apply per provider and $top is taken from
    /// each, so a page holds up to $top × providers alerts. Failing providers are left out and reported
    /// in a Warning header with status 206.
    /// </summary>
    private static async Task ListAsync(HttpContext ctx, AlertBroker broker, string version)
    {
        var tenantId = ctx.Caller().Tenant.Id;
        bool beta = version == "beta";
        var options = QueryOptions.Parse(ctx.Request.Query, beta, LegacyAlertSchema.Rules);
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var answer = await broker.ListAsync(tenantId, new ProviderQuery(options, ctx.Request.Query, includeUnknown), ctx.RequestAborted);
        var pages = answer.Value;
        // Merge the providers' answers in the requested order.
        var merged = CollectionQuery.Order(pages.SelectMany(p => p.Items), options.OrderBy, includeUnknown,
            CollectionQuery.NewestFirst<LegacyAlert>(a => a.CreatedDateTime), a => a.Id).ToList();
        int nextSkip = options.Skip + (options.Top ?? LegacyAlertSchema.Rules.PageSize);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        // No nextLink once the next $skip would pass the 500 ceiling (as observed on the real service).
        string nextLink = pages.Any(p => p.More) && nextSkip <= LegacyAlertSchema.MaxSkip ? GraphResponse.NextLink(ctx.Request, root, Path, nextSkip, beta) : null;
        AddWarnings(ctx, answer.Warnings);
        await CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#Security/alerts{CollectionQuery.SelectSuffix(options.Select)}", options.Count, pages.Sum(p => p.TotalCount), nextLink,
            merged, (w, a) => LegacyAlertSchema.Entity.Write(w, a, options.Select, includeUnknown), answer.Warnings.Count > 0 ? 206 : 200);
    }

    private static async Task GetAsync(HttpContext ctx, AlertBroker broker, string version, string id)
    {
        var tenantId = ctx.Caller().Tenant.Id;
        var answer = await broker.GetAsync(tenantId, id, ctx.RequestAborted);
        AddWarnings(ctx, answer.Warnings);
        var alert = answer.Value.Alert ?? throw NotFound(id);
        await SimpleResource.GetAsync(ctx, version, "Security/alerts", LegacyAlertSchema.Rules, alert);
    }

    /// <summary>PATCH: 204, or 200 with the alert when the caller sends Prefer: return=representation.</summary>
    private static async Task PatchAsync(HttpContext ctx, AlertBroker broker, LegacyAlertEvents events, string version, string id)
    {
        var principal = ctx.Caller();
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        var updated = await UpdateAsync(ctx, broker, principal, id, body, isBulkItem: false);
        events.Publish(principal.Tenant.Id, updated, "updated");
        if (GraphRequest.WantsRepresentation(ctx.Request))
            await SimpleResource.WriteEntityAsync(ctx, version, "Security/alerts", LegacyAlertSchema.Entity, updated);
        else
            ctx.Response.StatusCode = 204;
    }

    /// <summary>
    /// Beta bulk update: {"value":[{id, vendorInformation, …changes}]}. Every item is validated before any
    /// is sent to its provider (the reference documents no per-item error format).
    /// </summary>
    private static async Task UpdateAlertsAsync(HttpContext ctx, AlertBroker broker, LegacyAlertEvents events, string version)
    {
        var principal = ctx.Caller();
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        if (!body.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            throw GraphError.BadRequest("The parameter 'value' is required: a non-empty array of alerts.");
        var items = new List<(string Id, JsonElement Item)>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("id", out var idProp) || idProp.ValueKind != JsonValueKind.String)
                throw GraphError.BadRequest("Every alert in 'value' needs an 'id'.");
            var (vendor, providerName, _) = ParseUpdate(item, isBulkItem: true);
            items.Add((idProp.GetString(), item));
            // All or nothing: every id must be known to the provider named before any update is sent.
            var provider = broker.Named(principal.Tenant.Id, vendor, providerName) ?? throw NotFound(idProp.GetString());
            if (!(await provider.GetAsync(principal.Tenant.Id, idProp.GetString(), ctx.RequestAborted)).Succeeded) throw NotFound(idProp.GetString());
        }
        var updated = new List<LegacyAlert>();
        foreach (var (id, item) in items) updated.Add(await UpdateAsync(ctx, broker, principal, id, item, isBulkItem: true));
        foreach (var u in updated) events.Publish(principal.Tenant.Id, u, "updated");
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        await CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#Collection(microsoft.graph.alert)", false, 0, null, updated,
            (w, a) => LegacyAlertSchema.Entity.Write(w, a, null, includeUnknown));
    }

    /// <summary>
    /// Routes an update to the provider its vendorInformation names; a provider that does not hold the id (or
    /// that the tenant does not have) answers 404, one that fails turns into the error the caller sees.
    /// </summary>
    private static async Task<LegacyAlert> UpdateAsync(HttpContext ctx, AlertBroker broker, CallerPrincipal principal, string id, JsonElement body, bool isBulkItem)
    {
        var (vendor, providerName, changes) = ParseUpdate(body, isBulkItem);
        var provider = broker.Named(principal.Tenant.Id, vendor, providerName);
        if (provider == null)
        {
            if (!string.Equals(vendor, "Microsoft", StringComparison.OrdinalIgnoreCase) && broker.ProvidersOf(principal.Tenant.Id).All(p => !string.Equals(p.Provider, providerName, StringComparison.OrdinalIgnoreCase)))
                throw NotFound(id);
            throw GraphError.BadRequest($"Invalid vendorInformation: provider '{providerName}' is not a provider of vendor '{vendor}'.");
        }
        var reply = await broker.UpdateAsync(principal.Tenant.Id, provider, id, new AlertUpdate(body, changes, principal), ctx.RequestAborted);
        if (reply.IsNotFound) throw NotFound(id);
        if (reply.Status == 400) throw GraphError.BadRequest($"{provider.Vendor}/{provider.Provider} refused the update: {reply.Problem}");
        if (reply.Failed)
        {
            ctx.Response.Headers.Warning = reply.WarningItem(provider);
            throw new GraphError(502, "BadGateway", $"The provider {provider.Vendor}/{provider.Provider} could not update alert '{id}' (HTTP {reply.Status}: {reply.Problem}).");
        }
        return reply.Value;
    }

    /// <summary>Reads the updatable fields and the mandatory vendorInformation (provider + vendor), which routes the update.</summary>
    private static (string Vendor, string Provider, List<Action<LegacyAlert>> Changes) ParseUpdate(JsonElement body, bool isBulkItem)
    {
        var changes = new List<Action<LegacyAlert>>();
        string vendor = null, provider = null;
        foreach (var prop in body.EnumerateObject())
        {
            switch (prop.Name)
            {
                case "@odata.type": GraphRequest.CheckODataType(prop.Value, LegacyAlertSchema.TypeName); continue;
                case "id" when isBulkItem: continue;
                case "vendorInformation":
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Missing();
                    string Member(string name) => prop.Value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                    (vendor, provider) = (Member("vendor"), Member("provider"));
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
        if (string.IsNullOrEmpty(vendor) || string.IsNullOrEmpty(provider)) throw Missing();
        return (vendor, provider, changes);
    }

    private static GraphError Missing() => Graph.SecureScore.VendorInformation.Missing();
}
