using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

public class DelegatedPermissionTests : IClassFixture<ClockedEmulatorFixture>
{
    private readonly ClockedEmulatorFixture _f;
    public DelegatedPermissionTests(ClockedEmulatorFixture f) => _f = f;

    private async Task<(int Status, string Code, string Message)> CallAsync(HttpMethod method, string token, string json = null)
    {
        var id = (await _f.GetJsonAsync("/v1.0/security/alerts_v2?$top=1&$select=id")).GetProperty("value")[0].GetProperty("id").GetString();
        var url = method == HttpMethod.Get ? "/v1.0/security/alerts_v2?$top=1"
            : method == HttpMethod.Post ? $"/v1.0/security/alerts_v2/{id}/comments"
            : $"/v1.0/security/alerts_v2/{id}";
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(method, url, token, json));
        if (status < 400) return (status, null, null);
        var error = body.GetProperty("error");
        return (status, error.GetProperty("code").GetString(), error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_read_scope_reads_but_cannot_write_and_gets_the_scope_message()
    {
        var token = await _f.UserTokenAsync("grace@contoso.example", "SecurityAlert.Read.All");
        Assert.Equal(200, (await CallAsync(HttpMethod.Get, token)).Status);
        var (status, code, message) = await CallAsync(HttpMethod.Patch, token, "{\"assignedTo\":\"grace@contoso.example\"}");
        Assert.Equal(403, status);
        Assert.Equal("Forbidden", code);
        Assert.Equal("Missing scope permissions on the request. API requires one of 'SecurityAlert.ReadWrite.All'. Scopes on the request 'SecurityAlert.Read.All'.", message);
    }

    [Fact]
    public async Task Scopes_unrelated_to_alerts_get_403_listing_every_accepted_scope()
    {
        var token = await _f.UserTokenAsync("ada@contoso.example", "User.Read openid profile");
        var (status, _, message) = await CallAsync(HttpMethod.Get, token);
        Assert.Equal(403, status);
        Assert.Equal("Missing scope permissions on the request. API requires one of 'SecurityAlert.Read.All, SecurityAlert.ReadWrite.All, SecurityIncident.Read.All, SecurityIncident.ReadWrite.All'. Scopes on the request 'User.Read, openid, profile'.", message);
    }

    [Fact]
    public async Task Writes_need_a_security_operator_or_administrator_reads_need_only_the_scope()
    {
        var reader = await _f.UserTokenAsync("alan@contoso.example", "SecurityAlert.ReadWrite.All");
        Assert.Equal(200, (await CallAsync(HttpMethod.Get, reader)).Status);
        var (status, _, message) = await CallAsync(HttpMethod.Patch, reader, "{\"status\":\"inProgress\"}");
        Assert.Equal(403, status);
        Assert.Equal("The signed-in user 'alan@contoso.example' does not hold a directory role that allows this operation. Required one of: Global Administrator, Security Administrator, Security Operator.", message);

        var operatorToken = await _f.UserTokenAsync("grace@contoso.example", "SecurityAlert.ReadWrite.All");
        Assert.Equal(200, (await CallAsync(HttpMethod.Patch, operatorToken, "{\"status\":\"inProgress\"}")).Status);
        var id = (await _f.GetJsonAsync("/v1.0/security/alerts_v2?$top=1&$select=id")).GetProperty("value")[0].GetProperty("id").GetString();
        var (_, comments) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, $"/v1.0/security/alerts_v2/{id}/comments", operatorToken, "{\"comment\":\"Looking into it.\"}"));
        Assert.Equal("grace@contoso.example", comments.GetProperty("value").EnumerateArray().Last().GetProperty("createdByDisplayName").GetString());

        var noRole = await _f.UserTokenAsync("edgar@contoso.example", "SecurityAlert.ReadWrite.All");
        Assert.Equal(200, (await CallAsync(HttpMethod.Get, noRole)).Status);
        (status, _, message) = await CallAsync(HttpMethod.Post, noRole, "{\"comment\":\"seen\"}");
        Assert.Equal(403, status);
        Assert.StartsWith("The signed-in user 'edgar@contoso.example' does not hold a directory role", message);
    }

    [Fact]
    public void Application_only_apis_refuse_user_tokens_with_the_application_roles_message()
    {
        var tenant = _f.Options.Directory.Find("contoso.example");
        var user = new CallerPrincipal(tenant, DirectorySeed.PowerShellClientId, "GraphSecurity PowerShell", Array.Empty<string>())
        {
            IsDelegated = true, Scopes = new[] { "SecurityActions.ReadWrite.All" }, UserRoles = new[] { "Security Administrator" },
        };
        // App-only APIs call Require: scopes never count there.
        var e = Assert.Throws<GraphError>(() => user.Require("SecurityActions.Read.All,SecurityActions.ReadWrite.All"));
        Assert.Equal(403, e.Status);
        Assert.Equal("Missing application roles. API required roles: SecurityActions.Read.All,SecurityActions.ReadWrite.All, application roles: .", e.Message);
        user.RequireRoleOrScope("SecurityActions.Read.All,SecurityActions.ReadWrite.All");

        var app = new CallerPrincipal(tenant, TenantDirectory.ReaderClientId, "GraphSecurity Reader", new[] { "SecurityAlert.Read.All" });
        e = Assert.Throws<GraphError>(() => app.RequireRoleOrScope("SecurityIncident.ReadWrite.All"));
        Assert.Equal("Missing application roles. API required roles: SecurityIncident.ReadWrite.All, application roles: SecurityAlert.Read.All.", e.Message);
        (app with { Roles = new[] { "SecurityIncident.ReadWrite.All" } }).RequireRoleOrScope("SecurityIncident.ReadWrite.All");
    }
}
