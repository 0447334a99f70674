using System.Text.Json;
using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace GraphSecurity.Emulator.Tests;

public class ThrottlingTests : IClassFixture<ClockedEmulatorFixture>
{
    private readonly ClockedEmulatorFixture _f;
    public ThrottlingTests(ClockedEmulatorFixture f) => _f = f;

    private async Task ConfigureAsync(object settings)
    {
        var (status, body) = await _f.PostJsonAsync("/_emulator/throttling", settings);
        Assert.True(status == 200, body.ToString());
    }

    private async Task<HttpResponseMessage> GetAlertsAsync(string token = null) =>
        await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=1&$select=id", token);

    [Fact]
    public async Task Over_the_limit_gets_429_with_scaled_retry_after_until_the_window_ends()
    {
        // 3 requests per 60 s, scaled by 30: a 2-second window.
        await ConfigureAsync(new { enabled = true, timeScale = 30, buckets = new { alerts_v2 = new { requests = 3 } } });
        try
        {
            for (int i = 0; i < 3; i++) Assert.Equal(200, (int)(await GetAlertsAsync()).StatusCode);
            var throttled = await GetAlertsAsync();
            Assert.Equal(429, (int)throttled.StatusCode);
            Assert.Equal("2", throttled.Headers.GetValues("Retry-After").Single());
            var error = JsonDocument.Parse(await throttled.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("TooManyRequests", error.GetProperty("code").GetString());
            Assert.Equal("Please retry again later.", error.GetProperty("message").GetString());
            var inner = error.GetProperty("innerError");
            Assert.Equal("429", inner.GetProperty("code").GetString());
            Assert.Equal("429", inner.GetProperty("status").GetString());
            Assert.Equal("Please retry after", inner.GetProperty("message").GetString());
            Assert.Equal(throttled.Headers.GetValues("request-id").Single(), inner.GetProperty("request-id").GetString());

            // Another app of the same tenant has its own bucket.
            var reader = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
            Assert.Equal(200, (int)(await GetAlertsAsync(reader)).StatusCode);

            _f.Time.Advance(TimeSpan.FromSeconds(1.5));
            var later = await GetAlertsAsync();
            Assert.Equal(429, (int)later.StatusCode);
            Assert.Equal("1", later.Headers.GetValues("Retry-After").Single());
            _f.Time.Advance(TimeSpan.FromSeconds(0.5));
            Assert.Equal(200, (int)(await GetAlertsAsync()).StatusCode);
        }
        finally
        {
            await ConfigureAsync(new { enabled = false });
        }
    }

    [Fact]
    public async Task Throttling_is_off_by_default_with_the_reference_limits()
    {
        var settings = _f.App.Services.GetRequiredService<ThrottleService>();
        Assert.False(new EmulatorOptions().Throttling.Enabled);
        var body = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/throttling")).RootElement;
        var buckets = body.GetProperty("buckets");
        Assert.Equal(150, buckets.GetProperty("alerts").GetProperty("requests").GetInt32());
        Assert.Equal(150, buckets.GetProperty("alerts_v2").GetProperty("requests").GetInt32());
        Assert.Equal(150, buckets.GetProperty("incidents").GetProperty("requests").GetInt32());
        Assert.Equal(150, buckets.GetProperty("securityActions").GetProperty("requests").GetInt32());
        Assert.Equal(4, buckets.GetProperty("secureScore").GetProperty("concurrency").GetInt32());
        Assert.Equal(1000, buckets.GetProperty("tiIndicators").GetProperty("requests").GetInt32());
        Assert.Equal(45, buckets.GetProperty("hunting").GetProperty("requests").GetInt32());
        Assert.True(settings.TryEnter(TenantDirectory.DefaultTenantId, TenantDirectory.DefaultClientId, "/v1.0/security/alerts_v2").Allowed);

        var (status, error) = await _f.PostJsonAsync("/_emulator/throttling", new { enabled = true, buckets = new { widgets = new { requests = 1 } } });
        Assert.Equal(400, status);
        Assert.StartsWith("Throttling: unknown bucket 'widgets'.", error.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("/v1.0/security/alerts_v2", "alerts_v2")]
    [InlineData("/beta/security/alerts/abc", "alerts")]
    [InlineData("/v1.0/security/incidents/42/comments", "incidents")]
    [InlineData("/v1.0/security/secureScores", "secureScore")]
    [InlineData("/v1.0/security/secureScoreControlProfiles/x", "secureScore")]
    [InlineData("/beta/security/tiIndicators/submitTiIndicators", "tiIndicators")]
    [InlineData("/beta/security/securityActions", "securityActions")]
    [InlineData("/v1.0/security/runHuntingQuery", "hunting")]
    [InlineData("/v1.0/security/alerts_v2?$top=5", "alerts_v2")]
    [InlineData("/v1.0/security/alertsX", null)]
    [InlineData("/v1.0/$batch", null)]
    [InlineData("/v1.0/subscriptions", null)]
    public void Paths_are_classified_into_buckets(string path, string bucket) => Assert.Equal(bucket, ThrottleService.Classify(path));

    [Fact]
    public void Secure_score_allows_four_concurrent_requests_per_app_and_tenant()
    {
        var options = new EmulatorOptions();
        options.Throttling.Enabled = true;
        var service = new ThrottleService(options, new ManualTimeProvider());
        var held = Enumerable.Range(0, 4).Select(_ => service.TryEnter("t", "a", "/v1.0/security/secureScores")).ToList();
        Assert.All(held, d => Assert.True(d.Allowed));
        using (var fifth = service.TryEnter("t", "a", "/v1.0/security/secureScoreControlProfiles"))
        {
            Assert.False(fifth.Allowed);
            Assert.Equal(1, fifth.RetryAfterSeconds);
        }
        Assert.True(service.TryEnter("t", "other-app", "/v1.0/security/secureScores").Allowed);
        held[0].Dispose();
        held[0].Dispose(); // releasing twice must not free a second slot
        Assert.True(service.TryEnter("t", "a", "/v1.0/security/secureScores").Allowed);
        Assert.False(service.TryEnter("t", "a", "/v1.0/security/secureScores").Allowed);
    }
}
