using System.Net.Http.Json;
using System.Text.Json;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using GraphSecurity.Emulator.Identity.Consent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Tests;

/// <summary>Client credentials of a multi-tenant app in its home tenant and in customer tenants, before and after consent.</summary>
public class MultiTenantAppTests : IClassFixture<EmulatorFixture>
{
    private const string Fabrikam = TenantDirectory.FabrikamTenantId;
    private const string Contoso = TenantDirectory.DefaultTenantId;
    private readonly EmulatorFixture _f;
    public MultiTenantAppTests(EmulatorFixture f) => _f = f;

    internal static Dictionary<string, string> Form(string scope = "https://graph.microsoft.com/.default", string clientId = PartnerSeed.ClientId,
        string secret = PartnerSeed.ClientSecret) => new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        };

    private async Task<(int Status, JsonElement Body)> TokenAsync(string tenant, Dictionary<string, string> form) =>
        await EmulatorFixture.ReadAsync(await _f.RequestTokenAsync(tenant, form));

    private static JsonWebToken Jwt(JsonElement body) => new(body.GetProperty("access_token").GetString());

    private static string[] Roles(JsonWebToken jwt) => jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value).ToArray();

    [Fact]
    public async Task Before_consent_a_customer_tenant_answers_AADSTS700016_naming_the_app_and_the_directory()
    {
        var (status, body) = await TokenAsync(Fabrikam, Form());
        Assert.Equal(400, status);
        TokenEndpointTests.AssertAadError(body, "unauthorized_client", 700016);
        Assert.StartsWith($"AADSTS700016: Application with identifier '{PartnerSeed.ClientId}' was not found in the directory 'fabrikam.example'.",
            body.GetProperty("error_description").GetString());
        // The delegated flows: consent is missing, which only a person could give.
        var (codeStatus, codeBody) = await EmulatorFixture.ReadAsync(await _f.Client.PostAsync($"/{Fabrikam}/oauth2/v2.0/devicecode",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = PartnerSeed.ClientId, ["scope"] = "SecurityAlert.Read.All" })));
        Assert.Equal(400, codeStatus);
        TokenEndpointTests.AssertAadError(codeBody, "invalid_grant", 65001);
        Assert.Contains("named 'Northwind Sentry'", codeBody.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task The_seeded_consent_in_Contoso_gives_a_token_of_that_tenant_with_the_granted_roles_and_it_reads_alerts()
    {
        var (status, body) = await TokenAsync("contoso.example", Form());
        Assert.Equal(200, status);
        var jwt = Jwt(body);
        Assert.Equal(Contoso, jwt.GetClaim("tid").Value);
        Assert.Equal(PartnerSeed.ClientId, jwt.GetClaim("appid").Value);
        Assert.Equal("Northwind Sentry", jwt.GetClaim("app_displayname").Value);
        Assert.Equal(PartnerSeed.ContosoGraphRoles.Order(), Roles(jwt).Order());
        var (alerts, _) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts?$top=1", jwt.EncodedToken));
        Assert.Equal(200, alerts);
        // Contoso granted Graph roles only, so a Defender token carries none.
        var (defender, defenderBody) = await TokenAsync(Contoso, Form("https://api.securitycenter.microsoft.com/.default"));
        Assert.Equal(200, defender);
        Assert.Empty(Roles(Jwt(defenderBody)));
        // The credential is the home registration's.
        var (wrong, wrongBody) = await TokenAsync(Contoso, Form(secret: "not-the-secret"));
        Assert.Equal(401, wrong);
        TokenEndpointTests.AssertAadError(wrongBody, "invalid_client", 7000215);
    }

    [Fact]
    public async Task In_its_home_tenant_the_app_gets_a_token_without_roles()
    {
        var (status, body) = await TokenAsync("northwindsec.example", Form());
        Assert.Equal(200, status);
        var jwt = Jwt(body);
        Assert.Equal(PartnerSeed.TenantId, jwt.GetClaim("tid").Value);
        Assert.Empty(Roles(jwt));
    }

    [Theory]
    [InlineData("api://northwind-sentry/.default", "api://northwind-sentry")]
    [InlineData("api://northwind-sentry//.default", "api://northwind-sentry")]
    [InlineData(PartnerSeed.ClientId + "/.default", PartnerSeed.ClientId)]
    public async Task A_token_for_the_partner_API_in_a_tenant_where_it_has_a_principal_has_that_audience(string scope, string audience)
    {
        var (status, body) = await TokenAsync(Contoso, Form(scope, TenantDirectory.DefaultClientId, TenantDirectory.DefaultClientSecret));
        Assert.Equal(200, status);
        var jwt = Jwt(body);
        Assert.Equal(audience, jwt.Audiences.Single());
        Assert.Equal(Contoso, jwt.GetClaim("tid").Value);
        Assert.Equal(TenantDirectory.DefaultClientId, jwt.GetClaim("appid").Value);
        Assert.Empty(Roles(jwt));
        // Graph refuses a token of another audience.
        var (graph, _) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=1", jwt.EncodedToken));
        Assert.Equal(401, graph);
    }

    [Fact]
    public async Task Without_a_principal_in_the_tenant_the_partner_API_is_AADSTS500011()
    {
        var (status, body) = await TokenAsync(Fabrikam, Form("api://northwind-sentry/.default", TenantDirectory.FabrikamClientId, TenantDirectory.FabrikamClientSecret));
        Assert.Equal(400, status);
        TokenEndpointTests.AssertAadError(body, "invalid_resource", 500011);
        Assert.StartsWith("AADSTS500011: The resource principal named api://northwind-sentry was not found in the tenant named Fabrikam (emulator).",
            body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Roles_granted_on_the_partner_API_are_in_its_tokens_and_unknown_roles_are_refused()
    {
        var grant = await _f.Client.PostAsJsonAsync($"/_emulator/tenants/{Contoso}/consents",
            new { clientId = PartnerSeed.ClientId, roles = new Dictionary<string, string[]> { ["api://northwind-sentry"] = new[] { "Alerts.Read.All" } } });
        Assert.Equal(200, (int)grant.StatusCode); // Contoso had consented already: the roles are added
        var (status, body) = await TokenAsync(Contoso, Form("api://northwind-sentry/.default"));
        Assert.Equal(200, status);
        Assert.Equal(new[] { "Alerts.Read.All" }, Roles(Jwt(body)));
        // Its Graph roles are still there.
        var (_, graphBody) = await TokenAsync(Contoso, Form());
        Assert.Contains("SecurityEvents.ReadWrite.All", Roles(Jwt(graphBody)));

        var bad = await _f.Client.PostAsJsonAsync($"/_emulator/tenants/{Contoso}/consents",
            new { clientId = PartnerSeed.ClientId, roles = new Dictionary<string, string[]> { ["api://northwind-sentry"] = new[] { "Everything.All" } } });
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("exposes no app role Everything.All", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_emulator_can_mint_a_token_as_Graph_for_a_provider_audience()
    {
        var tenant = _f.Options.Directory.Find(Contoso);
        var jwt = new JsonWebToken(_f.Issuer.IssueAsGraph(tenant, PartnerSeed.AppIdUri));
        Assert.Equal(TokenIssuer.GraphAppId, jwt.GetClaim("appid").Value);
        Assert.Equal(PartnerSeed.AppIdUri, jwt.Audiences.Single());
        Assert.Equal(Contoso, jwt.GetClaim("tid").Value);
        Assert.Equal(TokenIssuer.Issuer(Contoso), jwt.Issuer);
        Assert.Equal(_f.Issuer.KeyId, jwt.Kid);
        Assert.True(jwt.GetPayloadValue<long>("exp") > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task The_counters_record_each_request_s_user_agent()
    {
        await _f.Client.DeleteAsync("/_emulator/counters");
        var token = (await TokenAsync(Contoso, Form(clientId: TenantDirectory.DefaultClientId, secret: TenantDirectory.DefaultClientSecret))).Body.GetProperty("access_token").GetString();
        await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=1", token,
            configure: r => r.Headers.TryAddWithoutValidation("User-Agent", "MdePartner-NorthwindSecurity-Sentry/1.2 GraphSecurity/1.0.0"));
        var counters = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/counters")).RootElement;
        var seen = counters.GetProperty("userAgents").EnumerateArray().Single(u => u.GetProperty("route").GetString() == "/v1.0/security/alerts_v2");
        Assert.Equal("MdePartner-NorthwindSecurity-Sentry/1.2 GraphSecurity/1.0.0", seen.GetProperty("userAgent").GetString());
        Assert.Equal(1, seen.GetProperty("count").GetInt32());
    }
}

/// <summary>The registry on its own: events, the home tenant, bad grants, and config-file apps and consents.</summary>
public class ServicePrincipalGrantsTests
{
    private static (ServicePrincipalGrants Grants, List<(string, string, bool)> Events) NewRegistry(EmulatorOptions options = null)
    {
        options ??= new EmulatorOptions().Finish();
        var grants = new ServicePrincipalGrants(options.Directory, options);
        var events = new List<(string, string, bool)>();
        grants.Changed += (t, c, g) => events.Add((t, c, g));
        return (grants, events);
    }

    [Fact]
    public void Grant_and_revoke_raise_Changed_and_IsConsented_follows()
    {
        var (grants, events) = NewRegistry();
        Assert.True(grants.IsConsented("contoso.example", PartnerSeed.ClientId));
        Assert.False(grants.IsConsented(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId));
        Assert.True(grants.IsConsented(PartnerSeed.TenantId, PartnerSeed.ClientId)); // its home tenant
        Assert.False(grants.IsConsented(TenantDirectory.FabrikamTenantId, TenantDirectory.DefaultClientId)); // not multi-tenant

        grants.Grant("FABRIKAM.EXAMPLE", PartnerSeed.ClientId.ToUpperInvariant(),
            new Dictionary<string, IEnumerable<string>> { ["Graph"] = new[] { "SecurityAlert.Read.All" }, ["https://api.securitycenter.microsoft.com"] = new[] { "Alert.Read.All" } }, null);
        Assert.True(grants.IsConsented(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId));
        Assert.Equal(new[] { "SecurityAlert.Read.All" }, grants.GrantedRoles(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId, "Graph"));
        Assert.Equal(new[] { "Alert.Read.All" }, grants.GrantedRoles(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId, "DefenderForEndpoint"));
        Assert.Empty(grants.GrantedRoles(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId, "api://northwind-sentry"));
        Assert.Single(grants.InTenant(TenantDirectory.FabrikamTenantId));

        Assert.True(grants.Revoke(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId));
        Assert.False(grants.Revoke(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId));
        Assert.False(grants.IsConsented(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId));
        Assert.Empty(grants.GrantedRoles(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId, "Graph"));
        Assert.Equal(new[] { (TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId, true), (TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId, false) }, events);
    }

    [Fact]
    public void The_view_of_a_principal_stays_one_object_while_its_grants_grow()
    {
        var options = new EmulatorOptions().Finish();
        var (grants, _) = NewRegistry(options);
        var first = grants.Grant(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId, new Dictionary<string, IEnumerable<string>> { ["Graph"] = new[] { "A.Read" } }, null);
        var second = grants.Grant(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId, new Dictionary<string, IEnumerable<string>> { ["Graph"] = new[] { "B.Read", "a.read" } }, null);
        Assert.Same(first.View, second.View);
        Assert.Equal(new[] { "A.Read", "B.Read" }, grants.GrantedRoles(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId, "Graph"));
        Assert.Same(first.View, grants.Resolve(options.Directory.Find("fabrikam.example"), PartnerSeed.ClientId));
        Assert.Null(grants.Resolve(options.Directory.Find("fabrikam.example"), TenantDirectory.DefaultClientId));
    }

    [Fact]
    public void Bad_grants_are_refused_with_what_is_wrong()
    {
        var (grants, events) = NewRegistry();
        Assert.Contains("not found", Assert.Throws<ArgumentException>(() => grants.Grant("nowhere.example", PartnerSeed.ClientId, null, null)).Message);
        Assert.Contains("No multi-tenant app", Assert.Throws<ArgumentException>(() => grants.Grant(TenantDirectory.FabrikamTenantId, TenantDirectory.DefaultClientId, null, null)).Message);
        Assert.Contains("needs no consent", Assert.Throws<ArgumentException>(() => grants.Grant(PartnerSeed.TenantId, PartnerSeed.ClientId, null, null)).Message);
        Assert.Contains("Unknown API 'https://vault.azure.net'", Assert.Throws<ArgumentException>(() => grants.Grant(TenantDirectory.FabrikamTenantId, PartnerSeed.ClientId,
            new Dictionary<string, IEnumerable<string>> { ["https://vault.azure.net"] = new[] { "x" } }, null)).Message);
        Assert.Empty(events);
    }

    [Fact]
    public void The_config_file_adds_multi_tenant_apps_and_seeds_their_consents()
    {
        var dir = Directory.CreateTempSubdirectory("gs-consent-");
        try
        {
            var path = Path.Combine(dir.FullName, "config.json");
            File.WriteAllText(path, """
            {
              "multiTenantApps": [ { "clientId": "11111111-2222-4333-8444-555555555555", "displayName": "Tailspin Watch", "homeTenantId": "7a1c9e3b-5d2f-4a8e-b6c4-0e9f8d7c6b5a",
                                     "secret": "tw", "appIdUri": "api://tailspin-watch", "appRoles": ["Watch.Read"], "redirectUris": "http://localhost",
                                     "requiredResourceAccess": { "Graph": { "roles": ["SecurityAlert.Read.All"], "scopes": "User.Read" } } } ],
              "consents": [ { "tenantId": "fabrikam.example", "clientId": "11111111-2222-4333-8444-555555555555", "roles": { "Graph": ["SecurityAlert.Read.All"] } } ]
            }
            """);
            var options = EmulatorOptions.Parse(new[] { "--config", path, "--info-file", Path.Combine(dir.FullName, "info.json") });
            var (grants, _) = NewRegistry(options);
            var app = grants.FindMultiTenantApp("11111111-2222-4333-8444-555555555555");
            Assert.Equal("Tailspin Watch", app.DisplayName);
            Assert.Equal(new[] { "User.Read" }, app.RequiredResourceAccess["Graph"].Scopes);
            Assert.Same(app, grants.FindApiApp("api://tailspin-watch/"));
            Assert.True(grants.IsConsented(TenantDirectory.FabrikamTenantId, app.ClientId));
            Assert.Equal(new[] { "SecurityAlert.Read.All" }, grants.GrantedRoles(TenantDirectory.FabrikamTenantId, app.ClientId, "Graph"));
            Assert.True(grants.IsConsented(TenantDirectory.DefaultTenantId, PartnerSeed.ClientId)); // the seeded consent stays

            File.WriteAllText(path, """{ "multiTenantApps": [ { "clientId": "not-a-guid", "homeTenantId": "7a1c9e3b-5d2f-4a8e-b6c4-0e9f8d7c6b5a" } ] }""");
            Assert.Contains("GUIDs", Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--config", path })).Message);
            File.WriteAllText(path, """{ "multiTenantApps": [ { "clientId": "11111111-2222-4333-8444-555555555555", "homeTenantId": "99999999-2222-4333-8444-555555555555" } ] }""");
            var orphan = EmulatorOptions.Parse(new[] { "--config", path });
            Assert.Contains("is not a tenant of the emulator", Assert.Throws<ArgumentException>(() => NewRegistry(orphan)).Message);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
