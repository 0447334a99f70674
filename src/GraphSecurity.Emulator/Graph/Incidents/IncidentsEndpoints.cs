using System.Text.Json;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Incidents;

/// <summary>Switchable incident faults (control endpoint <c>POST /_emulator/incidents/faults</c>).</summary>
public sealed class IncidentFaults
{
    /// <summary>When set, <c>$expand=alerts</c> answers 500, as observed on large real tenants.</summary>
    public volatile bool ExpandAlertsFails;
}

/// <summary>/security/incidents on v1.0 and beta: list, get, update, comments, $expand=alerts and /alerts.</summary>
public static class IncidentsEndpoints
{
    public static void Map(IEndpointRouteBuilder app, string version)
    {
        var g = app.MapGroup($"/{version}/security/incidents");
        bool beta = version == "beta";
        g.MapGet("", (HttpContext ctx, TenantStores<Incident> incidents, AlertRepository alerts, IncidentFaults faults) => ListAsync(ctx, incidents, alerts, faults, version, beta))
            .Requires(Permissions.IncidentRead);
        g.MapGet("/{id}", (HttpContext ctx, string id, TenantStores<Incident> incidents, AlertRepository alerts, IncidentFaults faults) => GetAsync(ctx, incidents, alerts, faults, version, beta, id))
            .Requires(Permissions.IncidentRead);
        g.MapMethods("/{id}", new[] { "PATCH" }, (HttpContext ctx, string id, TenantStores<Incident> incidents, EmulatorClock clock) => PatchAsync(ctx, incidents, clock, version, id))
            .Requires(Permissions.IncidentWrite);
        g.MapPost("/{id}/comments", (HttpContext ctx, string id, TenantStores<Incident> incidents, EmulatorClock clock) => CommentAsync(ctx, incidents, clock, version, id))
            .Requires(Permissions.IncidentWrite);
        g.MapGet("/{id}/alerts", (HttpContext ctx, string id, TenantStores<Incident> incidents, AlertRepository alerts) => AlertsAsync(ctx, incidents, alerts, version, beta, id))
            .Requires(Permissions.AlertRead);
    }

    private static GraphError NotFound(string id) => GraphError.NotFound($"Incident with id '{id}' was not found.");

    /// <summary>The caller and its tenant's incidents.</summary>
    private static (CallerPrincipal, EntityStore<Incident>) Access(HttpContext ctx, TenantStores<Incident> incidents)
    {
        var principal = ctx.Caller();
        return (principal, incidents.For(principal.Tenant.Id));
    }

    /// <summary>#security/incidents, with (selected,props) and alerts() when expanded.</summary>
    private static string ContextSuffix(QueryOptions options)
    {
        var parts = (options.Select ?? Array.Empty<PropertyDef>()).Select(p => p.Name).ToList();
        if (options.Expand.Contains("alerts")) parts.Add("alerts()");
        return parts.Count == 0 ? "" : "(" + string.Join(",", parts) + ")";
    }

    private static Action<Utf8JsonWriter> ExpandedAlerts(QueryOptions options, Incident incident, AlertStore alerts, bool includeUnknown)
    {
        if (!options.Expand.Contains("alerts")) return null;
        return w =>
        {
            w.WriteStartArray("alerts");
            foreach (var id in incident.AlertIds)
                if (alerts.Get(id) is { } a) AlertSchema.Write(w, a, null, includeUnknown);
            w.WriteEndArray();
        };
    }

    private static void CheckExpandFault(QueryOptions options, IncidentFaults faults)
    {
        if (faults.ExpandAlertsFails && options.Expand.Contains("alerts"))
            throw new GraphError(500, "UnknownError", "");
    }

    private static async Task ListAsync(HttpContext ctx, TenantStores<Incident> incidents, AlertRepository alerts, IncidentFaults faults, string version, bool beta)
    {
        var (principal, store) = Access(ctx, incidents);
        var options = QueryOptions.Parse(ctx.Request.Query, beta, IncidentSchema.Rules);
        CheckExpandFault(options, faults);
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var page = CollectionQuery.Page(store.Snapshot(), options, IncidentSchema.Rules.PageSize, includeUnknown, CollectionQuery.NewestFirst<Incident>(i => i.CreatedDateTime), i => i.Id);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        var alertStore = alerts.For(principal.Tenant.Id);
        string nextLink = page.NextSkip is int next ? GraphResponse.NextLink(ctx.Request, root, "security/incidents", next, beta) : null;
        await CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#security/incidents{ContextSuffix(options)}", options.Count, page.TotalCount, nextLink, page.Items,
            (w, i) => IncidentSchema.Entity.Write(w, i, options.Select, includeUnknown, extra: ExpandedAlerts(options, i, alertStore, includeUnknown)));
    }

    private static async Task GetAsync(HttpContext ctx, TenantStores<Incident> incidents, AlertRepository alerts, IncidentFaults faults, string version, bool beta, string id)
    {
        var (principal, store) = Access(ctx, incidents);
        var options = QueryOptions.Parse(ctx.Request.Query, beta, IncidentSchema.Rules, allowCollectionOptions: false);
        CheckExpandFault(options, faults);
        var incident = store.Get(id) ?? throw NotFound(id);
        await WriteEntityAsync(ctx, version, incident, options, alerts.For(principal.Tenant.Id));
    }

    private static Task WriteEntityAsync(HttpContext ctx, string version, Incident incident, QueryOptions options, AlertStore alerts)
    {
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        var context = $"{root}/$metadata#security/incidents{(options == null ? "" : ContextSuffix(options))}/$entity";
        return GraphResponse.WriteAsync(ctx, 200, w => IncidentSchema.Entity.Write(w, incident, options?.Select, includeUnknown, context,
            options == null ? null : ExpandedAlerts(options, incident, alerts, includeUnknown)));
    }

    private static async Task AlertsAsync(HttpContext ctx, TenantStores<Incident> incidents, AlertRepository alerts, string version, bool beta, string id)
    {
        var principal = ctx.Caller();
        var incident = incidents.For(principal.Tenant.Id).Get(id) ?? throw NotFound(id);
        var options = QueryOptions.Parse(ctx.Request.Query, beta);
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var store = alerts.For(principal.Tenant.Id);
        var items = incident.AlertIds.Select(store.Get).Where(a => a != null);
        var page = CollectionQuery.Page(items, options, QueryOptions.AlertsMaxTop, includeUnknown, CollectionQuery.NewestFirst<Alert>(a => a.CreatedDateTime), a => a.Id);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        var path = $"security/incidents/{incident.Id}/alerts";
        string nextLink = page.NextSkip is int next ? GraphResponse.NextLink(ctx.Request, root, path, next, beta) : null;
        await CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#security/incidents('{incident.Id}')/alerts{CollectionQuery.SelectSuffix(options.Select)}",
            options.Count, page.TotalCount, nextLink, page.Items, (w, a) => AlertSchema.Write(w, a, options.Select, includeUnknown));
    }

    private static async Task PatchAsync(HttpContext ctx, TenantStores<Incident> incidents, EmulatorClock clock, string version, string id)
    {
        var (principal, store) = Access(ctx, incidents);
        if (store.Get(id) == null) throw NotFound(id);
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var changes = new List<Action<Incident>>();
        foreach (var prop in body.EnumerateObject())
        {
            if (prop.Name == "@odata.type")
            {
                GraphRequest.CheckODataType(prop.Value, IncidentSchema.TypeName);
                continue;
            }
            var p = IncidentSchema.Entity.Find(prop.Name) ?? throw GraphRequest.UnknownProperty(prop.Name, IncidentSchema.TypeName);
            if (!p.Updatable)
                throw GraphError.BadRequest($"The property '{prop.Name}' is read-only and cannot be updated. Updatable properties: assignedTo, classification, determination, status, customTags.");
            if (p.Name == "customTags")
            {
                var tags = GraphRequest.StringList(prop);
                changes.Add(i => i.CustomTags = tags);
                continue;
            }
            var text = GraphRequest.StringOrNull(prop);
            if (p.Kind != PropertyKind.Enum)
            {
                changes.Add(i => i.AssignedTo = text);
                continue;
            }
            if (text == null && p.Name == "status") throw GraphError.BadRequest("The property 'status' cannot be null.");
            var canonical = text == null ? null : GraphRequest.ParseEnum(p.Enum, text);
            // Evolvable members (awaitingAction) may only be written by callers that opted in to see them.
            if (canonical != null && p.Enum.IsEvolvable(canonical) && !includeUnknown)
                throw GraphError.BadRequest($"The value '{canonical}' of '{p.Enum.FullName}' requires the header 'Prefer: include-unknown-enum-members'.");
            if (canonical == "redirected") throw GraphError.BadRequest("The status 'redirected' is set by the service when incidents are merged and cannot be set.");
            switch (p.Name)
            {
                case "status": changes.Add(i => i.Status = canonical); break;
                case "classification": changes.Add(i => i.Classification = canonical); break;
                case "determination": changes.Add(i => i.Determination = canonical); break;
            }
        }
        var updated = store.Update(id, i =>
        {
            foreach (var c in changes) c(i);
            i.LastUpdateDateTime = clock.UtcNow;
            i.LastModifiedBy = principal.ActorDisplayName;
        });
        await WriteEntityAsync(ctx, version, updated, null, null);
    }

    private static async Task CommentAsync(HttpContext ctx, TenantStores<Incident> incidents, EmulatorClock clock, string version, string id)
    {
        var (principal, store) = Access(ctx, incidents);
        await CommentsRoute.PostAsync(ctx, store, clock, principal, version, "incidents", id,
            i => i.Comments, (i, now) => i.LastUpdateDateTime = now, NotFound);
    }
}
