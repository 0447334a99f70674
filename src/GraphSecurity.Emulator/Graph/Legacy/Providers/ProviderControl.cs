using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Identity;
using GraphSecurity.Emulator.Identity.Consent;

namespace GraphSecurity.Emulator.Graph.Legacy.Providers;

/// <summary>
/// Control endpoints of the broker's partner providers, under <c>/_emulator</c>: register (or replace), list and
/// remove a provider, and see which tenants it is fanned out for (consent itself is the identity's: the provider's
/// app needs a service principal in the tenant).
/// </summary>
public static class ProviderControl
{
    private sealed record Registration(string Vendor, string Provider, string ProviderVersion, string BaseUrl, string AppId, string Audience, int? TimeoutMs);

    public static void Map(IEndpointRouteBuilder control)
    {
        control.MapGet("/providers", (PartnerProviderRegistry registry, TenantDirectory directory, ServicePrincipalGrants grants) =>
            Results.Json(registry.All.Select(p => Describe(p, directory, grants)), AlertControl.Json));
        control.MapGet("/providers/{id}", (string id, PartnerProviderRegistry registry, TenantDirectory directory, ServicePrincipalGrants grants) =>
            registry.Find(id) is { } p ? Results.Json(Describe(p, directory, grants), AlertControl.Json) : UnknownProvider(id));
        control.MapPost("/providers", (Registration body, PartnerProviderRegistry registry, TenantDirectory directory, ServicePrincipalGrants grants) =>
        {
            if (body == null) throw new ArgumentException("A body is required: {vendor, provider, providerVersion, baseUrl, appId, audience, timeoutMs}.");
            var provider = PartnerProvider.Validated(body.Vendor, body.Provider, body.ProviderVersion, body.BaseUrl, body.AppId, body.Audience, body.TimeoutMs);
            var added = registry.Register(provider);
            return Results.Json(Describe(provider, directory, grants), AlertControl.Json, statusCode: added ? 201 : 200);
        });
        control.MapDelete("/providers/{id}", (string id, PartnerProviderRegistry registry) =>
            registry.Remove(id) ? Results.NoContent() : UnknownProvider(id));
    }

    private static IResult UnknownProvider(string id) => Results.Json(new { error = $"No provider '{id}' is registered." }, statusCode: 404);

    private static object Describe(PartnerProvider p, TenantDirectory directory, ServicePrincipalGrants grants) => new
    {
        p.Id, p.Vendor, p.Provider, p.ProviderVersion, p.BaseUrl, p.AppId, p.Audience, p.TimeoutMs,
        consentedTenants = directory.Tenants.Where(t => grants.IsConsented(t.Id, p.AppId)).Select(t => t.Id).ToList(),
    };
}
