using System.Text.Json;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Tests;

/// <summary>The retired switches: tiIndicators and securityActions answer like a removed segment, legacy alerts return no data.</summary>
public class RetiredApiTests : IClassFixture<ClockedEmulatorFixture>, IAsyncLifetime
{
    private readonly ClockedEmulatorFixture _f;
    public RetiredApiTests(ClockedEmulatorFixture f) => _f = f;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var api in new[] { "tiIndicators", "securityActions", "alerts" })
            await _f.PostJsonAsync("/_emulator/retired", new { api, retired = false });
    }

    [Theory]
    [InlineData("tiIndicators", "/beta/security/tiIndicators")]
    [InlineData("securityActions", "/beta/security/securityActions")]
    public async Task A_retired_beta_api_answers_400_for_its_segment_before_authentication(string api, string url)
    {
        Assert.Equal(200, (int)(await _f.SendAsync(HttpMethod.Get, url)).StatusCode);
        var (status, state) = await _f.PostJsonAsync("/_emulator/retired", new { api, retired = true });
        Assert.Equal(200, status);
        Assert.Contains(api, state.GetProperty("retired").EnumerateArray().Select(e => e.GetString()));

        foreach (var token in new[] { null, "" })
        {
            var response = await _f.SendAsync(HttpMethod.Get, url + "/some-id", token: token);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal(400, (int)response.StatusCode);
            Assert.Equal("BadRequest", error.GetProperty("code").GetString());
            Assert.Equal($"Resource not found for the segment '{api}'.", error.GetProperty("message").GetString());
        }

        await _f.PostJsonAsync("/_emulator/retired", new { api, retired = false });
        Assert.Equal(200, (int)(await _f.SendAsync(HttpMethod.Get, url)).StatusCode);
    }

    [Fact]
    public async Task Retiring_legacy_alerts_through_the_same_switch_empties_them()
    {
        var before = JsonDocument.Parse(await (await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts?$top=5")).Content.ReadAsStringAsync()).RootElement;
        Assert.NotEmpty(before.GetProperty("value").EnumerateArray());
        await _f.PostJsonAsync("/_emulator/retired", new { api = "alerts", retired = true });
        var after = JsonDocument.Parse(await (await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts?$top=5")).Content.ReadAsStringAsync()).RootElement;
        Assert.Empty(after.GetProperty("value").EnumerateArray());
    }

    [Fact]
    public async Task An_unknown_api_is_refused_and_the_config_file_can_retire_apis()
    {
        var (status, body) = await _f.PostJsonAsync("/_emulator/retired", new { api = "incidents", retired = true });
        Assert.Equal(400, status);
        Assert.Equal("Unknown API 'incidents'. Known: tiIndicators, securityActions, alerts.", body.GetProperty("error").GetString());

        var path = Path.Combine(Path.GetTempPath(), $"gs-retired-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "retiredApis": [ "tiindicators", "securityActions" ] }""");
        try
        {
            Assert.Equal(new[] { "tiIndicators", "securityActions" }, EmulatorOptions.Parse(new[] { "--config", path }).RetiredApis);
        }
        finally { File.Delete(path); }
    }
}
