using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Arm;
using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>One upload endpoint: the body member holding its objects, its api-version, the types it takes.</summary>
public sealed record UploadApi(string ArrayMember, string ApiVersion, IReadOnlyCollection<string> Types, string Method)
{
    public static readonly UploadApi StixObjects = new("stixobjects", "2024-02-01-preview", StixValidator.AllTypes, "UploadApi");
    public static readonly UploadApi IndicatorsV2 = new("indicators", "2022-07-01", StixValidator.IndicatorOnly, "UploadIndicatorsApi");
    public static readonly UploadApi IndicatorsV1 = new("value", "2022-07-01", StixValidator.IndicatorOnly, "UploadIndicatorsApi");
}

/// <summary>
/// The Sentinel threat-intelligence upload API and its legacy predecessors (successor-apis.md §3.1–3.5):
/// ARM tokens, the Microsoft Sentinel Contributor role on the workspace, at most 100 objects and 100
/// requests a minute per caller, 200 with <c>errors[recordIndex]</c> for the objects it rejects.
/// </summary>
public static class UploadEndpoints
{
    public const int MaxObjects = 100;
    public const string ReservedSourceSystem = "Microsoft Sentinel";

    /// <summary>The name of the upload endpoints' shared limit in <see cref="ThrottleService"/>.</summary>
    public const string LimitName = "sentinel.upload";

    /// <summary>The three endpoints' one limit, per caller (user or app, not app + tenant as Graph's buckets).</summary>
    public static RateLimit Limit(ThrottleLimit window) => new(LimitName, new[] { window }, RateLimitKey.Caller);

    public static void Map(IEndpointRouteBuilder app)
    {
        // The limit counts every authenticated request, including those the handler refuses, as on Graph.
        var ti = app.MapGroup(ApiResources.SentinelPathRoot).Requires(Permissions.SentinelUpload)
            .RateLimited(LimitName, r => Results.Json(new { statusCode = 429, message = $"Rate limit is exceeded. Try again in {r.RetryAfterSeconds} seconds." }, statusCode: 429));
        ti.MapPost("/workspaces/{workspaceId}/threat-intelligence-stix-objects:upload", (HttpContext ctx, string workspaceId) => UploadAsync(ctx, workspaceId, UploadApi.StixObjects));
        ti.MapPost("/workspaces/{workspaceId}/threatintelligenceindicators:upload", (HttpContext ctx, string workspaceId) => UploadAsync(ctx, workspaceId, UploadApi.IndicatorsV2));
        ti.MapPost("/{workspaceId}/threatintelligence:upload-indicators", (HttpContext ctx, string workspaceId) => UploadAsync(ctx, workspaceId, UploadApi.IndicatorsV1));
    }

    private static async Task<IResult> UploadAsync(HttpContext ctx, string workspaceId, UploadApi api)
    {
        var services = ctx.RequestServices;
        var caller = ctx.Caller();
        var version = ctx.Request.Query["api-version"].ToString();
        if (version != api.ApiVersion)
            throw new ApiError(400, "InvalidApiVersion", $"The api-version '{version}' is not supported here; use api-version={api.ApiVersion}.");
        var workspace = Workspace(caller, services.GetRequiredService<List<SentinelWorkspace>>(), workspaceId);

        var (sourceSystem, items) = ReadBody(await GraphRequest.ReadJsonObjectAsync(ctx), api);
        var now = services.GetRequiredService<EmulatorClock>().UtcNow;
        var store = services.GetRequiredService<ThreatIntelStore>();
        var errors = new List<object>();
        for (int i = 0; i < items.Count; i++)
        {
            var messages = StixValidator.Validate(items[i], api.Types);
            if (messages.Count > 0)
            {
                errors.Add(new { recordIndex = i, errorMessages = messages });
                continue;
            }
            store.Upsert(Stored((JsonObject)items[i], workspace, sourceSystem, caller, api, now));
        }
        if (errors.Count == 0) return Results.Ok();
        // All rejected: the reference leaves the status open; 400 with the same list tells a client nothing landed.
        return Results.Json(new { errors }, statusCode: errors.Count == items.Count ? 400 : 200);
    }

    /// <summary>The caller's workspace with that customerId (404 otherwise), if the caller is a Microsoft Sentinel Contributor on it (403 otherwise).</summary>
    private static SentinelWorkspace Workspace(CallerPrincipal caller, List<SentinelWorkspace> workspaces, string workspaceId)
    {
        var workspace = workspaces.FirstOrDefault(w => w.TenantId == caller.Tenant.Id && string.Equals(w.CustomerId, workspaceId, StringComparison.OrdinalIgnoreCase))
            ?? throw new ApiError(404, "NotFound", $"Workspace '{workspaceId}' was not found.");
        if (workspace.RoleOf(caller) != SentinelWorkspace.Contributor)
            throw new ApiError(403, "AuthorizationFailed",
                $"The client '{(caller.IsDelegated ? caller.UserPrincipalName : caller.AppId)}' does not have authorization to upload threat intelligence to workspace '{workspace.CustomerId}'. " +
                $"It needs the '{SentinelWorkspace.Contributor}' role on the workspace.");
        return workspace;
    }

    /// <summary>sourcesystem and the objects array; member names are matched case-insensitively (clients send SourceSystem/Indicators).</summary>
    private static (string SourceSystem, JsonArray Items) ReadBody(JsonElement body, UploadApi api)
    {
        string sourceSystem = null;
        JsonArray items = null;
        foreach (var prop in body.EnumerateObject())
        {
            if (prop.Name.Equals("sourcesystem", StringComparison.OrdinalIgnoreCase))
                sourceSystem = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString() : throw ApiError.BadRequest("'sourcesystem' must be a string.");
            else if (prop.Name.Equals(api.ArrayMember, StringComparison.OrdinalIgnoreCase))
                items = prop.Value.ValueKind == JsonValueKind.Array ? JsonArray.Create(prop.Value) : throw ApiError.BadRequest($"'{api.ArrayMember}' must be an array.");
        }
        if (string.IsNullOrWhiteSpace(sourceSystem)) throw ApiError.BadRequest("The 'sourcesystem' property is required.");
        if (string.Equals(sourceSystem.Trim(), ReservedSourceSystem, StringComparison.OrdinalIgnoreCase))
            throw ApiError.BadRequest($"The source system '{ReservedSourceSystem}' is reserved; use the name of your source.");
        if (items == null || items.Count == 0) throw ApiError.BadRequest($"The '{api.ArrayMember}' property is required and must hold at least one object.");
        if (items.Count > MaxObjects)
            throw ApiError.BadRequest($"The request holds {items.Count} objects; at most {MaxObjects} objects are accepted per request.");
        return (sourceSystem, items);
    }

    private static ThreatIntelObject Stored(JsonObject item, SentinelWorkspace workspace, string sourceSystem, CallerPrincipal caller, UploadApi api, DateTimeOffset now)
    {
        var data = (JsonObject)item.DeepClone();
        data["spec_version"] ??= "2.1";
        return new ThreatIntelObject
        {
            TenantId = workspace.TenantId, WorkspaceId = workspace.CustomerId, Id = (string)data["id"], Type = (string)data["type"], SourceSystem = sourceSystem,
            Data = data, Created = StixValidator.ParseTimestamp(data["created"]).Value, Modified = StixValidator.ParseTimestamp(data["modified"]).Value,
            TimeGenerated = now, LastUpdated = now, UploadedBy = caller.IsDelegated ? caller.UserPrincipalName : caller.AppId, LastUpdateMethod = api.Method,
        };
    }
}
