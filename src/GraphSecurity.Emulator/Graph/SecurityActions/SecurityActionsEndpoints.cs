using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Legacy.Providers;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Graph.TiIndicators;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.SecurityActions;

/// <summary>
/// /beta/security/securityActions: create, list, get and cancelSecurityAction. Application permissions
/// only: a delegated token has no application roles and gets the usual 403.
/// </summary>
public static class SecurityActionsEndpoints
{
    public const string ResourcePath = "security/securityActions";
    public const string BlockIp = "BlockIp";
    public const string DefenderProvider = "Windows Defender ATP";
    public const int MaxClientContextLength = 256;

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/beta/" + ResourcePath);
        g.MapGet("", ListAsync).Requires(Permissions.SecurityActionsRead);
        g.MapPost("", CreateAsync).Requires(Permissions.SecurityActionsWrite);
        g.MapGet("/{id}", GetAsync).Requires(Permissions.SecurityActionsRead);
        g.MapPost("/{id}/cancelSecurityAction", Cancel).Requires(Permissions.SecurityActionsWrite);
        g.MapPost("/{id}/microsoft.graph.cancelSecurityAction", Cancel).Requires(Permissions.SecurityActionsWrite);
        TiIndicatorsEndpoints.NotInV1(app, "securityActions");
    }

    private static string Context(HttpContext ctx, string suffix = "") =>
        $"{GraphResponse.ServiceRoot(ctx.Request, "beta")}/$metadata#Security/securityActions{suffix}";

    private static GraphError NotFound(string id) => GraphError.NotFound($"securityAction with id '{id}' was not found.");

    private static async Task ListAsync(HttpContext ctx, SecurityActionStore store, PartnerSecurityActions partners, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var now = clock.UtcNow;
        // Newest first; the status each action has now is what $filter sees.
        var views = store.Snapshot(principal.Tenant.Id).Reverse().Select(a => a.At(now))
            .Concat(await partners.ListAsync(principal.Tenant.Id, ctx.RequestAborted))
            .OrderByDescending(v => v.Action.CreatedDateTime).ToList();
        await SimpleResource.ListAsync(ctx, "beta", ResourcePath, SecurityActionSchema.Rules, views, defaultOrder: null, v => v.Action.Id,
            Context(ctx), (w, v) => SecurityActionSchema.Write(w, v));
    }

    private static async Task GetAsync(HttpContext ctx, string id, SecurityActionStore store, PartnerSecurityActions partners, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        QueryOptions.Parse(ctx.Request.Query, isBeta: true, SecurityActionSchema.Rules, allowCollectionOptions: false);
        var view = partners.Holds(principal.Tenant.Id, id)
            ? await partners.GetAsync(id, ctx.RequestAborted)
            : (store.Get(principal.Tenant.Id, id) ?? throw NotFound(id)).At(clock.UtcNow);
        await GraphResponse.WriteAsync(ctx, 200, w => SecurityActionSchema.Write(w, view, Context(ctx, "/$entity")));
    }

    private static async Task Cancel(HttpContext ctx, string id, SecurityActionStore store, PartnerSecurityActions partners, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        if (partners.Holds(principal.Tenant.Id, id))
        {
            await partners.CancelAsync(id, ctx.RequestAborted);
            ctx.Response.StatusCode = 200;
            return;
        }
        var action = store.Get(principal.Tenant.Id, id) ?? throw NotFound(id);
        var now = clock.UtcNow;
        var status = action.At(now).Status;
        if (status is not (OperationStatus.NotStarted or OperationStatus.Running) || !store.Replace(action, action.WithCancellation(now)))
            throw GraphError.BadRequest($"The securityAction '{id}' cannot be cancelled because its status is '{status}'.");
        // The reference documents 200 with no body.
        ctx.Response.StatusCode = 200;
    }

    private static async Task CreateAsync(HttpContext ctx, SecurityActionStore store, PartnerSecurityActions partners, EmulatorClock clock, EmulatorOptions options)
    {
        var principal = ctx.Caller();
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        // An action for a partner's provider is carried out by that provider (the tenant must have consented to it).
        if (partners.ProviderFor(principal.Tenant.Id, body) is { } partner)
        {
            var created = await partners.CreateAsync(principal, partner, body, ctx.RequestAborted);
            await GraphResponse.WriteAsync(ctx, 201, w => SecurityActionSchema.Write(w, created, Context(ctx, "/$entity")));
            return;
        }
        string name = null, reason = null, clientContext = null;
        List<KeyValuePair<string, string>> parameters = null;
        JsonObject vendor = null;
        foreach (var prop in body.EnumerateObject())
        {
            switch (prop.Name)
            {
                case "@odata.type":
                    if (!string.Equals(prop.Value.ToString().TrimStart('#'), SecurityActionSchema.TypeName, StringComparison.OrdinalIgnoreCase))
                        throw GraphError.BadRequest($"The @odata.type '{prop.Value}' does not match the type '{SecurityActionSchema.TypeName}'.");
                    break;
                case "name": name = StringValue(prop); break;
                case "actionReason": reason = StringValue(prop); break;
                case "clientContext": clientContext = StringValue(prop); break;
                case "parameters": parameters = ReadParameters(prop.Value); break;
                case "vendorInformation": vendor = ReadVendor(prop.Value); break;
                default:
                    if (SecurityActionSchema.PropertyNames.Contains(prop.Name))
                        throw GraphError.BadRequest($"The property '{prop.Name}' is set by the service and cannot be supplied.");
                    throw GraphError.BadRequest($"The property '{prop.Name}' does not exist on type '{SecurityActionSchema.TypeName}'. Make sure to only use property names that are defined by the type.");
            }
        }
        // Only BlockIp is documented. The name is matched case-insensitively and returned as documented.
        if (!string.Equals(name, BlockIp, StringComparison.OrdinalIgnoreCase))
            throw GraphError.BadRequest(name == null ? "The property 'name' is required." : $"The action name '{name}' is not supported. Supported actions: {BlockIp}.");
        if (parameters == null || parameters.Count == 0)
            throw GraphError.BadRequest("The property 'parameters' is required and must not be empty.");
        var ip = parameters.FirstOrDefault(p => string.Equals(p.Key, "IP", StringComparison.OrdinalIgnoreCase));
        if (ip.Key == null) throw GraphError.BadRequest($"The action '{BlockIp}' needs the parameter 'IP'.");
        if (clientContext?.Length > MaxClientContextLength)
            throw GraphError.BadRequest($"The property 'clientContext' may have at most {MaxClientContextLength} characters.");

        var now = clock.UtcNow;
        SecurityAction.ResultInfo failure = null;
        if (!IPAddress.TryParse(ip.Value, out _))
            failure = new SecurityAction.ResultInfo(400, $"The value '{ip.Value}' of parameter 'IP' is not a valid IP address.");
        else if (store.NextFails(options.SecurityActionFailureRate))
            failure = new SecurityAction.ResultInfo(500, $"The provider '{DefenderProvider}' could not complete the action.");
        var action = new SecurityAction
        {
            Id = Guid.NewGuid().ToString(),
            Name = BlockIp,
            ActionReason = reason,
            AppId = principal.AppId,
            AzureTenantId = principal.Tenant.Id,
            ClientContext = clientContext,
            CreatedDateTime = now,
            Parameters = parameters,
            VendorInformation = vendor ?? Vendor(DefenderProvider, null, null, "Microsoft"),
            StartAt = now + options.SecurityActionStartDelay,
            EndAt = now + options.SecurityActionStartDelay + options.SecurityActionRunTime,
            Failure = failure,
        };
        store.Add(action);
        await GraphResponse.WriteAsync(ctx, 201, w => SecurityActionSchema.Write(w, action.At(now), Context(ctx, "/$entity")));
    }

    private static string StringValue(JsonProperty prop) => prop.Value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => prop.Value.GetString(),
        _ => throw GraphError.BadRequest($"The value of '{prop.Name}' must be a string."),
    };

    /// <summary>parameters: a collection of keyValuePair ({"name": "IP", "value": "203.0.113.7"}).</summary>
    private static List<KeyValuePair<string, string>> ReadParameters(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array) throw GraphError.BadRequest("The property 'parameters' must be an array of keyValuePair objects.");
        var list = new List<KeyValuePair<string, string>>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || n.GetString().Length == 0)
                throw GraphError.BadRequest("Each parameter must be an object with a non-empty 'name' and a 'value'.");
            var v = item.TryGetProperty("value", out var vv) && vv.ValueKind == JsonValueKind.String ? vv.GetString() : null;
            list.Add(new KeyValuePair<string, string>(n.GetString(), v));
        }
        return list;
    }

    /// <summary>securityVendorInformation; only the Windows Defender ATP provider takes security actions.</summary>
    private static JsonObject ReadVendor(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) throw GraphError.BadRequest("The property 'vendorInformation' must be an object.");
        string Member(string name) => value.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var provider = Member("provider");
        if (provider != null && !string.Equals(provider, DefenderProvider, StringComparison.OrdinalIgnoreCase))
            throw GraphError.BadRequest($"The provider '{provider}' does not support security actions. Supported providers: {DefenderProvider}.");
        return Vendor(DefenderProvider, Member("providerVersion"), Member("subProvider"), Member("vendor") ?? "Microsoft");
    }

    internal static JsonObject Vendor(string provider, string providerVersion, string subProvider, string vendor) => new()
    {
        ["provider"] = provider,
        ["providerVersion"] = providerVersion,
        ["subProvider"] = subProvider,
        ["vendor"] = vendor,
    };
}
