using GraphSecurity.Emulator.Graph;

namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// What an operation needs: a token of one API's audience holding one of <see cref="Accepted"/> (a
/// comma list) as an application role, or, unless <see cref="AppOnly"/>, as a delegated scope.
/// </summary>
public sealed record Permission(ApiResource Api, string Accepted, bool AppOnly = false);

/// <summary>The permissions of every emulated operation, in one place (graph-security-api.md §1.7, successor-apis.md §1.2, §2).</summary>
public static class Permissions
{
    public static readonly Permission AlertRead = new(ApiResources.Graph,
        "SecurityAlert.Read.All,SecurityAlert.ReadWrite.All,SecurityIncident.Read.All,SecurityIncident.ReadWrite.All");
    public static readonly Permission AlertWrite = new(ApiResources.Graph, "SecurityAlert.ReadWrite.All");
    /// <summary>beta createAlert: the create-only permission, or the read-write one (provider-and-correlation.md §1.4 A).</summary>
    public static readonly Permission AlertCreate = new(ApiResources.Graph, "SecurityAlert.Create.All,SecurityAlert.ReadWrite.All");
    public static readonly Permission IncidentRead = new(ApiResources.Graph, "SecurityIncident.Read.All,SecurityIncident.ReadWrite.All");
    public static readonly Permission IncidentWrite = new(ApiResources.Graph, "SecurityIncident.ReadWrite.All");
    /// <summary>Legacy alerts, secure score and control profiles.</summary>
    public static readonly Permission SecurityEventsRead = new(ApiResources.Graph, "SecurityEvents.Read.All,SecurityEvents.ReadWrite.All");
    /// <summary>Legacy alert updates, control profile updates and subscriptions on security/alerts.</summary>
    public static readonly Permission SecurityEventsWrite = new(ApiResources.Graph, "SecurityEvents.ReadWrite.All");
    public static readonly Permission ThreatHunting = new(ApiResources.Graph, "ThreatHunting.Read.All");
    /// <summary>beta custom detection rules (successor-apis.md §5).</summary>
    public static readonly Permission CustomDetectionRead = new(ApiResources.Graph, "CustomDetection.Read.All,CustomDetection.ReadWrite.All");
    public static readonly Permission CustomDetectionWrite = new(ApiResources.Graph, "CustomDetection.ReadWrite.All");
    /// <summary>beta tiIndicators: application permission only; the app sees only its own indicators.</summary>
    public static readonly Permission TiIndicators = new(ApiResources.Graph, "ThreatIndicators.ReadWrite.OwnedBy", AppOnly: true);
    /// <summary>beta securityActions: application permissions only.</summary>
    public static readonly Permission SecurityActionsRead = new(ApiResources.Graph, "SecurityActions.Read.All,SecurityActions.ReadWrite.All", AppOnly: true);
    public static readonly Permission SecurityActionsWrite = new(ApiResources.Graph, "SecurityActions.ReadWrite.All", AppOnly: true);

    /// <summary>
    /// Identity accounts: the reference names only the actions permission; the emulator also takes
    /// SecurityIdentitiesAccount.Read.All for reading (a choice, see docs/emulator.md).
    /// </summary>
    public static readonly Permission IdentityAccountsRead = new(ApiResources.Graph, "SecurityIdentitiesAccount.Read.All,SecurityIdentitiesActions.ReadWrite.All");
    public static readonly Permission IdentityActions = new(ApiResources.Graph, "SecurityIdentitiesActions.ReadWrite.All");
    public static readonly Permission ThreatIntelligenceRead = new(ApiResources.Graph, "ThreatIntelligence.Read.All");

    /// <summary>Defender for Endpoint indicators: Ti.ReadWrite sees the app's own, Ti.ReadWrite.All every one.</summary>
    public static readonly Permission DefenderIndicators = new(ApiResources.DefenderForEndpoint, "Ti.ReadWrite,Ti.ReadWrite.All");
    /// <summary>Delete and BatchDelete list no delegated permission (successor-apis.md §1.2): application roles only.</summary>
    public static readonly Permission DefenderIndicatorsDelete = new(ApiResources.DefenderForEndpoint, "Ti.ReadWrite,Ti.ReadWrite.All", AppOnly: true);

    /// <summary>Any valid Graph token ($batch: each item is then checked as a request of its own).</summary>
    public static readonly Permission GraphCaller = new(ApiResources.Graph, null);

    /// <summary>Any valid ARM token: ARM authorizes by Azure role assignments on the resource, checked by the route.</summary>
    public static readonly Permission ArmCaller = new(ApiResources.AzureResourceManager, null);

    /// <summary>The Sentinel upload API takes ARM tokens; the Microsoft Sentinel Contributor role on the workspace is checked by the route.</summary>
    public static readonly Permission SentinelUpload = new(ApiResources.AzureResourceManager, null);
}

/// <summary>Endpoint metadata: the caller must hold <see cref="Permission"/>; <see cref="PermissionMiddleware"/> checks it.</summary>
public sealed record RequiresPermission(Permission Permission);

public static class PermissionEndpoints
{
    /// <summary>Declares what the endpoint needs; the request is authenticated and checked before the handler runs.</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, Permission permission) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresPermission(permission));

    /// <summary>The caller the permission check established (endpoints declared with <see cref="Requires{TBuilder}"/>).</summary>
    public static CallerPrincipal Caller(this HttpContext context) =>
        context.Items.TryGetValue(typeof(CallerPrincipal), out var principal)
            ? (CallerPrincipal)principal
            : throw new InvalidOperationException($"The endpoint of {context.Request.Path} declares no permission, so it has no caller.");
}

/// <summary>
/// Authenticates and authorizes every request whose endpoint declares a <see cref="RequiresPermission"/>:
/// the token must be for the permission's API (else that API's 401) and hold one of its roles or
/// scopes (else its 403). Runs after fault injection and throttling, as the real services answer 429
/// before looking at the token.
/// </summary>
public sealed class PermissionMiddleware
{
    private readonly RequestDelegate _next;
    public PermissionMiddleware(RequestDelegate next) => _next = next;

    public async Task InvokeAsync(HttpContext context)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<RequiresPermission>();
        if (required != null)
        {
            var permission = required.Permission;
            var principal = await ApiAuth.AuthenticateAsync(context, permission.Api);
            if (permission.Accepted != null)
            {
                if (permission.AppOnly) principal.Require(permission.Accepted);
                else principal.RequireRoleOrScope(permission.Accepted);
            }
        }
        await _next(context);
    }
}
