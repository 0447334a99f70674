using System.Net.Http.Json;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensibility;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Tests;

/// <summary>The emulator on a real HTTPS listener in this process (self-signed certificate, free port).</summary>
public sealed class HttpsEmulatorFixture : IAsyncLifetime
{
    public const int TokenLifetimeSeconds = 120;
    private System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate;
    public WebApplication App { get; private set; }
    public string Url { get; private set; }
    public string Thumbprint => _certificate.Thumbprint;

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions { Seed = EmulatorFixture.Seed, Now = EmulatorFixture.Now, AlertCount = 20, Port = 0 };
        // Shorter than MSAL's 5-minute refresh margin, so AcquireTokenSilent always goes to the refresh token.
        options.TokenLifetimeSeconds = TokenLifetimeSeconds;
        options.DeviceCodeIntervalSeconds = 1;
        options.Finish();
        _certificate = TlsCertificate.Create();
        App = EmulatorApp.Build(options, _certificate);
        await App.StartAsync();
        Url = EmulatorApp.BoundAddress(App).Url;
    }

    public async Task DisposeAsync()
    {
        if (App != null) await App.DisposeAsync();
        _certificate?.Dispose();
    }

    /// <summary>An HttpClient that trusts only the emulator's certificate and does not follow redirects.</summary>
    public HttpClient CreateClient() => new(new HttpClientHandler
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            cert != null && string.Equals(cert.Thumbprint, Thumbprint, StringComparison.OrdinalIgnoreCase),
    });

    public IMsalHttpClientFactory HttpClientFactory() => new PinnedFactory(CreateClient());

    private sealed class PinnedFactory : IMsalHttpClientFactory
    {
        private readonly HttpClient _client;
        public PinnedFactory(HttpClient client) => _client = client;
        public HttpClient GetHttpClient() => _client;
    }
}

/// <summary>MSAL.NET public-client flows against the emulator: device code, interactive (custom web UI) and silent refresh.</summary>
public class MsalUserFlowTests : IClassFixture<HttpsEmulatorFixture>
{
    private static readonly string[] Scopes = { "https://graph.microsoft.com/SecurityAlert.ReadWrite.All" };
    private readonly HttpsEmulatorFixture _f;
    public MsalUserFlowTests(HttpsEmulatorFixture f) => _f = f;

    private IPublicClientApplication App() => PublicClientApplicationBuilder.Create(DirectorySeed.PowerShellClientId)
        .WithAuthority($"{_f.Url}/{TenantDirectory.DefaultTenantId}")
        .WithInstanceDiscovery(false)
        .WithRedirectUri("http://localhost:8400")
        .WithHttpClientFactory(_f.HttpClientFactory())
        .Build();

    /// <summary>Stands in for the browser: requests the authorize URL and hands MSAL the redirect it gets back.</summary>
    private sealed class RedirectFollowingWebUi : ICustomWebUi
    {
        private readonly HttpClient _http;
        public RedirectFollowingWebUi(HttpClient http) => _http = http;

        public async Task<Uri> AcquireAuthorizationCodeAsync(Uri authorizationUri, Uri redirectUri, CancellationToken cancellationToken)
        {
            using var response = await _http.GetAsync(authorizationUri, cancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith(redirectUri.ToString().TrimEnd('/'), response.Headers.Location!.ToString());
            return response.Headers.Location;
        }
    }

    [Fact]
    public async Task Device_code_flow_approved_through_the_control_endpoint()
    {
        using var http = _f.CreateClient();
        string shownMessage = null;
        var result = await App().AcquireTokenWithDeviceCode(Scopes, async code =>
        {
            shownMessage = code.Message;
            var approve = await http.PostAsJsonAsync($"{_f.Url}/_emulator/devicecode/approve", new { userCode = code.UserCode, user = "grace@contoso.example" });
            approve.EnsureSuccessStatusCode();
        }).ExecuteAsync();

        Assert.Contains("https://microsoft.com/devicelogin", shownMessage);
        Assert.Equal("grace@contoso.example", result.Account.Username);
        Assert.Equal(TenantDirectory.DefaultTenantId, result.TenantId);
        var jwt = new JsonWebToken(result.AccessToken);
        Assert.Equal("user", jwt.GetClaim("idtyp").Value);
        Assert.Equal("SecurityAlert.ReadWrite.All profile openid", jwt.GetClaim("scp").Value); // MSAL adds openid, profile and offline_access
    }

    [Fact]
    public async Task Interactive_with_pkce_then_silent_refresh_after_expiry()
    {
        using var http = _f.CreateClient();
        var app = App();
        var interactive = await app.AcquireTokenInteractive(Scopes)
            .WithCustomWebUi(new RedirectFollowingWebUi(http))
            .WithLoginHint("alan@contoso.example")
            .ExecuteAsync();
        Assert.Equal("alan@contoso.example", interactive.Account.Username);
        Assert.Equal(TokenSource.IdentityProvider, interactive.AuthenticationResultMetadata.TokenSource);

        // The access token lives 120 s, inside MSAL's 5-minute margin: the silent call must redeem the refresh token.
        var account = (await app.GetAccountsAsync()).Single();
        var silent = await app.AcquireTokenSilent(Scopes, account).ExecuteAsync();
        Assert.Equal(TokenSource.IdentityProvider, silent.AuthenticationResultMetadata.TokenSource);
        Assert.NotEqual(interactive.AccessToken, silent.AccessToken);
        Assert.Equal("alan@contoso.example", new JsonWebToken(silent.AccessToken).GetClaim("upn").Value);

        var request = new HttpRequestMessage(HttpMethod.Get, $"{_f.Url}/v1.0/security/alerts_v2?$top=1");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", silent.AccessToken);
        Assert.Equal(200, (int)(await http.SendAsync(request)).StatusCode);
    }
}
