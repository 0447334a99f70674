using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using GraphSecurity.Emulator.Sentinel;

namespace GraphSecurity.Emulator.Tests;

/// <summary>A clocked emulator with one more Contoso workspace from the config settings, contributed to by the default app.</summary>
public sealed class SentinelFixture : ClockedEmulatorFixture
{
    public const string ConfiguredWorkspaceId = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c";
    private readonly Dictionary<string, string> _armTokens = new();

    protected override void Configure(EmulatorOptions options)
    {
        base.Configure(options);
        options.SentinelWorkspaces = new SentinelSettings
        {
            Workspaces = new()
            {
                new SentinelSettings.WorkspaceEntry
                {
                    TenantId = TenantDirectory.DefaultTenantId, SubscriptionId = "00000000-0000-4000-8000-000000000001", ResourceGroup = "rg-intel",
                    Name = "law-intel", CustomerId = ConfiguredWorkspaceId, Roles = new() { [TenantDirectory.DefaultClientId] = "microsoft sentinel contributor" },
                },
            },
        }.MergeWorkspaces(options.SentinelWorkspaces);
    }

    public async Task<string> ArmTokenAsync(string clientId = TenantDirectory.DefaultClientId, string secret = TenantDirectory.DefaultClientSecret)
    {
        if (_armTokens.TryGetValue(clientId, out var cached)) return cached;
        var (status, body) = await PostFormAsync($"/{TenantDirectory.DefaultTenantId}/oauth2/v2.0/token", new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "https://management.azure.com/.default",
        });
        Assert.True(status == 200, body.ToString());
        return _armTokens[clientId] = body.GetProperty("access_token").GetString();
    }
}

/// <summary>The Sentinel upload API, its legacy endpoints, the ARM indicator path and the hunting tables over one store (successor-apis.md §3).</summary>
public class SentinelThreatIntelligenceTests : IClassFixture<SentinelFixture>, IAsyncLifetime
{
    public const string WorkspaceId = "5e1c7a3b-9d2f-4b6e-8a1c-3f5d7b9e1a2c";
    public const string Upload = "/sentinel-ti/workspaces/" + WorkspaceId + "/threat-intelligence-stix-objects:upload?api-version=2024-02-01-preview";
    public const string ArmTi = "/arm/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-secops/providers/Microsoft.OperationalInsights/workspaces/law-secops/providers/Microsoft.SecurityInsights/threatIntelligence/main";
    private const string ArmVersion = "api-version=2025-09-01";
    private readonly SentinelFixture _f;
    public SentinelThreatIntelligenceTests(SentinelFixture f) => _f = f;

    public async Task InitializeAsync() => Assert.Equal(204, (int)(await _f.Client.DeleteAsync("/_emulator/sentinel/ti")).StatusCode);
    public Task DisposeAsync() => Task.CompletedTask;

    public static JsonObject Indicator(string uuid, string ip, string modified = "2026-11-01T00:00:00.000Z", int confidence = 80, params string[] labels) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = "indicator--" + uuid, ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = modified,
        ["name"] = "C2 " + ip, ["pattern"] = $"[ipv4-addr:value = '{ip}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-11-01T00:00:00Z",
        ["valid_until"] = "2027-05-01T00:00:00Z", ["confidence"] = confidence, ["indicator_types"] = new JsonArray("malicious-activity"),
        ["labels"] = new JsonArray(labels.Select(l => (JsonNode)l).ToArray()),
    };

    private static JsonObject Sdo(string type, string uuid, JsonObject extra)
    {
        var o = new JsonObject { ["type"] = type, ["spec_version"] = "2.1", ["id"] = $"{type}--{uuid}", ["created"] = "2026-11-02T00:00:00Z", ["modified"] = "2026-11-02T00:00:00Z" };
        foreach (var (k, v) in extra) o[k] = v?.DeepClone();
        return o;
    }

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> UploadAsync(string source, IEnumerable<JsonNode> objects, string url = Upload,
        string token = null, string arrayMember = "stixobjects", string sourceMember = "sourcesystem")
    {
        var body = new JsonObject { [sourceMember] = source, [arrayMember] = new JsonArray(objects.Select(o => o?.DeepClone()).ToArray()) };
        var response = await _f.SendAsync(HttpMethod.Post, url, token ?? await _f.ArmTokenAsync(), body.ToJsonString());
        var (status, json) = await EmulatorFixture.ReadAsync(response);
        return (status, json, response);
    }

    private async Task<List<JsonElement>> StoreAsync() =>
        JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/sentinel/ti")).RootElement.EnumerateArray().ToList();

    private async Task<(int Status, JsonElement Body)> ArmAsync(HttpMethod method, string suffix, object body = null, string token = null)
    {
        var url = suffix.StartsWith("http") ? suffix : ArmTi + suffix + (suffix.Contains('?') ? "&" : "?") + ArmVersion;
        return await EmulatorFixture.ReadAsync(await _f.SendAsync(method, url, token ?? await _f.ArmTokenAsync(), body == null ? null : JsonSerializer.Serialize(body)));
    }

    private static string Uuid(int n) => $"00000000-0000-4000-8000-{n:D12}";

    [Fact]
    public async Task Every_object_type_is_stored_and_answered_with_an_empty_200()
    {
        var objects = new JsonNode[]
        {
            Indicator(Uuid(1), "198.51.100.1"),
            Sdo("attack-pattern", Uuid(2), new() { ["name"] = "Spearphishing Attachment", ["external_references"] = new JsonArray(new JsonObject { ["source_name"] = "mitre-attack", ["external_id"] = "T1566.001" }) }),
            Sdo("threat-actor", Uuid(3), new() { ["name"] = "Contoso Panda", ["threat_actor_types"] = new JsonArray("nation-state"), ["aliases"] = new JsonArray("CP") }),
            Sdo("identity", Uuid(4), new() { ["name"] = "Contoso CERT", ["identity_class"] = "organization" }),
            Sdo("relationship", Uuid(5), new() { ["relationship_type"] = "indicates", ["source_ref"] = "indicator--" + Uuid(1), ["target_ref"] = "threat-actor--" + Uuid(3) }),
        };
        var (status, body, response) = await UploadAsync("ContosoTIP", objects);
        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.Undefined, body.ValueKind);
        Assert.Equal(0, response.Content.Headers.ContentLength ?? 0);

        var stored = await StoreAsync();
        Assert.Equal(new[] { "indicator", "attack-pattern", "threat-actor", "identity", "relationship" }.OrderBy(t => t), stored.Select(o => o.GetProperty("type").GetString()).OrderBy(t => t));
        Assert.All(stored, o => Assert.Equal("ContosoTIP", o.GetProperty("sourceSystem").GetString()));
        Assert.All(stored, o => Assert.Equal(WorkspaceId, o.GetProperty("workspaceId").GetString()));
        Assert.All(stored, o => Assert.Equal(TenantDirectory.DefaultClientId, o.GetProperty("uploadedBy").GetString()));
        Assert.Equal("Contoso Panda", stored.Single(o => o.GetProperty("type").GetString() == "threat-actor").GetProperty("data").GetProperty("name").GetString());

        await UploadAsync("OtherTIP", new JsonNode[] { Indicator(Uuid(6), "198.51.100.6") });
        var count = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/sentinel/ti/count?workspace=" + WorkspaceId)).RootElement;
        Assert.Equal(6, count.GetProperty("total").GetInt32());
        Assert.Equal(5, count.GetProperty("bySourceSystem").GetProperty("ContosoTIP").GetInt32());
        Assert.Equal(1, count.GetProperty("bySourceSystem").GetProperty("OtherTIP").GetInt32());
        Assert.Equal(2, count.GetProperty("byType").GetProperty("indicator").GetInt32());
    }

    [Fact]
    public async Task Bad_objects_are_rejected_by_recordIndex_while_the_good_ones_land()
    {
        var missingId = Indicator(Uuid(11), "198.51.100.11");
        missingId.Remove("id");
        var wrongPrefix = Indicator(Uuid(12), "198.51.100.12");
        wrongPrefix["id"] = "malware--" + Uuid(12);
        var noPattern = Indicator(Uuid(13), "198.51.100.13");
        noPattern.Remove("pattern");
        noPattern.Remove("pattern_type");
        noPattern["valid_until"] = "2026-10-01T00:00:00Z";
        var badRelationship = Sdo("relationship", Uuid(14), new() { ["relationship_type"] = "uses", ["source_ref"] = "not-a-ref" });
        var badSpec = Indicator(Uuid(15), "198.51.100.15");
        badSpec["spec_version"] = "3.0";
        badSpec["created"] = "yesterday";
        var malware = Sdo("malware", Uuid(16), new() { ["name"] = "x" });
        var objects = new JsonNode[] { Indicator(Uuid(10), "198.51.100.10"), missingId, wrongPrefix, noPattern, badRelationship, badSpec, malware };

        var (status, body, _) = await UploadAsync("ContosoTIP", objects);
        Assert.Equal(200, status);
        var errors = body.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("recordIndex").GetInt32(),
            e => e.GetProperty("errorMessages").EnumerateArray().Select(m => m.GetString()).ToList());
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, errors.Keys.OrderBy(k => k));
        Assert.Equal(new[] { "Error for Property=id: Required property is missing. Actual value: NULL." }, errors[1]);
        Assert.Contains(errors[2], m => m.StartsWith("Error for Property=id: The id must be 'indicator--<UUID>'.") && m.EndsWith("Actual value: malware--" + Uuid(12) + "."));
        Assert.Contains("Error for Property=pattern: Required property is missing. Actual value: NULL.", errors[3]);
        Assert.Contains("Error for Property=pattern_type: Required property is missing. Actual value: NULL.", errors[3]);
        Assert.Contains(errors[3], m => m.StartsWith("Error for Property=valid_until: valid_until must be later than valid_from."));
        Assert.Contains(errors[4], m => m.StartsWith("Error for Property=source_ref:") && m.EndsWith("Actual value: not-a-ref."));
        Assert.Contains("Error for Property=target_ref: Required property is missing. Actual value: NULL.", errors[4]);
        Assert.Contains(errors[5], m => m.StartsWith("Error for Property=spec_version:"));
        Assert.Contains(errors[5], m => m.StartsWith("Error for Property=created:") && m.EndsWith("Actual value: yesterday."));
        Assert.Contains(errors[6], m => m.StartsWith("Error for Property=type: Unsupported object type"));

        Assert.Equal("indicator--" + Uuid(10), Assert.Single(await StoreAsync()).GetProperty("id").GetString());

        // Nothing valid at all: 400 with the same list.
        (status, body, _) = await UploadAsync("ContosoTIP", new JsonNode[] { missingId, "not an object" });
        Assert.Equal(400, status);
        Assert.Equal(new[] { 0, 1 }, body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("recordIndex").GetInt32()));
    }

    [Fact]
    public async Task A_request_holds_at_most_100_objects_and_needs_a_sourcesystem()
    {
        var hundred = Enumerable.Range(100, 100).Select(n => (JsonNode)Indicator(Uuid(n), "203.0.113." + (n - 100))).ToList();
        Assert.Equal(200, (await UploadAsync("Bulk", hundred)).Status);
        Assert.Equal(100, (await StoreAsync()).Count);

        var (status, body, _) = await UploadAsync("Bulk", hundred.Append(Indicator(Uuid(200), "203.0.113.200")));
        Assert.Equal(400, status);
        Assert.Equal("The request holds 101 objects; at most 100 objects are accepted per request.", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(100, (await StoreAsync()).Count);

        (status, body, _) = await UploadAsync("", hundred.Take(1));
        Assert.Equal(400, status);
        Assert.Contains("sourcesystem", body.GetProperty("error").GetProperty("message").GetString());
        (status, body, _) = await UploadAsync("Microsoft Sentinel", hundred.Take(1));
        Assert.Equal(400, status);
        Assert.Contains("reserved", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(400, (await UploadAsync("Bulk", hundred.Take(1), Upload.Replace("2024-02-01-preview", "2022-07-01"))).Status);
        Assert.Equal(404, (await UploadAsync("Bulk", hundred.Take(1), Upload.Replace(WorkspaceId, "11111111-2222-4333-8444-555555555555"))).Status);
        // The spelling without the hyphen, printed on one page, is a 404 (§3.2).
        Assert.Equal(404, (await UploadAsync("Bulk", hundred.Take(1), Upload.Replace("threat-intelligence-stix", "threatintelligence-stix"))).Status);
    }

    [Fact]
    public async Task Over_100_requests_a_minute_is_a_429_with_retry_after_scaled_like_the_other_limits()
    {
        Assert.Equal(100, JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/sentinel/upload-limit")).RootElement.GetProperty("requests").GetInt32());
        Assert.Equal(200, (await _f.PostJsonAsync("/_emulator/sentinel/upload-limit", new { requests = 3, windowSeconds = 60 })).Status);
        Assert.Equal(200, (await _f.PostJsonAsync("/_emulator/throttling", new { enabled = true, timeScale = 30 })).Status);
        try
        {
            var one = new JsonNode[] { Indicator(Uuid(300), "192.0.2.1") };
            for (int i = 0; i < 3; i++) Assert.Equal(200, (await UploadAsync("Limited", one)).Status);
            var (status, body, response) = await UploadAsync("Limited", one);
            Assert.Equal(429, status);
            Assert.Equal("2", response.Headers.GetValues("Retry-After").Single());
            Assert.Equal(429, body.GetProperty("statusCode").GetInt32());
            Assert.Equal("Rate limit is exceeded. Try again in 2 seconds.", body.GetProperty("message").GetString());

            // Per caller: the configured workspace's contributor is the same app, the Fabrikam-free reader is another caller (403, not 429).
            var reader = await _f.ArmTokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
            Assert.Equal(403, (await UploadAsync("Limited", one, token: reader)).Status);

            _f.Time.Advance(TimeSpan.FromSeconds(2));
            Assert.Equal(200, (await UploadAsync("Limited", one)).Status);
        }
        finally
        {
            await _f.PostJsonAsync("/_emulator/throttling", new { enabled = false });
            await _f.PostJsonAsync("/_emulator/sentinel/upload-limit", new { requests = 100, windowSeconds = 60 });
        }
    }

    [Fact]
    public async Task Reuploading_an_id_updates_it_when_modified_is_not_older_and_revoked_hides_it_from_queries()
    {
        var id = Uuid(400);
        Assert.Equal(200, (await UploadAsync("Feed", new JsonNode[] { Indicator(id, "192.0.2.40", "2026-11-01T00:00:00Z", 50) })).Status);
        Assert.Equal(200, (await UploadAsync("Feed", new JsonNode[] { Indicator(id, "192.0.2.40", "2026-11-05T00:00:00Z", 90) })).Status);
        Assert.Equal(200, (await UploadAsync("Feed", new JsonNode[] { Indicator(id, "192.0.2.40", "2026-11-03T00:00:00Z", 10) })).Status);
        var stored = Assert.Single(await StoreAsync());
        Assert.Equal(90, stored.GetProperty("data").GetProperty("confidence").GetInt32());

        var (_, indicator) = await ArmAsync(HttpMethod.Get, "/indicators/" + id);
        Assert.Equal(90, indicator.GetProperty("properties").GetProperty("confidence").GetInt32());
        Assert.False(indicator.GetProperty("properties").GetProperty("revoked").GetBoolean());

        var revoked = Indicator(id, "192.0.2.40", "2026-11-06T00:00:00Z", 90);
        revoked["revoked"] = true;
        Assert.Equal(200, (await UploadAsync("Feed", new JsonNode[] { revoked })).Status);
        Assert.True(Assert.Single(await StoreAsync()).GetProperty("revoked").GetBoolean());
        (_, indicator) = await ArmAsync(HttpMethod.Get, "/indicators/" + id);
        Assert.True(indicator.GetProperty("properties").GetProperty("revoked").GetBoolean());
        var (_, active) = await ArmAsync(HttpMethod.Post, "/queryIndicators", new { pageSize = 10 });
        Assert.Equal(0, active.GetProperty("value").GetArrayLength());
        var (_, all) = await ArmAsync(HttpMethod.Post, "/queryIndicators", new { includeDisabled = true });
        Assert.Equal(id, Assert.Single(all.GetProperty("value").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_legacy_upload_indicators_endpoints_take_indicators_only_into_the_same_store()
    {
        var v2 = $"/sentinel-ti/workspaces/{WorkspaceId}/threatintelligenceindicators:upload?api-version=2022-07-01";
        var attackPattern = Sdo("attack-pattern", Uuid(501), new() { ["name"] = "Phishing" });
        // Community clients capitalise the members; both spellings work.
        var (status, body, _) = await UploadAsync("LegacyTIP", new JsonNode[] { Indicator(Uuid(500), "192.0.2.50"), attackPattern }, v2,
            arrayMember: "Indicators", sourceMember: "SourceSystem");
        Assert.Equal(200, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("recordIndex").GetInt32());
        Assert.StartsWith("Error for Property=type: Unsupported object type; supported: indicator.", error.GetProperty("errorMessages")[0].GetString());

        var v1 = $"/sentinel-ti/{WorkspaceId}/threatintelligence:upload-indicators?api-version=2022-07-01";
        Assert.Equal(200, (await UploadAsync("LegacyTIP", new JsonNode[] { Indicator(Uuid(502), "192.0.2.52") }, v1, arrayMember: "value")).Status);
        // The legacy body member is not the new API's.
        Assert.Equal(400, (await UploadAsync("LegacyTIP", new JsonNode[] { Indicator(Uuid(503), "192.0.2.53") }, v2)).Status);

        var stored = await StoreAsync();
        Assert.Equal(new[] { "indicator--" + Uuid(500), "indicator--" + Uuid(502) }, stored.Select(o => o.GetProperty("id").GetString()).OrderBy(s => s));
        Assert.All(stored, o => Assert.Equal("UploadIndicatorsApi", o.GetProperty("lastUpdateMethod").GetString()));
        var (_, list) = await ArmAsync(HttpMethod.Get, "/indicators");
        Assert.Equal(2, list.GetProperty("value").GetArrayLength());
        Assert.All(list.GetProperty("value").EnumerateArray(), i => Assert.Equal("LegacyTIP", i.GetProperty("properties").GetProperty("source").GetString()));
    }

    [Fact]
    public async Task Arm_lists_gets_queries_and_deletes_what_the_upload_stored()
    {
        var objects = new JsonNode[]
        {
            Indicator(Uuid(600), "192.0.2.60", confidence: 20, labels: "botnet"),
            Indicator(Uuid(601), "192.0.2.61", confidence: 60, labels: "phishing"),
            Indicator(Uuid(602), "192.0.2.62", confidence: 95, labels: "phishing"),
            Sdo("threat-actor", Uuid(603), new() { ["name"] = "Not an indicator" }),
        };
        Assert.Equal(200, (await UploadAsync("ArmFeed", objects)).Status);
        Assert.Equal(200, (await UploadAsync("OtherFeed", new JsonNode[] { Indicator(Uuid(604), "192.0.2.64", confidence: 70) })).Status);

        var (status, page) = await ArmAsync(HttpMethod.Get, "/indicators?$top=3");
        Assert.Equal(200, status);
        Assert.Equal(3, page.GetProperty("value").GetArrayLength());
        Assert.False(page.TryGetProperty("@odata.nextLink", out _));
        var next = page.GetProperty("nextLink").GetString();
        Assert.Contains("$skipToken=3", next);
        var (_, rest) = await ArmAsync(HttpMethod.Get, next);
        Assert.Equal(1, rest.GetProperty("value").GetArrayLength());
        Assert.False(rest.TryGetProperty("nextLink", out _));

        var (_, one) = await ArmAsync(HttpMethod.Get, "/indicators/" + Uuid(602));
        Assert.Equal(ArmTi["/arm".Length..] + "/indicators/" + Uuid(602), one.GetProperty("id").GetString());
        Assert.Equal("indicator", one.GetProperty("kind").GetString());
        Assert.Equal("Microsoft.SecurityInsights/threatIntelligence", one.GetProperty("type").GetString());
        var p = one.GetProperty("properties");
        Assert.Equal("indicator--" + Uuid(602), p.GetProperty("externalId").GetString());
        Assert.Equal("ArmFeed", p.GetProperty("source").GetString());
        Assert.Equal("C2 192.0.2.62", p.GetProperty("displayName").GetString());
        Assert.Equal("ipv4-addr", p.GetProperty("patternType").GetString());
        Assert.Equal("192.0.2.62", p.GetProperty("parsedPattern")[0].GetProperty("patternTypeValues")[0].GetProperty("value").GetString());
        Assert.Equal("phishing", p.GetProperty("threatIntelligenceTags")[0].GetString());
        Assert.Equal("malicious-activity", p.GetProperty("threatTypes")[0].GetString());
        Assert.Equal("2026-11-01T00:00:00.0000000Z", p.GetProperty("validFrom").GetString());
        Assert.Equal("2027-05-01T00:00:00.0000000Z", p.GetProperty("validUntil").GetString());

        var (_, query) = await ArmAsync(HttpMethod.Post, "/queryIndicators",
            new { minConfidence = 50, sources = new[] { "ArmFeed" }, keywords = new[] { "phishing" }, sortBy = new[] { new { itemKey = "confidence", sortOrder = "descending" } } });
        Assert.Equal(new[] { Uuid(602), Uuid(601) }, query.GetProperty("value").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        (_, query) = await ArmAsync(HttpMethod.Post, "/queryIndicators", new { pageSize = 1, ids = new[] { Uuid(600), "indicator--" + Uuid(604) } });
        Assert.Equal(1, query.GetProperty("value").GetArrayLength());
        Assert.Contains("$skipToken=1", query.GetProperty("nextLink").GetString());
        Assert.Equal(400, (await ArmAsync(HttpMethod.Post, "/queryIndicators", new { sortBy = new[] { new { itemKey = "colour" } } })).Status);

        // A reader reads but may not delete.
        var reader = await _f.ArmTokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        Assert.Equal(200, (await ArmAsync(HttpMethod.Get, "/indicators", token: reader)).Status);
        var (forbidden, error) = await ArmAsync(HttpMethod.Delete, "/indicators/" + Uuid(600), token: reader);
        Assert.Equal(403, forbidden);
        Assert.Equal("AuthorizationFailed", error.GetProperty("error").GetProperty("code").GetString());

        Assert.Equal(200, (await ArmAsync(HttpMethod.Delete, "/indicators/" + Uuid(600))).Status);
        Assert.Equal(204, (await ArmAsync(HttpMethod.Delete, "/indicators/" + Uuid(600))).Status);
        Assert.Equal(404, (await ArmAsync(HttpMethod.Get, "/indicators/" + Uuid(600))).Status);
        var (_, after) = await ArmAsync(HttpMethod.Get, "/indicators");
        Assert.Equal(3, after.GetProperty("value").GetArrayLength());
        Assert.Equal(400, (await ArmAsync(HttpMethod.Get, "/indicators?$filter=x")).Status);
    }

    [Fact]
    public async Task Hunting_sees_uploads_as_ThreatIntelIndicators_and_ThreatIntelObjects()
    {
        Assert.Equal(200, (await UploadAsync("HuntFeed", new JsonNode[]
        {
            Indicator(Uuid(700), "192.0.2.70", labels: "c2"),
            Sdo("identity", Uuid(701), new() { ["name"] = "Contoso CERT" }),
        })).Status);
        var revoked = Indicator(Uuid(702), "192.0.2.72");
        revoked["revoked"] = true;
        Assert.Equal(200, (await UploadAsync("HuntFeed", new JsonNode[] { revoked })).Status);

        var query = "ThreatIntelIndicators | where SourceSystem == 'HuntFeed' | sort by Id asc | project Id, ObservableKey, ObservableValue, IsActive, IsDeleted, WorkspaceId, Tags";
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, "/v1.0/security/runHuntingQuery", null, JsonSerializer.Serialize(new { Query = query })));
        Assert.True(status == 200, body.ToString());
        var rows = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(new[] { "indicator--" + Uuid(700), "indicator--" + Uuid(702) }, rows.Select(r => r.GetProperty("Id").GetString()));
        Assert.Equal("ipv4-addr:value", rows[0].GetProperty("ObservableKey").GetString());
        Assert.Equal("192.0.2.70", rows[0].GetProperty("ObservableValue").GetString());
        Assert.True(rows[0].GetProperty("IsActive").GetBoolean());
        Assert.False(rows[1].GetProperty("IsActive").GetBoolean());
        Assert.Equal(WorkspaceId, rows[0].GetProperty("WorkspaceId").GetString());
        Assert.Equal("c2", rows[0].GetProperty("Tags")[0].GetString());

        (_, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, "/v1.0/security/runHuntingQuery", null,
            JsonSerializer.Serialize(new { Query = "ThreatIntelObjects | where StixType == 'identity' | project Id, SourceSystem" })));
        var obj = Assert.Single(body.GetProperty("results").EnumerateArray());
        Assert.Equal("identity--" + Uuid(701), obj.GetProperty("Id").GetString());

        // A deletion through ARM stays visible as a row with IsDeleted.
        Assert.Equal(200, (await ArmAsync(HttpMethod.Delete, "/indicators/" + Uuid(700))).Status);
        (_, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, "/v1.0/security/runHuntingQuery", null,
            JsonSerializer.Serialize(new { Query = "ThreatIntelIndicators | where IsDeleted | project Id" })));
        Assert.Equal("indicator--" + Uuid(700), Assert.Single(body.GetProperty("results").EnumerateArray()).GetProperty("Id").GetString());
    }

    [Fact]
    public async Task Uploading_needs_the_Microsoft_Sentinel_Contributor_role_on_the_workspace()
    {
        var one = new JsonNode[] { Indicator(Uuid(800), "192.0.2.80") };
        foreach (var (client, secret) in new[] { (TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret), (TenantDirectory.NoRolesClientId, TenantDirectory.NoRolesClientSecret) })
        {
            var (status, body, _) = await UploadAsync("RoleFeed", one, token: await _f.ArmTokenAsync(client, secret));
            Assert.Equal(403, status);
            Assert.Equal("AuthorizationFailed", body.GetProperty("error").GetProperty("code").GetString());
            var message = body.GetProperty("error").GetProperty("message").GetString();
            Assert.Contains($"The client '{client}'", message);
            Assert.Contains("'Microsoft Sentinel Contributor' role", message);
        }
        Assert.Empty(await StoreAsync());

        // The workspace from the config settings takes the default app's uploads.
        var configured = Upload.Replace(WorkspaceId, SentinelFixture.ConfiguredWorkspaceId);
        Assert.Equal(200, (await UploadAsync("RoleFeed", one, configured)).Status);
        Assert.Equal(SentinelFixture.ConfiguredWorkspaceId, Assert.Single(await StoreAsync()).GetProperty("workspaceId").GetString());
    }

    [Fact]
    public async Task A_token_of_another_audience_is_the_arm_401()
    {
        var graph = await _f.TokenAsync();
        var (status, body, _) = await UploadAsync("AudienceFeed", new JsonNode[] { Indicator(Uuid(900), "192.0.2.90") }, token: graph);
        Assert.Equal(401, status);
        Assert.Equal("InvalidAuthenticationTokenAudience", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("https://graph.microsoft.com", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(401, (await ArmAsync(HttpMethod.Get, "/indicators", token: graph)).Status);
        Assert.Equal(401, (await UploadAsync("AudienceFeed", new JsonNode[] { Indicator(Uuid(900), "192.0.2.90") }, token: "")).Status);
        Assert.Empty(await StoreAsync());
    }

    [Fact]
    public void Workspaces_roles_and_the_upload_limit_come_from_the_config_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sentinel-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"sentinel": {
               "uploadLimit": {"requests": 7, "windowSeconds": 10},
               "workspaces": [{"tenantId": "TENANT", "subscriptionId": "00000000-0000-4000-8000-0000000000aa", "resourceGroup": "rg-ti",
                               "name": "law-ti", "customerId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
                               "roles": {"ops@contoso.example": "Microsoft Sentinel Contributor"}}]}}
            """.Replace("TENANT", TenantDirectory.DefaultTenantId));
        try
        {
            var options = EmulatorOptions.Parse(new[] { "--config", path });
            Assert.Equal(7, options.SentinelUploadLimit.Requests);
            var workspace = options.SentinelWorkspaces.Single(w => w.Name == "law-ti");
            Assert.Equal("Microsoft Sentinel Contributor", workspace.Roles["OPS@contoso.example"]);
            Assert.Contains(options.SentinelWorkspaces, w => w.Name == "law-secops");

            File.WriteAllText(path, """{"sentinel": {"workspaces": [{"tenantId": "x"}]}}""");
            Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--config", path }));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
