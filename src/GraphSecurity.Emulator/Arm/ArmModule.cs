using System.Text.Json;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Arm;

/// <summary>A Log Analytics workspace with Microsoft Sentinel, and who holds which Azure role on it.</summary>
public sealed class SentinelWorkspace
{
    public string TenantId { get; init; }
    public string SubscriptionId { get; init; }
    public string SubscriptionName { get; init; }
    public string ResourceGroup { get; init; }
    public string Name { get; init; }
    public string Location { get; init; } = "westeurope";
    /// <summary>The workspace id (a GUID) that the Sentinel upload API takes.</summary>
    public string CustomerId { get; init; }
    /// <summary>Principal (app client id or user UPN) → role name, e.g. "Microsoft Sentinel Contributor".</summary>
    public Dictionary<string, string> Roles { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public string ResourceId =>
        $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.OperationalInsights/workspaces/{Name}";

    public const string Contributor = "Microsoft Sentinel Contributor";
    public const string Reader = "Microsoft Sentinel Reader";

    /// <summary>The role a caller holds here: an app by its client id, a user by its UPN; null for none.</summary>
    public string RoleOf(CallerPrincipal caller) =>
        Roles.TryGetValue(caller.IsDelegated && caller.UserPrincipalName != null ? caller.UserPrincipalName : caller.AppId, out var role) ? role : null;

    /// <summary>The workspaces every emulator starts with: one per well-known tenant, its full app a contributor, its reader a reader.</summary>
    public static List<SentinelWorkspace> Defaults() => new()
    {
        new SentinelWorkspace
        {
            TenantId = TenantDirectory.DefaultTenantId, SubscriptionId = "00000000-0000-4000-8000-000000000001", SubscriptionName = "Contoso Security",
            ResourceGroup = "rg-secops", Name = "law-secops", CustomerId = "5e1c7a3b-9d2f-4b6e-8a1c-3f5d7b9e1a2c",
            Roles = new(StringComparer.OrdinalIgnoreCase)
            {
                [TenantDirectory.DefaultClientId] = Contributor, [TenantDirectory.ReaderClientId] = Reader,
                ["ada@contoso.example"] = Contributor, ["alan@contoso.example"] = Reader,
            },
        },
        new SentinelWorkspace
        {
            TenantId = TenantDirectory.FabrikamTenantId, SubscriptionId = "00000000-0000-4000-8000-000000000002", SubscriptionName = "Fabrikam Production",
            ResourceGroup = "rg-fabrikam", Name = "law-fabrikam", CustomerId = "8b2d4f6a-1c3e-4a5b-9d7f-2e4a6c8b0d1f",
            Roles = new(StringComparer.OrdinalIgnoreCase) { [TenantDirectory.FabrikamClientId] = Contributor },
        },
    };
}

/// <summary>
/// Azure Resource Manager under <c>/arm</c> (management.azure.com): subscriptions and Sentinel workspaces,
/// authorized by the role assignments of each workspace (ARM has no API permissions, only Azure roles).
/// </summary>
public sealed class ArmModule : IEmulatorModule
{
    public void AddServices(IServiceCollection services, EmulatorOptions options) => services.AddSingleton(options.SentinelWorkspaces);

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        var arm = app.MapGroup(ApiResources.AzureResourceManager.PathRoot).Requires(Permissions.ArmCaller);
        arm.MapGet("/subscriptions", (HttpContext ctx, List<SentinelWorkspace> workspaces) =>
        {
            RequireApiVersion(ctx);
            var caller = ctx.Caller();
            var value = workspaces.Where(w => w.TenantId == caller.Tenant.Id && w.RoleOf(caller) != null)
                .GroupBy(w => w.SubscriptionId)
                .Select(g => new { id = "/subscriptions/" + g.Key, subscriptionId = g.Key, tenantId = caller.Tenant.Id, displayName = g.First().SubscriptionName, state = "Enabled" })
                .ToList();
            return Results.Json(new { value, count = new { type = "Total", value = value.Count } });
        });
        arm.MapGet("/subscriptions/{subscription}/providers/Microsoft.OperationalInsights/workspaces", (HttpContext ctx, string subscription, List<SentinelWorkspace> workspaces) =>
        {
            RequireApiVersion(ctx);
            var caller = ctx.Caller();
            var value = workspaces.Where(w => w.TenantId == caller.Tenant.Id && w.RoleOf(caller) != null &&
                                              string.Equals(w.SubscriptionId, subscription, StringComparison.OrdinalIgnoreCase))
                .Select(Describe).ToList();
            return Results.Json(new { value });
        });
        arm.MapGet("/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.OperationalInsights/workspaces/{name}",
            (HttpContext ctx, string subscription, string group, string name, List<SentinelWorkspace> workspaces) =>
            {
                RequireApiVersion(ctx);
                return Results.Json(Describe(Authorize(ctx.Caller(), workspaces, subscription, group, name, "Microsoft.OperationalInsights/workspaces/read")));
            });
    }

    private static object Describe(SentinelWorkspace workspace) => new
    {
        id = workspace.ResourceId, name = workspace.Name, type = "Microsoft.OperationalInsights/workspaces", location = workspace.Location,
        properties = new { customerId = workspace.CustomerId, provisioningState = "Succeeded" },
    };

    public static void RequireApiVersion(HttpContext ctx)
    {
        if (string.IsNullOrEmpty(ctx.Request.Query["api-version"]))
            throw new ApiError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    }

    /// <summary>The workspace, when the caller holds a role on it that allows <paramref name="action"/>; else ARM's 404 or 403.</summary>
    public static SentinelWorkspace Authorize(CallerPrincipal caller, List<SentinelWorkspace> workspaces, string subscription, string group, string name, string action)
    {
        var workspace = workspaces.FirstOrDefault(w => w.TenantId == caller.Tenant.Id &&
            string.Equals(w.SubscriptionId, subscription, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(w.ResourceGroup, group, StringComparison.OrdinalIgnoreCase) && string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));
        var scope = $"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.OperationalInsights/workspaces/{name}";
        var role = workspace?.RoleOf(caller);
        var writes = !action.EndsWith("/read", StringComparison.OrdinalIgnoreCase);
        if (workspace != null && role != null && (!writes || role == SentinelWorkspace.Contributor)) return workspace;
        if (workspace == null && workspaces.Any(w => w.TenantId == caller.Tenant.Id && w.RoleOf(caller) != null && string.Equals(w.SubscriptionId, subscription, StringComparison.OrdinalIgnoreCase)))
            throw new ApiError(404, "ResourceNotFound", $"The Resource 'Microsoft.OperationalInsights/workspaces/{name}' under resource group '{group}' was not found.");
        throw new ApiError(403, "AuthorizationFailed",
            $"The client '{(caller.IsDelegated ? caller.UserPrincipalName : caller.AppId)}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. " +
            "If access was recently granted, please refresh your credentials.");
    }
}
