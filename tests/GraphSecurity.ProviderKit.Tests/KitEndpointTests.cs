using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GraphSecurity.ProviderKit.Hosting;
using GraphSecurity.ProviderKit.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GraphSecurity.ProviderKit.Tests;

/// <summary>The kit over a minimal source that only enumerates, so the kit itself filters, orders and pages.</summary>
public sealed class KitEndpointTests : IAsyncLifetime
{
    private readonly TestAuthority _authority = new();
    private readonly ListOnlySource _source = new();
    private WebApplication _app;
    private HttpClient _client;

    public sealed class ListOnlySource : IProviderDataSource
    {
        public Exception Failure { get; set; }

        public IReadOnlyList<ProviderActionDefinition> Actions { get; } = Array.Empty<ProviderActionDefinition>();

        public ValueTask<bool> IsTenantConsentedAsync(string tenantId, CancellationToken cancellationToken) => ValueTask.FromResult(tenantId == TestAuthority.Contoso);

        public ValueTask<IReadOnlyList<ProviderAlert>> ListAlertsAsync(string tenantId, CancellationToken cancellationToken)
        {
            if (Failure != null) throw Failure;
            var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            return ValueTask.FromResult<IReadOnlyList<ProviderAlert>>(Enumerable.Range(0, 25)
                .Select(i => new ProviderAlert { Id = $"k{i:00}", Title = "Alert " + i, Severity = i % 2 == 0 ? "high" : "low", CreatedDateTime = start.AddHours(i) }).ToList());
        }

        public ValueTask<ProviderAlert> GetAlertAsync(string tenantId, string id, CancellationToken cancellationToken) => ValueTask.FromResult<ProviderAlert>(null);

        public ValueTask<ProviderAlert> UpdateAlertAsync(string tenantId, string id, AlertUpdate update, CancellationToken cancellationToken) => ValueTask.FromResult<ProviderAlert>(null);
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(_source);
        builder.Services.AddGsProvider<ListOnlySource>(o =>
        {
            o.Vendor = "Contoso Labs";
            o.Provider = "List Only";
            o.ProviderVersion = "0.1";
            o.Audience = "api://list-only";
            o.Authority = TestAuthority.Url;
            o.BackchannelHandler = () => _authority.Handler;
        });
        _app = builder.Build();
        _app.MapGsProvider("/custom/v1");
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _authority.Dispose();
    }

    private async Task<HttpResponseMessage> Get(string path, string token = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/custom/v1/" + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token == "" ? _authority.Mint(audience: "api://list-only") : token);
        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task TheKitPagesAnEnumeratingSource()
    {
        using var response = await Get("alerts?$top=10&$filter=" + Uri.EscapeDataString("severity eq 'high'"));
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        var ids = page.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Equal(new[] { "k24", "k22", "k20", "k18", "k16", "k14", "k12", "k10", "k08", "k06" }, ids);
        var next = page.GetProperty("@odata.nextLink").GetString();
        Assert.StartsWith("http://localhost/custom/v1/alerts?", next);
        using var second = await Get(new Uri(next).PathAndQuery["/custom/v1/".Length..]);
        var rest = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new[] { "k04", "k02", "k00" }, rest.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        Assert.False(rest.TryGetProperty("@odata.nextLink", out _));
    }

    [Fact]
    public async Task AlertsAreStampedWithTheCallersTenantAndTheProvidersNames()
    {
        using var response = await Get("alerts?$top=1");
        var alert = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value")[0];
        Assert.Equal(TestAuthority.Contoso, alert.GetProperty("azureTenantId").GetString());
        Assert.Equal("Contoso Labs", alert.GetProperty("vendorInformation").GetProperty("vendor").GetString());
        Assert.Equal("List Only", alert.GetProperty("vendorInformation").GetProperty("provider").GetString());
    }

    [Fact]
    public async Task AnAudienceWithAFinalSlashIsAccepted()
    {
        using var response = await Get("alerts?$top=1", _authority.Mint(audience: "api://list-only/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ThrottlingBySourceIs429WithRetryAfter()
    {
        _source.Failure = ProviderException.TooManyRequests(TimeSpan.FromSeconds(7));
        using var response = await Get("alerts");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal("TooManyRequests", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task AFailingSourceIs500WithoutItsDetails()
    {
        _source.Failure = new InvalidOperationException("connection string Server=db;Password=hunter2");
        using var response = await Get("alerts");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("InternalServerError", text);
        Assert.DoesNotContain("hunter2", text);
    }

    [Fact]
    public async Task DiscoveryShowsNoActionsAndNoNotificationsWithoutABroker()
    {
        using var response = await _client.GetAsync("/custom/v1");
        var capabilities = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("capabilities");
        Assert.Equal(0, capabilities.GetProperty("securityActions").GetArrayLength());
        Assert.False(capabilities.GetProperty("notifications").GetBoolean());
    }

    [Fact]
    public async Task AllowedCallersRestrictTheApp()
    {
        _app.Services.GetRequiredService<GsProviderOptions>().AllowedCallerAppIds.Add(TestAuthority.GraphAppId);
        try
        {
            using var other = await Get("alerts", _authority.Mint(audience: "api://list-only", appId: "6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20"));
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            using var graph = await Get("alerts");
            Assert.Equal(HttpStatusCode.OK, graph.StatusCode);
        }
        finally
        {
            _app.Services.GetRequiredService<GsProviderOptions>().AllowedCallerAppIds.Clear();
        }
    }

    [Fact]
    public void MissingOptionsAreRefusedByName()
    {
        Assert.Contains("Vendor", Assert.Throws<InvalidOperationException>(() => new GsProviderOptions().Validate()).Message);
        var noAuthority = new GsProviderOptions { Vendor = "v", Provider = "p", ProviderVersion = "1", Audience = "api://x" };
        Assert.Contains("Authority", Assert.Throws<InvalidOperationException>(noAuthority.Validate).Message);
        noAuthority.Authority = TestAuthority.Url;
        noAuthority.BrokerUrl = TestAuthority.Url;
        Assert.Contains("ClientSecret", Assert.Throws<InvalidOperationException>(noAuthority.Validate).Message);
    }
}
