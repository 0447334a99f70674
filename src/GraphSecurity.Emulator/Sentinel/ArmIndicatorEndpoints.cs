using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Arm;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>
/// The ARM read/manage path of a workspace's threat intelligence (successor-apis.md §3.6): list, get,
/// queryIndicators and delete over the indicators the upload APIs stored. Reader or Contributor may read,
/// only a Contributor may delete. Pages carry ARM's <c>nextLink</c>.
/// </summary>
public static class ArmIndicatorEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    private const string Read = "Microsoft.SecurityInsights/threatIntelligence/read";

    public static void Map(IEndpointRouteBuilder app)
    {
        var ti = app.MapGroup(ApiResources.AzureResourceManager.PathRoot +
            "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.OperationalInsights/workspaces/{name}" + ArmIndicators.Provider)
            .Requires(Permissions.ArmCaller);
        ti.MapGet("/indicators", (HttpContext ctx, string subscription, string group, string name) =>
        {
            var (workspace, indicators) = Indicators(ctx, subscription, group, name, Read);
            if (ctx.Request.Query.ContainsKey("$filter") || ctx.Request.Query.ContainsKey("$orderby"))
                throw ApiError.BadRequest("The emulator does not evaluate $filter or $orderby on this list; use queryIndicators.");
            var top = ctx.Request.Query.TryGetValue("$top", out var t) ? PageSize(t.ToString(), "$top") : DefaultPageSize;
            return Page(ctx, workspace, IndicatorQuery.NewestFirst(indicators.Where(o => !o.Deleted)), top, ctx.Request.Query["$skipToken"].ToString());
        });
        ti.MapGet("/indicators/{indicator}", (HttpContext ctx, string subscription, string group, string name, string indicator) =>
        {
            var (workspace, indicators) = Indicators(ctx, subscription, group, name, Read);
            var found = indicators.FirstOrDefault(o => !o.Deleted && string.Equals(o.Name, indicator, StringComparison.OrdinalIgnoreCase)) ?? throw NotFound(indicator);
            return Results.Json(ArmIndicators.ToArm(found, workspace));
        });
        ti.MapDelete("/indicators/{indicator}", (HttpContext ctx, string subscription, string group, string name, string indicator) =>
        {
            var (workspace, _) = Indicators(ctx, subscription, group, name, "Microsoft.SecurityInsights/threatIntelligence/indicators/delete");
            var now = ctx.RequestServices.GetRequiredService<EmulatorClock>().UtcNow;
            // ARM's convention: 200 when something was deleted, 204 when there was nothing to delete.
            return ctx.RequestServices.GetRequiredService<ThreatIntelStore>().Delete(workspace.CustomerId, indicator, now) ? Results.Ok() : Results.NoContent();
        });
        ti.MapPost("/queryIndicators", async (HttpContext ctx, string subscription, string group, string name) =>
        {
            var (workspace, indicators) = Indicators(ctx, subscription, group, name, Read);
            var query = IndicatorQuery.Parse(await GraphRequest.ReadJsonObjectAsync(ctx));
            var skip = ctx.Request.Query.TryGetValue("$skipToken", out var token) ? token.ToString() : query.SkipToken;
            var matches = query.Sort(indicators.Where(o => !o.Deleted && query.Matches(o, ArmIndicators.PatternType)));
            return Page(ctx, workspace, matches, query.PageSize, skip);
        });
    }

    private static (SentinelWorkspace Workspace, List<ThreatIntelObject> Indicators) Indicators(HttpContext ctx, string subscription, string group, string name, string action)
    {
        ArmModule.RequireApiVersion(ctx);
        var workspace = ArmModule.Authorize(ctx.Caller(), ctx.RequestServices.GetRequiredService<List<SentinelWorkspace>>(), subscription, group, name, action);
        var indicators = ctx.RequestServices.GetRequiredService<ThreatIntelStore>().Snapshot(workspaceId: workspace.CustomerId).Where(o => o.Type == "indicator").ToList();
        return (workspace, indicators);
    }

    public static int PageSize(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= MaxPageSize
            ? n
            : throw ApiError.BadRequest($"'{name}' must be an integer from 1 to {MaxPageSize} (got '{value}').");

    /// <summary>One page from the offset in <paramref name="skipToken"/>; nextLink repeats the request's URL with the next token.</summary>
    private static IResult Page(HttpContext ctx, SentinelWorkspace workspace, IEnumerable<ThreatIntelObject> items, int size, string skipToken)
    {
        var skip = 0;
        if (!string.IsNullOrEmpty(skipToken) && !(int.TryParse(skipToken, NumberStyles.Integer, CultureInfo.InvariantCulture, out skip) && skip >= 0))
            throw ApiError.BadRequest($"The skip token '{skipToken}' is not valid.");
        var all = items.ToList();
        var value = new JsonArray(all.Skip(skip).Take(size).Select(o => (JsonNode)ArmIndicators.ToArm(o, workspace)).ToArray());
        var body = new JsonObject { ["value"] = value };
        if (skip + size < all.Count)
        {
            var query = ctx.Request.Query.Where(q => q.Key != "$skipToken").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append("$skipToken=" + (skip + size).ToString(CultureInfo.InvariantCulture));
            body["nextLink"] = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.Path}?{string.Join("&", query)}";
        }
        return Results.Text(body.ToJsonString(), "application/json; charset=utf-8");
    }

    private static ApiError NotFound(string indicator) =>
        new(404, "NotFound", $"Threat intelligence indicator '{indicator}' was not found in the workspace.");
}
