using System.Net;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

public class BatchTests : IClassFixture<MutableEmulatorFixture>
{
    private readonly MutableEmulatorFixture _f;
    public BatchTests(MutableEmulatorFixture f) => _f = f;

    private async Task<(int Status, JsonElement Body)> BatchAsync(object payload, string token = null, string version = "v1.0") =>
        await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, $"/{version}/$batch", token, JsonSerializer.Serialize(payload)));

    private static Dictionary<string, JsonElement> ById(JsonElement body) =>
        body.GetProperty("responses").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString());

    [Fact]
    public async Task Items_run_through_the_real_pipeline_with_per_item_status_headers_and_body()
    {
        var incidentId = (await _f.GetJsonAsync("/v1.0/security/incidents?$top=1&$filter=status eq 'active'")).GetProperty("value")[0].GetProperty("id").GetString();
        var (status, body) = await BatchAsync(new
        {
            requests = new object[]
            {
                new { id = "1", method = "GET", url = "/security/alerts_v2?$top=5" },
                new { id = "2", method = "GET", url = "security/incidents?$top=100" },
                new { id = "3", method = "PATCH", url = $"/security/incidents/{incidentId}", headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
                      body = new { status = "inProgress" } },
                new { id = "4", method = "GET", url = $"/security/incidents/{incidentId}?$select=id,status", dependsOn = new[] { "3" } },
                new { id = "5", method = "GET", url = "/security/nothing" },
                new { id = "6", method = "GET", url = "/security/alerts_v2/nope", dependsOn = new[] { "5" } },
                new { id = "7", method = "PATCH", url = $"/security/secureScoreControlProfiles/AdminMFAV2", headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
                      body = new { state = "Reviewed", vendorInformation = new { provider = "SecureScore", vendor = "Microsoft" } } },
            },
        });
        Assert.Equal(200, status);
        var r = ById(body);
        Assert.Equal(200, r["1"].GetProperty("status").GetInt32());
        Assert.Equal(5, r["1"].GetProperty("body").GetProperty("value").GetArrayLength());
        Assert.StartsWith("application/json", r["1"].GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal(400, r["2"].GetProperty("status").GetInt32());
        Assert.Equal("", r["2"].GetProperty("body").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(200, r["3"].GetProperty("status").GetInt32());
        Assert.Equal("inProgress", r["4"].GetProperty("body").GetProperty("status").GetString());
        Assert.Equal(400, r["5"].GetProperty("status").GetInt32());
        Assert.Equal(424, r["6"].GetProperty("status").GetInt32());
        Assert.Equal(204, r["7"].GetProperty("status").GetInt32());
        Assert.False(r["7"].TryGetProperty("body", out _));
    }

    [Fact]
    public async Task Roles_apply_per_item()
    {
        var reader = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        var (status, body) = await BatchAsync(new
        {
            requests = new object[]
            {
                new { id = "a", method = "GET", url = "/security/alerts_v2?$top=1" },
                new { id = "b", method = "GET", url = "/security/incidents" },
            },
        }, reader, "beta");
        Assert.Equal(200, status);
        var r = ById(body);
        Assert.Equal(200, r["a"].GetProperty("status").GetInt32());
        Assert.Equal(403, r["b"].GetProperty("status").GetInt32());
        Assert.Equal("Forbidden", r["b"].GetProperty("body").GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Stats_count_requests_and_bytes_including_batch_items()
    {
        async Task<JsonElement> Stats() => JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/stats")).RootElement.Clone();
        var before = await Stats();
        await BatchAsync(new { requests = new object[] { new { id = "1", method = "GET", url = "/security/incidents?$top=2" }, new { id = "2", method = "GET", url = "/security/secureScores?$top=1" } } });
        var after = await Stats();
        // The batch itself plus its two items (the token request may also be counted).
        Assert.InRange(after.GetProperty("requests").GetInt64() - before.GetProperty("requests").GetInt64(), 3, 4);
        Assert.True(after.GetProperty("bytes").GetInt64() > before.GetProperty("bytes").GetInt64());
        Assert.True(after.GetProperty("seedMilliseconds").GetInt64() >= 0);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _f.SendAsync(HttpMethod.Get, "/v1.0/$batch")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _f.SendAsync(HttpMethod.Put, "/v1.0/subscriptions")).StatusCode);
    }

    [Fact]
    public async Task Malformed_batches_are_a_whole_400()
    {
        var tooMany = Enumerable.Range(1, 21).Select(i => new { id = i.ToString(), method = "GET", url = "/security/alerts_v2?$top=1" }).ToArray();
        Assert.Equal(400, (await BatchAsync(new { requests = tooMany })).Status);
        Assert.Equal(200, (await BatchAsync(new { requests = tooMany.Take(20).ToArray() })).Status);
        var duplicate = new object[] { new { id = "x", method = "GET", url = "/security/incidents" }, new { id = "X", method = "GET", url = "/security/incidents" } };
        Assert.Equal(400, (await BatchAsync(new { requests = duplicate })).Status);
        var noHeaders = new object[] { new { id = "1", method = "PATCH", url = "/security/incidents/1", body = new { status = "active" } } };
        var (status, body) = await BatchAsync(new { requests = noHeaders });
        Assert.Equal(400, status);
        Assert.Contains("Content-Type", body.GetProperty("error").GetProperty("message").GetString());
        var unauthenticated = await _f.SendAsync(HttpMethod.Post, "/v1.0/$batch", "", "{\"requests\":[]}");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }
}
