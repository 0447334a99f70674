using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.TiIndicators;

/// <summary>
/// /beta/security/tiIndicators: list, get, create, update, delete and the four bulk actions.
/// Every call needs ThreatIndicators.ReadWrite.OwnedBy and only sees the caller app's own indicators.
/// </summary>
public static class TiIndicatorsEndpoints
{
    public const string ResourcePath = "security/tiIndicators";
    public const int MaxBulkItems = 100;

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/beta/" + ResourcePath).Requires(Permissions.TiIndicators);
        g.MapGet("", ListAsync);
        g.MapPost("", CreateAsync);
        g.MapGet("/{id}", GetAsync);
        g.MapMethods("/{id}", new[] { "PATCH" }, PatchAsync);
        g.MapDelete("/{id}", DeleteAsync);
        g.MapPost("/{action}", BulkAsync);
        // The entity set does not exist in the v1.0 metadata, so OData fails on its segment before anything else.
        NotInV1(app, "tiIndicators");
    }

    /// <summary>Beta-only resources answer on v1.0 the way an unknown segment does: 400, no authentication.</summary>
    public static void NotInV1(IEndpointRouteBuilder app, string segment)
    {
        RequestDelegate notFound = _ => throw GraphError.BadRequest($"Resource not found for the segment '{segment}'.");
        app.Map($"/v1.0/security/{segment}", notFound);
        app.Map($"/v1.0/security/{segment}/{{**rest}}", notFound);
    }

    /// <summary>The caller app's indicators (an app sees only the indicators it created).</summary>
    private static EntityStore<JsonObject> Owned(HttpContext ctx)
    {
        var principal = ctx.Caller();
        return ctx.RequestServices.GetRequiredService<TiIndicatorStore>().For(principal.Tenant.Id, principal.AppId);
    }

    private static string Context(HttpContext ctx, string suffix = "") =>
        $"{GraphResponse.ServiceRoot(ctx.Request, "beta")}/$metadata#Security/tiIndicators{suffix}";

    private static GraphError NotFound(string id) => GraphError.NotFound($"tiIndicator with id '{id}' was not found.");

    private static async Task ListAsync(HttpContext ctx)
    {
        var owned = Owned(ctx);
        await SimpleResource.ListAsync(ctx, "beta", ResourcePath, TiIndicatorSchema.Rules, owned.Snapshot(), defaultOrder: null, i => (string)i["id"],
            Context(ctx), (w, i) => TiIndicatorSchema.Write(w, i));
    }

    private static async Task GetAsync(HttpContext ctx, string id)
    {
        var owned = Owned(ctx);
        QueryOptions.Parse(ctx.Request.Query, isBeta: true, TiIndicatorSchema.Rules, allowCollectionOptions: false);
        var indicator = owned.Get(id) ?? throw NotFound(id);
        await GraphResponse.WriteAsync(ctx, 200, w => TiIndicatorSchema.Write(w, indicator, Context(ctx, "/$entity")));
    }

    private static async Task CreateAsync(HttpContext ctx, EmulatorClock clock)
    {
        var owned = Owned(ctx);
        var principal = ctx.Caller();
        var indicator = TiIndicatorRules.Create(await GraphRequest.ReadJsonObjectAsync(ctx), principal.Tenant.Id, clock.UtcNow);
        owned.Add(indicator);
        await GraphResponse.WriteAsync(ctx, 201, w => TiIndicatorSchema.Write(w, indicator, Context(ctx, "/$entity")));
    }

    private static async Task PatchAsync(HttpContext ctx, string id)
    {
        var owned = Owned(ctx);
        var existing = owned.Get(id) ?? throw NotFound(id);
        var updated = TiIndicatorRules.Update(existing, await GraphRequest.ReadJsonObjectAsync(ctx), idIsKey: false);
        if (!owned.Put(updated)) throw NotFound(id);
        if (GraphRequest.WantsRepresentation(ctx.Request))
            await GraphResponse.WriteAsync(ctx, 200, w => TiIndicatorSchema.Write(w, updated, Context(ctx, "/$entity")));
        else
            ctx.Response.StatusCode = 204;
    }

    private static async Task DeleteAsync(HttpContext ctx, string id)
    {
        var owned = Owned(ctx);
        if (!owned.Remove(id)) throw NotFound(id);
        ctx.Response.StatusCode = 204;
    }

    /// <summary>The outcome of one bulk item: an indicator, or a resultInfo when it failed (or for deletes).</summary>
    private sealed record ItemResult(JsonObject Indicator, int Code, string Message)
    {
        public bool Failed => Code >= 400;
        public static ItemResult Ok(JsonObject indicator) => new(indicator, 200, null);
        public static ItemResult Error(int index, GraphError e) => new(null, e.Status, $"value[{index}]: {e.Message}");
    }

    private static async Task BulkAsync(HttpContext ctx, string action, EmulatorClock clock)
    {
        // Both the plain and the namespace-qualified action name are valid OData.
        var name = action.StartsWith("microsoft.graph.", StringComparison.OrdinalIgnoreCase) ? action["microsoft.graph.".Length..] : action;
        Func<JsonElement, EntityStore<JsonObject>, string, ItemResult> handler = name.ToLowerInvariant() switch
        {
            "submittiindicators" => (item, owned, tenant) => Submit(item, owned, tenant, clock.UtcNow),
            "updatetiindicators" => UpdateOne,
            "deletetiindicators" => DeleteOne,
            "deletetiindicatorsbyexternalid" => DeleteByExternalId,
            _ => throw GraphError.BadRequest($"Resource not found for the segment '{action}'."),
        };
        var owned = Owned(ctx);
        var principal = ctx.Caller();
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        if (!body.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
            throw GraphError.BadRequest("The request body must be {\"value\": [ ... ]}.");
        var count = value.GetArrayLength();
        if (count == 0) throw GraphError.BadRequest("The 'value' array is empty.");
        if (count > MaxBulkItems)
            throw GraphError.BadRequest($"The 'value' array has {count} items; at most {MaxBulkItems} are allowed per request.");

        var results = new List<ItemResult>();
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            try { results.Add(handler(item, owned, principal.Tenant.Id)); }
            catch (GraphError e) { results.Add(ItemResult.Error(index, e)); }
            index++;
        }
        // 206 Partial Content when at least one item failed; the per-item outcome is in the body, in request order.
        var status = results.Any(r => r.Failed) ? 206 : 200;
        var resultsOnly = name.StartsWith("delete", StringComparison.OrdinalIgnoreCase);
        var root = GraphResponse.ServiceRoot(ctx.Request, "beta");
        await GraphResponse.WriteAsync(ctx, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", resultsOnly ? $"{root}/$metadata#Collection(microsoft.graph.resultInfo)" : $"{root}/$metadata#Collection(microsoft.graph.tiIndicator)");
            w.WriteStartArray("value");
            foreach (var r in results)
            {
                if (r.Indicator != null && !resultsOnly) TiIndicatorSchema.Write(w, r.Indicator);
                else WriteResultInfo(w, r, typed: !resultsOnly);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>resultInfo as in the CSDL: code, message, subcode (the docs' examples spell it subCode).</summary>
    private static void WriteResultInfo(Utf8JsonWriter w, ItemResult r, bool typed)
    {
        w.WriteStartObject();
        if (typed) w.WriteString("@odata.type", "#microsoft.graph.resultInfo");
        w.WriteNumber("code", r.Code);
        if (r.Message == null) w.WriteNull("message"); else w.WriteString("message", r.Message);
        w.WriteNumber("subcode", 0);
        w.WriteEndObject();
    }

    private static ItemResult Submit(JsonElement item, EntityStore<JsonObject> owned, string tenantId, DateTimeOffset now)
    {
        var indicator = TiIndicatorRules.Create(item, tenantId, now);
        owned.Add(indicator);
        return ItemResult.Ok(indicator);
    }

    private static ItemResult UpdateOne(JsonElement item, EntityStore<JsonObject> owned, string tenantId)
    {
        var id = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String
            ? idValue.GetString()
            : throw GraphError.BadRequest("Each item needs the 'id' of the tiIndicator to update.");
        var existing = owned.Get(id) ?? throw NotFound(id);
        RejectDefenderAtp(existing, "updateTiIndicators");
        var updated = TiIndicatorRules.Update(existing, item, idIsKey: true);
        if (!owned.Put(updated)) throw NotFound(id);
        return ItemResult.Ok(updated);
    }

    private static ItemResult DeleteOne(JsonElement item, EntityStore<JsonObject> owned, string tenantId)
    {
        var id = StringItem(item, "id");
        var existing = owned.Get(id) ?? throw NotFound(id);
        RejectDefenderAtp(existing, "deleteTiIndicators");
        owned.Remove(id);
        return new ItemResult(null, 200, $"Deleted tiIndicator '{id}'.");
    }

    private static ItemResult DeleteByExternalId(JsonElement item, EntityStore<JsonObject> owned, string tenantId)
    {
        var externalId = StringItem(item, "externalId");
        var removed = owned.RemoveWhere(i => (string)i["externalId"] == externalId);
        if (removed == 0) throw GraphError.NotFound($"No tiIndicator with externalId '{externalId}' was found.");
        return new ItemResult(null, 200, $"Deleted {removed} tiIndicator(s) with externalId '{externalId}'.");
    }

    private static string StringItem(JsonElement item, string what) =>
        item.ValueKind == JsonValueKind.String && item.GetString().Length > 0
            ? item.GetString()
            : throw GraphError.BadRequest($"Each item must be a non-empty string ({what}).");

    /// <summary>The reference: bulk update and bulk delete are not supported for the Microsoft Defender ATP target.</summary>
    private static void RejectDefenderAtp(JsonObject indicator, string action)
    {
        if ((string)indicator["targetProduct"] == TiIndicatorSchema.DefenderAtp)
            throw GraphError.BadRequest($"{action} is not supported for indicators with targetProduct '{TiIndicatorSchema.DefenderAtp}'; use PATCH or DELETE on the indicator.");
    }
}
