using System.Text.Json;
using GraphSecurity.Emulator.Graph.TiIndicators;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

public class TiIndicatorTests : IClassFixture<MutableEmulatorFixture>
{
    private const string Url = "/beta/security/tiIndicators";
    private readonly MutableEmulatorFixture _f;
    public TiIndicatorTests(MutableEmulatorFixture f) => _f = f;

    /// <summary>A valid Azure Sentinel indicator body; <paramref name="change"/> edits it before sending.</summary>
    private static string Sentinel(string externalId, Action<Dictionary<string, object>> change = null)
    {
        var body = new Dictionary<string, object>
        {
            ["action"] = "alert",
            ["azureTenantId"] = TenantDirectory.DefaultTenantId,
            ["description"] = "Phishing landing page",
            ["expirationDateTime"] = "2026-12-31T00:00:00Z",
            ["externalId"] = externalId,
            ["targetProduct"] = "Azure Sentinel",
            ["threatType"] = "Phishing",
            ["tlpLevel"] = "amber",
            ["domainName"] = "login-micros0ft.example",
        };
        change?.Invoke(body);
        return JsonSerializer.Serialize(body);
    }

    private static string Defender(Action<Dictionary<string, object>> change = null) => Sentinel("mde", b =>
    {
        b["targetProduct"] = "Microsoft Defender ATP";
        b["action"] = "block";
        b.Remove("azureTenantId");
        b.Remove("domainName");
        b["networkDestinationIPv4"] = "203.0.113.50";
        change?.Invoke(b);
    });

    private async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string url, string json = null, string token = null, Action<HttpRequestMessage> configure = null) =>
        await EmulatorFixture.ReadAsync(await _f.SendAsync(method, url, token, json, configure));

    private async Task<JsonElement> CreateAsync(string json, string token = null)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, Url, json, token);
        Assert.True(status == 201, body.ToString());
        return body;
    }

    private static string Message(JsonElement body) => body.GetProperty("error").GetProperty("message").GetString();

    [Fact]
    public async Task Create_returns_201_with_every_declared_property_and_service_values()
    {
        var body = await CreateAsync(Sentinel("create-1", b => { b["threatType"] = "maliciousurl"; b["action"] = "ALERT"; b["killChain"] = new[] { "delivery" }; }));
        Assert.Equal("http://localhost/beta/$metadata#Security/tiIndicators/$entity", body.GetProperty("@odata.context").GetString());
        var names = body.EnumerateObject().Select(p => p.Name).Where(n => n != "@odata.context").ToList();
        Assert.Equal(TiIndicatorSchema.Properties.Select(p => p.Name), names);
        Assert.True(Guid.TryParse(body.GetProperty("id").GetString(), out _));
        Assert.Equal(TenantDirectory.DefaultTenantId, body.GetProperty("azureTenantId").GetString());
        Assert.EndsWith("Z", body.GetProperty("ingestedDateTime").GetString());
        Assert.Equal("MaliciousUrl", body.GetProperty("threatType").GetString());
        Assert.Equal("alert", body.GetProperty("action").GetString());
        Assert.Equal("Delivery", body.GetProperty("killChain")[0].GetString());
        Assert.True(body.GetProperty("isActive").GetBoolean());
        Assert.False(body.GetProperty("passiveOnly").GetBoolean());
        Assert.Equal(3, body.GetProperty("severity").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("url").ValueKind);
        Assert.Equal(0, body.GetProperty("tags").GetArrayLength());
        Assert.Equal("2026-12-31T00:00:00.0000000Z", body.GetProperty("expirationDateTime").GetString());
    }

    [Theory]
    [InlineData("azureTenantId", "Missing required properties for targetProduct 'Azure Sentinel': azureTenantId.")]
    [InlineData("threatType", "Missing required properties for targetProduct 'Azure Sentinel': threatType.")]
    [InlineData("domainName", "An indicator needs at least one email, file or network observable")]
    [InlineData("targetProduct", "The property 'targetProduct' is required. Valid values: Azure Sentinel, Microsoft Defender ATP.")]
    public async Task Sentinel_creation_rules(string removed, string message)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, Url, Sentinel("rules", b => b.Remove(removed)));
        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body.GetProperty("error").GetProperty("code").GetString());
        Assert.StartsWith(message, Message(body));
    }

    [Fact]
    public async Task Defender_atp_needs_exactly_one_supported_observable()
    {
        var ok = await CreateAsync(Defender());
        Assert.Equal("Microsoft Defender ATP", ok.GetProperty("targetProduct").GetString());

        var (status, body) = await SendAsync(HttpMethod.Post, Url, Defender(b => b["url"] = "https://invoice-portal.example/a"));
        Assert.Equal(400, status);
        Assert.Equal("An indicator for 'Microsoft Defender ATP' must have exactly one of these observables: domainName, url, networkDestinationIPv4, networkDestinationIPv6, fileHashValue. Found: networkDestinationIPv4, url.", Message(body));

        (status, body) = await SendAsync(HttpMethod.Post, Url, Defender(b => { b.Remove("networkDestinationIPv4"); b["networkIPv4"] = "203.0.113.9"; }));
        Assert.Equal(400, status);
        Assert.EndsWith("Found: networkIPv4.", Message(body));

        (status, body) = await SendAsync(HttpMethod.Post, Url, Defender(b => { b.Remove("networkDestinationIPv4"); b["fileHashValue"] = new string('a', 64); }));
        Assert.Equal(400, status);
        Assert.Equal("The property 'fileHashType' is required when 'fileHashValue' is set.", Message(body));

        (status, body) = await SendAsync(HttpMethod.Post, Url, Defender(b => { b.Remove("networkDestinationIPv4"); b["fileHashValue"] = new string('a', 40); b["fileHashType"] = "sha256"; }));
        Assert.Equal(400, status);
        Assert.Equal("A sha256 hash has 64 hexadecimal characters; 'fileHashValue' has 40.", Message(body));

        var hash = await CreateAsync(Defender(b => { b.Remove("networkDestinationIPv4"); b["fileHashValue"] = new string('b', 64); b["fileHashType"] = "SHA256"; }));
        Assert.Equal("sha256", hash.GetProperty("fileHashType").GetString());
    }

    [Theory]
    [InlineData("tlpLevel", "\"purple\"", "Cannot convert the literal 'purple' to the expected type 'microsoft.graph.tlpLevel'. Valid values: unknown, white, green, amber, red.")]
    [InlineData("threatType", "\"Spam\"", "Invalid value 'Spam' for property 'threatType' of 'microsoft.graph.tiIndicator'. Valid values: Botnet, C2,")]
    [InlineData("confidence", "101", "Invalid value '101' for property 'confidence' of 'microsoft.graph.tiIndicator'. The value must be between 0 and 100.")]
    [InlineData("severity", "\"high\"", "Invalid value 'high' for property 'severity'")]
    [InlineData("networkIPv4", "\"999.1.1.1\"", "Invalid value '999.1.1.1' for property 'networkIPv4' of 'microsoft.graph.tiIndicator'. An IPv4 address is expected.")]
    [InlineData("killChain", "[\"Lateral\"]", "Invalid value 'Lateral' for property 'killChain'")]
    [InlineData("colour", "\"red\"", "The property 'colour' does not exist on type 'microsoft.graph.tiIndicator'.")]
    [InlineData("id", "\"x\"", "The property 'id' is set by the service and cannot be supplied.")]
    [InlineData("azureTenantId", "\"d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a\"", "The property 'azureTenantId' must be the caller's tenant id")]
    [InlineData("description", "\"" + "01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890" + "\"", "The description may have at most 100 characters (it has 101).")]
    public async Task Invalid_values_are_rejected(string property, string json, string message)
    {
        var body = Sentinel("invalid", b => b[property] = JsonDocument.Parse(json).RootElement.Clone());
        var (status, error) = await SendAsync(HttpMethod.Post, Url, body);
        Assert.Equal(400, status);
        Assert.Contains(message, Message(error));
    }

    [Fact]
    public async Task Get_patch_and_delete_one_indicator()
    {
        var created = await CreateAsync(Sentinel("crud-1"));
        var id = created.GetProperty("id").GetString();
        var item = $"{Url}/{id}";

        var get = await _f.GetJsonAsync(item);
        Assert.Equal("crud-1", get.GetProperty("externalId").GetString());

        var update = JsonSerializer.Serialize(new { expirationDateTime = "2027-01-31T00:00:00Z", targetProduct = "Azure Sentinel", confidence = 80, tags = new[] { "campaign-7" } });
        var response = await _f.SendAsync(HttpMethod.Patch, item, json: update);
        Assert.Equal(204, (int)response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        var (status, body) = await SendAsync(HttpMethod.Patch, item, JsonSerializer.Serialize(new { expirationDateTime = "2027-02-28T00:00:00Z", targetProduct = "azure sentinel", isActive = false }),
            configure: r => r.Headers.Add("Prefer", "return=representation"));
        Assert.Equal(200, status);
        Assert.Equal(80, body.GetProperty("confidence").GetInt32());
        Assert.Equal("campaign-7", body.GetProperty("tags")[0].GetString());
        Assert.False(body.GetProperty("isActive").GetBoolean());
        Assert.Equal("2027-02-28T00:00:00.0000000Z", body.GetProperty("expirationDateTime").GetString());

        (status, body) = await SendAsync(HttpMethod.Patch, item, JsonSerializer.Serialize(new { confidence = 10 }));
        Assert.Equal(400, status);
        Assert.Equal("The properties 'expirationDateTime' and 'targetProduct' are required when updating a tiIndicator.", Message(body));
        (status, body) = await SendAsync(HttpMethod.Patch, item, JsonSerializer.Serialize(new { expirationDateTime = "2027-01-31T00:00:00Z", targetProduct = "Azure Sentinel", threatType = "Botnet" }));
        Assert.Equal(400, status);
        Assert.StartsWith("The property 'threatType' cannot be updated on an indicator for 'Azure Sentinel'.", Message(body));
        (status, body) = await SendAsync(HttpMethod.Patch, item, JsonSerializer.Serialize(new { expirationDateTime = "2027-01-31T00:00:00Z", targetProduct = "Microsoft Defender ATP" }));
        Assert.Equal(400, status);
        Assert.Equal("The property 'targetProduct' cannot be changed (the indicator's is 'Azure Sentinel').", Message(body));

        Assert.Equal(204, (int)(await _f.SendAsync(HttpMethod.Delete, item)).StatusCode);
        (status, body) = await SendAsync(HttpMethod.Get, item);
        Assert.Equal(404, status);
        Assert.Equal($"tiIndicator with id '{id}' was not found.", Message(body));
        Assert.Equal(404, (int)(await _f.SendAsync(HttpMethod.Delete, item)).StatusCode);
    }

    [Fact]
    public async Task Defender_atp_indicator_only_updates_its_editable_properties()
    {
        var id = (await CreateAsync(Defender())).GetProperty("id").GetString();
        var (status, body) = await SendAsync(HttpMethod.Patch, $"{Url}/{id}", JsonSerializer.Serialize(new { expirationDateTime = "2027-01-31T00:00:00Z", targetProduct = "Microsoft Defender ATP", action = "allow" }));
        Assert.Equal(400, status);
        Assert.Equal("The property 'action' cannot be updated on an indicator for 'Microsoft Defender ATP'. Updatable properties: description, expirationDateTime, severity.", Message(body));
        var ok = await _f.SendAsync(HttpMethod.Patch, $"{Url}/{id}", json: JsonSerializer.Serialize(new { expirationDateTime = "2027-01-31T00:00:00Z", targetProduct = "Microsoft Defender ATP", severity = 5 }));
        Assert.Equal(204, (int)ok.StatusCode);
    }

    [Fact]
    public async Task List_filters_and_pages()
    {
        var token = await TestTokens.ExtraAppAsync(_f, "1d2c3b4a-0000-4000-8000-00000000a001", "ThreatIndicators.ReadWrite.OwnedBy");
        for (int i = 0; i < 5; i++)
        {
            var n = i;
            await CreateAsync(Sentinel($"list-{n}", b =>
            {
                b["threatType"] = n % 2 == 0 ? "Botnet" : "C2";
                b["isActive"] = n != 4;
                b["expirationDateTime"] = $"2026-12-0{n + 1}T00:00:00Z";
            }), token);
        }
        async Task<List<string>> Ids(string query)
        {
            var page = await _f.GetJsonAsync($"{Url}?{query}", token);
            return page.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("externalId").GetString()).ToList();
        }
        Assert.Equal(new[] { "list-3" }, await Ids("$filter=externalId eq 'list-3'"));
        Assert.Equal(new[] { "list-0", "list-2", "list-4" }, await Ids("$filter=threatType eq 'Botnet'"));
        Assert.Equal(new[] { "list-4" }, await Ids("$filter=isActive eq false"));
        Assert.Equal(new[] { "list-0", "list-1" }, await Ids("$filter=expirationDateTime lt 2026-12-03T00:00:00Z"));
        Assert.Equal(new[] { "list-1", "list-3" }, await Ids("$filter=targetProduct eq 'Azure Sentinel' and threatType eq 'C2' and isActive"));

        var first = await _f.GetJsonAsync($"{Url}?$top=2&$count=true", token);
        Assert.Equal(5, first.GetProperty("@odata.count").GetInt32());
        Assert.Equal("http://localhost/beta/$metadata#Security/tiIndicators", first.GetProperty("@odata.context").GetString());
        var next = first.GetProperty("@odata.nextLink").GetString();
        Assert.Equal("http://localhost/beta/security/tiIndicators?$top=2&$count=true&$skip=2", next);
        var last = await _f.GetJsonAsync(new Uri(next).PathAndQuery.Replace("$skip=2", "$skip=4"), token);
        Assert.False(last.TryGetProperty("@odata.nextLink", out _));
        Assert.Equal("list-4", last.GetProperty("value")[0].GetProperty("externalId").GetString());

        var (status, body) = await SendAsync(HttpMethod.Get, $"{Url}?$filter=confidence eq 5", token: token);
        Assert.Equal(400, status);
        Assert.StartsWith("Invalid filter clause: The property 'confidence' is not supported in $filter on tiIndicators. Filterable properties: externalId, threatType, targetProduct, isActive, expirationDateTime.", Message(body));
        (status, _) = await SendAsync(HttpMethod.Get, $"{Url}?$orderby=externalId", token: token);
        Assert.Equal(400, status);
    }

    [Fact]
    public async Task An_app_only_sees_the_indicators_it_created()
    {
        var owner = await TestTokens.ExtraAppAsync(_f, "1d2c3b4a-0000-4000-8000-00000000a002", "ThreatIndicators.ReadWrite.OwnedBy");
        var other = await TestTokens.ExtraAppAsync(_f, "1d2c3b4a-0000-4000-8000-00000000a003", "ThreatIndicators.ReadWrite.OwnedBy");
        var id = (await CreateAsync(Sentinel("owned-1"), owner)).GetProperty("id").GetString();

        var seen = await _f.GetJsonAsync($"{Url}?$filter=externalId eq 'owned-1'", other);
        Assert.Empty(seen.GetProperty("value").EnumerateArray());
        Assert.Equal(404, (await SendAsync(HttpMethod.Get, $"{Url}/{id}", token: other)).Status);
        Assert.Equal(404, (await SendAsync(HttpMethod.Delete, $"{Url}/{id}", token: other)).Status);
        var (status, body) = await SendAsync(HttpMethod.Post, $"{Url}/deleteTiIndicatorsByExternalId", "{\"value\":[\"owned-1\"]}", other);
        Assert.Equal(206, status);
        Assert.Equal(404, body.GetProperty("value")[0].GetProperty("code").GetInt32());

        var mine = await _f.GetJsonAsync($"{Url}/{id}", owner);
        Assert.Equal("owned-1", mine.GetProperty("externalId").GetString());
    }

    [Fact]
    public async Task Role_and_version_are_enforced()
    {
        var reader = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        var (status, body) = await SendAsync(HttpMethod.Get, Url, token: reader);
        Assert.Equal(403, status);
        Assert.Equal("Missing application roles. API required roles: ThreatIndicators.ReadWrite.OwnedBy, application roles: SecurityAlert.Read.All.", Message(body));

        foreach (var path in new[] { "/v1.0/security/tiIndicators", "/v1.0/security/tiIndicators/submitTiIndicators" })
        {
            (status, body) = await SendAsync(HttpMethod.Post, path, "{}", token: "");
            Assert.Equal(400, status);
            Assert.Equal("Resource not found for the segment 'tiIndicators'.", Message(body));
        }
        (status, body) = await SendAsync(HttpMethod.Put, Url, "{}");
        Assert.Equal(405, status);
    }

    [Fact]
    public async Task Submit_is_limited_to_100_items()
    {
        var items = string.Join(",", Enumerable.Range(0, 101).Select(i => Sentinel("bulk-" + i)));
        var (status, body) = await SendAsync(HttpMethod.Post, $"{Url}/submitTiIndicators", $"{{\"value\":[{items}]}}");
        Assert.Equal(400, status);
        Assert.Equal("The 'value' array has 101 items; at most 100 are allowed per request.", Message(body));
        var page = await _f.GetJsonAsync($"{Url}?$filter=externalId eq 'bulk-0'");
        Assert.Equal(0, page.GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task Submit_reports_each_item_and_uses_206_when_some_fail()
    {
        var items = new[] { Sentinel("submit-a"), Sentinel("submit-b", b => b.Remove("tlpLevel")), Sentinel("submit-c") };
        var (status, body) = await SendAsync(HttpMethod.Post, $"{Url}/submitTiIndicators", $"{{\"value\":[{string.Join(",", items)}]}}");
        Assert.Equal(206, status);
        var value = body.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(3, value.Count);
        Assert.Equal("submit-a", value[0].GetProperty("externalId").GetString());
        Assert.Equal("#microsoft.graph.resultInfo", value[1].GetProperty("@odata.type").GetString());
        Assert.Equal(400, value[1].GetProperty("code").GetInt32());
        Assert.Equal(0, value[1].GetProperty("subcode").GetInt32());
        Assert.Equal("value[1]: Missing required properties for targetProduct 'Azure Sentinel': tlpLevel.", value[1].GetProperty("message").GetString());
        Assert.Equal("submit-c", value[2].GetProperty("externalId").GetString());

        (status, body) = await SendAsync(HttpMethod.Post, $"{Url}/microsoft.graph.submitTiIndicators", $"{{\"value\":[{Sentinel("submit-d")}]}}");
        Assert.Equal(200, status);
        Assert.Equal("http://localhost/beta/$metadata#Collection(microsoft.graph.tiIndicator)", body.GetProperty("@odata.context").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("value")[0].GetProperty("id").GetString(), out _));
    }

    [Fact]
    public async Task Lookup_by_many_external_ids_and_the_control_api_clear()
    {
        for (var i = 0; i < 5; i++) await CreateAsync(Sentinel($"lookup-{i}"));
        var filter = string.Join(" or ", new[] { "LOOKUP-1", "lookup-3", "lookup-9" }.Select(id => $"externalId eq '{id}'"));
        var (status, body) = await SendAsync(HttpMethod.Get, $"{Url}?$filter={Uri.EscapeDataString(filter)}");
        Assert.Equal(200, status);
        Assert.Equal(new[] { "lookup-1", "lookup-3" }, body.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("externalId").GetString()).OrderBy(x => x));

        (status, body) = await SendAsync(HttpMethod.Delete, "/_emulator/tiIndicators");
        Assert.Equal(200, status);
        Assert.True(body.GetProperty("removed").GetInt32() >= 5);
        (status, body) = await SendAsync(HttpMethod.Get, Url);
        Assert.Equal(0, body.GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task Bulk_update_and_deletes_map_results_to_items()
    {
        var a = (await CreateAsync(Sentinel("bulk-upd"))).GetProperty("id").GetString();
        var b = (await CreateAsync(Sentinel("bulk-dup"))).GetProperty("id").GetString();
        await CreateAsync(Sentinel("bulk-dup"));
        var mde = (await CreateAsync(Defender())).GetProperty("id").GetString();

        var update = JsonSerializer.Serialize(new
        {
            value = new object[]
            {
                new { id = a, expirationDateTime = "2027-03-01T00:00:00Z", targetProduct = "Azure Sentinel", confidence = 55 },
                new { id = "00000000-0000-4000-8000-000000000000", expirationDateTime = "2027-03-01T00:00:00Z", targetProduct = "Azure Sentinel" },
                new { id = mde, expirationDateTime = "2027-03-01T00:00:00Z", targetProduct = "Microsoft Defender ATP" },
            },
        });
        var (status, body) = await SendAsync(HttpMethod.Post, $"{Url}/updateTiIndicators", update);
        Assert.Equal(206, status);
        Assert.Equal(55, body.GetProperty("value")[0].GetProperty("confidence").GetInt32());
        Assert.Equal(404, body.GetProperty("value")[1].GetProperty("code").GetInt32());
        Assert.Equal(400, body.GetProperty("value")[2].GetProperty("code").GetInt32());
        Assert.Equal("value[2]: updateTiIndicators is not supported for indicators with targetProduct 'Microsoft Defender ATP'; use PATCH or DELETE on the indicator.",
            body.GetProperty("value")[2].GetProperty("message").GetString());

        (status, body) = await SendAsync(HttpMethod.Post, $"{Url}/deleteTiIndicators", $"{{\"value\":[\"{a}\"]}}");
        Assert.Equal(200, status);
        Assert.Equal("http://localhost/beta/$metadata#Collection(microsoft.graph.resultInfo)", body.GetProperty("@odata.context").GetString());
        var result = body.GetProperty("value")[0];
        Assert.Equal(new[] { "code", "message", "subcode" }, result.EnumerateObject().Select(p => p.Name));
        Assert.Equal(200, result.GetProperty("code").GetInt32());

        (status, body) = await SendAsync(HttpMethod.Post, $"{Url}/deleteTiIndicatorsByExternalId", "{\"value\":[\"bulk-dup\"]}");
        Assert.Equal(200, status);
        Assert.Equal("Deleted 2 tiIndicator(s) with externalId 'bulk-dup'.", body.GetProperty("value")[0].GetProperty("message").GetString());
        Assert.Equal(404, (await SendAsync(HttpMethod.Get, $"{Url}/{b}")).Status);

        (status, body) = await SendAsync(HttpMethod.Post, $"{Url}/deleteTiIndicators", "{\"ids\":[]}");
        Assert.Equal(400, status);
        Assert.Equal("The request body must be {\"value\": [ ... ]}.", Message(body));
    }
}
