using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using GraphSecurity.Emulator.Monitor;

namespace GraphSecurity.Emulator.Tests;

/// <summary>A clocked emulator whose analytics rules run only when asked, with one more rule that groups every alert of a run together.</summary>
public sealed class IngestionFixture : ClockedEmulatorFixture
{
    public const string GroupedDcr = "dcr-11111111111111111111111111111111";
    private readonly Dictionary<string, string> _tokens = new();

    protected override void Configure(EmulatorOptions options)
    {
        base.Configure(options);
        options.AnalyticsRuleInterval = TimeSpan.Zero;
        options.DataCollectionRules = new IngestionSettings
        {
            DataCollectionRules = new()
            {
                new IngestionSettings.DcrEntry
                {
                    ImmutableId = GroupedDcr, TenantId = TenantDirectory.DefaultTenantId, Publishers = new() { TenantDirectory.DefaultClientId },
                    Streams = new()
                    {
                        ["Custom-Firewall"] = new IngestionSettings.StreamEntry
                        {
                            OutputTable = "Firewall_CL",
                            Columns = new() { new() { Name = "TimeGenerated", Type = "datetime" }, new() { Name = "AlertId", Type = "string" }, new() { Name = "SrcIp", Type = "string" }, new() { Name = "Bytes", Type = "long" } },
                            // Maps only what it names: the alert id column is found by name, every alert of a run is one group.
                            Rule = new AnalyticsRuleMapping { Name = "Firewall", Entities = new() { ["ip"] = new() { "SrcIp" } } },
                        },
                    },
                },
            },
        }.Merge(options.DataCollectionRules);
    }

    public async Task<string> IngestTokenAsync(string clientId = TenantDirectory.DefaultClientId, string secret = TenantDirectory.DefaultClientSecret)
    {
        if (_tokens.TryGetValue(clientId, out var cached)) return cached;
        var (status, body) = await PostFormAsync($"/{TenantDirectory.DefaultTenantId}/oauth2/v2.0/token", new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "https://monitor.azure.com/.default",
        });
        Assert.True(status == 200, body.ToString());
        return _tokens[clientId] = body.GetProperty("access_token").GetString();
    }
}

/// <summary>Graph beta createAlert in both shapes: validation, mapping to alerts_v2 evidence, the incident it lands in.</summary>
public class CreateAlertTests : IClassFixture<IngestionFixture>
{
    private readonly IngestionFixture _f;
    public CreateAlertTests(IngestionFixture f) => _f = f;

    private static JsonObject Input(Action<JsonObject> change = null)
    {
        var input = new JsonObject
        {
            ["title"] = "Beaconing to a known C2 host", ["description"] = "The firewall saw periodic connections to a C2 address.",
            ["category"] = "commandAndControl", ["severity"] = "High", ["mitreTechniques"] = new JsonArray("T1071.001"),
            ["recommendedActions"] = "Isolate the device.",
            ["entityDefinitions"] = new JsonArray(
                Entity("user", "userPrincipalName", "alice@contoso.example", "impacted"),
                Entity("device", "deviceName", "wks-042.contoso.example", "impacted"),
                Entity("ip", "address", "203.0.113.7", "related"),
                Entity("file", "sha256", new string('a', 64), "related")),
        };
        change?.Invoke(input);
        return input;
    }

    private static JsonObject Entity(string type, string identifier, string value, string role) =>
        new() { ["entityType"] = type, ["entityIdentifier"] = identifier, ["identifierValue"] = value, ["role"] = role };

    private async Task<(int Status, JsonElement Body)> CreateAsync(JsonObject input, bool wrapped = true, string token = null)
    {
        var body = wrapped ? new JsonObject { ["createAlertInput"] = input } : input;
        var url = wrapped ? "/beta/security/alerts_v2/createAlert" : "/beta/security/alerts_v2";
        return await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, url, token, body.ToJsonString()));
    }

    [Fact]
    public async Task CreateAlertMakesAManualAlertWithEvidenceAndANewIncident()
    {
        var (status, alert) = await CreateAsync(Input());
        Assert.True(status == 201, alert.ToString());
        Assert.StartsWith("manual_", alert.GetProperty("providerAlertId").GetString());
        Assert.Equal("manual", alert.GetProperty("detectionSource").GetString());
        Assert.Equal("microsoft365Defender", alert.GetProperty("serviceSource").GetString());
        Assert.Equal("new", alert.GetProperty("status").GetString());
        Assert.Equal("CommandAndControl", alert.GetProperty("category").GetString());
        Assert.Equal("high", alert.GetProperty("severity").GetString());
        var evidence = alert.GetProperty("evidence").EnumerateArray().ToList();
        Assert.Equal(new[] { "userEvidence", "deviceEvidence", "ipEvidence", "fileEvidence" },
            evidence.Select(e => e.GetProperty("@odata.type").GetString().Split('.')[^1]));
        Assert.Equal("alice@contoso.example", evidence[0].GetProperty("userAccount").GetProperty("userPrincipalName").GetString());
        Assert.Equal("compromised", evidence[0].GetProperty("roles")[0].GetString());
        Assert.Equal("contextual", evidence[2].GetProperty("roles")[0].GetString());
        Assert.Equal(new string('a', 64), evidence[3].GetProperty("fileDetails").GetProperty("sha256").GetString());

        var id = alert.GetProperty("id").GetString();
        var incidentId = alert.GetProperty("incidentId").GetString();
        var incident = await _f.GetJsonAsync($"/v1.0/security/incidents/{incidentId}?$expand=alerts");
        Assert.Equal(new[] { id }, incident.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        var read = await _f.GetJsonAsync($"/v1.0/security/alerts_v2/{id}");
        Assert.Equal(incidentId, read.GetProperty("incidentId").GetString());
    }

    [Fact]
    public async Task TheManualAlertShapeAndLinkToIncidentAddToAnExistingIncident()
    {
        var (_, first) = await CreateAsync(Input());
        var incidentId = first.GetProperty("incidentId").GetString();
        var (status, second) = await CreateAsync(Input(i =>
        {
            i["@odata.type"] = "#microsoft.graph.security.manualAlert";
            i["linkToIncident"] = long.Parse(incidentId);
        }), wrapped: false);
        Assert.True(status == 201, second.ToString());
        Assert.Equal(incidentId, second.GetProperty("incidentId").GetString());
        var alerts = await _f.GetJsonAsync($"/v1.0/security/incidents/{incidentId}/alerts");
        Assert.Equal(2, alerts.GetProperty("value").GetArrayLength());

        var (missing, error) = await CreateAsync(Input(i => i["linkToIncident"] = 987654321));
        Assert.Equal(404, missing);
        Assert.Contains("linkToIncident", error.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task TheControlApiRemovesWhatCreateAlertMadeAndUnlinksItFromSeededIncidents()
    {
        // The oldest incident is a seeded one (those the tests make are newer).
        var seeded = (await _f.GetJsonAsync("/v1.0/security/incidents?$top=50")).GetProperty("value").EnumerateArray().Last();
        var seededId = seeded.GetProperty("id").GetString();
        var before = (await _f.GetJsonAsync($"/v1.0/security/incidents/{seededId}/alerts")).GetProperty("value").GetArrayLength();
        var (_, linked) = await CreateAsync(Input(i => i["linkToIncident"] = seededId));
        var (_, own) = await CreateAsync(Input());
        Assert.Equal(before + 1, (await _f.GetJsonAsync($"/v1.0/security/incidents/{seededId}/alerts")).GetProperty("value").GetArrayLength());

        var (status, body) = await EmulatorFixture.ReadAsync(await _f.Client.DeleteAsync("/_emulator/partner-alerts"));
        Assert.Equal(200, status);
        Assert.True(body.GetProperty("removedAlerts").GetInt32() >= 2);
        Assert.Equal(404, (int)(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2/" + linked.GetProperty("id").GetString())).StatusCode);
        Assert.Equal(404, (int)(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/incidents/" + own.GetProperty("incidentId").GetString())).StatusCode);
        Assert.Equal(before, (await _f.GetJsonAsync($"/v1.0/security/incidents/{seededId}/alerts")).GetProperty("value").GetArrayLength());
    }

    public static IEnumerable<object[]> BadInputs() => new[]
    {
        new object[] { "title", (Action<JsonObject>)(i => i.Remove("title")) },
        new object[] { "description", (Action<JsonObject>)(i => i["description"] = new string('x', 5001)) },
        new object[] { "category", (Action<JsonObject>)(i => i["category"] = "Malware") },
        new object[] { "severity", (Action<JsonObject>)(i => i["severity"] = "critical") },
        new object[] { "entityDefinitions", (Action<JsonObject>)(i => i["entityDefinitions"] = new JsonArray()) },
        new object[] { "entityDefinitions", (Action<JsonObject>)(i => i["entityDefinitions"] = new JsonArray(Enumerable.Range(0, 101).Select(n => (JsonNode)Entity("ip", "address", $"10.0.0.{n % 250}", "related")).ToArray())) },
        new object[] { "entityDefinitions[0].entityIdentifier", (Action<JsonObject>)(i => i["entityDefinitions"] = new JsonArray(Entity("user", "address", "x", "impacted"))) },
        new object[] { "entityDefinitions[0].identifierValue", (Action<JsonObject>)(i => i["entityDefinitions"] = new JsonArray(Entity("url", "url", new string('u', 1001), "related"))) },
        new object[] { "entityDefinitions[0].role", (Action<JsonObject>)(i => i["entityDefinitions"] = new JsonArray(Entity("ip", "address", "10.1.1.1", "victim"))) },
        new object[] { "entityDefinitions[0].entityType", (Action<JsonObject>)(i => i["entityDefinitions"] = new JsonArray(Entity("printer", "name", "p1", "related"))) },
        new object[] { "mitreTechniques", (Action<JsonObject>)(i => i["mitreTechniques"] = new JsonArray("Phishing")) },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task InvalidInputIsA400NamingTheField(string field, Action<JsonObject> change)
    {
        var (status, body) = await CreateAsync(Input(change));
        Assert.Equal(400, status);
        Assert.Contains($"'createAlertInput.{field}'", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task ThePlainCollectionTakesOnlyManualAlertsAndReadersAreRefused()
    {
        var (status, body) = await CreateAsync(Input(), wrapped: false);
        Assert.Equal(400, status);
        Assert.Contains("manualAlert", body.GetProperty("error").GetProperty("message").GetString());
        var reader = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        var (forbidden, _) = await CreateAsync(Input(), token: reader);
        Assert.Equal(403, forbidden);
        var creator = await TestTokens.ExtraAppAsync(_f, "c0ffee00-1111-4222-8333-444455556666", "SecurityAlert.Create.All");
        var (created, _) = await CreateAsync(Input(), token: creator);
        Assert.Equal(201, created);
    }
}

/// <summary>The Logs Ingestion endpoint's answers, and the analytics rules that make alerts and incidents of its rows.</summary>
public class LogsIngestionTests : IClassFixture<IngestionFixture>
{
    private const string Url = "/ingest/dataCollectionRules/" + DataCollectionRule.DefaultImmutableId + "/streams/Custom-PartnerAlerts?api-version=2023-01-01";
    private readonly IngestionFixture _f;
    public LogsIngestionTests(IngestionFixture f) => _f = f;

    private static JsonObject Row(string alertId, string upn = "bob@contoso.example", string title = "Partner detection") => new()
    {
        ["TimeGenerated"] = "2026-11-20T10:00:00Z", ["AlertId"] = alertId, ["Title"] = title, ["Description"] = "From the partner.",
        ["Severity"] = "High", ["Category"] = "initialaccess", ["MitreTechniques"] = new JsonArray("T1566"), ["UserPrincipalName"] = upn,
        ["SrcIp"] = "198.51.100.4", ["DeviceName"] = "wks-7.contoso.example", ["Url"] = "https://bad.example/x", ["FileHash"] = new string('b', 64),
    };

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string url = Url, string token = null, bool gzip = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (gzip) request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? await _f.IngestTokenAsync());
        return await _f.Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostAsync(IEnumerable<JsonObject> rows, string url = Url, string token = null) =>
        PostAsync(Encoding.UTF8.GetBytes(new JsonArray(rows.Select(r => (JsonNode)r).ToArray()).ToJsonString()), url, token);

    private static async Task<(int Status, string Code)> ErrorOf(HttpResponseMessage response)
    {
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        var code = body.GetProperty("error").GetProperty("code").GetString();
        Assert.Equal(code, response.Headers.GetValues("x-ms-error-code").Single());
        return (status, code);
    }

    private async Task<RuleRunResult> RunRulesAsync()
    {
        var (status, body) = await _f.PostJsonAsync("/_emulator/ingest/rules/run", new { });
        Assert.Equal(200, status);
        return body.Deserialize<RuleRunResult>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    [Fact]
    public async Task RowsBecomeSentinelAlertsOnceEachWithMappedEvidence()
    {
        var ids = Enumerable.Range(0, 3).Select(n => $"pa-map-{n}").ToList();
        await RunRulesAsync(); // what other tests sent
        var before = (await _f.GetJsonAsync("/_emulator/ingest/tables/PartnerAlerts_CL")).GetProperty("rows").GetInt32();
        Assert.Equal(204, (int)(await PostAsync(ids.Select(id => Row(id)))).StatusCode);
        Assert.Equal(204, (int)(await PostAsync(ids.Select(id => Row(id)))).StatusCode); // no de-duplication at ingestion
        Assert.Equal(before + 6, (await _f.GetJsonAsync("/_emulator/ingest/tables/PartnerAlerts_CL")).GetProperty("rows").GetInt32());
        var run = await RunRulesAsync();
        Assert.Equal(3, run.AlertsCreated);
        Assert.Equal(3, run.DuplicatesSkipped);

        var alerts = (await _f.GetJsonAsync("/v1.0/security/alerts_v2?$filter=serviceSource eq 'microsoftSentinel'&$top=999", configure: r => r.Headers.Add("Prefer", "include-unknown-enum-members")))
            .GetProperty("value").EnumerateArray().Where(a => a.GetProperty("customDetails").TryGetProperty("AlertId", out var v) && ids.Contains(v[0].GetString())).ToList();
        Assert.Equal(3, alerts.Count);
        var alert = alerts[0];
        Assert.Equal("scheduledAlerts", alert.GetProperty("detectionSource").GetString());
        Assert.Equal("high", alert.GetProperty("severity").GetString());
        Assert.Equal("InitialAccess", alert.GetProperty("category").GetString());
        var types = alert.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("@odata.type").GetString().Split('.')[^1]).ToList();
        Assert.Equal(new[] { "userEvidence", "deviceEvidence", "ipEvidence", "urlEvidence", "fileEvidence" }, types);
        // Same user: one incident for the three.
        Assert.Single(alerts.Select(a => a.GetProperty("incidentId").GetString()).Distinct());

        // A re-sent row in a later run makes no alert either.
        Assert.Equal(204, (int)(await PostAsync(new[] { Row(ids[0]) })).StatusCode);
        Assert.Equal(0, (await RunRulesAsync()).AlertsCreated);
    }

    [Fact]
    public async Task ThePartnerAppIsAPublisherOfTheSeededRuleByItsClientId()
    {
        // The multi-tenant Northwind Sentry app, through its service principal in Contoso.
        var token = await _f.IngestTokenAsync(DataCollectionRule.PartnerClientId, "gs-emulator-partner-secret");
        Assert.Equal(204, (int)(await PostAsync(new[] { Row("pa-partner-app-1") }, token: token)).StatusCode);
    }

    [Fact]
    public async Task GroupsTakeAtMost150AlertsPerIncident()
    {
        var url = $"/ingest/dataCollectionRules/{IngestionFixture.GroupedDcr}/streams/Custom-Firewall?api-version=2023-01-01";
        await RunRulesAsync(); // what other tests sent
        var rows = Enumerable.Range(0, 320).Select(n => new JsonObject { ["TimeGenerated"] = "2026-11-20T10:00:00Z", ["AlertId"] = $"fw-{n}", ["SrcIp"] = "192.0.2.9", ["Bytes"] = n });
        Assert.Equal(204, (int)(await PostAsync(rows, url)).StatusCode);
        var run = await RunRulesAsync();
        Assert.Equal(320, run.AlertsCreated);
        Assert.Equal(3, run.IncidentsCreated);
        // The next run's alerts fill the open incident (20 of 150) before opening another.
        Assert.Equal(204, (int)(await PostAsync(Enumerable.Range(320, 200).Select(n => new JsonObject { ["TimeGenerated"] = "2026-11-20T10:00:00Z", ["AlertId"] = $"fw-{n}" }), url)).StatusCode);
        run = await RunRulesAsync();
        Assert.Equal((200, 1, 1), (run.AlertsCreated, run.IncidentsExtended, run.IncidentsCreated));
        var incidents = (await _f.GetJsonAsync("/v1.0/security/incidents?$top=50&$expand=alerts")).GetProperty("value").EnumerateArray()
            .Where(i => i.GetProperty("alerts").EnumerateArray().Any(a => a.GetProperty("title").GetString() == "Firewall")).ToList();
        Assert.Equal(new[] { 70, 150, 150, 150 }, incidents.Select(i => i.GetProperty("alerts").GetArrayLength()).OrderBy(n => n));
    }

    [Fact]
    public async Task GzipBodiesAreTakenAndBadGzipIsA400()
    {
        var json = Encoding.UTF8.GetBytes(new JsonArray(Row("pa-gzip-1")).ToJsonString());
        using var packed = new MemoryStream();
        using (var gz = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(json);
        Assert.Equal(204, (int)(await PostAsync(packed.ToArray(), gzip: true)).StatusCode);
        Assert.Equal((400, "BadRequest"), await ErrorOf(await PostAsync(json, gzip: true)));
    }

    [Fact]
    public async Task TheRealErrorAnswers()
    {
        // 413 above 1,048,576 bytes as sent.
        var big = Encoding.UTF8.GetBytes("[" + new string(' ', IngestionEndpoints.MaxBody) + "]");
        Assert.Equal((413, "ContentLengthLimitExceeded"), await ErrorOf(await PostAsync(big)));
        // 403 for a caller without Monitoring Metrics Publisher.
        var reader = await _f.IngestTokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        Assert.Equal((403, "OperationFailed"), await ErrorOf(await PostAsync(new[] { Row("x") }, token: reader)));
        // 404 for an unknown rule or stream.
        Assert.Equal(404, (await ErrorOf(await PostAsync(new[] { Row("x") }, Url.Replace("dcr-000a", "dcr-999a")))).Status);
        Assert.Equal(404, (await ErrorOf(await PostAsync(new[] { Row("x") }, Url.Replace("Custom-PartnerAlerts", "Custom-Other")))).Status);
        // 400: not JSON, not an array, no TimeGenerated, a value of the wrong type.
        Assert.Equal(400, (await ErrorOf(await PostAsync(Encoding.UTF8.GetBytes("[{")))).Status);
        Assert.Equal(400, (await ErrorOf(await PostAsync(Encoding.UTF8.GetBytes("{\"a\":1}")))).Status);
        var noTime = Row("x");
        noTime.Remove("TimeGenerated");
        Assert.Equal(400, (await ErrorOf(await PostAsync(new[] { noTime }))).Status);
        var wrongType = Row("x");
        wrongType["Title"] = 42;
        var (_, body) = await EmulatorFixture.ReadAsync(await PostAsync(new[] { wrongType }));
        Assert.Contains("'Title'", body.GetProperty("error").GetProperty("message").GetString());
        // A Graph token is not a Logs Ingestion token.
        Assert.Equal(401, (int)(await PostAsync(new[] { Row("x") }, token: await _f.TokenAsync())).StatusCode);
    }

    [Fact]
    public async Task APerRuleLimitAnswers429WithRetryAfter()
    {
        var limit = new IngestionLimit { Requests = 2, WindowSeconds = 30 };
        Assert.Equal(200, (await _f.PostJsonAsync("/_emulator/ingest/limit", limit)).Status);
        try
        {
            Assert.Equal(204, (int)(await PostAsync(new[] { Row("pa-limit-1") })).StatusCode);
            Assert.Equal(204, (int)(await PostAsync(new[] { Row("pa-limit-2") })).StatusCode);
            var refused = await PostAsync(new[] { Row("pa-limit-3") });
            Assert.Equal((429, "TooManyRequests"), await ErrorOf(refused));
            Assert.InRange(refused.Headers.RetryAfter.Delta.Value.TotalSeconds, 1, 30);
            _f.Time.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(204, (int)(await PostAsync(new[] { Row("pa-limit-3") })).StatusCode);
        }
        finally
        {
            await _f.PostJsonAsync("/_emulator/ingest/limit", new IngestionLimit());
        }
    }

    [Fact]
    public async Task IngestedRowsAreQueryableInHunting()
    {
        Assert.Equal(204, (int)(await PostAsync(new[] { Row("pa-hunt-1", upn: "hunt@contoso.example") })).StatusCode);
        var response = await _f.SendAsync(HttpMethod.Post, "/v1.0/security/runHuntingQuery", json: JsonSerializer.Serialize(new
        {
            Query = "PartnerAlerts_CL | where UserPrincipalName == 'hunt@contoso.example' | project AlertId, Type",
        }));
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.True(status == 200, body.ToString());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Single(results);
        Assert.Equal("PartnerAlerts_CL", results[0].GetProperty("Type").GetString());
    }
}

/// <summary>The config file's data collection rules are checked when the emulator starts.</summary>
public class IngestionSettingsTests
{
    private static IngestionSettings With(Action<IngestionSettings.StreamEntry> change, string immutableId = "dcr-22222222222222222222222222222222")
    {
        var stream = new IngestionSettings.StreamEntry
        {
            OutputTable = "X_CL",
            Columns = new() { new() { Name = "TimeGenerated", Type = "datetime" }, new() { Name = "AlertId", Type = "string" } },
            Rule = new AnalyticsRuleMapping(),
        };
        change(stream);
        return new IngestionSettings
        {
            DataCollectionRules = new() { new() { ImmutableId = immutableId, TenantId = TenantDirectory.DefaultTenantId, Streams = new() { ["Custom-X"] = stream } } },
        };
    }

    [Theory]
    [InlineData("column", "names the column 'Title'")]
    [InlineData("type", "has type 'text'")]
    [InlineData("time", "TimeGenerated")]
    [InlineData("kind", "unknown entity kind 'printer'")]
    [InlineData("cap", "between 1 and 150")]
    public void MistakesAreNamed(string mistake, string message)
    {
        var settings = With(s =>
        {
            switch (mistake)
            {
                case "column": s.Rule.TitleColumn = "Title"; break;
                case "type": s.Columns.Add(new() { Name = "N", Type = "text" }); break;
                case "time": s.Columns.RemoveAt(0); break;
                case "kind": s.Rule.Entities["printer"] = new() { "AlertId" }; break;
                case "cap": s.Rule.MaxAlertsPerIncident = 151; break;
            }
        });
        var e = Assert.Throws<ArgumentException>(() => settings.Merge(new List<DataCollectionRule> { DataCollectionRule.Default() }));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AnEntryWithTheSeededIdReplacesItAndTheAlertIdColumnIsFoundByName()
    {
        var merged = With(_ => { }, DataCollectionRule.DefaultImmutableId).Merge(new List<DataCollectionRule> { DataCollectionRule.Default() });
        var rule = Assert.Single(merged);
        Assert.Equal("AlertId", rule.Stream("Custom-X").Rule.AlertIdColumn);
        Assert.Null(rule.Stream(DataCollectionRule.DefaultStream));
    }
}
