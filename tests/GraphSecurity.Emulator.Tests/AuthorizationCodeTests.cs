using System.Net;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Tests;

public class AuthorizationCodeTests : IClassFixture<ClockedEmulatorFixture>
{
    private const string Redirect = "http://localhost:53117/callback";
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-emulator-verifier";
    private readonly ClockedEmulatorFixture _f;
    public AuthorizationCodeTests(ClockedEmulatorFixture f) => _f = f;

    private static string AuthorizeUrl(string scope = "SecurityAlert.ReadWrite.All offline_access openid", string extra = "",
        string redirect = Redirect, string challenge = null) =>
        "/contoso.example/oauth2/v2.0/authorize?client_id=" + DirectorySeed.PowerShellClientId +
        "&response_type=code&redirect_uri=" + Uri.EscapeDataString(redirect) + "&scope=" + Uri.EscapeDataString(scope) +
        "&state=st-42&code_challenge=" + (challenge ?? UserGrants.S256(Verifier)) + "&code_challenge_method=S256" + extra;

    /// <summary>Follows the authorize request to its redirect and returns the redirect's query parameters.</summary>
    private async Task<Dictionary<string, string>> AuthorizeAsync(string url)
    {
        var response = await _f.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(Redirect + "?", location);
        return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
    }

    private Task<(int Status, JsonElement Body)> RedeemAsync(string code, string verifier = Verifier, string redirect = Redirect) =>
        _f.PostFormAsync("/contoso.example/oauth2/v2.0/token", new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = DirectorySeed.PowerShellClientId, ["code"] = code,
            ["redirect_uri"] = redirect, ["code_verifier"] = verifier, ["scope"] = "SecurityAlert.ReadWrite.All offline_access openid",
        });

    private Task<(int Status, JsonElement Body)> RefreshAsync(string refreshToken, string scope = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = DirectorySeed.PowerShellClientId, ["refresh_token"] = refreshToken,
        };
        if (scope != null) form["scope"] = scope;
        return _f.PostFormAsync("/contoso.example/oauth2/v2.0/token", form);
    }

    private static void AssertError((int Status, JsonElement Body) response, string error, int code)
    {
        Assert.Equal(400, response.Status);
        TokenEndpointTests.AssertAadError(response.Body, error, code);
    }

    [Fact]
    public async Task Authorize_consents_as_the_login_hint_user_and_the_code_is_redeemed_once_with_pkce()
    {
        var query = await AuthorizeAsync(AuthorizeUrl(extra: "&login_hint=alan%40contoso.example&prompt=select_account"));
        Assert.Equal("st-42", query["state"]);
        Assert.True(query.ContainsKey("session_state"));

        // A wrong verifier is refused and does not use the code up.
        AssertError(await RedeemAsync(query["code"], verifier: "wrong-verifier-wrong-verifier-wrong-verifier-0000"), "invalid_grant", 501481);
        AssertError(await RedeemAsync(query["code"], redirect: "http://localhost:1/other"), "invalid_grant", 50148);

        var (status, body) = await RedeemAsync(query["code"]);
        Assert.Equal(200, status);
        var jwt = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("alan@contoso.example", jwt.GetClaim("upn").Value);
        Assert.Equal("SecurityAlert.ReadWrite.All openid", jwt.GetClaim("scp").Value);
        Assert.True(body.TryGetProperty("id_token", out _));
        Assert.True(body.TryGetProperty("refresh_token", out _));

        AssertError(await RedeemAsync(query["code"]), "invalid_grant", 54005);
        AssertError(await RedeemAsync("made-up-code"), "invalid_grant", 70000);
    }

    [Fact]
    public async Task Without_a_hint_the_configured_default_user_signs_in_and_codes_expire_after_ten_minutes()
    {
        var query = await AuthorizeAsync(AuthorizeUrl());
        var (status, body) = await RedeemAsync(query["code"]);
        Assert.Equal(200, status);
        Assert.Equal("ada@contoso.example", new JsonWebToken(body.GetProperty("access_token").GetString()).GetClaim("upn").Value);

        var stale = await AuthorizeAsync(AuthorizeUrl());
        _f.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        AssertError(await RedeemAsync(stale["code"]), "invalid_grant", 70008);
    }

    [Fact]
    public async Task Refresh_tokens_rotate()
    {
        var query = await AuthorizeAsync(AuthorizeUrl());
        var first = (await RedeemAsync(query["code"])).Body.GetProperty("refresh_token").GetString();

        var (status, body) = await RefreshAsync(first);
        Assert.Equal(200, status);
        var second = body.GetProperty("refresh_token").GetString();
        Assert.NotEqual(first, second);
        Assert.Equal("ada@contoso.example", new JsonWebToken(body.GetProperty("access_token").GetString()).GetClaim("upn").Value);

        AssertError(await RefreshAsync(first), "invalid_grant", 9002313);

        // A narrower scope on refresh is honoured; the refresh token keeps coming.
        (status, body) = await RefreshAsync(second, "https://graph.microsoft.com/SecurityIncident.Read.All");
        Assert.Equal(200, status);
        Assert.Equal("SecurityIncident.Read.All", new JsonWebToken(body.GetProperty("access_token").GetString()).GetClaim("scp").Value);
        AssertError(await RefreshAsync(body.GetProperty("refresh_token").GetString(), "Directory.ReadWrite.All"), "invalid_grant", 65001);
    }

    [Fact]
    public async Task Authorize_errors_redirect_with_error_and_state_or_answer_400_without_a_usable_redirect()
    {
        var badRedirect = await _f.Client.GetAsync(AuthorizeUrl(redirect: "https://app.contoso.example/callback"));
        Assert.Equal(HttpStatusCode.BadRequest, badRedirect.StatusCode);
        TokenEndpointTests.AssertAadError(JsonDocument.Parse(await badRedirect.Content.ReadAsStringAsync()).RootElement, "invalid_request", 50011);

        var unknownClient = await _f.Client.GetAsync(AuthorizeUrl().Replace(DirectorySeed.PowerShellClientId, "11111111-2222-4333-8444-555555555555"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownClient.StatusCode);

        var token = await AuthorizeAsync(AuthorizeUrl().Replace("response_type=code", "response_type=token"));
        Assert.Equal("unsupported_response_type", token["error"]);
        Assert.Equal("st-42", token["state"]);
        Assert.False(token.ContainsKey("code"));

        var plain = await AuthorizeAsync(AuthorizeUrl().Replace("code_challenge_method=S256", "code_challenge_method=plain"));
        Assert.Equal("invalid_request", plain["error"]);
        Assert.StartsWith("AADSTS501491: ", plain["error_description"]);

        var consent = await AuthorizeAsync(AuthorizeUrl(scope: "Directory.ReadWrite.All"));
        Assert.Equal("consent_required", consent["error"]);

        var nobody = await AuthorizeAsync(AuthorizeUrl(extra: "&login_hint=nobody%40contoso.example"));
        Assert.Equal("invalid_grant", nobody["error"]);
        Assert.StartsWith("AADSTS50034: The user account nobody@contoso.example does not exist", nobody["error_description"]);

        var formPost = await _f.Client.GetAsync(AuthorizeUrl(extra: "&response_mode=form_post"));
        Assert.Equal(HttpStatusCode.OK, formPost.StatusCode);
        var html = await formPost.Content.ReadAsStringAsync();
        Assert.Contains($"<form method=\"POST\" action=\"{Redirect}\">", html);
        Assert.Matches("<input type=\"hidden\" name=\"code\" value=\"[^\"]+\"/>", html);
        Assert.Contains("<input type=\"hidden\" name=\"state\" value=\"st-42\"/>", html);

        var fragment = await _f.Client.GetAsync(AuthorizeUrl(extra: "&response_mode=fragment"));
        Assert.Matches(@"^http://localhost:53117/callback#code=[^&]+&state=st-42&session_state=", fragment.Headers.Location!.ToString());
    }
}
