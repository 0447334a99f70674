using System.Diagnostics;
using System.Text.Json;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Tests;

public class FaultInjectionTests : IClassFixture<ClockedEmulatorFixture>, IAsyncLifetime
{
    private const string Alerts = "/v1.0/security/alerts_v2?$top=2&$select=id,title";
    private readonly ClockedEmulatorFixture _f;
    public FaultInjectionTests(ClockedEmulatorFixture f) => _f = f;

    public async Task InitializeAsync() => await _f.TokenAsync(); // fetch the token before any rule can hit the token endpoint
    public async Task DisposeAsync() => await _f.Client.DeleteAsync("/_emulator/faults");

    private async Task SetAsync(params object[] rules)
    {
        var (status, body) = await _f.PostJsonAsync("/_emulator/faults", new { seed = 11, rules });
        Assert.True(status == 200, body.ToString());
    }

    private static async Task<(int Status, JsonElement Error)> ErrorAsync(HttpResponseMessage response)
    {
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return ((int)response.StatusCode, body.GetProperty("error"));
    }

    [Theory]
    [InlineData(400, "BadRequest", "Invalid request.")]
    [InlineData(404, "NotFound", "The requested resource does not exist.")]
    [InlineData(410, "Gone", "The requested resource is no longer available.")]
    [InlineData(500, "UnknownError", "")]
    [InlineData(502, "BadGateway", "The gateway did not receive a valid response.")]
    [InlineData(503, "ServiceNotAvailable", "The service is temporarily unavailable. Please retry later.")]
    [InlineData(504, "GatewayTimeout", "The operation timed out.")]
    public async Task Server_errors_have_the_graph_bodies(int status, string code, string message)
    {
        await SetAsync(new { route = "/v1.0/security/alerts_v2*", errorRate = 1.0, errorStatuses = new[] { status }, retryAfterSeconds = 3 });
        var response = await _f.SendAsync(HttpMethod.Get, Alerts);
        var (actual, error) = await ErrorAsync(response);
        Assert.Equal(status, actual);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.True(error.GetProperty("innerError").TryGetProperty("request-id", out _));
        Assert.Equal(status == 503, response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Injected_throttling_answers_429_with_retry_after_only_for_matching_methods_and_routes()
    {
        await SetAsync(new { route = "/v1.0/security/alerts_v2*", methods = new[] { "GET" }, throttleRate = 1.0, retryAfterSeconds = 7 });
        var response = await _f.SendAsync(HttpMethod.Get, Alerts);
        var (status, error) = await ErrorAsync(response);
        Assert.Equal(429, status);
        Assert.Equal("TooManyRequests", error.GetProperty("code").GetString());
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());

        // Other methods and paths pass.
        Assert.Equal(404, (int)(await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/alerts_v2/no-such-alert", json: "{\"status\":\"new\"}")).StatusCode);
        Assert.Equal(200, (int)(await _f.Client.GetAsync("/_emulator/health")).StatusCode);
    }

    [Fact]
    public async Task Faults_on_identity_routes_use_the_aad_error_shape()
    {
        await SetAsync(new { route = "/*/oauth2/v2.0/token", errorRate = 1.0, errorStatuses = new[] { 503 } });
        var (status, body) = await _f.PostFormAsync("/contoso.example/oauth2/v2.0/token", new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        Assert.Equal(503, status);
        Assert.Equal("temporarily_unavailable", body.GetProperty("error").GetString());
        Assert.StartsWith("AADSTS90033: ", body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task A_retired_rule_answers_every_matching_request_as_a_removed_api()
    {
        await SetAsync(new { route = "/v1.0/security/alerts_v2*", retired = true });
        for (var i = 0; i < 3; i++)
        {
            var (status, error) = await ErrorAsync(await _f.SendAsync(HttpMethod.Get, Alerts));
            Assert.Equal(400, status);
            Assert.Equal("Resource not found for the segment 'alerts_v2'.", error.GetProperty("message").GetString());
        }
        Assert.Equal(200, (int)(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/incidents?$top=1")).StatusCode);
    }

    [Fact]
    public async Task A_rule_with_times_applies_to_that_many_requests_only()
    {
        await SetAsync(new { route = "/v1.0/security/alerts_v2*", errorRate = 1.0, errorStatuses = new[] { 500 }, times = 2 });
        var statuses = new List<int>();
        for (var i = 0; i < 4; i++) statuses.Add((int)(await _f.SendAsync(HttpMethod.Get, Alerts)).StatusCode);
        Assert.Equal(new[] { 500, 500, 200, 200 }, statuses);
        var read = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/faults")).RootElement;
        Assert.Equal(0, read.GetProperty("rules")[0].GetProperty("times").GetInt32());
    }

    [Fact]
    public async Task Other_error_statuses_are_refused()
    {
        var (status, body) = await _f.PostJsonAsync("/_emulator/faults", new { rules = new[] { new { route = "*", errorRate = 0.5, errorStatuses = new[] { 418 } } } });
        Assert.Equal(400, status);
        Assert.Contains("400, 404, 410, 500, 502, 503, 504", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Latency_delays_the_response()
    {
        await SetAsync(new { route = "/v1.0/*", latencyMs = 250, jitterMs = 50 });
        var watch = Stopwatch.StartNew();
        Assert.Equal(200, (int)(await _f.SendAsync(HttpMethod.Get, Alerts)).StatusCode);
        Assert.InRange(watch.ElapsedMilliseconds, 250, 5000);
    }

    [Fact]
    public async Task Dropped_connections_and_truncated_bodies_fail_on_the_client()
    {
        await SetAsync(new { route = "/v1.0/*", dropRate = 1.0 });
        await Assert.ThrowsAnyAsync<Exception>(() => _f.SendAsync(HttpMethod.Get, Alerts));

        await SetAsync(new { route = "/v1.0/*", truncateRate = 1.0 });
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var response = await _f.SendAsync(HttpMethod.Get, Alerts);
            var text = await response.Content.ReadAsStringAsync();
            JsonDocument.Parse(text); // a half body is not JSON
        });
    }

    [Fact]
    public async Task Draws_are_deterministic_for_a_seed_and_delete_clears_the_rules()
    {
        async Task<string> SequenceAsync()
        {
            await SetAsync(new { route = "/v1.0/*", throttleRate = 0.3, errorRate = 0.2, errorStatuses = new[] { 500, 503 } });
            var statuses = new List<int>();
            for (int i = 0; i < 16; i++) statuses.Add((int)(await _f.SendAsync(HttpMethod.Get, Alerts)).StatusCode);
            return string.Join(",", statuses);
        }
        var first = await SequenceAsync();
        Assert.Equal(first, await SequenceAsync());
        Assert.Contains("200", first);
        Assert.Contains("429", first);
        Assert.Matches("50[03]", first);

        var read = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/faults")).RootElement;
        Assert.Equal(11, read.GetProperty("seed").GetInt32());
        Assert.Equal(0.3, read.GetProperty("rules")[0].GetProperty("throttleRate").GetDouble());

        Assert.Equal(204, (int)(await _f.Client.DeleteAsync("/_emulator/faults")).StatusCode);
        Assert.Equal(200, (int)(await _f.SendAsync(HttpMethod.Get, Alerts)).StatusCode);
    }

    [Fact]
    public async Task Invalid_rules_are_refused_and_rules_load_from_the_config_file()
    {
        var (status, body) = await _f.PostJsonAsync("/_emulator/faults", new { rules = new[] { new { route = "*", throttleRate = 0.8, errorRate = 0.5 } } });
        Assert.Equal(400, status);
        Assert.Equal("Fault rule '*': rates must be between 0 and 1 and add up to at most 1.", body.GetProperty("error").GetString());

        var path = Path.Combine(Path.GetTempPath(), $"gs-faults-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            { "tokenLifetimeSeconds": 600, "deviceCode": { "intervalSeconds": 1, "expiresInSeconds": 120 },
              "managedIdentityHeader": "my-header", "interactiveUser": "grace@contoso.example",
              "throttling": { "enabled": true, "timeScale": 60, "buckets": { "hunting": { "requests": 5 } } },
              "faults": { "seed": 3, "rules": [ { "route": "/v1.0/security/*", "errorRate": 0.25, "errorStatuses": [ 503 ] } ] } }
            """);
        try
        {
            var o = EmulatorOptions.Parse(new[] { "--config", path });
            Assert.Equal(600, o.TokenLifetimeSeconds);
            Assert.Equal(1, o.DeviceCodeIntervalSeconds);
            Assert.Equal(120, o.DeviceCodeExpiresInSeconds);
            Assert.Equal("my-header", o.ManagedIdentityHeader);
            Assert.Equal("grace@contoso.example", o.InteractiveUser);
            Assert.True(o.Throttling.Enabled);
            Assert.Equal(5, o.Throttling.Buckets["hunting"].Requests);
            Assert.Equal(150, o.Throttling.Buckets["alerts_v2"].Requests);
            Assert.Equal(3, o.Faults.Seed);
            Assert.Equal(new[] { 503 }, o.Faults.Rules.Single().ErrorStatuses);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
