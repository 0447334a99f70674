using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GraphSecurity.Emulator.Tests;

public sealed class CertificateAppFixture : IAsyncLifetime
{
    public const string ClientId = "c0ffee00-1234-4abc-8def-0123456789ab";
    public X509Certificate2 Certificate { get; } = TestCertificates.Create();
    public X509Certificate2 Other { get; } = TestCertificates.Create("CN=someone else");
    public WebApplication App { get; private set; }
    public HttpClient Client { get; private set; }

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions { AlertCount = 10, Now = EmulatorFixture.Now }.Finish();
        var app = new AppRegistration { ClientId = ClientId, DisplayName = "Cert App", Roles = new List<string> { "SecurityAlert.Read.All" } };
        app.Certificates.Add(X509CertificateLoader.LoadCertificate(Certificate.RawData)); // public part only
        options.Directory.Find("contoso.example").Apps.Add(app);
        App = EmulatorApp.Build(options, configureBuilder: b => b.WebHost.UseTestServer());
        await App.StartAsync();
        Client = App.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}

public class ClientAssertionTests : IClassFixture<CertificateAppFixture>
{
    private const string Audience = "http://localhost/b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c/oauth2/v2.0/token";
    private readonly CertificateAppFixture _f;
    public ClientAssertionTests(CertificateAppFixture f) => _f = f;

    private async Task<(int Status, JsonElement Body)> RequestAsync(string assertion, string tenant = "contoso.example", string clientId = CertificateAppFixture.ClientId)
    {
        var response = await _f.Client.PostAsync($"/{tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["scope"] = "https://graph.microsoft.com/.default",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        }));
        return await EmulatorFixture.ReadAsync(response);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha256, false, Audience)]
    [InlineData(SecurityAlgorithms.RsaSsaPssSha256, true, Audience)]
    [InlineData(SecurityAlgorithms.RsaSha256, true, "HTTP://LOCALHOST/contoso.example/oauth2/v2.0/token/")]
    public async Task Valid_assertion_issues_token(string alg, bool sha256, string audience)
    {
        var (status, body) = await RequestAsync(TestCertificates.Assertion(_f.Certificate, CertificateAppFixture.ClientId, audience, alg, sha256));
        Assert.Equal(200, status);
        var jwt = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("Cert App", jwt.GetClaim("app_displayname").Value);
        Assert.Equal("2", jwt.GetClaim("appidacr").Value);
    }

    [Fact]
    public async Task Invalid_assertions_are_401_invalid_client_700027()
    {
        var cases = new[]
        {
            (TestCertificates.Assertion(_f.Other, CertificateAppFixture.ClientId, Audience), "invalid signature"),
            (TestCertificates.Assertion(_f.Certificate, CertificateAppFixture.ClientId, "http://localhost/other/oauth2/v2.0/token"), "audience"),
            (TestCertificates.Assertion(_f.Certificate, CertificateAppFixture.ClientId, Audience, expires: DateTimeOffset.UtcNow.AddHours(-1)), "expired"),
            (TestCertificates.Assertion(_f.Certificate, CertificateAppFixture.ClientId, Audience, issuer: "someone-else"), "'iss' and 'sub'"),
            ("garbage", "well-formed"),
        };
        foreach (var (assertion, expected) in cases)
        {
            var (status, body) = await RequestAsync(assertion);
            Assert.Equal(401, status);
            Assert.Equal("invalid_client", body.GetProperty("error").GetString());
            Assert.Equal(700027, body.GetProperty("error_codes")[0].GetInt32());
            Assert.StartsWith("AADSTS700027: ", body.GetProperty("error_description").GetString());
            Assert.Contains(expected, body.GetProperty("error_description").GetString());
        }
    }

    [Fact]
    public async Task App_without_certificates_rejects_assertion()
    {
        var (status, body) = await RequestAsync(
            TestCertificates.Assertion(_f.Certificate, TenantDirectory.DefaultClientId, Audience), clientId: TenantDirectory.DefaultClientId);
        Assert.Equal(401, status);
        Assert.Contains("The key was not found", body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Certificate_only_app_rejects_any_secret()
    {
        var response = await _f.Client.PostAsync("/contoso.example/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = CertificateAppFixture.ClientId,
            ["client_secret"] = "anything",
            ["scope"] = "https://graph.microsoft.com/.default",
        }));
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(401, status);
        Assert.Equal(7000215, body.GetProperty("error_codes")[0].GetInt32());
    }
}
