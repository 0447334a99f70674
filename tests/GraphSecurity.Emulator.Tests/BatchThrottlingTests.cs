using System.Text.Json;

namespace GraphSecurity.Emulator.Tests;

/// <summary>$batch items pass through throttling and fault injection one by one, like requests sent on their own.</summary>
public class BatchThrottlingTests : IClassFixture<ClockedEmulatorFixture>, IAsyncLifetime
{
    private readonly ClockedEmulatorFixture _f;
    public BatchThrottlingTests(ClockedEmulatorFixture f) => _f = f;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _f.PostJsonAsync("/_emulator/throttling", new { enabled = false });
        await _f.Client.DeleteAsync("/_emulator/faults");
    }

    private async Task<Dictionary<string, JsonElement>> BatchAsync(params object[] requests)
    {
        var (status, body) = await EmulatorFixture.ReadAsync(
            await _f.SendAsync(HttpMethod.Post, "/v1.0/$batch", json: JsonSerializer.Serialize(new { requests })));
        Assert.Equal(200, status);
        return body.GetProperty("responses").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString());
    }

    private static object Get(string id, string url) => new { id, method = "GET", url };

    private static int Status(JsonElement item) => item.GetProperty("status").GetInt32();

    [Fact]
    public async Task A_throttled_item_gets_its_own_429_with_retry_after_while_the_batch_is_200()
    {
        // 2 alerts_v2 requests per 60 s, scaled by 30: a 2-second window.
        var (configured, _) = await _f.PostJsonAsync("/_emulator/throttling",
            new { enabled = true, timeScale = 30, buckets = new { alerts_v2 = new { requests = 2 } } });
        Assert.Equal(200, configured);

        var items = await BatchAsync(
            Get("a1", "/security/alerts_v2?$top=1&$select=id"),
            Get("a2", "/security/alerts_v2?$top=1&$select=id"),
            Get("a3", "/security/alerts_v2?$top=1&$select=id"),
            Get("a4", "/security/alerts_v2?$top=1&$select=id"),
            Get("i1", "/security/incidents?$top=1"));

        var alerts = new[] { "a1", "a2", "a3", "a4" }.Select(id => items[id]).ToList();
        Assert.Equal(2, alerts.Count(r => Status(r) == 200));
        var throttled = alerts.Where(r => Status(r) == 429).ToList();
        Assert.Equal(2, throttled.Count);
        foreach (var r in throttled)
        {
            Assert.Equal("2", r.GetProperty("headers").GetProperty("Retry-After").GetString());
            var error = r.GetProperty("body").GetProperty("error");
            Assert.Equal("TooManyRequests", error.GetProperty("code").GetString());
            Assert.Equal("429", error.GetProperty("innerError").GetProperty("status").GetString());
        }
        // Another bucket is not affected.
        Assert.Equal(200, Status(items["i1"]));

        // The items counted against the caller's bucket: a request on its own is throttled too, until the window ends.
        Assert.Equal(429, (int)(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=1&$select=id")).StatusCode);
        _f.Time.Advance(TimeSpan.FromSeconds(2));
        items = await BatchAsync(Get("again", "/security/alerts_v2?$top=1&$select=id"));
        Assert.Equal(200, Status(items["again"]));
    }

    [Fact]
    public async Task An_item_that_depends_on_a_throttled_item_gets_424()
    {
        await _f.PostJsonAsync("/_emulator/throttling",
            new { enabled = true, timeScale = 30, buckets = new { incidents = new { requests = 1 } } });

        var items = await BatchAsync(
            Get("first", "/security/incidents?$top=1"),
            new { id = "second", method = "GET", url = "/security/incidents?$top=1", dependsOn = new[] { "first" } },
            new { id = "third", method = "GET", url = "/security/alerts_v2?$top=1", dependsOn = new[] { "second" } });

        Assert.Equal(200, Status(items["first"]));
        Assert.Equal(429, Status(items["second"]));
        Assert.True(items["second"].GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.Equal(424, Status(items["third"]));
    }

    [Fact]
    public async Task Fault_rules_apply_per_item_and_a_dropped_item_becomes_504()
    {
        var (configured, body) = await _f.PostJsonAsync("/_emulator/faults", new
        {
            seed = 5,
            rules = new object[]
            {
                new { route = "/v1.0/security/incidents*", errorRate = 1.0, errorStatuses = new[] { 503 }, retryAfterSeconds = 7 },
                new { route = "/v1.0/security/secureScores*", dropRate = 1.0 },
                new { route = "/v1.0/security/secureScoreControlProfiles*", truncateRate = 1.0 },
            },
        });
        Assert.True(configured == 200, body.ToString());

        var items = await BatchAsync(
            Get("ok", "/security/alerts_v2?$top=1&$select=id"),
            Get("error", "/security/incidents?$top=1"),
            Get("dropped", "/security/secureScores?$top=1"),
            Get("truncated", "/security/secureScoreControlProfiles?$top=1"));

        Assert.Equal(200, Status(items["ok"]));
        Assert.Equal(503, Status(items["error"]));
        Assert.Equal("7", items["error"].GetProperty("headers").GetProperty("Retry-After").GetString());
        Assert.Equal("ServiceNotAvailable", items["error"].GetProperty("body").GetProperty("error").GetProperty("code").GetString());
        foreach (var id in new[] { "dropped", "truncated" })
        {
            Assert.Equal(504, Status(items[id]));
            Assert.Equal("GatewayTimeout", items[id].GetProperty("body").GetProperty("error").GetProperty("code").GetString());
        }
    }
}
