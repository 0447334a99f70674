using System.Text.Json;

namespace GraphSecurity.Emulator.Tests;

/// <summary>List pages copy each alert's cached JSON; it must be what the schema writer produces, and follow updates.</summary>
public class AlertJsonCacheTests : IClassFixture<MutableEmulatorFixture>
{
    private readonly MutableEmulatorFixture _f;
    public AlertJsonCacheTests(MutableEmulatorFixture f) => _f = f;

    private static string WithoutContext(JsonElement alert) =>
        JsonSerializer.Serialize(alert.EnumerateObject().Where(p => p.Name != "@odata.context").ToDictionary(p => p.Name, p => p.Value));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task List_items_match_get_by_id_before_and_after_an_update(bool includeUnknown)
    {
        async Task<JsonElement> Get(string url)
        {
            var response = await _f.SendAsync(HttpMethod.Get, url,
                configure: r => { if (includeUnknown) r.Headers.Add("Prefer", "include-unknown-enum-members"); });
            var (status, body) = await EmulatorFixture.ReadAsync(response);
            Assert.Equal(200, status);
            return body;
        }

        var page = await Get("/v1.0/security/alerts_v2?$top=5");
        foreach (var item in page.GetProperty("value").EnumerateArray())
        {
            var single = await Get("/v1.0/security/alerts_v2/" + item.GetProperty("id").GetString());
            Assert.Equal(WithoutContext(single), WithoutContext(item));
            Assert.True(item.GetProperty("evidence").GetArrayLength() > 0);
        }

        var id = page.GetProperty("value")[0].GetProperty("id").GetString();
        var assignee = $"cache-{includeUnknown}@contoso.example";
        var patch = await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/alerts_v2/" + id, json: $"{{\"assignedTo\":\"{assignee}\"}}");
        Assert.Equal(200, (int)patch.StatusCode);

        var again = await Get("/v1.0/security/alerts_v2?$top=5");
        var updated = again.GetProperty("value").EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        Assert.Equal(assignee, updated.GetProperty("assignedTo").GetString());
        Assert.Equal(WithoutContext(await Get("/v1.0/security/alerts_v2/" + id)), WithoutContext(updated));
    }
}
