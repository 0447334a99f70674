using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Defender.Machines;

/// <summary>
/// Defender for Endpoint machines and response actions under <c>/defender/api</c> (successor-apis.md §2): machine
/// lookup, the action verbs, the actions' lifecycle, cancel, the investigation package and live response with
/// their download links, and the control routes that drive and show all of it.
/// </summary>
public sealed partial class MachinesModule : IEmulatorModule
{
    public const int MaxTop = 10_000;
    /// <summary>findbyip takes timestamps up to 30 days back; every seeded device counts as seen at any time in them.</summary>
    public static readonly TimeSpan FindByIpWindow = TimeSpan.FromDays(30);

    public static readonly Permission MachineRead = new(ApiResources.DefenderForEndpoint, "Machine.Read.All,Machine.ReadWrite.All,Machine.Read,Machine.ReadWrite");
    /// <summary>Apps read the package link with Machine.Read.All or ReadWrite.All, users with Machine.CollectForensics (§2.3).</summary>
    public static readonly Permission PackageRead = new(ApiResources.DefenderForEndpoint, "Machine.Read.All,Machine.ReadWrite.All,Machine.CollectForensics");

    private static readonly QueryRules MachineRules = new(MachineSchema.Entity, MaxTop) { AllowSelect = false, AllowOrderBy = false };
    private static readonly QueryRules ActionRules = new(MachineActionSchema.Entity, MaxTop) { AllowSelect = false, AllowOrderBy = false };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(sp => new MachineDirectory(sp.GetRequiredService<SeedPools>(), options.Directory.Tenants.Select(t => t.Id), options.Now));
        var log = new MachineActionLog(options.Defender.MachineActions);
        services.AddSingleton(log);
        services.AddSingleton<IControlResettable>(log);
        services.AddSingleton<LiveResponseLibrary>();
        services.AddSingleton<BlobLinks>();
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var root in new[] { "/api", "/api/v1.0" })
        {
            var api = app.MapGroup(ApiResources.DefenderForEndpoint.PathRoot + root);
            api.MapGet("/machines", ListMachinesAsync).Requires(MachineRead).Limited(DefenderSettings.Calls.Machines);
            api.MapGet("/machines/{idOrName}", GetMachineAsync).Requires(MachineRead).Limited(DefenderSettings.Calls.Machines);
            foreach (var verb in MachineActionVerb.All)
            {
                var limit = verb.Type == MachineActionType.LiveResponse ? DefenderSettings.Calls.LiveResponse : DefenderSettings.Calls.MachineAction;
                api.MapPost($"/machines/{{id}}/{verb.Segment}", (HttpContext ctx, string id) => CreateActionAsync(ctx, id, verb))
                    .Requires(verb.Permission).Limited(limit);
            }
            api.MapGet("/machineactions", ListActionsAsync).Requires(MachineRead).Limited(DefenderSettings.Calls.MachineActions);
            api.MapGet("/machineactions/{id}", GetActionAsync).Requires(MachineRead).Limited(DefenderSettings.Calls.MachineActions);
            api.MapPost("/machineactions/{id}/cancel", CancelAsync).Requires(MachineActionVerb.Cancel).Limited(DefenderSettings.Calls.MachineAction);
            api.MapGet("/machineactions/{id}/GetPackageUri", GetPackageUriAsync).Requires(PackageRead).Limited(DefenderSettings.Calls.PackageUri);
            api.MapGet("/machineactions/{id}/{operation}", GetResultLinkAsync).Requires(MachineRead).Limited(DefenderSettings.Calls.MachineActions);
        }
        app.MapGet(BlobLinks.Prefix + "/packages/{file}", DownloadPackage);
        app.MapGet(BlobLinks.Prefix + "/liveresponse/{actionId}/{index:int}", DownloadLiveResponseResult);
    }

    private static string Root(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}{ApiResources.DefenderForEndpoint.PathRoot}/api";

    private static string Requestor(CallerPrincipal p) => p.IsDelegated && p.UserPrincipalName != null ? p.UserPrincipalName : p.AppId;

    private static ApiError NotFound(string message) => new(404, "ResourceNotFound", message);

    private static IEnumerable<MachineView> MachineViews(string tenantId, IEnumerable<Machine> machines, MachineActionLog log, DateTimeOffset now) =>
        machines.Select(m => new MachineView(m, log.StateOf(tenantId, m.Id, now)));

    private static Task WritePageAsync<T>(HttpContext ctx, string entitySet, QueryRules rules, IEnumerable<T> items, Func<T, string> id)
    {
        var options = DefenderRequest.ParseQuery(ctx, rules);
        var page = CollectionQuery.Page(items, options, rules.PageSize, includeUnknown: true, defaultOrder: null, id);
        var root = Root(ctx);
        var nextLink = page.NextSkip is int next ? GraphResponse.NextLink(ctx.Request, root, entitySet.ToLowerInvariant(), next, beta: false) : null;
        return CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#{entitySet}", options.Count, page.TotalCount, nextLink, page.Items,
            (w, x) => rules.Schema.Write(w, x, null, true));
    }

    private static Task ListMachinesAsync(HttpContext ctx, MachineDirectory machines, MachineActionLog log, EmulatorClock clock)
    {
        var tenantId = ctx.Caller().Tenant.Id;
        return WritePageAsync(ctx, "Machines", MachineRules, MachineViews(tenantId, machines.Of(tenantId), log, clock.UtcNow), v => v.Machine.Id);
    }

    [GeneratedRegex(@"^findbyip\(\s*ip\s*=\s*'(?<ip>[^']*)'\s*,\s*timestamp\s*=\s*'?(?<ts>[^')]*)'?\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex FindByIpCall();

    /// <summary>By id or computer name, or <c>findbyip(ip='…',timestamp=…)</c>, which arrives in the same path segment.</summary>
    private static async Task GetMachineAsync(HttpContext ctx, string idOrName, MachineDirectory machines, MachineActionLog log, EmulatorClock clock)
    {
        var tenantId = ctx.Caller().Tenant.Id;
        var now = clock.UtcNow;
        if (idOrName.StartsWith("findbyip", StringComparison.OrdinalIgnoreCase))
        {
            var call = FindByIpCall().Match(idOrName);
            if (!call.Success) throw new ApiError(400, "InvalidInput", "Expected findbyip(ip='<address>',timestamp=<ISO 8601 date-time>).");
            if (!DateTimeOffset.TryParse(call.Groups["ts"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
                throw new ApiError(400, "InvalidInput", $"'{call.Groups["ts"].Value}' is not a valid timestamp.");
            if (timestamp < now - FindByIpWindow)
                throw new ApiError(400, "InvalidInput", "The timestamp must be within the last 30 days.");
            var ip = call.Groups["ip"].Value;
            var found = machines.Of(tenantId).Where(m => m.Device.Ip == ip);
            await WritePageAsync(ctx, "Machines", MachineRules, MachineViews(tenantId, found, log, now), v => v.Machine.Id);
            return;
        }
        var machine = machines.Find(tenantId, idOrName) ?? throw NotFound($"Machine {idOrName} was not found.");
        var view = new MachineView(machine, log.StateOf(tenantId, machine.Id, now));
        await GraphResponse.WriteAsync(ctx, 200, w => MachineSchema.Entity.Write(w, view, null, true, $"{Root(ctx)}/$metadata#Machines/$entity"));
    }

    private static Task WriteActionAsync(HttpContext ctx, int status, MachineAction action, DateTimeOffset now) =>
        GraphResponse.WriteAsync(ctx, status, w =>
            MachineActionSchema.Entity.Write(w, MachineActionView.Of(action, now), null, true, $"{Root(ctx)}/$metadata#MachineActions/$entity"));

    private static async Task CreateActionAsync(HttpContext ctx, string id, MachineActionVerb verb)
    {
        var services = ctx.RequestServices;
        var principal = ctx.Caller();
        var tenantId = principal.Tenant.Id;
        var machine = services.GetRequiredService<MachineDirectory>().FindById(tenantId, id) ?? throw NotFound($"Machine {id} was not found.");
        var body = await DefenderRequest.ReadBodyAsync(ctx);
        var request = verb.Parse(body, machine, Requestor(principal), services.GetRequiredService<LiveResponseLibrary>(), tenantId);
        var now = services.GetRequiredService<EmulatorClock>().UtcNow;
        var action = services.GetRequiredService<MachineActionLog>().Create(tenantId, request, now);
        await WriteActionAsync(ctx, 201, action, now);
    }

    private static Task ListActionsAsync(HttpContext ctx, MachineActionLog log, EmulatorClock clock)
    {
        var now = clock.UtcNow;
        var newestFirst = log.Snapshot(ctx.Caller().Tenant.Id).Reverse().Select(a => MachineActionView.Of(a, now));
        return WritePageAsync(ctx, "MachineActions", ActionRules, newestFirst, v => v.Action.Id);
    }

    private static MachineAction FindAction(HttpContext ctx, MachineActionLog log, string id) =>
        log.Get(ctx.Caller().Tenant.Id, id) ?? throw NotFound($"Machine action {id} was not found.");

    private static Task GetActionAsync(HttpContext ctx, string id, MachineActionLog log, EmulatorClock clock) =>
        WriteActionAsync(ctx, 200, FindAction(ctx, log, id), clock.UtcNow);

    /// <summary>200 with the action now Cancelled; 400 once it is final; 404 when unknown.</summary>
    private static async Task CancelAsync(HttpContext ctx, string id, MachineActionLog log, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var body = await DefenderRequest.ReadBodyAsync(ctx, optional: true);
        var comment = (body as JsonObject)?.FirstOrDefault(p => string.Equals(p.Key, "Comment", StringComparison.OrdinalIgnoreCase)).Value?.ToString();
        var now = clock.UtcNow;
        var action = log.Cancel(principal.Tenant.Id, id, Requestor(principal), comment, now) ?? throw NotFound($"Machine action {id} was not found.");
        await WriteActionAsync(ctx, 200, action, now);
    }

    private static Task WriteLinkAsync(HttpContext ctx, string link) => GraphResponse.WriteAsync(ctx, 200, w =>
    {
        w.WriteStartObject();
        w.WriteString("@odata.context", $"{Root(ctx)}/$metadata#Edm.String");
        w.WriteString("value", link);
        w.WriteEndObject();
    });

    /// <summary>The package link of a CollectInvestigationPackage that Succeeded; 404 naming the status otherwise.</summary>
    private static Task GetPackageUriAsync(HttpContext ctx, string id, MachineActionLog log, EmulatorClock clock, BlobLinks links)
    {
        var action = FindAction(ctx, log, id);
        var status = action.At(clock.UtcNow).Status;
        if (action.Type != MachineActionType.CollectInvestigationPackage)
            throw NotFound($"The investigation package is not available: action {id} is a {action.Type}, not a CollectInvestigationPackage.");
        if (status != MachineActionStatus.Succeeded)
            throw NotFound($"The investigation package is not available: the collection is {status}.");
        return WriteLinkAsync(ctx, links.Link(ctx.Request, $"packages/{action.Id}.zip"));
    }

    [GeneratedRegex(@"^GetLiveResponseResultDownloadLink\(\s*index\s*=\s*(?<index>\d+)\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex ResultLinkCall();

    /// <summary><c>GetLiveResponseResultDownloadLink(index=n)</c>: once the action Succeeded and that command Completed.</summary>
    private static Task GetResultLinkAsync(HttpContext ctx, string id, string operation, MachineActionLog log, EmulatorClock clock, BlobLinks links)
    {
        var call = ResultLinkCall().Match(operation);
        if (!call.Success) throw NotFound($"No operation '{operation}' exists on machine actions.");
        var action = FindAction(ctx, log, id);
        var index = int.Parse(call.Groups["index"].Value, CultureInfo.InvariantCulture);
        var view = MachineActionView.Of(action, clock.UtcNow);
        var command = action.Commands.FirstOrDefault(c => c.Index == index);
        if (action.Type != MachineActionType.LiveResponse || command == null)
            throw NotFound($"Machine action {id} has no live response command {index}.");
        if (view.Status != MachineActionStatus.Succeeded || view.CommandStatus(command) != LiveResponseCommand.Completed)
            throw NotFound($"The result of command {index} is not available: the action is {view.Status}.");
        return WriteLinkAsync(ctx, links.Link(ctx.Request, $"liveresponse/{action.Id}/{index}"));
    }

    /// <summary>Finds an action in any tenant: a blob link names no tenant, its signature is the authorization.</summary>
    private static MachineAction AnyTenantAction(HttpContext ctx, string id)
    {
        var log = ctx.RequestServices.GetRequiredService<MachineActionLog>();
        return ctx.RequestServices.GetRequiredService<TenantDirectory>().Tenants.Select(t => log.Get(t.Id, id)).FirstOrDefault(a => a != null);
    }

    private static IResult Forbidden() => Results.Json(new { error = new { code = "AuthenticationFailed", message = "The link's signature is not valid or has expired." } }, statusCode: 403);

    private static IResult DownloadPackage(HttpContext ctx, string file, BlobLinks links)
    {
        if (!links.IsValid(ctx.Request, $"packages/{file}")) return Forbidden();
        var action = file.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? AnyTenantAction(ctx, file[..^4]) : null;
        if (action == null) return Results.NotFound();
        return Results.File(MachineActionFiles.InvestigationPackage(action), "application/zip", file);
    }

    private static IResult DownloadLiveResponseResult(HttpContext ctx, string actionId, int index, BlobLinks links)
    {
        if (!links.IsValid(ctx.Request, $"liveresponse/{actionId}/{index}")) return Forbidden();
        var action = AnyTenantAction(ctx, actionId);
        var command = action?.Commands.FirstOrDefault(c => c.Index == index);
        if (command == null) return Results.NotFound();
        var (content, contentType) = MachineActionFiles.LiveResponseResult(action, command);
        return Results.File(content, contentType);
    }
}
