using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Identities;

/// <summary>
/// security/identities/identityAccounts (v1.0 and beta): list and get the identities, and invokeAction on one
/// of their provider accounts (disable, enable, revokeAllSessions, …). The control view shows each identity's
/// state and the actions taken.
/// </summary>
public sealed class IdentityAccountsModule : IEmulatorModule
{
    public const string ResourcePath = "security/identities/identityAccounts";

    public IEnumerable<string> GraphPaths => new[] { ResourcePath };

    public void AddServices(IServiceCollection services, EmulatorOptions options) =>
        services.AddSingleton(sp => new IdentityAccountStore(sp.GetRequiredService<SeedPools>(), options.Directory));

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        foreach (var version in GraphVersions.All)
        {
            var g = app.MapGroup($"/{version}/{ResourcePath}");
            g.MapGet("", (HttpContext ctx, IdentityAccountStore store) =>
                SimpleResource.ListAsync(ctx, version, ResourcePath, IdentityAccountSchema.Rules, store.Of(ctx.Caller().Tenant.Id), defaultOrder: null, a => a.Id))
                .Requires(Permissions.IdentityAccountsRead);
            g.MapGet("/{id}", (HttpContext ctx, string id, IdentityAccountStore store) =>
                SimpleResource.GetAsync(ctx, version, ResourcePath, IdentityAccountSchema.Rules, Find(ctx, store, id)))
                .Requires(Permissions.IdentityAccountsRead);
            foreach (var action in new[] { "invokeAction", "microsoft.graph.security.invokeAction" })
                g.MapPost($"/{{id}}/{action}", (HttpContext ctx, string id, IdentityAccountStore store, EmulatorClock clock) => InvokeAsync(ctx, version, id, store, clock))
                    .Requires(Permissions.IdentityActions);
        }
    }

    /// <summary><c>GET /_emulator/tenants/{tenant}/identities/accounts</c>: every identity's state and the actions taken on it.</summary>
    public void MapControl(IEndpointRouteBuilder control)
    {
        control.MapGet("/tenants/{tenant}/identities/accounts", (string tenant, TenantDirectory directory, IdentityAccountStore store) =>
            directory.Find(tenant) is { } t
                ? Results.Json(store.Of(t.Id).Select(a => new
                {
                    id = a.Id, userPrincipalName = a.UserPrincipalName, isEnabled = a.IsEnabled,
                    sessionsRevokedDateTime = a.SessionsRevokedDateTime, signInRequiredDateTime = a.SignInRequiredDateTime,
                    passwordResetRequired = a.PasswordResetRequired, compromised = a.Compromised,
                    actions = a.Actions.Select(x => new { action = x.Action, identityProvider = x.IdentityProvider, accountId = x.AccountId, correlationId = x.CorrelationId, dateTime = x.DateTime, requestor = x.Requestor }),
                }))
                : ControlEndpoints.UnknownTenant(tenant));
    }

    private static IdentityAccount Find(HttpContext ctx, IdentityAccountStore store, string id) =>
        store.Find(ctx.Caller().Tenant.Id, id) ?? throw GraphError.NotFound($"The identity account '{id}' was not found.");

    /// <summary>
    /// Checks the action, the provider, that the provider takes the action, and that the account is the identity's
    /// in that provider (400 badRequest each), then applies it: 200 with the correlation id.
    /// </summary>
    private static async Task InvokeAsync(HttpContext ctx, string version, string id, IdentityAccountStore store, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var identity = Find(ctx, store, id);
        JsonObject body;
        using var reader = new StreamReader(ctx.Request.Body);
        var text = await reader.ReadToEndAsync();
        try { body = JsonNode.Parse(text) as JsonObject; }
        catch (JsonException e) { throw GraphError.BadRequest("The request body is not valid JSON: " + e.Message); }
        string Text(string name) => body?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

        var actionName = Text("action");
        var action = IdentityAccount.ProvidersOfAction.Keys.FirstOrDefault(a => string.Equals(a, actionName, StringComparison.OrdinalIgnoreCase))
            ?? throw BadRequest($"'action' must be one of {string.Join(", ", IdentityAccount.ProvidersOfAction.Keys)} (got '{actionName}').");
        var providerName = Text("identityProvider");
        var provider = IdentityAccount.Providers.FirstOrDefault(p => string.Equals(p, providerName, StringComparison.OrdinalIgnoreCase))
            ?? throw BadRequest($"'identityProvider' must be one of {string.Join(", ", IdentityAccount.Providers)} (got '{providerName}').");
        var supported = IdentityAccount.ProvidersOfAction[action];
        if (!supported.Contains(provider))
            throw BadRequest($"The action '{action}' is not supported for the identity provider '{provider}'. Supported providers: {string.Join(", ", supported)}.");
        var accountId = Text("accountId");
        if (!identity.Accounts.Any(a => a.IdentityProvider == provider && string.Equals(a.Identifier, accountId, StringComparison.OrdinalIgnoreCase)))
            throw BadRequest($"The account '{accountId}' is not an {provider} account of the identity '{id}'.");

        var record = new IdentityActionRecord(action, provider, accountId, Guid.NewGuid().ToString(), clock.UtcNow, principal.ActorDisplayName);
        identity.Apply(record);
        await GraphResponse.WriteAsync(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", $"{GraphResponse.ServiceRoot(ctx.Request, version)}/$metadata#microsoft.graph.security.invokeActionResult");
            w.WriteString("@odata.type", "#microsoft.graph.security.invokeActionResult");
            w.WriteString("accountId", record.AccountId);
            w.WriteString("action", record.Action);
            w.WriteString("identityProvider", record.IdentityProvider);
            w.WriteString("correlationId", record.CorrelationId);
            w.WriteEndObject();
        });
    }

    private static GraphError BadRequest(string message) => new(400, "badRequest", message);
}
