using System.Text.Json;
using System.Text.RegularExpressions;

namespace GraphSecurity.Emulator.Tests;

public class AlertItemTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;
    public AlertItemTests(EmulatorFixture f) => _f = f;

    private static readonly string[] DeclaredProperties =
    {
        "id", "actorDisplayName", "additionalData", "alertPolicyId", "alertWebUrl", "assignedTo", "categories", "category",
        "classification", "comments", "createdDateTime", "customDetails", "description", "detectionSource", "detectorId",
        "determination", "evidence", "firstActivityDateTime", "incidentId", "incidentWebUrl", "investigationState",
        "lastActivityDateTime", "lastUpdateDateTime", "mitreTechniques", "productName", "providerAlertId", "recommendedActions",
        "resolvedDateTime", "serviceSource", "severity", "status", "systemTags", "tenantId", "threatDisplayName",
        "threatFamilyName", "title",
    };

    [Fact]
    public async Task Get_by_id_returns_the_entity_with_every_declared_property()
    {
        var all = await _f.AllAlertsAsync();
        var id = all[3].GetProperty("id").GetString();
        var alert = await _f.GetJsonAsync("/v1.0/security/alerts_v2/" + id);
        Assert.Equal("http://localhost/v1.0/$metadata#security/alerts_v2/$entity", alert.GetProperty("@odata.context").GetString());
        Assert.Equal("#microsoft.graph.security.alert", alert.GetProperty("@odata.type").GetString());
        Assert.Equal(id, alert.GetProperty("id").GetString());
        foreach (var p in DeclaredProperties) Assert.True(alert.TryGetProperty(p, out _), "missing " + p);
        Assert.Equal(
            all[3].EnumerateObject().Select(p => p.Name + "=" + p.Value.GetRawText()),
            alert.EnumerateObject().Where(p => p.Name != "@odata.context").Select(p => p.Name + "=" + p.Value.GetRawText()));
    }

    [Fact]
    public async Task Unknown_id_is_404()
    {
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2/da000000000000000000_1");
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(404, status);
        Assert.Equal("NotFound", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("Alert with id 'da000000000000000000_1' was not found.", body.GetProperty("error").GetProperty("message").GetString());
        var inner = body.GetProperty("error").GetProperty("innerError");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", inner.GetProperty("date").GetString());
        Assert.Equal(response.Headers.GetValues("request-id").Single(), inner.GetProperty("request-id").GetString());
    }

    [Fact]
    public async Task Seeded_alerts_look_real()
    {
        var all = await _f.AllAlertsAsync(r => r.Headers.Add("Prefer", "include-unknown-enum-members"));
        var ids = all.Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var mde = all.Where(a => a.GetProperty("serviceSource").GetString() == "microsoftDefenderForEndpoint").ToList();
        Assert.True(mde.Count > all.Count / 4);
        Assert.All(mde, a => Assert.Matches(@"^da\d{18}_-?\d+$", a.GetProperty("id").GetString()));
        var sources = all.GroupBy(a => a.GetProperty("serviceSource").GetString()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal("microsoftDefenderForEndpoint", sources.OrderByDescending(kv => kv.Value).First().Key);
        foreach (var s in new[] { "microsoftDefenderForOffice365", "microsoftDefenderForIdentity", "microsoftDefenderForCloudApps", "azureAdIdentityProtection", "microsoft365Defender", "dataLossPrevention" })
            Assert.True(sources.ContainsKey(s), s);
        foreach (var a in all)
        {
            var created = a.GetProperty("createdDateTime").GetDateTimeOffset();
            Assert.True(a.GetProperty("firstActivityDateTime").GetDateTimeOffset() <= created);
            Assert.True(a.GetProperty("lastActivityDateTime").GetDateTimeOffset() <= created);
            Assert.True(a.GetProperty("lastUpdateDateTime").GetDateTimeOffset() >= created);
            Assert.Matches(@"^\d+$", a.GetProperty("incidentId").GetString());
            Assert.Equal(EmulatorFixture.Now.Offset, TimeSpan.Zero);
            Assert.EndsWith("Z", a.GetProperty("createdDateTime").GetString());
            Assert.Equal($"https://security.microsoft.com/alerts/{a.GetProperty("id").GetString()}?tid=b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c", a.GetProperty("alertWebUrl").GetString());
            if (a.GetProperty("status").GetString() == "resolved")
            {
                Assert.NotEqual(JsonValueKind.Null, a.GetProperty("resolvedDateTime").ValueKind);
                Assert.NotEqual("unknown", a.GetProperty("classification").GetString());
            }
            else Assert.Equal(JsonValueKind.Null, a.GetProperty("resolvedDateTime").ValueKind);
        }
        var severities = all.GroupBy(a => a.GetProperty("severity").GetString()).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(severities["medium"] > severities["informational"]);
        // Incidents group 1-6 alerts.
        Assert.All(all.GroupBy(a => a.GetProperty("incidentId").GetString()), g => Assert.InRange(g.Count(), 1, 6));
        Assert.Contains(all, a => a.GetProperty("comments").GetArrayLength() > 0);
        Assert.Contains(all, a => a.GetProperty("systemTags").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Evidence_has_typed_shape()
    {
        var all = await _f.AllAlertsAsync();
        var evidence = all.SelectMany(a => a.GetProperty("evidence").EnumerateArray()).ToList();
        string[] baseMembers = { "@odata.type", "createdDateTime", "detailedRoles", "remediationStatus", "remediationStatusDetails", "roles", "tags", "verdict" };
        Assert.All(evidence, e =>
        {
            foreach (var m in baseMembers) Assert.True(e.TryGetProperty(m, out _), m);
            Assert.StartsWith("#microsoft.graph.security.", e.GetProperty("@odata.type").GetString());
        });
        var types = evidence.Select(e => e.GetProperty("@odata.type").GetString()).ToHashSet();
        foreach (var t in new[] { "deviceEvidence", "userEvidence", "ipEvidence", "urlEvidence", "fileEvidence", "processEvidence", "mailboxEvidence", "analyzedMessageEvidence" })
            Assert.Contains("#microsoft.graph.security." + t, types);

        var device = evidence.First(e => e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.deviceEvidence");
        Assert.Matches("^[0-9a-f]{40}$", device.GetProperty("mdeDeviceId").GetString());
        Assert.Matches(@"^[a-z0-9-]+\.contoso\.example$", device.GetProperty("deviceDnsName").GetString());
        Assert.StartsWith("192.0.2.", device.GetProperty("lastIpAddress").GetString());
        foreach (var m in new[] { "hostName", "osPlatform", "healthStatus", "riskScore", "onboardingStatus", "defenderAvStatus", "loggedOnUsers", "vmMetadata" })
            Assert.True(device.TryGetProperty(m, out _), m);

        var user = evidence.First(e => e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.userEvidence");
        var account = user.GetProperty("userAccount");
        foreach (var m in new[] { "accountName", "domainName", "userPrincipalName", "azureAdUserId", "displayName", "userSid" })
            Assert.Equal(JsonValueKind.String, account.GetProperty(m).ValueKind);

        var file = evidence.First(e => e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.fileEvidence");
        Assert.Matches("^[0-9a-f]{64}$", file.GetProperty("fileDetails").GetProperty("sha256").GetString());
        Assert.Matches("^[0-9a-f]{40}$", file.GetProperty("fileDetails").GetProperty("sha1").GetString());
        Assert.Equal(JsonValueKind.Number, file.GetProperty("fileDetails").GetProperty("fileSize").ValueKind);

        var process = evidence.First(e => e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.processEvidence");
        Assert.Equal(JsonValueKind.Number, process.GetProperty("processId").ValueKind);
        Assert.False(string.IsNullOrEmpty(process.GetProperty("processCommandLine").GetString()));

        var ip = evidence.First(e => e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.ipEvidence");
        Assert.Matches(@"^(198\.51\.100|203\.0\.113)\.\d+$", ip.GetProperty("ipAddress").GetString());

        // Users and devices recur across alerts.
        var deviceNames = evidence.Where(e => e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.deviceEvidence")
            .Select(e => e.GetProperty("deviceDnsName").GetString()).ToList();
        Assert.InRange(deviceNames.Distinct().Count(), 20, 60);
        Assert.True(deviceNames.Count > deviceNames.Distinct().Count() * 2);
    }

    [Fact]
    public async Task Evolvable_enum_members_are_hidden_without_prefer_header()
    {
        var hidden = await _f.AllAlertsAsync();
        var shown = await _f.AllAlertsAsync(r => r.Headers.Add("Prefer", "include-unknown-enum-members"));
        var evolvableSources = new[] { "microsoftDefenderForCloud", "microsoftSentinel" };
        var byId = hidden.ToDictionary(a => a.GetProperty("id").GetString());
        var evolvable = shown.Where(a => evolvableSources.Contains(a.GetProperty("serviceSource").GetString())).ToList();
        Assert.NotEmpty(evolvable);
        foreach (var a in evolvable)
        {
            var h = byId[a.GetProperty("id").GetString()];
            Assert.Equal("unknownFutureValue", h.GetProperty("serviceSource").GetString());
            Assert.Equal("unknownFutureValue", h.GetProperty("detectionSource").GetString());
        }
        Assert.DoesNotContain(hidden, a => evolvableSources.Contains(a.GetProperty("serviceSource").GetString()));
        string[] evolvableRemediation = { "active", "pendingApproval", "declined", "unremediated", "running", "partiallyRemediated" };
        var remShown = shown.SelectMany(a => a.GetProperty("evidence").EnumerateArray()).Select(e => e.GetProperty("remediationStatus").GetString()).ToList();
        var remHidden = hidden.SelectMany(a => a.GetProperty("evidence").EnumerateArray()).Select(e => e.GetProperty("remediationStatus").GetString()).ToList();
        Assert.Contains(remShown, evolvableRemediation.Contains);
        Assert.DoesNotContain(remHidden, evolvableRemediation.Contains);
        Assert.Contains("unknownFutureValue", remHidden);
    }
}
