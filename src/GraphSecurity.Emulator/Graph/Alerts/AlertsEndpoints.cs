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
        g.MapGet("", (HttpContext ctx, AlertRepository repo) => ListAsync(ctx, repo, version, beta));
        g.MapGet("/{id}", (HttpContext ctx, string id, AlertRepository repo) => GetAsync(ctx, repo, version, beta, id));
        g.MapMethods("/{id}", new[] { "PATCH" }, (HttpContext ctx, string id, AlertRepository repo, EmulatorClock clock) => PatchAsync(ctx, repo, clock, version, id));
        g.MapPost("/{id}/comments", (HttpContext ctx, string id, AlertRepository repo, EmulatorClock clock) => CommentAsync(ctx, repo, clock, version, id));
    }

    private static async Task ListAsync(HttpContext ctx, AlertRepository repo, string version, bool beta)
    {
        var principal = await GraphAuth.AuthenticateAsync(ctx);
        principal.RequireRoleOrScope(GraphPrincipal.AlertReadRoles);
        var options = QueryOptions.Parse(ctx.Request.Query, beta);
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);

        IEnumerable<Alert> items = repo.For(principal.Tenant.Id).Snapshot();
        if (options.Predicate != null)
        {
            var fc = new FilterContext { IncludeUnknownMembers = includeUnknown };
            var predicate = options.Predicate;
            items = items.Where(a => { fc.Alert = a; return predicate(fc); });
        }
        var filtered = Order(items, options.OrderBy, includeUnknown).ToList();
        var pageSize = options.Top ?? QueryOptions.AlertsMaxTop;
        var page = filtered.Skip(options.Skip).Take(pageSize).ToList();
        bool more = options.Skip + page.Count < filtered.Count && pageSize > 0;

        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        var context = $"{root}/$metadata#security/alerts_v2{SelectSuffix(options.Select)}";
        string nextLink = more ? GraphResponse.NextLink(ctx.Request, root, "security/alerts_v2", options.Skip + page.Count, beta) : null;

        await GraphResponse.WriteAsync(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", context);
            if (options.Count) w.WriteNumber("@odata.count", filtered.Count);
            if (nextLink != null) w.WriteString("@odata.nextLink", nextLink);
            w.WriteStartArray("value");
            foreach (var a in page) AlertSchema.Write(w, a, options.Select, includeUnknown);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Default order: newest first (createdDateTime desc), ties by id ascending; explicit $orderby gets id as final tie-break.</summary>
    private static IEnumerable<Alert> Order(IEnumerable<Alert> items, IReadOnlyList<OrderClause> orderBy, bool includeUnknown)
    {
        if (orderBy == null || orderBy.Count == 0)
            return items.OrderByDescending(a => a.CreatedDateTime).ThenBy(a => a.Id, StringComparer.Ordinal);
        IOrderedEnumerable<Alert> ordered = null;
        foreach (var clause in orderBy)
        {
            var p = clause.Property;
            IComparer<object> cmp = new ValueComparer(p, includeUnknown);
            Func<Alert, object> key = p.Get;
            ordered = ordered == null
                ? (clause.Descending ? items.OrderByDescending(key, cmp) : items.OrderBy(key, cmp))
                : (clause.Descending ? ordered.ThenByDescending(key, cmp) : ordered.ThenBy(key, cmp));
        }
        return ordered.ThenBy(a => a.Id, StringComparer.Ordinal);
    }

    private sealed class ValueComparer : IComparer<object>
    {
        private readonly PropertyDef _p;
        private readonly bool _includeUnknown;
        public ValueComparer(PropertyDef p, bool includeUnknown) { _p = p; _includeUnknown = includeUnknown; }

        public int Compare(object x, object y)
        {
            if (x == null || y == null) return x == null ? (y == null ? 0 : -1) : 1; // nulls first ascending
            switch (_p.Kind)
            {
                case PropertyKind.Enum:
                    return _p.Enum.Ordinal(_p.Enum.Visible((string)x, _includeUnknown))
                        .CompareTo(_p.Enum.Ordinal(_p.Enum.Visible((string)y, _includeUnknown)));
                case PropertyKind.DateTime:
                    return ((DateTimeOffset)x).CompareTo((DateTimeOffset)y);
                default:
                    return string.Compare((string)x, (string)y, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    private static string SelectSuffix(IReadOnlyList<PropertyDef> select) =>
        select == null ? "" : "(" + string.Join(",", select.Select(p => p.Name)) + ")";

    private static async Task GetAsync(HttpContext ctx, AlertRepository repo, string version, bool beta, string id)
    {
        var principal = await GraphAuth.AuthenticateAsync(ctx);
        principal.RequireRoleOrScope(GraphPrincipal.AlertReadRoles);
        var options = QueryOptions.Parse(ctx.Request.Query, beta, allowCollectionOptions: false);
        var alert = repo.For(principal.Tenant.Id).Get(id) ?? throw NotFound(id);
        await WriteEntityAsync(ctx, version, alert, options.Select);
    }

    private static GraphError NotFound(string id) => GraphError.NotFound($"Alert with id '{id}' was not found.");

    private static Task WriteEntityAsync(HttpContext ctx, string version, Alert alert, IReadOnlyList<PropertyDef> select)
    {
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        var context = $"{root}/$metadata#security/alerts_v2{SelectSuffix(select)}/$entity";
        return GraphResponse.WriteAsync(ctx, 200, w => AlertSchema.Write(w, alert, select, includeUnknown, context));
    }

    private static string ParseComment(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) throw GraphError.BadRequest("Each comment must be a JSON object.");
        string comment = null;
        foreach (var prop in item.EnumerateObject())
        {
            switch (prop.Name)
            {
                case "@odata.type":
                    var t = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString().TrimStart('#') : null;
                    if (!string.Equals(t, "microsoft.graph.security.alertComment", StringComparison.OrdinalIgnoreCase))
                        throw GraphError.BadRequest($"The @odata.type '{prop.Value}' does not match the type 'microsoft.graph.security.alertComment'.");
                    break;
                case "comment":
                    if (prop.Value.ValueKind != JsonValueKind.String) throw GraphError.BadRequest("The property 'comment' must be a string.");
                    comment = prop.Value.GetString();
                    break;
                case "createdByDisplayName":
                case "createdDateTime":
                    break; // server-assigned; ignored when a client sends them (the SDK may send null)
                default:
                    throw GraphError.BadRequest($"The property '{prop.Name}' does not exist on type 'microsoft.graph.security.alertComment'. Make sure to only use property names that are defined by the type.");
            }
        }
        if (string.IsNullOrWhiteSpace(comment))
            throw GraphError.BadRequest("The property 'comment' is required and must not be empty.");
        return comment;
    }

    private static async Task PatchAsync(HttpContext ctx, AlertRepository repo, EmulatorClock clock, string version, string id)
    {
        var principal = await GraphAuth.AuthenticateAsync(ctx);
        principal.RequireRoleOrScope(GraphPrincipal.AlertWriteRoles);
        var store = repo.For(principal.Tenant.Id);
        if (store.Get(id) == null) throw NotFound(id);
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);

        var changes = new List<Action<Alert>>();
        foreach (var prop in body.EnumerateObject())
        {
            if (prop.Name == "@odata.type")
            {
                var t = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString().TrimStart('#') : null;
                if (!string.Equals(t, AlertSchema.TypeName, StringComparison.OrdinalIgnoreCase))
                    throw GraphError.BadRequest($"The @odata.type '{prop.Value}' does not match the type '{AlertSchema.TypeName}'.");
                continue;
            }
            var p = AlertSchema.Find(prop.Name)
                ?? throw GraphError.BadRequest($"The property '{prop.Name}' does not exist on type '{AlertSchema.TypeName}'. Make sure to only use property names that are defined by the type.");
            if (!p.Updatable)
                throw GraphError.BadRequest($"The property '{prop.Name}' is read-only and cannot be updated. Updatable properties: status, classification, determination, assignedTo.");
            var value = prop.Value;
            string text;
            if (value.ValueKind == JsonValueKind.Null) text = null;
            else if (value.ValueKind == JsonValueKind.String) text = value.GetString();
            else throw GraphError.BadRequest($"The value of '{prop.Name}' must be a string.");

            if (p.Kind == PropertyKind.Enum)
            {
                if (text == null && p.Name == "status")
                    throw GraphError.BadRequest("The property 'status' cannot be null.");
                string canonical = null;
                if (text != null)
                {
                    canonical = p.Enum.Parse(text);
                    if (canonical == null || canonical == EnumDef.UnknownFutureValue)
                        throw GraphError.BadRequest($"Cannot convert the literal '{text}' to the expected type '{p.Enum.FullName}'. Valid values: {string.Join(", ", p.Enum.Members.Where(m => m != EnumDef.UnknownFutureValue))}.");
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
        var principal = await GraphAuth.AuthenticateAsync(ctx);
        principal.RequireRoleOrScope(GraphPrincipal.AlertWriteRoles);
        var store = repo.For(principal.Tenant.Id);
        if (store.Get(id) == null) throw NotFound(id);
        // The documented body is one alertComment object; the Graph SDKs send a JSON array of them.
        var body = await GraphRequest.ReadJsonAsync(ctx);
        var items = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : new List<JsonElement> { body };
        if (items.Count == 0) throw GraphError.BadRequest("The property 'comment' is required and must not be empty.");
        var comments = items.Select(ParseComment).ToList();

        var updated = store.Update(id, a =>
        {
            var now = clock.UtcNow;
            foreach (var comment in comments) a.Comments.Add(new AlertComment(comment, principal.ActorDisplayName, now));
            a.LastUpdateDateTime = now;
        });
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        await GraphResponse.WriteAsync(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", $"{root}/$metadata#security/alerts_v2('{updated.Id}')/comments");
            w.WriteStartArray("value");
            foreach (var c in updated.Comments) AlertSchema.WriteComment(w, c);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
