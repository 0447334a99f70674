using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Tests;

public class TokenEndpointTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;
    public TokenEndpointTests(EmulatorFixture f) => _f = f;

    private static Dictionary<string, string> Form(string clientId = TenantDirectory.DefaultClientId, string secret = TenantDirectory.DefaultClientSecret,
        string scope = "https://graph.microsoft.com/.default", string grant = "client_credentials")
    {
        var d = new Dictionary<string, string>();
        if (grant != null) d["grant_type"] = grant;
        if (clientId != null) d["client_id"] = clientId;
        if (secret != null) d["client_secret"] = secret;
        if (scope != null) d["scope"] = scope;
        return d;
    }

    private async Task<(int Status, JsonElement Body)> TokenAsync(string tenant, Dictionary<string, string> form) =>
        await EmulatorFixture.ReadAsync(await _f.RequestTokenAsync(tenant, form));

    internal static void AssertAadError(JsonElement body, string error, int code)
    {
        Assert.Equal(error, body.GetProperty("error").GetString());
        var description = body.GetProperty("error_description").GetString();
        Assert.StartsWith($"AADSTS{code}: ", description);
        Assert.Matches(@"\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", description);
        Assert.Equal(new[] { code }, body.GetProperty("error_codes").EnumerateArray().Select(e => e.GetInt32()));
        foreach (var p in new[] { "timestamp", "trace_id", "correlation_id", "error_uri" })
            Assert.Equal(JsonValueKind.String, body.GetProperty(p).ValueKind);
        Assert.Equal(body.GetProperty("trace_id").GetString(), description.Split("Trace ID: ")[1][..36]);
    }

    [Theory]
    [InlineData("b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c")]
    [InlineData("contoso.example")]
    [InlineData("CONTOSO.EXAMPLE")]
    public async Task Secret_grant_issues_a_graph_token(string tenant)
    {
        foreach (var scope in new[] { "https://graph.microsoft.com/.default", "https://graph.microsoft.com//.default", "00000003-0000-0000-c000-000000000000/.default" })
        {
            var (status, body) = await TokenAsync(tenant, Form(scope: scope));
            Assert.Equal(200, status);
            Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
            Assert.Equal(3599, body.GetProperty("expires_in").GetInt32());
            Assert.Equal(3599, body.GetProperty("ext_expires_in").GetInt32());
            var jwt = new JsonWebToken(body.GetProperty("access_token").GetString());
            Assert.Equal("RS256", jwt.Alg);
            Assert.False(string.IsNullOrEmpty(jwt.Kid));
            Assert.Equal("https://graph.microsoft.com", jwt.Audiences.Single());
            Assert.Equal("https://sts.windows.net/b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c/", jwt.Issuer);
            Assert.Equal("b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c", jwt.GetClaim("tid").Value);
            Assert.Equal(TenantDirectory.DefaultClientId, jwt.GetClaim("appid").Value);
            Assert.Equal(TenantDirectory.DefaultClientId, jwt.GetClaim("azp").Value);
            Assert.Equal("GraphSecurity Emulator", jwt.GetClaim("app_displayname").Value);
            Assert.Equal("app", jwt.GetClaim("idtyp").Value);
            Assert.Equal("1.0", jwt.GetClaim("ver").Value);
            Assert.Equal(jwt.GetClaim("oid").Value, jwt.Subject);
            Assert.Equal(TenantDirectory.FullRoles, jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
            Assert.Equal(3599, (jwt.ValidTo - jwt.IssuedAt).TotalSeconds);
            Assert.False(string.IsNullOrEmpty(jwt.GetClaim("uti").Value));
        }
    }

    [Theory]
    [InlineData("https://api.securitycenter.microsoft.com/.default", "https://api.securitycenter.microsoft.com", true)]
    [InlineData("https://securitycenter.onmicrosoft.com/windowsatpservice/.default", "https://securitycenter.onmicrosoft.com/windowsatpservice", true)]
    [InlineData("fc780465-2017-40d4-a0c5-307022471b92/.default", "https://api.securitycenter.microsoft.com", true)]
    [InlineData("https://management.azure.com/.default", "https://management.azure.com", false)]
    [InlineData("https://management.core.windows.net//.default", "https://management.core.windows.net", false)]
    [InlineData("https://monitor.azure.com/.default", "https://monitor.azure.com", false)]
    public async Task The_other_apis_get_tokens_of_their_audience_with_the_apps_roles_on_them(string scope, string audience, bool hasRoles)
    {
        var (status, body) = await TokenAsync(TenantDirectory.DefaultTenantId, Form(scope: scope));
        Assert.Equal(200, status);
        var jwt = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal(audience, jwt.Audiences.Single());
        var roles = jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value).ToList();
        if (hasRoles) Assert.Equal(Identity.ApiResources.DefenderFullRoles, roles);
        else Assert.Empty(roles);   // ARM and Logs Ingestion authorize by Azure RBAC, not app roles
        Assert.DoesNotContain("SecurityAlert.ReadWrite.All", roles);
    }

    [Fact]
    public async Task Oid_is_deterministic_per_app_and_roles_are_omitted_when_empty()
    {
        var (_, a) = await TokenAsync("contoso.example", Form(TenantDirectory.NoRolesClientId, TenantDirectory.NoRolesClientSecret));
        var (_, b) = await TokenAsync("contoso.example", Form(TenantDirectory.NoRolesClientId, TenantDirectory.NoRolesClientSecret));
        var ja = new JsonWebToken(a.GetProperty("access_token").GetString());
        var jb = new JsonWebToken(b.GetProperty("access_token").GetString());
        Assert.Equal(ja.GetClaim("oid").Value, jb.GetClaim("oid").Value);
        Assert.False(ja.TryGetPayloadValue<object>("roles", out _));
    }

    [Fact]
    public async Task Basic_authentication_is_accepted()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/contoso.example/oauth2/v2.0/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "https://graph.microsoft.com/.default" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TenantDirectory.ReaderClientId}:{TenantDirectory.ReaderClientSecret}")));
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.Client.SendAsync(request));
        Assert.Equal(200, status);
        var jwt = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal(new[] { "SecurityAlert.Read.All" }, jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
    }

    [Fact]
    public async Task Wrong_secret_is_401_invalid_client_7000215()
    {
        var response = await _f.RequestTokenAsync("contoso.example", Form(secret: "not-the-secret"));
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(401, status);
        AssertAadError(body, "invalid_client", 7000215);
        Assert.Contains($"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{TenantDirectory.DefaultClientId}'.",
            body.GetProperty("error_description").GetString());
        Assert.DoesNotContain("not-the-secret", body.GetRawText());
    }

    [Fact]
    public async Task Correlation_id_echoes_client_request_id()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/contoso.example/oauth2/v2.0/token") { Content = new FormUrlEncodedContent(Form(secret: "x")) };
        request.Headers.Add("client-request-id", "0f0e0d0c-0b0a-4909-8807-060504030201");
        var (_, body) = await EmulatorFixture.ReadAsync(await _f.Client.SendAsync(request));
        Assert.Equal("0f0e0d0c-0b0a-4909-8807-060504030201", body.GetProperty("correlation_id").GetString());
    }

    [Fact]
    public async Task Unknown_client_is_400_unauthorized_client_700016()
    {
        var (status, body) = await TokenAsync("contoso.example", Form(clientId: "11111111-1111-1111-1111-111111111111"));
        Assert.Equal(400, status);
        AssertAadError(body, "unauthorized_client", 700016);
        Assert.Contains("Application with identifier '11111111-1111-1111-1111-111111111111' was not found in the directory 'contoso.example'",
            body.GetProperty("error_description").GetString());
        // An app of another tenant is unknown here.
        var (status2, body2) = await TokenAsync("contoso.example", Form(TenantDirectory.FabrikamClientId, TenantDirectory.FabrikamClientSecret));
        Assert.Equal(400, status2);
        AssertAadError(body2, "unauthorized_client", 700016);
    }

    [Theory]
    [InlineData("https://graph.microsoft.com/SecurityAlert.Read.All")]
    [InlineData("https://vault.azure.net/.default")]
    [InlineData("https://graph.microsoft.com/.default https://management.azure.com/.default")]
    [InlineData("openid")]
    public async Task Bad_scope_is_400_invalid_scope_70011(string scope)
    {
        var (status, body) = await TokenAsync("contoso.example", Form(scope: scope));
        Assert.Equal(400, status);
        AssertAadError(body, "invalid_scope", 70011);
    }

    [Fact]
    public async Task Unknown_tenant_unsupported_grant_and_missing_parameters()
    {
        var (s1, b1) = await TokenAsync("nowhere.example", Form());
        Assert.Equal(400, s1);
        AssertAadError(b1, "invalid_request", 90002);
        Assert.Contains("Tenant 'nowhere.example' not found.", b1.GetProperty("error_description").GetString());

        var (s2, b2) = await TokenAsync("contoso.example", Form(grant: "password"));
        Assert.Equal(400, s2);
        AssertAadError(b2, "unsupported_grant_type", 70003);

        foreach (var (form, name) in new[] { (Form(grant: null), "grant_type"), (Form(clientId: null), "client_id"), (Form(scope: null), "scope") })
        {
            var (s, b) = await TokenAsync("contoso.example", form);
            Assert.Equal(400, s);
            AssertAadError(b, "invalid_request", 900144);
            Assert.Contains($"The request body must contain the following parameter: '{name}'.", b.GetProperty("error_description").GetString());
        }

        var (s3, b3) = await TokenAsync("contoso.example", Form(secret: null));
        Assert.Equal(401, s3);
        AssertAadError(b3, "invalid_client", 7000218);
    }

    [Fact]
    public async Task Discovery_documents_point_at_the_emulator()
    {
        var config = await _f.GetJsonAsync("/contoso.example/v2.0/.well-known/openid-configuration", token: "");
        Assert.Equal("http://localhost/contoso.example/oauth2/v2.0/token", config.GetProperty("token_endpoint").GetString());
        Assert.Equal("http://localhost/contoso.example/oauth2/v2.0/authorize", config.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("http://localhost/contoso.example/oauth2/v2.0/devicecode", config.GetProperty("device_authorization_endpoint").GetString());
        Assert.Equal("http://localhost/b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c/v2.0", config.GetProperty("issuer").GetString());
        Assert.Equal("localhost", config.GetProperty("msgraph_host").GetString());

        var jwksUri = new Uri(config.GetProperty("jwks_uri").GetString());
        var jwks = await _f.GetJsonAsync(jwksUri.PathAndQuery, token: "");
        var key = jwks.GetProperty("keys")[0];
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        var token = new JsonWebToken(await _f.TokenAsync());
        Assert.Equal(token.Kid, key.GetProperty("kid").GetString());
        Assert.False(key.TryGetProperty("d", out _));

        var instance = await _f.GetJsonAsync("/common/discovery/instance?api-version=1.1&authorization_endpoint=" +
            Uri.EscapeDataString("http://localhost/contoso.example/oauth2/v2.0/authorize"), token: "");
        Assert.Equal("http://localhost/contoso.example/v2.0/.well-known/openid-configuration", instance.GetProperty("tenant_discovery_endpoint").GetString());
        Assert.Equal("localhost", instance.GetProperty("metadata")[0].GetProperty("aliases")[0].GetString());

        var unknown = await _f.Client.GetAsync("/nowhere.example/v2.0/.well-known/openid-configuration");
        Assert.Equal(400, (int)unknown.StatusCode);

        var health = await _f.GetJsonAsync("/_emulator/health", token: "");
        Assert.Equal("ok", health.GetProperty("status").GetString());
    }
}
