using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Defender;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

/// <summary>A tenant cap of 8 (five seeded) and submissions limited to 3 a minute and 5 an hour; the other calls keep the real limits.</summary>
public sealed class DefenderLimitFixture : DefenderFixture
{
    public const int Cap = 8;

    protected override void Configure(EmulatorOptions options)
    {
        base.Configure(options);
        options.Defender = new DefenderSettings
        {
            IndicatorCap = Cap,
            RateLimits = new()
            {
                ["submit"] = new() { new ThrottleLimit { Requests = 3 }, new ThrottleLimit { Requests = 5, WindowSeconds = 3600 } },
            },
        }.MergedOverDefaults();
    }
}

public class DefenderIndicatorLimitTests : IClassFixture<DefenderLimitFixture>
{
    private const string Api = DefenderFixture.Api;
    private readonly DefenderLimitFixture _f;
    public DefenderIndicatorLimitTests(DefenderLimitFixture f) => _f = f;

    private static object Indicator(string value) => DefenderFixture.Indicator(value, "DomainName");

    private async Task ThrottleAsync(bool enabled, double timeScale = 1)
    {
        var (status, body) = await _f.PostJsonAsync("/_emulator/throttling", new { enabled, timeScale });
        Assert.True(status == 200, body.ToString());
    }

    private async Task ClearAsync()
    {
        var (status, _) = await _f.PostJsonAsync("/_emulator/reset", new { });
        Assert.Equal(204, status);
        Assert.Equal(200, (int)(await _f.Client.DeleteAsync($"/_emulator/tenants/{TenantDirectory.DefaultTenantId}/defender/indicators")).StatusCode);
    }

    [Fact]
    public async Task The_tenant_cap_refuses_new_indicators_but_not_updates()
    {
        await ClearAsync();
        for (int i = 0; i < DefenderLimitFixture.Cap; i++) await _f.SubmitOkAsync(Indicator($"cap-{i}.example"));

        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("one-too-many.example")), 400, "DisallowedOperation", $"limit of {DefenderLimitFixture.Cap} indicators");
        await _f.SubmitOkAsync(DefenderFixture.Indicator("cap-0.example", "DomainName", "Allowed"));

        var (status, body, _) = await _f.CallAsync(HttpMethod.Post, Api + "/import",
            new { Indicators = new[] { Indicator("cap-1.example"), Indicator("import-too-many.example") } });
        Assert.Equal(200, status);
        var results = body.GetProperty("value").EnumerateArray().ToList();
        Assert.False(results[0].GetProperty("isFailed").GetBoolean());
        Assert.True(results[1].GetProperty("isFailed").GetBoolean());
        Assert.Contains($"limit of {DefenderLimitFixture.Cap} indicators", results[1].GetProperty("failureReason").GetString());

        // Room again once one is deleted.
        var first = (await _f.ListAsync("?$filter=indicatorValue eq 'cap-2.example'")).Single().GetProperty("id").GetString();
        Assert.Equal(204, (await _f.CallAsync(HttpMethod.Delete, Api + "/" + first)).Status);
        await _f.SubmitOkAsync(Indicator("one-too-many.example"));

        var (cleared, removed) = await EmulatorFixture.ReadAsync(await _f.Client.DeleteAsync("/_emulator/defender/indicators"));
        Assert.Equal(200, cleared);
        Assert.True(removed.GetProperty("removed").GetInt32() >= DefenderLimitFixture.Cap);
    }

    [Fact]
    public async Task Submissions_get_429_with_retry_after_per_minute_then_per_hour()
    {
        await ClearAsync();
        await ThrottleAsync(true);
        try
        {
            for (int i = 0; i < 3; i++) await _f.SubmitOkAsync(Indicator($"rate-{i}.example"));
            var minute = await _f.CallAsync(HttpMethod.Post, Api, Indicator("rate-3.example"));
            DefenderFixture.AssertError(minute, 429, "TooManyRequests", "maximum admitted 3 per 1m");
            Assert.Equal("60", minute.Response.Headers.GetValues("Retry-After").Single());

            // Another app of the tenant, and the other calls of the same app, count on their own.
            await _f.SubmitOkAsync(Indicator("rate-other.example"), DefenderFixture.OwnerClientId);
            Assert.Equal(200, (await _f.CallAsync(HttpMethod.Get, Api)).Status);

            _f.Time.Advance(TimeSpan.FromSeconds(60));
            await _f.SubmitOkAsync(Indicator("rate-4.example")); // the 5th of the hour (the refused one counted)
            var hour = await _f.CallAsync(HttpMethod.Post, Api, Indicator("rate-5.example"));
            DefenderFixture.AssertError(hour, 429, "TooManyRequests", "maximum admitted 5 per 1h");
            Assert.Equal("3540", hour.Response.Headers.GetValues("Retry-After").Single());
            _f.Time.Advance(TimeSpan.FromSeconds(3540));
            await _f.SubmitOkAsync(Indicator("rate-5.example"));
        }
        finally
        {
            await ThrottleAsync(false);
        }
    }

    [Fact]
    public async Task Import_and_the_other_calls_keep_the_real_limits_time_scaled()
    {
        await ClearAsync();
        await ThrottleAsync(true, timeScale: 60);
        try
        {
            var import = new { Indicators = new[] { Indicator("import-rate.example") } };
            for (int i = 0; i < 30; i++) Assert.Equal(200, (await _f.CallAsync(HttpMethod.Post, Api + "/import", import)).Status);
            var refused = await _f.CallAsync(HttpMethod.Post, Api + "/import", import);
            DefenderFixture.AssertError(refused, 429, "TooManyRequests", "maximum admitted 30 per 1m");
            Assert.Equal("1", refused.Response.Headers.GetValues("Retry-After").Single());

            for (int i = 0; i < 100; i++) Assert.Equal(200, (await _f.CallAsync(HttpMethod.Get, Api + "?$top=1")).Status);
            var list = await _f.CallAsync(HttpMethod.Get, Api + "?$top=1");
            DefenderFixture.AssertError(list, 429, "TooManyRequests", "maximum admitted 100 per 1m");

            for (int i = 0; i < 100; i++) Assert.Equal(404, (await _f.CallAsync(HttpMethod.Delete, Api + "/99999")).Status);
            DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Delete, Api + "/99999"), 429, "TooManyRequests");

            var batch = new { IndicatorIds = new[] { "99999" } };
            for (int i = 0; i < 30; i++) Assert.Equal(404, (await _f.CallAsync(HttpMethod.Post, Api + "/BatchDelete", batch)).Status);
            DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api + "/BatchDelete", batch), 429, "TooManyRequests", "maximum admitted 30 per 1m");

            // A scaled minute later every window has room again.
            _f.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(200, (await _f.CallAsync(HttpMethod.Post, Api + "/import", import)).Status);
            Assert.Equal(200, (await _f.CallAsync(HttpMethod.Get, Api + "?$top=1")).Status);
        }
        finally
        {
            await ThrottleAsync(false);
        }
    }

    [Fact]
    public void The_config_file_sets_the_cap_and_limits_over_the_defaults()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gs-defender-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"defender": {"indicatorCap": 20, "rateLimits": {"import": [{"requests": 2, "windowSeconds": 10}]}}}""");
        try
        {
            var options = EmulatorOptions.Parse(new[] { "--config", path });
            Assert.Equal(20, options.Defender.IndicatorCap);
            Assert.Equal(2, options.Defender.RateLimits["import"].Single().Requests);
            Assert.Equal(new[] { 100, 1500 }, options.Defender.RateLimits["submit"].Select(l => l.Requests));
            Assert.Equal(DefenderSettings.DefaultIndicatorCap, EmulatorOptions.Parse(Array.Empty<string>()).Defender.IndicatorCap);

            File.WriteAllText(path, """{"defender": {"rateLimits": {"export": [{"requests": 2}]}}}""");
            Assert.Contains("export", Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--config", path })).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
