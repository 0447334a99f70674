using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

/// <summary>security/identities/identityAccounts: the alerts' users and the directory's, invokeAction and its effects.</summary>
public class IdentityAccountTests : IClassFixture<DefenderFixture>
{
    private const string Accounts = "/v1.0/security/identities/identityAccounts";
    private readonly DefenderFixture _f;
    public IdentityAccountTests(DefenderFixture f) => _f = f;

    private async Task<List<JsonElement>> ListAsync(string query = "")
    {
        var page = await _f.GetJsonAsync(Accounts + query);
        return page.GetProperty("value").EnumerateArray().ToList();
    }

    private async Task<(int Status, JsonElement Body)> InvokeAsync(string id, string accountId, string action, string provider, string token = null) =>
        await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, $"{Accounts}/{id}/invokeAction", token,
            JsonSerializer.Serialize(new { accountId, action, identityProvider = provider })));

    [Fact]
    public async Task The_alert_evidence_users_are_hybrid_identities_and_the_named_users_cloud_only()
    {
        var all = await ListAsync();
        var alerts = await _f.AllAlertsAsync();
        var users = alerts.SelectMany(a => a.GetProperty("evidence").EnumerateArray())
            .Where(e => e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.userEvidence")
            .Select(e => e.GetProperty("userAccount")).ToList();
        Assert.NotEmpty(users);
        foreach (var u in users)
        {
            var identity = all.Single(i => i.GetProperty("userPrincipalName").GetString() == u.GetProperty("userPrincipalName").GetString());
            Assert.Equal("#microsoft.graph.security.user", identity.GetProperty("@odata.type").GetString());
            Assert.Equal(u.GetProperty("azureAdUserId").GetString(), identity.GetProperty("cloudSecurityIdentifier").GetString());
            Assert.Equal(u.GetProperty("userSid").GetString(), identity.GetProperty("onPremisesSecurityIdentifier").GetString());
            var providers = identity.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("identityProvider").GetString());
            Assert.Equal(new[] { "entraID", "activeDirectory" }, providers);
        }
        var ada = all.Single(i => i.GetProperty("userPrincipalName").GetString() == "ada@contoso.example");
        Assert.Equal(JsonValueKind.Null, ada.GetProperty("onPremisesSecurityIdentifier").ValueKind);
        Assert.Single(ada.GetProperty("accounts").EnumerateArray());

        var byUpn = await ListAsync("?$filter=userPrincipalName eq 'ada@contoso.example'");
        Assert.Equal(ada.GetProperty("id").GetString(), Assert.Single(byUpn).GetProperty("id").GetString());
        var paged = await _f.GetJsonAsync(Accounts + "?$top=10");
        Assert.Equal(10, paged.GetProperty("value").GetArrayLength());
        Assert.Contains("$skip=10", paged.GetProperty("@odata.nextLink").GetString());
        var one = await _f.GetJsonAsync($"/beta/security/identities/identityAccounts/{ada.GetProperty("id").GetString()}");
        Assert.Equal("ada@contoso.example", one.GetProperty("userPrincipalName").GetString());
        Assert.Equal(404, (int)(await _f.SendAsync(HttpMethod.Get, $"{Accounts}/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task InvokeAction_disables_enables_and_records_and_checks_the_provider_rules()
    {
        var identity = (await ListAsync()).First(i => i.GetProperty("accounts").GetArrayLength() == 2);
        var id = identity.GetProperty("id").GetString();
        var sid = identity.GetProperty("onPremisesSecurityIdentifier").GetString();
        var oid = identity.GetProperty("cloudSecurityIdentifier").GetString();

        var (status, result) = await InvokeAsync(id, sid, "disable", "activeDirectory");
        Assert.True(status == 200, result.ToString());
        Assert.Equal("#microsoft.graph.security.invokeActionResult", result.GetProperty("@odata.type").GetString());
        Assert.True(Guid.TryParse(result.GetProperty("correlationId").GetString(), out _));
        Assert.False((await _f.GetJsonAsync($"{Accounts}/{id}")).GetProperty("isEnabled").GetBoolean());
        Assert.Equal(200, (await InvokeAsync(id, sid, "enable", "activeDirectory")).Status);
        Assert.True((await _f.GetJsonAsync($"{Accounts}/{id}")).GetProperty("isEnabled").GetBoolean());
        Assert.Equal(200, (await InvokeAsync(id, oid, "revokeAllSessions", "entraID")).Status);
        Assert.Equal(200, (await InvokeAsync(id, sid, "forcePasswordReset", "activeDirectory")).Status);

        var control = await _f.GetJsonAsync($"/_emulator/tenants/{TenantDirectory.DefaultTenantId}/identities/accounts", token: "");
        var state = control.EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        Assert.True(state.GetProperty("passwordResetRequired").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, state.GetProperty("sessionsRevokedDateTime").ValueKind);
        Assert.Equal(new[] { "disable", "enable", "revokeAllSessions", "forcePasswordReset" },
            state.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("action").GetString()));

        var wrongProvider = await InvokeAsync(id, oid, "forcePasswordReset", "entraID");
        Assert.Equal(400, wrongProvider.Status);
        Assert.Equal("badRequest", wrongProvider.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("activeDirectory", wrongProvider.Body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(400, (await InvokeAsync(id, sid, "disable", "entraID")).Status); // the SID is not its Entra account
        Assert.Equal(400, (await InvokeAsync(id, oid, "explode", "entraID")).Status);
        Assert.Equal(400, (await InvokeAsync(id, oid, "disable", "ldap")).Status);
        Assert.Equal(404, (await InvokeAsync(Guid.NewGuid().ToString(), oid, "disable", "entraID")).Status);

        var reader = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        var forbidden = await InvokeAsync(id, oid, "disable", "entraID", reader);
        Assert.Equal(403, forbidden.Status);
        Assert.Contains("SecurityIdentitiesActions.ReadWrite.All", forbidden.Body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(403, (int)(await _f.SendAsync(HttpMethod.Get, Accounts, reader)).StatusCode);
    }
}
