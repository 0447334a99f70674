using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GraphSecurity.ProviderKit.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SentryFirewall;

namespace GraphSecurity.ProviderKit.Tests;

/// <summary>The sample provider on a TestServer, with the in-memory authority as its identity platform and broker.</summary>
public sealed class SentryHost : IAsyncDisposable
{
    public const string Prefix = "/gsprov/v1";

    private SentryHost(WebApplication app, TestAuthority authority, SentryOptions options)
    {
        App = app;
        Authority = authority;
        Options = options;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }
    public TestAuthority Authority { get; }
    public SentryOptions Options { get; }
    public HttpClient Client { get; }
    public SentryStore Store => App.Services.GetRequiredService<SentryStore>();
    public BrokerNotifier Notifier => App.Services.GetRequiredService<BrokerNotifier>();

    public static async Task<SentryHost> StartAsync(params string[] args) => await StartAsync(args, null);

    public static async Task<SentryHost> StartAsync(string[] args, Action<SentryOptions> adjust)
    {
        var authority = new TestAuthority();
        var options = SentryOptions.Parse(new[] { "--authority", TestAuthority.Url.ToString(), "--broker", TestAuthority.Url.ToString() }.Concat(args).ToList());
        options.ConfigureProvider = p =>
        {
            p.BackchannelHandler = () => authority.Handler;
            p.ActionStartDelay = TimeSpan.FromMilliseconds(50);
            p.ActionRunDuration = TimeSpan.FromMilliseconds(100);
            p.NotificationRetryDelay = TimeSpan.FromMilliseconds(20);
        };
        adjust?.Invoke(options);
        var app = SentryApp.Build(options, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return new SentryHost(app, authority, options);
    }

    /// <summary>A request to the provider with a good Contoso token unless told otherwise (null token: none).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body = null, string token = "", string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path.StartsWith('/') ? path : Prefix + "/" + path);
        if (token == "") token = Authority.Mint();
        if (token != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body != null)
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, contentType);
        return await Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string token = "") => SendAsync(HttpMethod.Get, path, token: token);

    public async Task<JsonElement> JsonAsync(string path, string token = "")
    {
        using var response = await GetAsync(path, token);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static object Vendor => new { vendor = "Northwind Security", provider = "Sentry Firewall" };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Authority.Dispose();
    }
}
