using System.Text.Json;
using GraphSecurity.Emulator.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Tests;

public class DeviceCodeTests : IClassFixture<ClockedEmulatorFixture>
{
    private const string Scopes = "https://graph.microsoft.com/SecurityAlert.Read.All User.Read offline_access openid profile";
    private readonly ClockedEmulatorFixture _f;
    public DeviceCodeTests(ClockedEmulatorFixture f) => _f = f;

    private static void AssertAadError((int Status, JsonElement Body) response, string error, int code)
    {
        Assert.Equal(400, response.Status);
        TokenEndpointTests.AssertAadError(response.Body, error, code);
    }

    [Fact]
    public async Task Device_code_response_has_the_documented_fields()
    {
        var body = await _f.StartDeviceCodeAsync(Scopes);
        Assert.Equal(new[] { "user_code", "device_code", "verification_uri", "expires_in", "interval", "message" },
            body.EnumerateObject().Select(p => p.Name));
        var userCode = body.GetProperty("user_code").GetString();
        Assert.Matches("^[A-Z0-9]{9}$", userCode);
        Assert.Equal("https://microsoft.com/devicelogin", body.GetProperty("verification_uri").GetString());
        Assert.Equal(60, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(2, body.GetProperty("interval").GetInt32());
        Assert.Equal($"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code {userCode} to authenticate.",
            body.GetProperty("message").GetString());
        Assert.False(body.TryGetProperty("verification_uri_complete", out _));
    }

    [Fact]
    public async Task Polling_goes_pending_slow_down_pending_then_issues_user_tokens()
    {
        var start = await _f.StartDeviceCodeAsync(Scopes);
        var deviceCode = start.GetProperty("device_code").GetString();
        AssertAadError(await _f.PollAsync(deviceCode), "authorization_pending", 70016);
        AssertAadError(await _f.PollAsync(deviceCode), "slow_down", 70016);
        _f.Time.Advance(TimeSpan.FromSeconds(2));
        AssertAadError(await _f.PollAsync(deviceCode), "authorization_pending", 70016);

        var (approved, decision) = await _f.PostJsonAsync("/_emulator/devicecode/approve",
            new { userCode = start.GetProperty("user_code").GetString().ToLowerInvariant(), user = "GRACE@contoso.example" });
        Assert.Equal(200, approved);
        Assert.Equal("grace@contoso.example", decision.GetProperty("user").GetString());
        Assert.Equal("approved", decision.GetProperty("state").GetString());

        _f.Time.Advance(TimeSpan.FromSeconds(2));
        var (status, body) = await _f.PollAsync(deviceCode);
        Assert.Equal(200, status);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal("https://graph.microsoft.com/SecurityAlert.Read.All https://graph.microsoft.com/User.Read offline_access openid profile",
            body.GetProperty("scope").GetString());
        Assert.Equal(3599, body.GetProperty("expires_in").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));

        var grace = _f.Options.Directory.Find("contoso.example").FindUser("grace@contoso.example");
        var jwt = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("user", jwt.GetClaim("idtyp").Value);
        Assert.Equal("SecurityAlert.Read.All User.Read openid profile", jwt.GetClaim("scp").Value);
        Assert.Equal("grace@contoso.example", jwt.GetClaim("upn").Value);
        Assert.Equal("Grace Hopper", jwt.GetClaim("name").Value);
        Assert.Equal(grace.ObjectId(TenantDirectory.DefaultTenantId), jwt.GetClaim("oid").Value);
        Assert.Equal(DirectorySeed.PowerShellClientId, jwt.GetClaim("appid").Value);
        Assert.Equal(DirectoryRoles.TemplateIds["Security Operator"], jwt.GetClaim("wids").Value);
        Assert.False(jwt.TryGetClaim("roles", out _));

        var id = new JsonWebToken(body.GetProperty("id_token").GetString());
        Assert.Equal(DirectorySeed.PowerShellClientId, id.Audiences.Single());
        Assert.Equal("grace@contoso.example", id.GetClaim("preferred_username").Value);
        Assert.Equal($"http://localhost/{TenantDirectory.DefaultTenantId}/v2.0", id.Issuer);

        // The user token works on Graph; the device code is used up.
        Assert.Equal(200, (int)(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=1", jwt.EncodedToken)).StatusCode);
        _f.Time.Advance(TimeSpan.FromSeconds(2));
        AssertAadError(await _f.PollAsync(deviceCode), "bad_verification_code", 70018);
    }

    [Fact]
    public async Task Declined_and_expired_codes_stop_the_flow()
    {
        var declined = await _f.StartDeviceCodeAsync(Scopes);
        var (status, _) = await _f.PostJsonAsync("/_emulator/devicecode/decline", new { userCode = declined.GetProperty("user_code").GetString() });
        Assert.Equal(200, status);
        AssertAadError(await _f.PollAsync(declined.GetProperty("device_code").GetString()), "authorization_declined", 65004);

        var expiring = await _f.StartDeviceCodeAsync(Scopes);
        _f.Time.Advance(TimeSpan.FromSeconds(61));
        AssertAadError(await _f.PollAsync(expiring.GetProperty("device_code").GetString()), "expired_token", 70019);
        var (late, lateBody) = await _f.PostJsonAsync("/_emulator/devicecode/approve", new { userCode = expiring.GetProperty("user_code").GetString() });
        Assert.Equal(404, late);
        Assert.Contains("No pending device code", lateBody.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Bad_requests_get_the_aad_errors()
    {
        AssertAadError(await _f.PollAsync("not-a-device-code"), "bad_verification_code", 70018);

        var start = await _f.StartDeviceCodeAsync("SecurityAlert.Read.All");
        // Another client cannot redeem the code.
        AssertAadError(await _f.PollAsync(start.GetProperty("device_code").GetString(), DirectorySeed.ReaderConsoleClientId), "bad_verification_code", 70018);

        var (status, body) = await _f.PostFormAsync("/contoso.example/oauth2/v2.0/devicecode",
            new Dictionary<string, string> { ["client_id"] = TenantDirectory.DefaultClientId, ["scope"] = "User.Read" });
        Assert.Equal(401, status);
        TokenEndpointTests.AssertAadError(body, "invalid_client", 7000218);

        AssertAadError(await _f.PostFormAsync("/contoso.example/oauth2/v2.0/devicecode",
            new Dictionary<string, string> { ["client_id"] = DirectorySeed.ReaderConsoleClientId, ["scope"] = "SecurityAlert.ReadWrite.All" }), "invalid_grant", 65001);
        AssertAadError(await _f.PostFormAsync("/contoso.example/oauth2/v2.0/devicecode",
            new Dictionary<string, string> { ["client_id"] = DirectorySeed.PowerShellClientId, ["scope"] = "https://vault.azure.net/user_impersonation" }), "invalid_scope", 70011);
        AssertAadError(await _f.PostFormAsync("/contoso.example/oauth2/v2.0/devicecode",
            new Dictionary<string, string> { ["client_id"] = DirectorySeed.PowerShellClientId }), "invalid_request", 900144);
        AssertAadError(await _f.PostFormAsync("/nowhere.example/oauth2/v2.0/devicecode",
            new Dictionary<string, string> { ["client_id"] = DirectorySeed.PowerShellClientId, ["scope"] = "User.Read" }), "invalid_request", 90002);

        var pending = await _f.StartDeviceCodeAsync("User.Read");
        var (unknownUser, error) = await _f.PostJsonAsync("/_emulator/devicecode/approve", new { userCode = pending.GetProperty("user_code").GetString(), user = "nobody@contoso.example" });
        Assert.Equal(400, unknownUser);
        Assert.Equal("User 'nobody@contoso.example' does not exist in tenant 'contoso.example'.", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Tokens_without_offline_access_or_openid_have_no_refresh_or_id_token()
    {
        var body = await _f.UserTokenResponseAsync("alan@contoso.example", "https://graph.microsoft.com/.default");
        Assert.False(body.TryGetProperty("refresh_token", out _));
        Assert.False(body.TryGetProperty("id_token", out _));
        var scp = new JsonWebToken(body.GetProperty("access_token").GetString()).GetClaim("scp").Value;
        Assert.Equal(string.Join(" ", DirectorySeed.PowerShellScopes), scp);
    }
}
