using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace GraphSecurity.Emulator.Tests;

/// <summary>An in-process emulator (TestServer) with a fixed seed and anchor time.</summary>
public class EmulatorFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    public const int Seed = 4242;

    private readonly ConcurrentDictionary<string, string> _tokens = new();
    public WebApplication App { get; private set; }
    public HttpClient Client { get; private set; }
    public EmulatorOptions Options { get; private set; }

    public async Task InitializeAsync()
    {
        Options = new EmulatorOptions { Seed = Seed, Now = Now };
        Configure(Options);
        Options.Finish();
        App = EmulatorApp.Build(Options, configureBuilder: b =>
        {
            b.WebHost.UseTestServer();
            ConfigureServices(b);
        });
        await App.StartAsync();
        Client = App.GetTestClient();
    }

    /// <summary>Lets derived fixtures change options before the app is built.</summary>
    protected virtual void Configure(EmulatorOptions options)
    {
    }

    /// <summary>Lets derived fixtures replace services (e.g. the time provider).</summary>
    protected virtual void ConfigureServices(WebApplicationBuilder builder)
    {
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (App != null) await App.DisposeAsync();
    }

    public TokenIssuer Issuer => (TokenIssuer)App.Services.GetService(typeof(TokenIssuer));

    public async Task<HttpResponseMessage> RequestTokenAsync(string tenant, IDictionary<string, string> form)
    {
        return await Client.PostAsync($"/{tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(form));
    }

    public async Task<string> TokenAsync(string clientId = TenantDirectory.DefaultClientId, string secret = TenantDirectory.DefaultClientSecret,
        string tenant = TenantDirectory.DefaultTenantId)
    {
        if (_tokens.TryGetValue(clientId, out var cached)) return cached;
        var response = await RequestTokenAsync(tenant, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = "https://graph.microsoft.com/.default",
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var token = JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString();
        _tokens[clientId] = token;
        return token;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string token = null, string json = null,
        Action<HttpRequestMessage> configure = null)
    {
        var request = new HttpRequestMessage(method, url);
        token ??= await TokenAsync();
        if (token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json != null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        configure?.Invoke(request);
        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string url, string token = null, Action<HttpRequestMessage> configure = null)
    {
        var response = await SendAsync(HttpMethod.Get, url, token, configure: configure);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Every alert of the default tenant, in default order (one page of 2000 holds them all).</summary>
    public async Task<List<JsonElement>> AllAlertsAsync(Action<HttpRequestMessage> configure = null)
    {
        var page = await GetJsonAsync("/v1.0/security/alerts_v2", configure: configure);
        Assert.False(page.TryGetProperty("@odata.nextLink", out _));
        return page.GetProperty("value").EnumerateArray().ToList();
    }

    /// <summary>Asserts the Graph 403 a SecurityAlert.Read.All-only app gets on <paramref name="url"/>, naming <paramref name="requiredRoles"/>.</summary>
    public async Task AssertReaderForbiddenAsync(string url, string requiredRoles)
    {
        var reader = await TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        var (status, body) = await ReadAsync(await SendAsync(HttpMethod.Get, url, reader));
        Assert.Equal(403, status);
        Assert.Equal($"Missing application roles. API required roles: {requiredRoles}, application roles: SecurityAlert.Read.All.",
            body.GetProperty("error").GetProperty("message").GetString());
    }

    public static async Task<(int Status, JsonElement Body)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}

/// <summary>A separate emulator for tests that change data, so read-only tests see stable data.</summary>
public sealed class MutableEmulatorFixture : EmulatorFixture
{
}
