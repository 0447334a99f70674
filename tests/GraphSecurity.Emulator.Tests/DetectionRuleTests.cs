using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.DetectionRules;
using GraphSecurity.Emulator.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GraphSecurity.Emulator.Tests;

/// <summary>An emulator whose detection rules run only when a test asks (no scheduler ticks).</summary>
public sealed class DetectionRuleFixture : EmulatorFixture
{
    protected override void Configure(EmulatorOptions options)
    {
        options.AlertCount = 60;
        options.DetectionRuleTick = TimeSpan.Zero;
    }

    public T Service<T>() => App.Services.GetRequiredService<T>();
}

/// <summary>beta custom detection rules: validation in Graph's error shape, runs that raise alerts_v2, de-duplication, lastRunDetails.</summary>
public class DetectionRuleTests : IClassFixture<DetectionRuleFixture>
{
    private const string Url = "/beta/security/rules/detectionRules";
    private const string DeviceQuery = "AlertEvidence | where EntityType == \"Machine\" and DeviceName != \"\" | summarize Timestamp = max(Timestamp) by DeviceName, DeviceId | take 3";
    private readonly DetectionRuleFixture _f;
    public DetectionRuleTests(DetectionRuleFixture f) => _f = f;

    private static JsonObject Rule(string id, Action<JsonObject> change = null)
    {
        var rule = new JsonObject
        {
            ["id"] = id, ["displayName"] = "Devices seen in alerts", ["status"] = "enabled",
            ["queryCondition"] = new JsonObject { ["queryText"] = DeviceQuery },
            ["schedule"] = new JsonObject { ["frequency"] = "PT24H" },
            ["detectionAction"] = new JsonObject
            {
                ["alertTemplate"] = new JsonObject
                {
                    ["title"] = "Device seen in an alert", ["description"] = "A custom detection matched.", ["severity"] = "medium",
                    ["tactics"] = new JsonArray(new JsonObject { ["tactic"] = "execution", ["techniques"] = new JsonArray(new JsonObject { ["technique"] = "T1059", ["subTechniques"] = new JsonArray("T1059.001") }) }),
                    ["entityMappings"] = new JsonObject { ["hosts"] = new JsonArray(new JsonObject { ["deviceNameColumn"] = "DeviceName", ["deviceIdColumn"] = "DeviceId" }) },
                },
            },
        };
        change?.Invoke(rule);
        return rule;
    }

    private static JsonObject Template(JsonObject rule) => (JsonObject)rule["detectionAction"]["alertTemplate"];

    private async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string url, JsonObject body = null) =>
        await EmulatorFixture.ReadAsync(await _f.SendAsync(method, url, json: body?.ToJsonString()));

    private async Task<JsonElement> RunAsync(string id)
    {
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.Client.PostAsync($"/_emulator/detectionrules/{id}/run", null));
        Assert.True(status == 200, body.ToString());
        return body;
    }

    [Fact]
    public async Task CreateGetListPatchAndDeleteARule()
    {
        var response = await _f.SendAsync(HttpMethod.Post, Url, json: Rule("crudRule").ToJsonString());
        var (status, created) = await EmulatorFixture.ReadAsync(response);
        Assert.True(status == 201, created.ToString());
        Assert.EndsWith("/beta/security/rules/detectionRules/crudRule", response.Headers.Location.ToString());
        Assert.Equal("PT24H", created.GetProperty("schedule").GetProperty("frequency").GetString());
        Assert.Equal("Execution", created.GetProperty("detectionAction").GetProperty("alertTemplate").GetProperty("tactics")[0].GetProperty("tactic").GetString());
        Assert.Equal("DeviceName", created.GetProperty("detectionAction").GetProperty("alertTemplate").GetProperty("entityMappings").GetProperty("hosts")[0].GetProperty("deviceNameColumn").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("lastRunDetails").ValueKind);

        var (conflict, _) = await SendAsync(HttpMethod.Post, Url, Rule("CRUDRULE"));
        Assert.Equal(409, conflict);

        var (patched, after) = await SendAsync(HttpMethod.Patch, Url + "/crudRule", new JsonObject { ["status"] = "disabled", ["displayName"] = "Renamed" });
        Assert.True(patched == 200, after.ToString());
        Assert.Equal("disabled", after.GetProperty("status").GetString());
        Assert.Equal("Renamed", after.GetProperty("displayName").GetString());
        Assert.Equal(DeviceQuery, after.GetProperty("queryCondition").GetProperty("queryText").GetString());

        var (readOnly, error) = await SendAsync(HttpMethod.Patch, Url + "/crudRule", new JsonObject { ["id"] = "other" });
        Assert.Equal(400, readOnly);
        Assert.Contains("'id' cannot be changed", error.GetProperty("error").GetProperty("message").GetString());

        var list = await _f.GetJsonAsync(Url);
        Assert.Contains(list.GetProperty("value").EnumerateArray(), r => r.GetProperty("id").GetString() == "crudRule");
        Assert.Equal(204, (await SendAsync(HttpMethod.Delete, Url + "/crudRule")).Status);
        Assert.Equal(404, (await SendAsync(HttpMethod.Delete, Url + "/crudRule")).Status);
        Assert.Equal(404, (await SendAsync(HttpMethod.Get, Url + "/crudRule")).Status);
    }

    public static TheoryData<string, string> BadRules => new()
    {
        { "period", "'schedule.frequency': it 'PT2H' is not a frequency" },
        { "emptyQuery", "'queryCondition.queryText': it is required" },
        { "badQuery", "'queryCondition.queryText': it is not a query the service can run: " },
        { "noTitle", "'detectionAction.alertTemplate.title': it is required" },
        { "severity", "'critical' is not a severity" },
        { "noMappings", "'detectionAction.alertTemplate.entityMappings': it is required" },
        { "unknownColumn", "maps column(s) 'AccountUpn' that the query does not return" },
        { "onlyFiles", "must map at least one account, host, mailbox or IP address" },
        { "twoTactics", "holds more than one tactic" },
        { "badId", "'id': it must start with a letter" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task InvalidRulesAreRefusedWithA400NamingTheField(string which, string message)
    {
        var rule = Rule("bad" + which, r =>
        {
            var t = Template(r);
            switch (which)
            {
                case "period": r["schedule"]["frequency"] = "PT2H"; break;
                case "emptyQuery": r["queryCondition"]["queryText"] = " "; break;
                case "badQuery": r["queryCondition"]["queryText"] = "NoSuchTable | take 1"; break;
                case "noTitle": t.Remove("title"); break;
                case "severity": t["severity"] = "critical"; break;
                case "noMappings": t["entityMappings"] = new JsonObject(); break;
                case "unknownColumn": t["entityMappings"]["accounts"] = new JsonArray(new JsonObject { ["upnColumn"] = "AccountUpn" }); break;
                case "onlyFiles": t["entityMappings"] = new JsonObject { ["files"] = new JsonArray(new JsonObject { ["sha256Column"] = "DeviceId" }) }; break;
                case "twoTactics": t["tactics"] = new JsonArray(new JsonObject { ["tactic"] = "execution" }, new JsonObject { ["tactic"] = "impact" }); break;
                case "badId": r["id"] = "1rule"; break;
            }
        });
        var (status, body) = await SendAsync(HttpMethod.Post, Url, rule);
        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(message, body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task TheLegacyShapeIsAccepted()
    {
        var rule = Rule("legacyShape", r =>
        {
            r.Remove("status");
            r["isEnabled"] = false;
            r["schedule"] = new JsonObject { ["period"] = "12H" };
            var t = Template(r);
            t.Remove("tactics");
            t.Remove("entityMappings");
            t["category"] = "Persistence";
            t["mitreTechniques"] = new JsonArray("T1098");
            t["impactedAssets"] = new JsonArray(new JsonObject { ["@odata.type"] = "#microsoft.graph.security.impactedDeviceAsset", ["identifier"] = "deviceName" });
            r["queryCondition"]["queryText"] = "AlertEvidence | where DeviceName != \"\" | project Timestamp, deviceName = DeviceName | take 1";
        });
        var (status, body) = await SendAsync(HttpMethod.Post, Url, rule);
        Assert.True(status == 201, body.ToString());
        Assert.Equal("disabled", body.GetProperty("status").GetString());
        Assert.Equal("PT12H", body.GetProperty("schedule").GetProperty("frequency").GetString());
        var tactic = body.GetProperty("detectionAction").GetProperty("alertTemplate").GetProperty("tactics")[0];
        Assert.Equal("Persistence", tactic.GetProperty("tactic").GetString());
        Assert.Equal("T1098", tactic.GetProperty("techniques")[0].GetProperty("technique").GetString());
        await SendAsync(HttpMethod.Delete, Url + "/legacyShape");
    }

    [Fact]
    public async Task ARunRaisesCustomDetectionAlertsOnceAndRecordsTheRun()
    {
        var (status, created) = await SendAsync(HttpMethod.Post, Url, Rule("runRule"));
        Assert.True(status == 201, created.ToString());
        var first = await RunAsync("runRule");
        Assert.Equal("completed", first.GetProperty("status").GetString());
        var made = first.GetProperty("alertsCreated").GetInt32();
        Assert.InRange(made, 1, 3);
        var incidentId = first.GetProperty("incidentId").GetString();

        var alerts = (await _f.GetJsonAsync($"/v1.0/security/incidents/{incidentId}?$expand=alerts")).GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(made, alerts.Count);
        var alert = alerts[0];
        Assert.Equal("customDetection", alert.GetProperty("detectionSource").GetString());
        Assert.Equal("microsoftDefenderForEndpoint", alert.GetProperty("serviceSource").GetString());
        Assert.Equal("Device seen in an alert", alert.GetProperty("title").GetString());
        Assert.Equal("medium", alert.GetProperty("severity").GetString());
        Assert.Equal("Execution", alert.GetProperty("category").GetString());
        Assert.Equal(new[] { "T1059", "T1059.001" }, alert.GetProperty("mitreTechniques").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("runRule", alert.GetProperty("detectorId").GetString());
        var device = alert.GetProperty("evidence").EnumerateArray().Single(e => e.GetProperty("@odata.type").GetString().EndsWith("deviceEvidence"));
        Assert.NotEqual("", device.GetProperty("deviceDnsName").GetString());

        // The same rows do not alert twice; the rule's own alerts are not rows it reads.
        var second = await RunAsync("runRule");
        Assert.Equal(0, second.GetProperty("alertsCreated").GetInt32());
        Assert.Equal(made, second.GetProperty("duplicatesSkipped").GetInt32());

        var rule = await _f.GetJsonAsync(Url + "/runRule");
        var run = rule.GetProperty("lastRunDetails");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("failureReason").ValueKind);
        Assert.True(DateTimeOffset.Parse(run.GetProperty("lastRunDateTime").GetString()) > EmulatorFixture.Now.AddMinutes(-1));
        await SendAsync(HttpMethod.Delete, Url + "/runRule");
    }

    [Fact]
    public void AFailingRunRecordsTheFailureReason()
    {
        var runner = _f.Service<DetectionRuleRunner>();
        var rule = new DetectionRule
        {
            Id = "broken", TenantId = Identity.TenantDirectory.DefaultTenantId, QueryText = "AlertInfo | where NoSuchColumn == 1", Frequency = TimeSpan.FromHours(1),
            Title = "t", Severity = "low", CreatedDateTime = EmulatorFixture.Now,
        };
        var result = runner.Run(rule);
        Assert.Equal("failed", result.Status);
        Assert.Equal("failed", rule.Run.Status);
        Assert.Equal("queryExecutionFailed", rule.Run.ErrorCode);
        Assert.Contains("NoSuchColumn", rule.Run.FailureReason);
    }

    [Fact]
    public void TheSchedulerRunsOnlyDueEnabledRules()
    {
        var options = new EmulatorOptions { DetectionRuleTimeScale = 3600 };
        var clock = _f.Service<EmulatorClock>();
        var due = new DetectionRule { Status = "enabled", Frequency = TimeSpan.FromHours(1), CreatedDateTime = clock.UtcNow.AddSeconds(-2) };
        var notYet = new DetectionRule { Status = "enabled", Frequency = TimeSpan.FromHours(24), CreatedDateTime = clock.UtcNow.AddSeconds(-2) };
        Assert.True(DetectionRuleRunner.NextRun(due, options.DetectionRuleTimeScale) <= clock.UtcNow);
        Assert.True(DetectionRuleRunner.NextRun(notYet, options.DetectionRuleTimeScale) > clock.UtcNow);
        due.Run.LastRunDateTime = clock.UtcNow;
        Assert.True(DetectionRuleRunner.NextRun(due, options.DetectionRuleTimeScale) > clock.UtcNow);
    }

    [Fact]
    public async Task TheSchedulerRunsADueRuleAndSkipsDisabledOnes()
    {
        Assert.Equal(201, (await SendAsync(HttpMethod.Post, Url, Rule("scheduledRule", r => r["schedule"]["frequency"] = "PT1H"))).Status);
        Assert.Equal(201, (await SendAsync(HttpMethod.Post, Url, Rule("offRule", r => { r["schedule"]["frequency"] = "PT1H"; r["status"] = "disabled"; }))).Status);
        var options = new EmulatorOptions { DetectionRuleTimeScale = 3600 }; // an hour is a second
        var scheduler = new DetectionRuleScheduler(_f.Service<DetectionRuleStore>(), _f.Service<DetectionRuleRunner>(), _f.Service<EmulatorClock>(), options,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<DetectionRuleScheduler>.Instance);
        Assert.Equal(0, scheduler.Tick());
        await Task.Delay(1100);
        Assert.Equal(1, scheduler.Tick());
        var run = (await _f.GetJsonAsync(Url + "/scheduledRule")).GetProperty("lastRunDetails");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, (await _f.GetJsonAsync(Url + "/offRule")).GetProperty("lastRunDetails").ValueKind);
        Assert.Equal(0, scheduler.Tick()); // not due again for another (scaled) hour
        await SendAsync(HttpMethod.Delete, Url + "/scheduledRule");
        await SendAsync(HttpMethod.Delete, Url + "/offRule");
    }

    [Fact]
    public async Task TheControlDeleteRemovesRulesAndTheirAlerts()
    {
        var before = (await _f.AllAlertsAsync()).Count;
        Assert.Equal(201, (await SendAsync(HttpMethod.Post, Url, Rule("cleanupRule"))).Status);
        var made = (await RunAsync("cleanupRule")).GetProperty("alertsCreated").GetInt32();
        Assert.True(made > 0);
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.Client.DeleteAsync("/_emulator/detectionrules"));
        Assert.Equal(200, status);
        Assert.True(body.GetProperty("removedAlerts").GetInt32() >= made);
        Assert.Equal(before, (await _f.AllAlertsAsync()).Count);
        Assert.Equal(404, (await SendAsync(HttpMethod.Get, Url + "/cleanupRule")).Status);
    }
}
