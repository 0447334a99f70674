using System.Text.Json;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace GraphSecurity.Emulator.Tests;

/// <summary>
/// A clocked emulator whose Contoso also has two apps holding only Ti.ReadWrite on Defender for Endpoint,
/// with helpers that call the indicators API with Defender tokens.
/// </summary>
public class DefenderFixture : ClockedEmulatorFixture
{
    public const string OwnerClientId = "5d1e7c3a-9b2f-4e6d-8a1c-0f2e4d6b8a01";
    public const string OtherClientId = "5d1e7c3a-9b2f-4e6d-8a1c-0f2e4d6b8a02";
    public const string Secret = "gs-emulator-ti-secret";
    public const string Api = "/defender/api/indicators";
    private const string Scope = "https://api.securitycenter.microsoft.com/.default";
    private readonly Dictionary<string, string> _tokens = new();

    protected override void Configure(EmulatorOptions options)
    {
        base.Configure(options);
        options.Directory = TenantDirectory.CreateDefault(options.AlertCount);
        var contoso = options.Directory.Find(TenantDirectory.DefaultTenantId);
        foreach (var (id, name) in new[] { (OwnerClientId, "Feed Sync"), (OtherClientId, "Other Feed") })
            contoso.Apps.Add(new AppRegistration
            {
                ClientId = id, DisplayName = name, Secret = Secret, Roles = new List<string>(),
                ApiRoles = new(StringComparer.OrdinalIgnoreCase) { [ApiResources.DefenderName] = new List<string> { "Ti.ReadWrite" } },
            });
    }

    public EmulatorClock Clock => App.Services.GetRequiredService<EmulatorClock>();

    /// <summary>A Defender token: the full app (Ti.ReadWrite.All) by default.</summary>
    public async Task<string> DefenderTokenAsync(string clientId = TenantDirectory.DefaultClientId)
    {
        lock (_tokens)
            if (_tokens.TryGetValue(clientId, out var cached)) return cached;
        var secret = clientId switch
        {
            TenantDirectory.DefaultClientId => TenantDirectory.DefaultClientSecret,
            TenantDirectory.ReaderClientId => TenantDirectory.ReaderClientSecret,
            TenantDirectory.ResponderClientId => TenantDirectory.ResponderClientSecret,
            _ => Secret,
        };
        var (status, body) = await PostFormAsync($"/{TenantDirectory.DefaultTenantId}/oauth2/v2.0/token", new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = Scope,
        });
        Assert.True(status == 200, body.ToString());
        var token = body.GetProperty("access_token").GetString();
        lock (_tokens) _tokens[clientId] = token;
        return token;
    }

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> CallAsync(HttpMethod method, string url, object body = null,
        string clientId = TenantDirectory.DefaultClientId, string token = null)
    {
        var response = await SendAsync(method, url, token ?? await DefenderTokenAsync(clientId), body == null ? null : body as string ?? JsonSerializer.Serialize(body));
        var (status, json) = await ReadAsync(response);
        return (status, json, response);
    }

    public async Task<JsonElement> SubmitOkAsync(object indicator, string clientId = TenantDirectory.DefaultClientId)
    {
        var (status, body, _) = await CallAsync(HttpMethod.Post, Api, indicator, clientId);
        Assert.True(status == 200, body.ToString());
        return body;
    }

    public async Task<List<JsonElement>> ListAsync(string query = "", string clientId = TenantDirectory.DefaultClientId)
    {
        var (status, body, _) = await CallAsync(HttpMethod.Get, Api + query, clientId: clientId);
        Assert.True(status == 200, body.ToString());
        return body.GetProperty("value").EnumerateArray().ToList();
    }

    public static object Indicator(string value, string type, string action = "Block", object extra = null)
    {
        var body = new Dictionary<string, object> { ["indicatorValue"] = value, ["indicatorType"] = type, ["action"] = action, ["title"] = "t " + value, ["description"] = "d " + value };
        if (extra != null)
            foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        return body;
    }

    /// <summary>Asserts Defender's error shape: status, code, a message naming <paramref name="mentions"/>, and target = the request id.</summary>
    public static void AssertError((int Status, JsonElement Body, HttpResponseMessage Response) answer, int status, string code, string mentions = null)
    {
        Assert.True(answer.Status == status, answer.Body.ToString());
        var error = answer.Body.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        if (mentions != null) Assert.Contains(mentions, error.GetProperty("message").GetString());
        Assert.Equal(answer.Response.Headers.GetValues("x-ms-request-id").Single(), error.GetProperty("target").GetString());
    }
}

public class DefenderIndicatorTests : IClassFixture<DefenderFixture>
{
    private const string Api = DefenderFixture.Api;
    private const string Owner = DefenderFixture.OwnerClientId;
    private const string Other = DefenderFixture.OtherClientId;
    private readonly DefenderFixture _f;
    public DefenderIndicatorTests(DefenderFixture f) => _f = f;

    private static object Indicator(string value, string type, string action = "Block", object extra = null) => DefenderFixture.Indicator(value, type, action, extra);

    [Fact]
    public async Task Submitting_the_same_value_and_type_again_updates_in_place_and_keeps_the_application()
    {
        var created = await _f.SubmitOkAsync(Indicator("update-me.example", "DomainName", "Warn",
            new { application = "Feed A", severity = "High", externalID = "ext-1", rbacGroupNames = "Servers, Laptops" }), Owner);
        var id = created.GetProperty("id").GetString();
        Assert.True(long.Parse(id) > 105);
        Assert.EndsWith("/defender/api/$metadata#Indicators/$entity", created.GetProperty("@odata.context").GetString());
        Assert.Equal(Owner, created.GetProperty("createdBy").GetString());
        Assert.Equal("AadApp", created.GetProperty("sourceType").GetString());
        Assert.Equal("Feed Sync", created.GetProperty("createdByDisplayName").GetString());
        Assert.Equal("ext-1", created.GetProperty("externalId").GetString());
        Assert.Equal(new[] { "Servers", "Laptops" }, created.GetProperty("rbacGroupNames").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("expirationTime").ValueKind);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("lastUpdatedBy").ValueKind);
        Assert.Equal(JsonValueKind.Array, created.GetProperty("mitreTechniques").ValueKind);

        _f.Clock.Advance(TimeSpan.FromMinutes(1));
        var updated = await _f.SubmitOkAsync(Indicator("UPDATE-ME.example", "DomainName", "Block", new { application = "Feed B", title = "renamed" }), Owner);
        Assert.Equal(id, updated.GetProperty("id").GetString());
        Assert.Equal("Feed A", updated.GetProperty("application").GetString());
        Assert.Equal("renamed", updated.GetProperty("title").GetString());
        Assert.Equal("Block", updated.GetProperty("action").GetString());
        Assert.Equal("High", updated.GetProperty("severity").GetString()); // not named again, so kept
        Assert.Equal("ext-1", updated.GetProperty("externalId").GetString());
        Assert.Equal(Owner, updated.GetProperty("lastUpdatedBy").GetString());
        Assert.Equal(created.GetProperty("creationTimeDateTimeUtc").GetString(), updated.GetProperty("creationTimeDateTimeUtc").GetString());
        Assert.True(updated.GetProperty("lastUpdateTime").GetDateTimeOffset() >= created.GetProperty("lastUpdateTime").GetDateTimeOffset().AddMinutes(1));
        Assert.Single(await _f.ListAsync("?$filter=indicatorValue eq 'update-me.example'", Owner));

        // Another type of the same value is another indicator.
        var url = await _f.SubmitOkAsync(Indicator("update-me.example", "Url"), Owner);
        Assert.NotEqual(id, url.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Required_fields_are_case_sensitive_and_every_refusal_names_the_field()
    {
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, new { indicatorValue = "a.example", indicatorType = "DomainName", action = "Block", description = "d" }),
            400, "MissingRequiredParameter", "'title'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, new { IndicatorValue = "a.example", indicatorType = "DomainName", action = "Block", title = "t", description = "d" }),
            400, "MissingRequiredParameter", "'indicatorValue'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator(" ", "DomainName")), 400, "InvalidInput", "Recieved an empty indicator value.");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("a.example", "DomainName", extra: new { description = "" })), 400, "InvalidInput", "'description'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("a.example", "Hostname")), 400, "InvalidInput", "'indicatorType'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("a.example", "DomainName", "Quarantine")), 400, "InvalidInput", "'action'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("a.example", "DomainName", extra: new { severity = "Critical" })), 400, "InvalidInput", "'severity'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("a.example", "DomainName", extra: new { expirationTime = "next week" })), 400, "InvalidInput", "'expirationTime'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("a.example", "DomainName", extra: new { title = 5 })), 400, "InvalidRequestBody", "'title'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("a.example", "DomainName", extra: new { generateAlert = "maybe" })), 400, "InvalidRequestBody", "'generateAlert'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, "{not json"), 400, "InvalidRequestBody");
        Assert.Empty(await _f.ListAsync("?$filter=indicatorValue eq 'a.example'"));

        // Enum values are taken in any case and stored as declared; generateAlert may be the documented "True".
        var lower = await _f.SubmitOkAsync(Indicator("b.example", "domainname", "block", new { severity = "low", generateAlert = "True" }));
        Assert.Equal(("DomainName", "Block", "Low", true),
            (lower.GetProperty("indicatorType").GetString(), lower.GetProperty("action").GetString(), lower.GetProperty("severity").GetString(), lower.GetProperty("generateAlert").GetBoolean()));
    }

    [Theory]
    [InlineData("FileSha256", "BlockAndRemediate", true)]
    [InlineData("FileSha256", "Warn", true)]
    [InlineData("FileSha256", "AlertAndBlock", true)]
    [InlineData("IpAddress", "Block", true)]
    [InlineData("IpAddress", "BlockAndRemediate", false)]
    [InlineData("IpAddress", "AlertAndBlock", false)]
    [InlineData("Url", "Warn", true)]
    [InlineData("Url", "BlockAndRemediate", false)]
    [InlineData("DomainName", "Allowed", true)]
    [InlineData("CertificateThumbprint", "BlockAndRemediate", true)]
    [InlineData("CertificateThumbprint", "Allowed", true)]
    [InlineData("CertificateThumbprint", "Block", false)]
    [InlineData("CertificateThumbprint", "Warn", false)]
    public async Task Each_type_allows_only_its_actions(string type, string action, bool allowed)
    {
        var value = type switch
        {
            "FileSha256" => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(type + action))),
            "CertificateThumbprint" => Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(type + action))),
            "IpAddress" => $"203.0.113.{action.Length}",
            "Url" => $"https://actions.example/{action}",
            _ => $"{action.ToLowerInvariant()}.actions.example",
        };
        var answer = await _f.CallAsync(HttpMethod.Post, Api, Indicator(value, type, action));
        if (allowed) Assert.True(answer.Status == 200, answer.Body.ToString());
        else DefenderFixture.AssertError(answer, 400, "InvalidInput", $"indicatorType {type}");
    }

    [Fact]
    public async Task Audit_needs_generateAlert_and_the_retired_Alert_turns_it_on()
    {
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("audit.example", "DomainName", "Audit")), 400, "InvalidInput", "'generateAlert'");
        var audit = await _f.SubmitOkAsync(Indicator("audit.example", "DomainName", "Audit", new { generateAlert = true }));
        Assert.True(audit.GetProperty("generateAlert").GetBoolean());
        var alert = await _f.SubmitOkAsync(Indicator("alert.example", "DomainName", "Alert"));
        Assert.Equal("Alert", alert.GetProperty("action").GetString());
        Assert.True(alert.GetProperty("generateAlert").GetBoolean());
        Assert.Equal("Informational", alert.GetProperty("severity").GetString());
    }

    [Theory]
    [InlineData("IpAddress", "203.0.113.0/24", "InvalidIpAddress")]
    [InlineData("IpAddress", "203.0.113.1-203.0.113.9", "InvalidIpAddress")]
    [InlineData("IpAddress", "203.0.113.*", "InvalidIpAddress")]
    [InlineData("IpAddress", "10.1.2.3", "InvalidIpAddress")]
    [InlineData("IpAddress", "192.168.0.10", "InvalidIpAddress")]
    [InlineData("IpAddress", "127.0.0.1", "InvalidIpAddress")]
    [InlineData("IpAddress", "203.0.113.256", "InvalidIpAddress")]
    [InlineData("IpAddress", "2001:db8::1", "InvalidIpAddress")]
    [InlineData("IpAddress", "fe80:0:0:0:0:0:0:1", "InvalidIpAddress")]
    [InlineData("DomainName", "*.bad.example", "InvalidDomainName")]
    [InlineData("DomainName", "https://bad.example", "InvalidDomainName")]
    [InlineData("Url", "https://*.bad.example/x", "InvalidUrl")]
    [InlineData("Url", "ftp://bad.example/x", "InvalidUrl")]
    [InlineData("FileSha1", "abc123", "InvalidHashValue")]
    [InlineData("FileMd5", "zz3b8f5a4c1d2e6f7a8b9c0d1e2f3a4b", "InvalidHashValue")]
    [InlineData("FileSha256", "e3b8f5a4c1d2e6f7a8b9c0d1e2f3a4b5", "InvalidHashValue")]
    public async Task Values_follow_the_type_rules(string type, string value, string code)
    {
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator(value, type)), 400, code, "'indicatorValue'");
    }

    [Fact]
    public async Task Valid_values_of_every_type_are_accepted()
    {
        var values = new (string Type, string Value)[]
        {
            ("IpAddress", "198.51.100.200"), ("IpAddress", "2001:4860:4860:0:0:0:0:8888"), ("DomainName", "deep.sub.valid.example"),
            ("Url", "http://valid.example/path?q=1"), ("Url", "valid.example/no-scheme"), ("FileSha1", new string('a', 40)),
            ("FileMd5", new string('B', 32)), ("FileSha256", new string('c', 64)), ("CertificateThumbprint", new string('d', 40)),
        };
        foreach (var (type, value) in values)
        {
            var created = await _f.SubmitOkAsync(Indicator(value, type, type == "CertificateThumbprint" ? "Allowed" : "Block"));
            Assert.Equal(type, created.GetProperty("indicatorType").GetString());
        }
        // Values match in any case: the lower-case spelling of the hash updates the same indicator.
        var md5 = await _f.ListAsync($"?$filter=indicatorValue eq '{new string('B', 32)}'");
        Assert.Equal(md5.Single().GetProperty("id").GetString(), (await _f.SubmitOkAsync(Indicator(new string('b', 32), "FileMd5"))).GetProperty("id").GetString());
    }

    [Fact]
    public async Task EducateUrl_is_for_blocked_or_warned_urls_and_domains_only()
    {
        var warned = await _f.SubmitOkAsync(Indicator("https://educate.example/a", "Url", "Warn", new { educateUrl = "https://intranet.example/why" }));
        Assert.Equal("https://intranet.example/why", warned.GetProperty("educateUrl").GetString());
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator(new string('e', 64), "FileSha256", extra: new { educateUrl = "https://intranet.example/why" })),
            400, "InvalidInput", "'educateUrl'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("https://educate.example/b", "Url", "Allowed", new { educateUrl = "https://intranet.example/why" })),
            400, "InvalidInput", "'educateUrl'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("https://educate.example/c", "Url", "Block", new { educateUrl = "intranet/why" })),
            400, "InvalidUrl", "'educateUrl'");
    }

    [Fact]
    public async Task The_list_keeps_filter_top_and_skip_and_the_version_can_be_pinned()
    {
        await _f.SubmitOkAsync(Indicator("list-1.example", "DomainName", extra: new { severity = "Medium" }), Other);
        await _f.SubmitOkAsync(Indicator("list-2.example", "DomainName", "Allowed"), Other);
        await _f.SubmitOkAsync(Indicator("https://list-3.example/x", "Url", "Warn"), Other);
        var mine = await _f.ListAsync($"?$filter=createdBy eq '{Other}'", Other);
        Assert.Equal(3, mine.Count);
        Assert.Equal("https://list-3.example/x", mine[0].GetProperty("indicatorValue").GetString()); // newest first
        Assert.Single(await _f.ListAsync("?$filter=indicatorType eq 'Url' and action eq 'Warn'", Other));
        Assert.Single(await _f.ListAsync("?$filter=severity eq 'Medium'", Other));

        var (_, page, _) = await _f.CallAsync(HttpMethod.Get, Api + "?$top=2", clientId: Other);
        Assert.Equal(2, page.GetProperty("value").GetArrayLength());
        Assert.Contains("$skip=2", page.GetProperty("@odata.nextLink").GetString());
        Assert.Single(await _f.ListAsync("?$top=2&$skip=2", Other));
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, Api + "?$top=10001"), 400, "ODataError");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, Api + "?$filter=nope eq 1"), 400, "ODataError");

        var (status, pinned, _) = await _f.CallAsync(HttpMethod.Get, "/defender/api/v1.0/indicators?$filter=indicatorValue eq 'list-1.example'");
        Assert.Equal(200, status);
        Assert.Single(pinned.GetProperty("value").EnumerateArray());
    }

    [Fact]
    public async Task Ti_ReadWrite_sees_and_changes_only_its_own_app_indicators()
    {
        var own = await _f.SubmitOkAsync(Indicator("owned.example", "DomainName"), Owner);
        var ownId = own.GetProperty("id").GetString();
        var listed = await _f.ListAsync("", Owner);
        Assert.All(listed, i => Assert.Equal(Owner, i.GetProperty("createdBy").GetString()));
        Assert.DoesNotContain(listed, i => i.GetProperty("id").GetString() == "101");

        // The portal's indicators (and another app's) are not the Ti.ReadWrite app's to change or delete.
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("198.51.100.77", "IpAddress", "Allowed"), Owner), 403, "Forbidden", "Ti.ReadWrite.All");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Delete, Api + "/101", clientId: Owner), 403, "Forbidden", "101");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api + "/BatchDelete", new { IndicatorIds = new[] { ownId, "102" } }, Owner), 403, "Forbidden", "102");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api, Indicator("owned.example", "DomainName", "Allowed"), Other), 403, "Forbidden");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Delete, Api + "/" + ownId, clientId: Other), 403, "Forbidden");
        Assert.Equal("Block", (await _f.ListAsync("?$filter=indicatorValue eq '198.51.100.77'")).Single().GetProperty("action").GetString());
        Assert.Single(await _f.ListAsync("?$filter=indicatorValue eq 'owned.example'", Owner)); // the refused batch deleted nothing

        // Ti.ReadWrite.All changes anyone's: the creator stays, the editor is recorded.
        var changed = await _f.SubmitOkAsync(Indicator("owned.example", "DomainName", "Warn"));
        Assert.Equal((ownId, Owner, TenantDirectory.DefaultClientId),
            (changed.GetProperty("id").GetString(), changed.GetProperty("createdBy").GetString(), changed.GetProperty("lastUpdatedBy").GetString()));
        Assert.Equal(204, (await _f.CallAsync(HttpMethod.Delete, Api + "/" + ownId)).Status);
        Assert.Empty(await _f.ListAsync("?$filter=indicatorValue eq 'owned.example'", Owner));
    }

    [Fact]
    public async Task Delete_answers_204_then_404_and_is_application_only()
    {
        var id = (await _f.SubmitOkAsync(Indicator("delete-me.example", "DomainName"))).GetProperty("id").GetString();
        var (status, _, response) = await _f.CallAsync(HttpMethod.Delete, Api + "/" + id);
        Assert.Equal(204, status);
        Assert.Equal(0, response.Content.Headers.ContentLength ?? 0);
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Delete, Api + "/" + id), 404, "ResourceNotFound", id);
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Delete, Api + "/999999"), 404, "ResourceNotFound", "999999");

        // Recreating gives a new id.
        var again = await _f.SubmitOkAsync(Indicator("delete-me.example", "DomainName"));
        Assert.True(long.Parse(again.GetProperty("id").GetString()) > long.Parse(id));

        var user = await _f.UserTokenAsync("ada@contoso.example", "https://api.securitycenter.microsoft.com/.default");
        Assert.Equal(200, (await _f.CallAsync(HttpMethod.Get, Api, token: user)).Status);
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Delete, Api + "/" + again.GetProperty("id").GetString(), token: user), 403, "Forbidden", "application roles");
    }

    [Fact]
    public async Task BatchDelete_checks_every_id_before_deleting_any()
    {
        var ids = new List<string>();
        for (int i = 0; i < 3; i++) ids.Add((await _f.SubmitOkAsync(Indicator($"batch-{i}.example", "DomainName"))).GetProperty("id").GetString());
        var batch = Api + "/BatchDelete";
        const string Batched = "?$filter=indicatorValue eq 'batch-0.example' or indicatorValue eq 'batch-1.example' or indicatorValue eq 'batch-2.example'";

        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, batch, new { IndicatorIds = ids.Append("999998") }), 404, "ResourceNotFound", "999998");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, batch, new { IndicatorIds = new[] { ids[0], "abc" } }), 400, "InvalidInput", "abc");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, batch, new { IndicatorIds = Array.Empty<string>() }), 400, "InvalidInput", "'IndicatorIds'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, batch, new { indicatorIds = ids }), 400, "MissingRequiredParameter", "'IndicatorIds'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, batch, new { IndicatorIds = Enumerable.Range(1, 501).Select(n => n.ToString()) }),
            400, "MaximumBatchSizeExceeded", "Received: 501, allowed: 500");
        Assert.Equal(3, (await _f.ListAsync(Batched)).Count);

        Assert.Equal(204, (await _f.CallAsync(HttpMethod.Post, batch, new { IndicatorIds = ids })).Status);
        Assert.Empty(await _f.ListAsync(Batched));
    }

    [Fact]
    public async Task Import_answers_each_item_on_its_own()
    {
        var items = new object[]
        {
            Indicator("import-ok.example", "DomainName"),
            Indicator("10.0.0.1", "IpAddress"),
            Indicator(new string('f', 64), "FileSha256", "Audit"),
            new { indicatorType = "DomainName", action = "Block", title = "t", description = "d" },
            Indicator("https://import-ok.example/p", "Url", "Warn"),
            Indicator("import-ok.example", "DomainName", "Allowed"),
            Indicator("198.51.100.77", "IpAddress"),
        };
        var (status, body, _) = await _f.CallAsync(HttpMethod.Post, Api + "/import", new { Indicators = items }, Owner);
        Assert.True(status == 200, body.ToString());
        var results = body.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(items.Length, results.Count);
        Assert.Equal(new[] { false, true, true, true, false, false, true }, results.Select(r => r.GetProperty("isFailed").GetBoolean()));
        Assert.Equal(new[] { "id", "indicator", "isFailed", "failureReason" }, results[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("import-ok.example", results[0].GetProperty("indicator").GetString());
        Assert.Equal(JsonValueKind.Null, results[0].GetProperty("failureReason").ValueKind);
        Assert.Equal(JsonValueKind.Null, results[1].GetProperty("id").ValueKind);
        Assert.Equal("10.0.0.1", results[1].GetProperty("indicator").GetString());
        Assert.Contains("public", results[1].GetProperty("failureReason").GetString());
        Assert.Contains("'generateAlert'", results[2].GetProperty("failureReason").GetString());
        Assert.Equal(JsonValueKind.Null, results[3].GetProperty("indicator").ValueKind);
        Assert.Contains("'indicatorValue'", results[3].GetProperty("failureReason").GetString());
        Assert.Contains("Ti.ReadWrite.All", results[6].GetProperty("failureReason").GetString());
        // The later item of the same value and type updated the first.
        Assert.Equal(results[0].GetProperty("id").GetString(), results[5].GetProperty("id").GetString());
        var stored = await _f.ListAsync("?$filter=indicatorValue eq 'import-ok.example'", Owner);
        Assert.Equal("Allowed", stored.Single().GetProperty("action").GetString());

        var tooMany = Enumerable.Range(0, 501).Select(n => Indicator($"bulk-{n}.example", "DomainName")).ToArray();
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api + "/import", new { Indicators = tooMany }), 400, "MaximumBatchSizeExceeded", "Received: 501, allowed: 500");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api + "/import", new { indicators = items }), 400, "MissingRequiredParameter", "'Indicators'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, Api + "/import", new { Indicators = "x" }), 400, "InvalidRequestBody", "'Indicators'");
        Assert.Empty(await _f.ListAsync("?$filter=indicatorValue eq 'bulk-0.example'"));

        var full = await _f.CallAsync(HttpMethod.Post, Api + "/import", new { Indicators = tooMany.Take(500) });
        Assert.True(full.Status == 200, full.Body.ToString());
        Assert.All(full.Body.GetProperty("value").EnumerateArray(), r => Assert.False(r.GetProperty("isFailed").GetBoolean()));
        Assert.Equal(204, (await _f.CallAsync(HttpMethod.Post, Api + "/BatchDelete",
            new { IndicatorIds = full.Body.GetProperty("value").EnumerateArray().Select(r => r.GetProperty("id").GetString()) })).Status);
    }

    [Fact]
    public async Task An_indicator_disappears_the_second_its_expiration_passes()
    {
        var now = _f.Clock.UtcNow;
        var expires = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(10);
        var created = await _f.SubmitOkAsync(Indicator("expiring.example", "DomainName", extra: new { expirationTime = expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) }));
        Assert.Equal(expires, created.GetProperty("expirationTime").GetDateTimeOffset());
        Assert.EndsWith(".0000000Z", created.GetProperty("expirationTime").GetString());

        _f.Clock.Advance(expires - _f.Clock.UtcNow - TimeSpan.FromSeconds(1));
        Assert.Single(await _f.ListAsync("?$filter=indicatorValue eq 'expiring.example'"));
        _f.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await _f.ListAsync("?$filter=indicatorValue eq 'expiring.example'"));
        var (_, raw) = await EmulatorFixture.ReadAsync(await _f.Client.GetAsync($"/_emulator/tenants/{TenantDirectory.DefaultTenantId}/defender/indicators"));
        Assert.DoesNotContain(raw.GetProperty("value").EnumerateArray(), i => i.GetProperty("indicatorValue").GetString() == "expiring.example");

        // Deleted, not hidden: its id is unknown now, and the value can be submitted afresh.
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Delete, Api + "/" + created.GetProperty("id").GetString()), 404, "ResourceNotFound");
        Assert.NotEqual(created.GetProperty("id").GetString(), (await _f.SubmitOkAsync(Indicator("expiring.example", "DomainName"))).GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_control_api_reads_every_creator_raw()
    {
        await _f.SubmitOkAsync(Indicator("raw.example", "DomainName"), Other);
        var (status, raw) = await EmulatorFixture.ReadAsync(await _f.Client.GetAsync("/_emulator/tenants/contoso.example/defender/indicators"));
        Assert.Equal(200, status);
        var all = raw.GetProperty("value").EnumerateArray().ToList();
        Assert.Contains(all, i => i.GetProperty("createdBySource").GetString() == "Portal");
        Assert.Contains(all, i => i.GetProperty("createdBy").GetString() == Other);
        Assert.Equal(404, (int)(await _f.Client.GetAsync("/_emulator/tenants/nowhere.example/defender/indicators")).StatusCode);
    }
}
