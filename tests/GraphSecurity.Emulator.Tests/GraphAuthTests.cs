using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

public class GraphAuthTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;
    public GraphAuthTests(EmulatorFixture f) => _f = f;

    private async Task AssertUnauthorizedAsync(string token, string message)
    {
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=1", token);
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(401, status);
        Assert.Equal("InvalidAuthenticationToken", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(message, body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
            response.Headers.WwwAuthenticate.ToString());
        Assert.True(response.Headers.Contains("request-id"));
    }

    [Fact]
    public Task Missing_token_is_401_empty() => AssertUnauthorizedAsync("", "Access token is empty.");

    [Fact]
    public Task Garbage_token_is_401_validation_failure() => AssertUnauthorizedAsync("not.a.jwt", "Access token validation failure.");

    [Fact]
    public async Task Tampered_signature_is_401_validation_failure()
    {
        var token = await _f.TokenAsync();
        var parts = token.Split('.');
        var sig = parts[2].ToCharArray();
        sig[10] = sig[10] == 'A' ? 'B' : 'A';
        await AssertUnauthorizedAsync($"{parts[0]}.{parts[1]}.{new string(sig)}", "Access token validation failure.");
    }

    [Fact]
    public async Task Expired_token_is_401_lifetime()
    {
        var dir = (TenantDirectory)_f.App.Services.GetService(typeof(TenantDirectory));
        var tenant = dir.Find("contoso.example");
        var token = _f.Issuer.Issue(tenant, tenant.FindApp(TenantDirectory.DefaultClientId), "1", DateTimeOffset.UtcNow.AddHours(-3));
        await AssertUnauthorizedAsync(token, "Lifetime validation failed, the token is expired.");
    }

    [Fact]
    public async Task Wrong_audience_is_401_invalid_audience()
    {
        var dir = (TenantDirectory)_f.App.Services.GetService(typeof(TenantDirectory));
        var tenant = dir.Find("contoso.example");
        var token = _f.Issuer.Issue(tenant, tenant.FindApp(TenantDirectory.DefaultClientId), "1", audience: "https://management.azure.com");
        await AssertUnauthorizedAsync(token, "Access token validation failure. Invalid audience.");
    }

    [Fact]
    public async Task No_roles_app_gets_403_with_exact_message()
    {
        var token = await _f.TokenAsync(TenantDirectory.NoRolesClientId, TenantDirectory.NoRolesClientSecret);
        foreach (var url in new[] { "/v1.0/security/alerts_v2", "/v1.0/security/alerts_v2/whatever" })
        {
            var (status, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Get, url, token));
            Assert.Equal(403, status);
            Assert.Equal("Forbidden", body.GetProperty("error").GetProperty("code").GetString());
            Assert.Equal("Missing application roles. API required roles: SecurityAlert.Read.All,SecurityAlert.ReadWrite.All,SecurityIncident.Read.All,SecurityIncident.ReadWrite.All, application roles: .",
                body.GetProperty("error").GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Reader_app_can_read()
    {
        var token = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        var page = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$top=1", token);
        Assert.Equal(1, page.GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task Tokens_only_see_their_own_tenant()
    {
        var fabrikam = await _f.TokenAsync(TenantDirectory.FabrikamClientId, TenantDirectory.FabrikamClientSecret, "fabrikam.example");
        var page = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$count=true", fabrikam);
        Assert.Equal(150, page.GetProperty("@odata.count").GetInt32());
        Assert.All(page.GetProperty("value").EnumerateArray(), a =>
            Assert.Equal(TenantDirectory.FabrikamTenantId, a.GetProperty("tenantId").GetString()));
        Assert.Contains(page.GetProperty("value").EnumerateArray(), a => a.GetProperty("evidence").GetRawText().Contains("fabrikam.example"));

        var contosoAlert = (await _f.AllAlertsAsync())[0].GetProperty("id").GetString();
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2/" + contosoAlert, fabrikam);
        Assert.Equal(404, (int)response.StatusCode);
    }
}
