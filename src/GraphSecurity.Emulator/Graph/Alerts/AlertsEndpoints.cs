using System.Text.Json;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Alerts;

/// <summary>/security/alerts_v2 on v1.0 and beta: list, get, update, comments.</summary>
public static class AlertsEndpoints
{
    public static void Map(IEndpointRouteBuilder app, string version)
    {
        var g = app.MapGroup($"/{version}/security/alerts_v2");
        bool beta = version == "beta";
        g.MapGet("", (HttpContext ctx, AlertRepository repo) => ListAsync(ctx, repo, version, beta)).Requires(Permissions.AlertRead);
        g.MapGet("/{id}", (HttpContext ctx, string id, AlertRepository repo) => GetAsync(ctx, repo, version, beta, id)).Requires(Permissions.AlertRead);
        g.MapMethods("/{id}", new[] { "PATCH" }, (HttpContext ctx, string id, AlertRepository repo, EmulatorClock clock) => PatchAsync(ctx, repo, clock, version, id)).Requires(Permissions.AlertWrite);
        g.MapPost("/{id}/comments", (HttpContext ctx, string id, AlertRepository repo, EmulatorClock clock) => CommentAsync(ctx, repo, clock, version, id)).Requires(Permissions.AlertWrite);
    }

    private static async Task ListAsync(HttpContext ctx, AlertRepository repo, string version, bool beta)
    {
        var principal = ctx.Caller();
        var options = QueryOptions.Parse(ctx.Request.Query, beta);
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);

        var page = CollectionQuery.Page(repo.For(principal.Tenant.Id).Snapshot(), options, QueryOptions.AlertsMaxTop, includeUnknown,
            defaultOrder: null, a => a.Id); // the store already holds the default order
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        var context = $"{root}/$metadata#security/alerts_v2{CollectionQuery.SelectSuffix(options.Select)}";
        string nextLink = page.NextSkip is int next ? GraphResponse.NextLink(ctx.Request, root, "security/alerts_v2", next, beta) : null;
        Action<Utf8JsonWriter, Alert> writeItem = options.Select == null
            ? (w, a) => w.WriteRawValue(a.FullJson(includeUnknown), skipInputValidation: true)
            : (w, a) => AlertSchema.Write(w, a, options.Select, includeUnknown);
        await CollectionQuery.WriteAsync(ctx, context, options.Count, page.TotalCount, nextLink, page.Items, writeItem);
    }

    private static async Task GetAsync(HttpContext ctx, AlertRepository repo, string version, bool beta, string id)
    {
        var principal = ctx.Caller();
        var options = QueryOptions.Parse(ctx.Request.Query, beta, allowCollectionOptions: false);
        var alert = repo.For(principal.Tenant.Id).Get(id) ?? throw NotFound(id);
        await WriteEntityAsync(ctx, version, alert, options.Select);
    }

    private static GraphError NotFound(string id) => GraphError.NotFound($"Alert with id '{id}' was not found.");

    private static Task WriteEntityAsync(HttpContext ctx, string version, Alert alert, IReadOnlyList<PropertyDef> select)
    {
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        var context = $"{root}/$metadata#security/alerts_v2{CollectionQuery.SelectSuffix(select)}/$entity";
        return GraphResponse.WriteAsync(ctx, 200, w => AlertSchema.Write(w, alert, select, includeUnknown, context));
    }

    private static async Task PatchAsync(HttpContext ctx, AlertRepository repo, EmulatorClock clock, string version, string id)
    {
        var principal = ctx.Caller();
        var store = repo.For(principal.Tenant.Id);
        if (store.Get(id) == null) throw NotFound(id);
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);

        var changes = new List<Action<Alert>>();
        foreach (var prop in body.EnumerateObject())
        {
            if (prop.Name == "@odata.type")
            {
                GraphRequest.CheckODataType(prop.Value, AlertSchema.TypeName);
                continue;
            }
            var p = AlertSchema.Find(prop.Name) ?? throw GraphRequest.UnknownProperty(prop.Name, AlertSchema.TypeName);
            if (!p.Updatable)
                throw GraphError.BadRequest($"The property '{prop.Name}' is read-only and cannot be updated. Updatable properties: status, classification, determination, assignedTo.");
            var text = GraphRequest.StringOrNull(prop);

            if (p.Kind == PropertyKind.Enum)
            {
                if (text == null && p.Name == "status")
                    throw GraphError.BadRequest("The property 'status' cannot be null.");
                string canonical = null;
                if (text != null)
                {
                    canonical = GraphRequest.ParseEnum(p.Enum, text);
                }
                switch (p.Name)
                {
                    case "status": changes.Add(a => a.Status = canonical); break;
                    case "classification": changes.Add(a => a.Classification = canonical); break;
                    case "determination": changes.Add(a => a.Determination = canonical); break;
                }
            }
            else if (p.Name == "assignedTo")
            {
                changes.Add(a => a.AssignedTo = text);
            }
        }

        var updated = store.Update(id, a =>
        {
            var wasResolved = a.Status == "resolved";
            foreach (var c in changes) c(a);
            var now = clock.UtcNow;
            a.LastUpdateDateTime = now;
            if (a.Status == "resolved" && !wasResolved) a.ResolvedDateTime = now;
            else if (a.Status != "resolved") a.ResolvedDateTime = null;
        });
        await WriteEntityAsync(ctx, version, updated, null);
    }

    private static async Task CommentAsync(HttpContext ctx, AlertRepository repo, EmulatorClock clock, string version, string id)
    {
        var principal = ctx.Caller();
        await CommentsRoute.PostAsync(ctx, repo.For(principal.Tenant.Id), clock, principal, version, "alerts_v2", id,
            a => a.Comments, (a, now) => a.LastUpdateDateTime = now, NotFound);
    }
}
