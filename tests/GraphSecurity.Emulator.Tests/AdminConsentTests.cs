using System.Net.Http.Json;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;
using GraphSecurity.Emulator.Identity.Consent;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Tests;

/// <summary>The admin-consent endpoints (v1 and v2): grant, decline, refusals, redirect URI rules, and revoking.</summary>
public class AdminConsentTests : IClassFixture<EmulatorFixture>
{
    private const string Fabrikam = TenantDirectory.FabrikamTenantId;
    private const string Loopback = "http://localhost:53123/";
    private readonly EmulatorFixture _f;
    public AdminConsentTests(EmulatorFixture f) => _f = f;

    private ServicePrincipalGrants Grants => _f.App.Services.GetRequiredService<ServicePrincipalGrants>();

    private async Task<HttpResponseMessage> ConsentAsync(string tenant, bool v2, string scope = null, string redirectUri = Loopback,
        string state = "st-1", string loginHint = null, string clientId = PartnerSeed.ClientId)
    {
        var query = new Dictionary<string, string> { ["client_id"] = clientId, ["redirect_uri"] = redirectUri, ["state"] = state };
        if (scope != null) query["scope"] = scope;
        if (loginHint != null) query["login_hint"] = loginHint;
        var url = QueryHelpers.AddQueryString(v2 ? $"/{tenant}/v2.0/adminconsent" : $"/{tenant}/adminconsent", query.Where(kv => kv.Value != null));
        return await _f.Client.GetAsync(url);
    }

    /// <summary>The redirect's target without its query, and its query parameters.</summary>
    private static (string Target, Dictionary<string, string> Query) Redirected(HttpResponseMessage response)
    {
        Assert.Equal(302, (int)response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        var q = location.IndexOf('?');
        var query = QueryHelpers.ParseQuery(location[q..]).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
        return (location[..q], query);
    }

    private async Task<(int Status, JsonElement Body)> PartnerTokenAsync(string tenant, string scope = "https://graph.microsoft.com/.default") =>
        await EmulatorFixture.ReadAsync(await _f.RequestTokenAsync(tenant, MultiTenantAppTests.Form(scope)));

    private static string[] Roles(JsonElement tokenBody) =>
        new JsonWebToken(tokenBody.GetProperty("access_token").GetString()).Claims.Where(c => c.Type == "roles").Select(c => c.Value).Order().ToArray();

    private void Revoke(string tenant = Fabrikam) => Grants.Revoke(tenant, PartnerSeed.ClientId);

    [Fact]
    public async Task V1_consent_by_the_admin_creates_the_principal_with_everything_required_and_revoking_removes_it()
    {
        var events = new List<(string, string, bool)>();
        void OnChanged(string t, string c, bool g) => events.Add((t, c, g));
        Grants.Changed += OnChanged;
        try
        {
            var (before, _) = await PartnerTokenAsync(Fabrikam);
            Assert.Equal(400, before);

            var (target, query) = Redirected(await ConsentAsync("fabrikam.example", v2: false));
            Assert.Equal(Loopback, target);
            Assert.Equal("True", query["admin_consent"]);
            Assert.Equal(Fabrikam, query["tenant"]);
            Assert.Equal("st-1", query["state"]);
            Assert.False(query.ContainsKey("scope"));
            Assert.False(query.ContainsKey("error"));

            var (status, body) = await PartnerTokenAsync(Fabrikam);
            Assert.Equal(200, status);
            Assert.Equal(Fabrikam, new JsonWebToken(body.GetProperty("access_token").GetString()).GetClaim("tid").Value);
            Assert.Equal(PartnerSeed.ContosoGraphRoles.Order(), Roles(body));
            var (_, defender) = await PartnerTokenAsync(Fabrikam, "https://api.securitycenter.microsoft.com/.default");
            Assert.Equal(new[] { "Alert.Read.All", "Machine.Read.All", "Ti.ReadWrite.All" }, Roles(defender));

            var listed = JsonDocument.Parse(await _f.Client.GetStringAsync($"/_emulator/tenants/{Fabrikam}/consents")).RootElement.EnumerateArray().Single();
            Assert.Equal(PartnerSeed.ClientId, listed.GetProperty("clientId").GetString());
            Assert.Equal(PartnerSeed.FabrikamAdmin, listed.GetProperty("consentedBy").GetString());
            Assert.Equal(PartnerSeed.TenantId, listed.GetProperty("homeTenantId").GetString());
            Assert.Contains("User.Read", listed.GetProperty("scopes").GetProperty("Graph").EnumerateArray().Select(e => e.GetString()));

            Assert.Equal(204, (int)(await _f.Client.DeleteAsync($"/_emulator/tenants/{Fabrikam}/consents/{PartnerSeed.ClientId}")).StatusCode);
            Assert.Equal(404, (int)(await _f.Client.DeleteAsync($"/_emulator/tenants/{Fabrikam}/consents/{PartnerSeed.ClientId}")).StatusCode);
            var (after, afterBody) = await PartnerTokenAsync(Fabrikam);
            Assert.Equal(400, after);
            TokenEndpointTests.AssertAadError(afterBody, "unauthorized_client", 700016);
            Assert.Equal(new[] { (Fabrikam, PartnerSeed.ClientId, true), (Fabrikam, PartnerSeed.ClientId, false) }, events);
        }
        finally
        {
            Grants.Changed -= OnChanged;
            Revoke();
        }
    }

    [Fact]
    public async Task V2_with_default_grants_the_required_roles_and_echoes_the_scope()
    {
        try
        {
            var (_, query) = Redirected(await ConsentAsync(Fabrikam, v2: true, scope: "https://graph.microsoft.com/.default"));
            Assert.Equal("https://graph.microsoft.com/.default", query["scope"]);
            Assert.Equal(Fabrikam, query["tenant"]);
            var (status, body) = await PartnerTokenAsync(Fabrikam);
            Assert.Equal(200, status);
            Assert.Equal(PartnerSeed.ContosoGraphRoles.Order(), Roles(body));
        }
        finally
        {
            Revoke();
        }
    }

    [Fact]
    public async Task V2_with_named_scopes_grants_those_delegated_permissions_only()
    {
        try
        {
            var scope = "https://graph.microsoft.com/SecurityAlert.Read.All User.Read openid";
            var (_, query) = Redirected(await ConsentAsync(Fabrikam, v2: true, scope: scope));
            Assert.Equal(scope, query["scope"]);
            Assert.Equal(new[] { "SecurityAlert.Read.All", "User.Read" }, Grants.GrantedScopes(Fabrikam, PartnerSeed.ClientId, "Graph").Order());
            Assert.Empty(Grants.GrantedRoles(Fabrikam, PartnerSeed.ClientId, "Graph"));
            var (status, body) = await PartnerTokenAsync(Fabrikam);
            Assert.Equal(200, status);
            Assert.Empty(Roles(body));

            var (_, unknown) = Redirected(await ConsentAsync(Fabrikam, v2: true, scope: "https://graph.microsoft.com/Mail.Send"));
            Assert.Equal("invalid_client", unknown["error"]);
            Assert.StartsWith("AADSTS650053: The application 'Northwind Sentry' asked for scope 'Mail.Send'", unknown["error_description"]);
            var (_, missing) = Redirected(await ConsentAsync(Fabrikam, v2: true));
            Assert.StartsWith("AADSTS900144:", missing["error_description"]);
        }
        finally
        {
            Revoke();
        }
    }

    [Fact]
    public async Task A_declined_consent_redirects_with_access_denied_AADSTS65004_and_grants_nothing()
    {
        var responder = _f.App.Services.GetRequiredService<AdminConsentResponder>();
        var set = await _f.Client.PostAsJsonAsync("/_emulator/adminconsent/responder", new { decision = "decline" });
        Assert.Equal(200, (int)set.StatusCode);
        try
        {
            var (target, query) = Redirected(await ConsentAsync(Fabrikam, v2: true, scope: "https://graph.microsoft.com/.default", state: "s2"));
            Assert.Equal(Loopback, target);
            Assert.Equal("access_denied", query["error"]);
            Assert.Equal("AADSTS65004: User declined to consent to access the app.", query["error_description"]);
            Assert.Equal("s2", query["state"]);
            Assert.False(query.ContainsKey("tenant"));
            Assert.False(Grants.IsConsented(Fabrikam, PartnerSeed.ClientId));
            Assert.Equal(400, (int)(await _f.Client.PostAsJsonAsync("/_emulator/adminconsent/responder", new { decision = "maybe" })).StatusCode);
        }
        finally
        {
            responder.ResetControls();
        }
        Assert.Equal("accept", JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/adminconsent/responder")).RootElement.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task A_user_who_may_not_consent_for_the_organization_is_refused()
    {
        // A Security Administrator is no consent admin: AADSTS90094.
        var (_, refused) = Redirected(await ConsentAsync(Fabrikam, v2: false, loginHint: "margaret@fabrikam.example"));
        Assert.Equal("access_denied", refused["error"]);
        Assert.StartsWith("AADSTS90094: Northwind Sentry needs permission to access resources in your organization that only an admin can grant.", refused["error_description"]);
        Assert.False(Grants.IsConsented(Fabrikam, PartnerSeed.ClientId));

        // The responder's user counts like a login_hint.
        await _f.Client.PostAsJsonAsync("/_emulator/adminconsent/responder", new { user = "margaret@fabrikam.example" });
        try
        {
            var (_, again) = Redirected(await ConsentAsync(Fabrikam, v2: false));
            Assert.StartsWith("AADSTS90094:", again["error_description"]);
        }
        finally
        {
            _f.App.Services.GetRequiredService<AdminConsentResponder>().ResetControls();
        }

        // An application administrator may grant delegated permissions but not Graph application roles.
        var (_, appAdmin) = Redirected(await ConsentAsync("contoso.example", v2: true, scope: "https://graph.microsoft.com/.default", loginHint: PartnerSeed.ContosoAppAdmin));
        Assert.StartsWith("AADSTS90093: Northwind Sentry is requesting one or more permissions that you are not authorized to grant.", appAdmin["error_description"]);
        var (_, delegated) = Redirected(await ConsentAsync("contoso.example", v2: true, scope: "User.Read", loginHint: PartnerSeed.ContosoAppAdmin));
        Assert.False(delegated.ContainsKey("error"));
        Assert.Contains("User.Read", Grants.GrantedScopes(TenantDirectory.DefaultTenantId, PartnerSeed.ClientId, "Graph"));

        // A user the tenant does not have is an error page, not a redirect.
        var unknownUser = await ConsentAsync(Fabrikam, v2: false, loginHint: "nobody@fabrikam.example");
        Assert.Equal(400, (int)unknownUser.StatusCode);
        TokenEndpointTests.AssertAadError((await EmulatorFixture.ReadAsync(unknownUser)).Body, "invalid_grant", 50034);
    }

    [Theory]
    [InlineData("http://localhost:53123/", true)]
    [InlineData("http://localhost:8400", true)]
    [InlineData("http://localhost", true)]
    [InlineData("https://sentry.northwindsec.example/consent/callback", true)]
    [InlineData("http://localhost:8400/other", false)]
    [InlineData("http://127.0.0.1:8400/", false)]
    [InlineData("https://localhost:8400/", false)]
    [InlineData("https://sentry.northwindsec.example/consent/callback2", false)]
    [InlineData("https://evil.example/consent/callback", false)]
    public async Task The_redirect_uri_must_be_registered_a_loopback_one_with_any_port(string redirectUri, bool accepted)
    {
        var response = await ConsentAsync(Fabrikam, v2: false, redirectUri: redirectUri, loginHint: "margaret@fabrikam.example");
        if (accepted)
        {
            var (target, query) = Redirected(response);
            Assert.Equal(redirectUri, target);
            Assert.Equal("access_denied", query["error"]); // margaret is refused: nothing changes
            return;
        }
        Assert.Equal(400, (int)response.StatusCode);
        var (_, body) = await EmulatorFixture.ReadAsync(response);
        TokenEndpointTests.AssertAadError(body, "invalid_request", 50011);
        Assert.Contains($"The redirect URI '{redirectUri}' specified in the request does not match", body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Missing_or_unknown_parameters_are_an_error_page()
    {
        var (noRedirect, noRedirectBody) = await EmulatorFixture.ReadAsync(await ConsentAsync(Fabrikam, v2: false, redirectUri: null));
        Assert.Equal(400, noRedirect);
        TokenEndpointTests.AssertAadError(noRedirectBody, "invalid_request", 900971);
        var (unknownApp, unknownAppBody) = await EmulatorFixture.ReadAsync(await ConsentAsync(Fabrikam, v2: false, clientId: Guid.NewGuid().ToString()));
        Assert.Equal(400, unknownApp);
        TokenEndpointTests.AssertAadError(unknownAppBody, "unauthorized_client", 700016);
        var (unknownTenant, unknownTenantBody) = await EmulatorFixture.ReadAsync(await ConsentAsync("nowhere.example", v2: true, scope: "https://graph.microsoft.com/.default"));
        Assert.Equal(400, unknownTenant);
        TokenEndpointTests.AssertAadError(unknownTenantBody, "invalid_request", 90002);
    }

    [Fact]
    public async Task The_control_api_grants_lists_and_revokes_without_a_browser()
    {
        try
        {
            var created = await _f.Client.PostAsJsonAsync($"/_emulator/tenants/fabrikam.example/consents",
                new { clientId = PartnerSeed.ClientId, roles = new Dictionary<string, string[]> { ["Graph"] = new[] { "SecurityAlert.Read.All" } } });
            Assert.Equal(201, (int)created.StatusCode);
            var (status, body) = await PartnerTokenAsync(Fabrikam);
            Assert.Equal(200, status);
            Assert.Equal(new[] { "SecurityAlert.Read.All" }, Roles(body));
            // Without roles and scopes: what the registration asks for.
            var all = await _f.Client.PostAsJsonAsync($"/_emulator/tenants/{Fabrikam}/consents", new { clientId = PartnerSeed.ClientId });
            Assert.Equal(200, (int)all.StatusCode);
            Assert.Equal(5, Grants.GrantedRoles(Fabrikam, PartnerSeed.ClientId, "Graph").Count);
            Assert.Equal(400, (int)(await _f.Client.PostAsJsonAsync($"/_emulator/tenants/{Fabrikam}/consents", new { clientId = TenantDirectory.DefaultClientId })).StatusCode);
            Assert.Equal(404, (int)(await _f.Client.GetAsync("/_emulator/tenants/nowhere.example/consents")).StatusCode);
        }
        finally
        {
            Revoke();
        }
        Assert.Empty(JsonDocument.Parse(await _f.Client.GetStringAsync($"/_emulator/tenants/{Fabrikam}/consents")).RootElement.EnumerateArray());
    }
}
