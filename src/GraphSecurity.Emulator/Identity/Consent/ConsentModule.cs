using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Identity.Consent;

/// <summary>
/// Multi-tenant apps and admin consent: the service-principal registry, the admin-consent endpoints,
/// and the control routes that grant, list and revoke consents without a browser.
/// </summary>
public sealed class ConsentModule : IEmulatorModule
{
    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(sp => new ServicePrincipalGrants(sp.GetRequiredService<TenantDirectory>(), options, sp.GetRequiredService<TimeProvider>()));
        var responder = new AdminConsentResponder();
        services.AddSingleton(responder);
        services.AddSingleton<IControlResettable>(responder);
    }

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        // Built now, not on first use: it registers the config file's apps in their home tenants, which the info file lists.
        app.ServiceProvider.GetRequiredService<ServicePrincipalGrants>();
        AdminConsentEndpoints.Map(app);
    }

    public void MapControl(IEndpointRouteBuilder control)
    {
        control.MapGet("/tenants/{tenant}/consents", (string tenant, TenantDirectory directory, ServicePrincipalGrants grants) =>
            directory.Find(tenant) == null ? ControlEndpoints.UnknownTenant(tenant) : Results.Json(grants.InTenant(tenant).Select(p => Describe(grants, p))));

        control.MapPost("/tenants/{tenant}/consents", (string tenant, ConsentGrant body, TenantDirectory directory, ServicePrincipalGrants grants) =>
        {
            if (directory.Find(tenant) == null) return ControlEndpoints.UnknownTenant(tenant);
            var clientId = body?.ClientId ?? throw new ArgumentException("'clientId' is required.");
            var app = grants.FindMultiTenantApp(clientId) ?? throw new ArgumentException($"No multi-tenant app has the client id '{clientId}'.");
            var existed = grants.IsConsented(tenant, clientId);
            // Without roles and scopes: everything the app's registration asks for, as admin consent grants.
            var roles = body.Roles ?? (body.Scopes == null ? app.RequiredResourceAccess.ToDictionary(kv => kv.Key, kv => kv.Value.Roles) : new());
            var scopes = body.Scopes ?? (body.Roles == null ? app.RequiredResourceAccess.ToDictionary(kv => kv.Key, kv => kv.Value.Scopes) : new());
            var sp = grants.Grant(tenant, clientId, EmulatorOptions.AsEnumerables(roles), EmulatorOptions.AsEnumerables(scopes));
            return Results.Json(Describe(grants, sp), statusCode: existed ? 200 : 201);
        });

        control.MapDelete("/tenants/{tenant}/consents/{clientId}", (string tenant, string clientId, TenantDirectory directory, ServicePrincipalGrants grants) =>
        {
            if (directory.Find(tenant) == null) return ControlEndpoints.UnknownTenant(tenant);
            return grants.Revoke(tenant, clientId)
                ? Results.NoContent()
                : Results.Json(new { error = $"App '{clientId}' has no consented service principal in tenant '{tenant}'." }, statusCode: 404);
        });

        control.MapGet("/adminconsent/responder", (AdminConsentResponder responder) => ResponderJson(responder));
        control.MapPost("/adminconsent/responder", (ResponderSettings body, AdminConsentResponder responder) =>
        {
            var decision = body?.Decision ?? "accept";
            if (decision is not ("accept" or "decline"))
                throw new ArgumentException($"'decision' must be 'accept' or 'decline' (got '{decision}').");
            responder.Set(string.IsNullOrWhiteSpace(body?.User) ? null : body.User, decision == "accept");
            return ResponderJson(responder);
        });
    }

    /// <summary>Body of <c>POST /_emulator/tenants/{t}/consents</c>: roles and scopes by API name (Graph, DefenderForEndpoint, an app-id URI).</summary>
    public sealed record ConsentGrant(string ClientId, Dictionary<string, List<string>> Roles, Dictionary<string, List<string>> Scopes);

    /// <summary>Body of <c>POST /_emulator/adminconsent/responder</c>: who signs in (null: the tenant's first admin) and "accept" or "decline".</summary>
    public sealed record ResponderSettings(string User, string Decision);

    private static IResult ResponderJson(AdminConsentResponder responder)
    {
        var (user, accept) = responder.Current;
        return Results.Json(new { user, decision = accept ? "accept" : "decline" });
    }

    private static object Describe(ServicePrincipalGrants grants, ServicePrincipal sp)
    {
        var (roles, scopes) = grants.Snapshot(sp);
        return new
        {
            clientId = sp.Registration.ClientId,
            displayName = sp.Registration.DisplayName,
            homeTenantId = sp.Registration.HomeTenantId,
            servicePrincipalId = sp.ObjectId,
            tenantId = sp.TenantId,
            createdDateTime = sp.CreatedAt,
            consentedBy = sp.ConsentedBy,
            roles,
            scopes,
        };
    }
}
