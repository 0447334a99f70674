using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

public class AlertWriteTests : IClassFixture<MutableEmulatorFixture>
{
    private readonly MutableEmulatorFixture _f;
    public AlertWriteTests(MutableEmulatorFixture f) => _f = f;

    private async Task<JsonElement> AlertWithStatusAsync(string status, int index)
    {
        var page = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$orderby=id&$filter=" + Uri.EscapeDataString($"status eq '{status}'"));
        return page.GetProperty("value")[index];
    }

    [Fact]
    public async Task Patch_updates_and_is_visible_to_later_reads()
    {
        var alert = await AlertWithStatusAsync("new", 0);
        var id = alert.GetProperty("id").GetString();
        var response = await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/alerts_v2/" + id,
            json: "{\"status\":\"Resolved\",\"classification\":\"truePositive\",\"determination\":\"MALWARE\",\"assignedTo\":\"secops@contoso.example\"}");
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(200, status);
        Assert.Equal("http://localhost/v1.0/$metadata#security/alerts_v2/$entity", body.GetProperty("@odata.context").GetString());
        Assert.Equal("resolved", body.GetProperty("status").GetString());
        Assert.Equal("truePositive", body.GetProperty("classification").GetString());
        Assert.Equal("malware", body.GetProperty("determination").GetString());
        Assert.Equal("secops@contoso.example", body.GetProperty("assignedTo").GetString());
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("resolvedDateTime").ValueKind);
        Assert.True(body.GetProperty("lastUpdateDateTime").GetDateTimeOffset() >= EmulatorFixture.Now);
        Assert.Equal(alert.GetProperty("title").GetString(), body.GetProperty("title").GetString());

        var again = await _f.GetJsonAsync("/v1.0/security/alerts_v2/" + id);
        Assert.Equal("resolved", again.GetProperty("status").GetString());
        var filtered = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$filter=" + Uri.EscapeDataString("assignedTo eq 'secops@contoso.example'"));
        Assert.Contains(filtered.GetProperty("value").EnumerateArray(), a => a.GetProperty("id").GetString() == id);

        // Reopening clears resolvedDateTime; assignedTo can be cleared with null.
        var reopen = await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/alerts_v2/" + id, json: "{\"status\":\"inProgress\",\"assignedTo\":null}");
        var (_, reopened) = await EmulatorFixture.ReadAsync(reopen);
        Assert.Equal("inProgress", reopened.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("resolvedDateTime").ValueKind);
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("assignedTo").ValueKind);
    }

    [Theory]
    [InlineData("{\"status\":\"closed\"}", "Cannot convert the literal 'closed'")]
    [InlineData("{\"classification\":\"bogus\"}", "microsoft.graph.security.alertClassification")]
    [InlineData("{\"determination\":\"compromisedUser\"}", "compromisedUser")]
    [InlineData("{\"title\":\"renamed\"}", "read-only")]
    [InlineData("{\"colour\":\"red\"}", "does not exist")]
    [InlineData("{\"status\":null}", "cannot be null")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("{\"status\":", "not valid JSON")]
    public async Task Invalid_patch_is_400(string json, string expected)
    {
        var alert = await AlertWithStatusAsync("new", 5);
        var response = await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/alerts_v2/" + alert.GetProperty("id").GetString(), json: json);
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(expected, body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Patch_of_unknown_id_is_404()
    {
        var response = await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/alerts_v2/nope", json: "{\"status\":\"resolved\"}");
        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Comments_return_the_whole_list()
    {
        var all = await _f.AllAlertsAsync();
        var alert = all.First(a => a.GetProperty("comments").GetArrayLength() > 0);
        var id = alert.GetProperty("id").GetString();
        var before = alert.GetProperty("comments").GetArrayLength();

        var response = await _f.SendAsync(HttpMethod.Post, $"/v1.0/security/alerts_v2/{id}/comments",
            json: "{\"@odata.type\":\"microsoft.graph.security.alertComment\",\"comment\":\"Escalated to tier 2\"}");
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(200, status);
        Assert.Equal($"http://localhost/v1.0/$metadata#security/alerts_v2('{id}')/comments", body.GetProperty("@odata.context").GetString());
        var comments = body.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(before + 1, comments.Count);
        var last = comments[^1];
        Assert.Equal(new[] { "comment", "createdByDisplayName", "createdDateTime" }, last.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Escalated to tier 2", last.GetProperty("comment").GetString());
        Assert.Equal("GraphSecurity Emulator", last.GetProperty("createdByDisplayName").GetString());

        var second = await _f.SendAsync(HttpMethod.Post, $"/v1.0/security/alerts_v2/{id}/comments", json: "{\"comment\":\"Second\"}");
        var (_, body2) = await EmulatorFixture.ReadAsync(second);
        Assert.Equal(before + 2, body2.GetProperty("value").GetArrayLength());

        var reread = await _f.GetJsonAsync("/v1.0/security/alerts_v2/" + id);
        Assert.Equal(before + 2, reread.GetProperty("comments").GetArrayLength());
        Assert.True(last.GetProperty("createdDateTime").GetString().Length > 0);
        Assert.True(reread.GetProperty("lastUpdateDateTime").GetDateTimeOffset() >= EmulatorFixture.Now);
    }

    [Theory]
    [InlineData("{\"comment\":\"\"}")]
    [InlineData("{\"comment\":\"   \"}")]
    [InlineData("{}")]
    [InlineData("{\"comment\":42}")]
    public async Task Empty_comment_is_400(string json)
    {
        var all = await _f.AllAlertsAsync();
        var response = await _f.SendAsync(HttpMethod.Post, $"/v1.0/security/alerts_v2/{all[0].GetProperty("id").GetString()}/comments", json: json);
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task Concurrent_comments_are_all_kept()
    {
        var all = await _f.AllAlertsAsync();
        var id = all[^1].GetProperty("id").GetString();
        var before = all[^1].GetProperty("comments").GetArrayLength();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            _f.SendAsync(HttpMethod.Post, $"/v1.0/security/alerts_v2/{id}/comments", json: $"{{\"comment\":\"c{i}\"}}")));
        var reread = await _f.GetJsonAsync("/v1.0/security/alerts_v2/" + id);
        Assert.Equal(before + 20, reread.GetProperty("comments").GetArrayLength());
    }

    [Fact]
    public async Task Reader_cannot_write()
    {
        var token = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        var all = await _f.AllAlertsAsync();
        var id = all[1].GetProperty("id").GetString();
        var patch = await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/alerts_v2/" + id, token, "{\"status\":\"resolved\"}");
        var (status, body) = await EmulatorFixture.ReadAsync(patch);
        Assert.Equal(403, status);
        Assert.Equal("Forbidden", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("Missing application roles. API required roles: SecurityAlert.ReadWrite.All, application roles: SecurityAlert.Read.All.",
            body.GetProperty("error").GetProperty("message").GetString());
        var comment = await _f.SendAsync(HttpMethod.Post, $"/v1.0/security/alerts_v2/{id}/comments", token, "{\"comment\":\"x\"}");
        Assert.Equal(403, (int)comment.StatusCode);
    }
}
