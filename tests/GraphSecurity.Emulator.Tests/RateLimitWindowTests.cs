using System.Text.Json;
using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Tests;

/// <summary>The Defender limits live in the one throttler: reset and new throttling settings forget their windows; faults answer in Defender's shape.</summary>
public class DefenderRateLimitWindowTests : IClassFixture<DefenderLimitFixture>, IAsyncLifetime
{
    private const string Api = DefenderFixture.Api;
    private static readonly object Same = DefenderFixture.Indicator("window.example", "DomainName");
    private readonly DefenderLimitFixture _f;
    public DefenderRateLimitWindowTests(DefenderLimitFixture f) => _f = f;

    public async Task InitializeAsync() => Assert.Equal(204, (await _f.PostJsonAsync("/_emulator/reset", new { })).Status);

    public async Task DisposeAsync()
    {
        await _f.PostJsonAsync("/_emulator/throttling", new { enabled = false });
        await _f.PostJsonAsync("/_emulator/reset", new { });
    }

    /// <summary>Submits until the 3-a-minute window refuses (the same indicator, so the tenant cap never applies).</summary>
    private async Task FillSubmitWindowAsync()
    {
        for (int i = 0; i < 3; i++)
        {
            var (status, body, _) = await _f.CallAsync(HttpMethod.Post, Api, Same);
            if (status == 429) return;
            Assert.True(status == 200, body.ToString());
        }
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Same), 429, "TooManyRequests", "maximum admitted 3 per 1m");
    }

    [Fact]
    public async Task Reset_and_new_throttling_settings_forget_the_defender_windows()
    {
        Assert.Equal(200, (await _f.PostJsonAsync("/_emulator/throttling", new { enabled = true })).Status);
        await FillSubmitWindowAsync();

        Assert.Equal(204, (await _f.PostJsonAsync("/_emulator/reset", new { })).Status);
        await _f.SubmitOkAsync(Same);

        await FillSubmitWindowAsync();
        Assert.Equal(200, (await _f.PostJsonAsync("/_emulator/throttling", new { enabled = true })).Status);
        await _f.SubmitOkAsync(Same);
    }

    [Fact]
    public async Task The_throttler_lists_the_defender_limits_with_their_configured_windows()
    {
        var limits = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/throttling/limits")).RootElement.EnumerateArray()
            .ToDictionary(l => l.GetProperty("name").GetString());
        var submit = limits["defender.submit"];
        Assert.Equal("AppPerTenant", submit.GetProperty("key").GetString());
        Assert.Equal(new[] { 3, 5 }, submit.GetProperty("windows").EnumerateArray().Select(w => w.GetProperty("requests").GetInt32()));
        Assert.Equal(30, limits["defender.import"].GetProperty("windows")[0].GetProperty("requests").GetInt32());
        Assert.Equal("Caller", limits["sentinel.upload"].GetProperty("key").GetString());
    }

    [Fact]
    public async Task Faults_on_defender_routes_answer_in_defenders_shape()
    {
        await _f.DefenderTokenAsync(); // before any rule is set
        var (set, body) = await _f.PostJsonAsync("/_emulator/faults", new { seed = 3, rules = new object[] { new { route = "/defender/*", errorRate = 1.0, errorStatuses = new[] { 503 }, retryAfterSeconds = 4 } } });
        Assert.True(set == 200, body.ToString());
        var unavailable = await _f.CallAsync(HttpMethod.Get, Api);
        DefenderFixture.AssertError(unavailable, 503, "ServiceNotAvailable");
        Assert.Equal("4", unavailable.Response.Headers.GetValues("Retry-After").Single());
        Assert.False(unavailable.Body.GetProperty("error").TryGetProperty("innerError", out _));

        (set, body) = await _f.PostJsonAsync("/_emulator/faults", new { rules = new object[] { new { route = "/defender/*", throttleRate = 1.0, retryAfterSeconds = 9 } } });
        Assert.True(set == 200, body.ToString());
        var throttled = await _f.CallAsync(HttpMethod.Post, Api, Same);
        DefenderFixture.AssertError(throttled, 429, "TooManyRequests");
        Assert.Equal("9", throttled.Response.Headers.GetValues("Retry-After").Single());
    }
}

/// <summary>The Sentinel upload limit lives in the one throttler: reset forgets its window; faults on ARM routes answer in ARM's shape.</summary>
public class SentinelRateLimitWindowTests : IClassFixture<SentinelFixture>, IAsyncLifetime
{
    private readonly SentinelFixture _f;
    public SentinelRateLimitWindowTests(SentinelFixture f) => _f = f;

    public async Task InitializeAsync() => await _f.ArmTokenAsync(); // before any rule is set

    public async Task DisposeAsync()
    {
        await _f.PostJsonAsync("/_emulator/throttling", new { enabled = false });
        await _f.PostJsonAsync("/_emulator/sentinel/upload-limit", new { requests = 100, windowSeconds = 60 });
        await _f.PostJsonAsync("/_emulator/reset", new { });
    }

    private async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> UploadAsync(string url = SentinelThreatIntelligenceTests.Upload)
    {
        var body = new JsonObject
        {
            ["sourcesystem"] = "Windows",
            ["stixobjects"] = new JsonArray(SentinelThreatIntelligenceTests.Indicator("00000000-0000-4000-8000-000000000900", "192.0.2.9")),
        };
        var response = await _f.SendAsync(HttpMethod.Post, url, await _f.ArmTokenAsync(), body.ToJsonString());
        var (status, json) = await EmulatorFixture.ReadAsync(response);
        return (status, json, response);
    }

    [Fact]
    public async Task Reset_forgets_the_upload_window()
    {
        Assert.Equal(200, (await _f.PostJsonAsync("/_emulator/sentinel/upload-limit", new { requests = 2, windowSeconds = 60 })).Status);
        Assert.Equal(200, (await _f.PostJsonAsync("/_emulator/throttling", new { enabled = true })).Status);
        for (int i = 0; i < 2; i++) Assert.Equal(200, (await UploadAsync()).Status);
        var (status, _, response) = await UploadAsync();
        Assert.Equal(429, status);
        Assert.Equal("60", response.Headers.GetValues("Retry-After").Single());

        Assert.Equal(204, (await _f.PostJsonAsync("/_emulator/reset", new { })).Status);
        Assert.Equal(200, (await UploadAsync()).Status);
    }

    [Fact]
    public async Task Faults_on_arm_and_upload_routes_answer_in_arms_shape()
    {
        var (set, body) = await _f.PostJsonAsync("/_emulator/faults", new
        {
            seed = 3,
            rules = new object[]
            {
                new { route = "/arm/*", errorRate = 1.0, errorStatuses = new[] { 404 } },
                new { route = "/sentinel-ti/*", throttleRate = 1.0, retryAfterSeconds = 5 },
            },
        });
        Assert.True(set == 200, body.ToString());

        var response = await _f.SendAsync(HttpMethod.Get, SentinelThreatIntelligenceTests.ArmTi + "/indicators?api-version=2025-09-01", await _f.ArmTokenAsync());
        var (status, json) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(404, status);
        AssertArmError(json, "NotFound");

        var (throttled, upload, uploadResponse) = await UploadAsync();
        Assert.Equal(429, throttled);
        AssertArmError(upload, "TooManyRequests");
        Assert.Equal("5", uploadResponse.Headers.GetValues("Retry-After").Single());
    }

    /// <summary>ARM's shape: {"error":{"code","message"}}, neither Graph's innerError nor Defender's target.</summary>
    private static void AssertArmError(JsonElement body, string code)
    {
        var error = body.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal(new[] { "code", "message" }, error.EnumerateObject().Select(p => p.Name));
    }
}
