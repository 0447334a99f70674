using System.Net;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

public class SecureScoreTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;
    public SecureScoreTests(EmulatorFixture f) => _f = f;

    /// <summary>Controls whose score dropped from one day to the next (the days newest first).</summary>
    private static List<int> DropsPerDay(List<Graph.SecureScore.SecureScore> days) =>
        Enumerable.Range(0, days.Count - 1).Select(d =>
        {
            var today = days[d].ControlScores.ToDictionary(c => (string)c["controlName"], c => (double)c["score"]);
            return days[d + 1].ControlScores.Count(c => today.TryGetValue((string)c["controlName"], out var score) && score < (double)c["score"]);
        }).ToList();

    [Theory]
    [InlineData(EmulatorFixture.Seed)]
    [InlineData(1)]
    [InlineData(20260501)]
    public void Regressions_are_a_few_controls_for_a_few_days_including_the_latest_day(int seed)
    {
        foreach (var tenant in new[] { TenantDirectory.DefaultTenantId, "d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a" })
        {
            var drops = DropsPerDay(new Data.SecureScoreSeeder(seed, tenant, EmulatorFixture.Now).Scores());
            Assert.InRange(drops[0], 0, 3);            // the latest day against the one before
            Assert.All(drops, n => Assert.InRange(n, 0, 3));
            Assert.Contains(drops, n => n > 0);        // but the 90 days do hold some
        }
    }

    [Fact]
    public async Task Ninety_daily_scores_newest_first_referencing_control_profiles()
    {
        var page = await _f.GetJsonAsync("/v1.0/security/secureScores");
        Assert.EndsWith("/v1.0/$metadata#security/secureScores", page.GetProperty("@odata.context").GetString());
        var scores = page.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(90, scores.Count);
        var dates = scores.Select(s => s.GetProperty("createdDateTime").GetDateTimeOffset()).ToList();
        Assert.Equal(dates.OrderByDescending(d => d), dates);
        Assert.Equal(EmulatorFixture.Now.UtcDateTime.Date, dates[0].UtcDateTime);
        Assert.Equal($"{TenantDirectory.DefaultTenantId}_{dates[0]:yyyy-MM-dd}", scores[0].GetProperty("id").GetString());

        var profileIds = (await _f.GetJsonAsync("/v1.0/security/secureScoreControlProfiles")).GetProperty("value").EnumerateArray()
            .Select(p => p.GetProperty("id").GetString()).ToHashSet();
        Assert.InRange(profileIds.Count, 35, 45);
        var current = scores.Select(s => s.GetProperty("currentScore").GetDouble()).ToList();
        bool regressed = false;
        for (int i = 0; i + 1 < current.Count; i++) regressed |= current[i] < current[i + 1];
        Assert.True(regressed, "the trend should contain a regression");
        Assert.True(current[0] > current[^1], "the trend should improve overall");
        foreach (var s in scores)
        {
            Assert.True(s.GetProperty("currentScore").GetDouble() <= s.GetProperty("maxScore").GetDouble());
            Assert.Equal("SecureScore", s.GetProperty("vendorInformation").GetProperty("provider").GetString());
            Assert.Equal(new[] { "AllTenants", "TotalSeats", "IndustryTypes" },
                s.GetProperty("averageComparativeScores").EnumerateArray().Select(a => a.GetProperty("basis").GetString()));
            var controls = s.GetProperty("controlScores").EnumerateArray().ToList();
            Assert.All(controls, c => Assert.Contains(c.GetProperty("controlName").GetString(), profileIds));
            Assert.Equal(Math.Round(controls.Sum(c => c.GetProperty("score").GetDouble()), 2), s.GetProperty("currentScore").GetDouble(), 2);
            Assert.Equal(JsonValueKind.String, controls[0].GetProperty("count").ValueKind);
        }
    }

    [Fact]
    public async Task Top_skip_filter_and_get_by_id()
    {
        var weekAgo = (await _f.GetJsonAsync("/v1.0/security/secureScores?$top=1&$skip=7")).GetProperty("value")[0];
        Assert.Equal(EmulatorFixture.Now.UtcDateTime.Date.AddDays(-7), weekAgo.GetProperty("createdDateTime").GetDateTimeOffset().UtcDateTime);
        var id = weekAgo.GetProperty("id").GetString();
        var single = await _f.GetJsonAsync($"/v1.0/security/secureScores/{id}");
        Assert.EndsWith("#security/secureScores/$entity", single.GetProperty("@odata.context").GetString());
        Assert.Equal(weekAgo.GetProperty("currentScore").GetDouble(), single.GetProperty("currentScore").GetDouble());

        var lastTen = await _f.GetJsonAsync("/v1.0/security/secureScores?$filter=createdDateTime ge " + EmulatorFixture.Now.UtcDateTime.Date.AddDays(-9).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        Assert.Equal(10, lastTen.GetProperty("value").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await _f.SendAsync(HttpMethod.Get, "/v1.0/security/secureScores?$filter=currentScore gt 1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _f.SendAsync(HttpMethod.Get, "/v1.0/security/secureScores/nope")).StatusCode);
    }

    [Fact]
    public async Task Control_profiles_filter_and_roles()
    {
        var identity = (await _f.GetJsonAsync("/v1.0/security/secureScoreControlProfiles?$filter=controlCategory eq 'Identity' and deprecated eq false")).GetProperty("value").EnumerateArray().ToList();
        Assert.NotEmpty(identity);
        Assert.All(identity, p =>
        {
            Assert.Equal("Identity", p.GetProperty("controlCategory").GetString());
            Assert.False(p.GetProperty("deprecated").GetBoolean());
        });
        Assert.Contains(identity, p => p.GetProperty("id").GetString() == "AdminMFAV2");
        var core = (await _f.GetJsonAsync("/v1.0/security/secureScoreControlProfiles?$filter=tier eq 'Core' and service eq 'MDO'")).GetProperty("value");
        Assert.All(core.EnumerateArray(), p => Assert.Equal("MDO", p.GetProperty("service").GetString()));
        var profile = await _f.GetJsonAsync("/v1.0/security/secureScoreControlProfiles/BlockLegacyAuthentication");
        foreach (var name in new[] { "actionType", "actionUrl", "azureTenantId", "complianceInformation", "controlStateUpdates", "implementationCost", "maxScore", "rank",
                     "remediation", "remediationImpact", "threats", "tier", "title", "userImpact", "vendorInformation", "lastModifiedDateTime" })
            Assert.True(profile.TryGetProperty(name, out _), name);

        await _f.AssertReaderForbiddenAsync("/v1.0/security/secureScores", "SecurityEvents.Read.All,SecurityEvents.ReadWrite.All");
    }
}

public class SecureScoreWriteTests : IClassFixture<MutableEmulatorFixture>
{
    private readonly MutableEmulatorFixture _f;
    public SecureScoreWriteTests(MutableEmulatorFixture f) => _f = f;

    [Fact]
    public async Task Patch_appends_a_control_state_update()
    {
        const string url = "/v1.0/security/secureScoreControlProfiles/AdminMFAV2";
        var missingVendor = await _f.SendAsync(HttpMethod.Patch, url, json: "{\"state\":\"Ignored\"}");
        Assert.Equal(HttpStatusCode.BadRequest, missingVendor.StatusCode);
        Assert.Contains("vendorInformation", await missingVendor.Content.ReadAsStringAsync());

        var body = "{\"assignedTo\":\"soc.analyst1@contoso.example\",\"comment\":\"Handled by a third-party MFA\",\"state\":\"thirdparty\",\"vendorInformation\":{\"provider\":\"SecureScore\",\"vendor\":\"Microsoft\"}}";
        var noContent = await _f.SendAsync(HttpMethod.Patch, url, json: body);
        Assert.Equal(HttpStatusCode.NoContent, noContent.StatusCode);
        var (status, profile) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Patch, url, json: body.Replace("thirdparty", "Reviewed"),
            configure: r => r.Headers.Add("Prefer", "return=representation")));
        Assert.Equal(200, status);
        var updates = profile.GetProperty("controlStateUpdates").EnumerateArray().ToList();
        Assert.Equal(new[] { "ThirdParty", "Reviewed" }, updates.Select(u => u.GetProperty("state").GetString()));
        Assert.Equal("Handled by a third-party MFA", updates[0].GetProperty("comment").GetString());
        Assert.Equal(TenantDirectory.DefaultClientId, updates[0].GetProperty("updatedBy").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await _f.SendAsync(HttpMethod.Patch, url, json: "{\"state\":\"Off\",\"vendorInformation\":{\"provider\":\"SecureScore\",\"vendor\":\"Microsoft\"}}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _f.SendAsync(HttpMethod.Patch, url, json: "{\"title\":\"x\",\"vendorInformation\":{\"provider\":\"SecureScore\",\"vendor\":\"Microsoft\"}}")).StatusCode);
    }
}
