using System.Net;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace GraphSecurity.Emulator.Tests;

public class LegacyAlertTests : IClassFixture<EmulatorFixture>
{
    private static readonly string[] Providers =
        { "Microsoft Defender ATP", "IPC", "MCAS", "Azure Advanced Threat Protection", "ASC", "Azure Sentinel", "Office 365 Security and Compliance" };
    private readonly EmulatorFixture _f;
    public LegacyAlertTests(EmulatorFixture f) => _f = f;

    private static string Provider(JsonElement a) => a.GetProperty("vendorInformation").GetProperty("provider").GetString();

    private async Task<List<JsonElement>> ValuesAsync(string query) =>
        (await _f.GetJsonAsync("/v1.0/security/alerts" + query)).GetProperty("value").EnumerateArray().ToList();

    [Fact]
    public async Task Full_legacy_schema_from_several_providers_with_top_per_provider()
    {
        var page = await _f.GetJsonAsync("/v1.0/security/alerts?$top=2");
        Assert.EndsWith("/v1.0/$metadata#Security/alerts", page.GetProperty("@odata.context").GetString());
        var items = page.GetProperty("value").EnumerateArray().ToList();
        // $top applies per provider: two from each of the seven providers.
        Assert.Equal(Providers.Length * 2, items.Count);
        Assert.Equal(Providers.OrderBy(p => p), items.Select(Provider).Distinct().OrderBy(p => p));
        Assert.Contains("$skip=2", page.GetProperty("@odata.nextLink").GetString());
        foreach (var name in new[] { "id", "activityGroupName", "alertDetections", "assignedTo", "azureSubscriptionId", "azureTenantId", "category", "closedDateTime",
                     "cloudAppStates", "comments", "confidence", "createdDateTime", "description", "detectionIds", "eventDateTime", "feedback", "fileStates",
                     "historyStates", "hostStates", "incidentIds", "investigationSecurityStates", "lastEventDateTime", "lastModifiedDateTime", "malwareStates",
                     "messageSecurityStates", "networkConnections", "processes", "recommendedActions", "registryKeyStates", "securityResources", "severity",
                     "sourceMaterials", "status", "tags", "title", "triggers", "uriClickSecurityStates", "userStates", "vendorInformation", "vulnerabilityStates" })
            Assert.True(items[0].TryGetProperty(name, out _), name);
        Assert.False(items[0].TryGetProperty("@odata.type", out _));

        var all = await ValuesAsync("?$top=1000");
        Assert.Contains(all, a => a.GetProperty("status").GetString() == "newAlert");
        Assert.DoesNotContain(all, a => a.GetProperty("status").GetString() == "new");
        Assert.Contains(all, a => a.GetProperty("userStates").GetArrayLength() > 0 && a.GetProperty("userStates")[0].GetProperty("userPrincipalName").GetString().EndsWith("@contoso.example"));
        Assert.Contains(all, a => a.GetProperty("hostStates").GetArrayLength() > 0 && a.GetProperty("hostStates")[0].GetProperty("fqdn").GetString().EndsWith(".contoso.example"));
        Assert.Contains(all, a => a.GetProperty("processes").GetArrayLength() > 0);
        Assert.Contains(all, a => a.GetProperty("triggers").GetArrayLength() > 0);
        Assert.Contains(all, a => a.GetProperty("securityResources").GetArrayLength() > 0);
        Assert.Contains(all, a => a.GetProperty("messageSecurityStates").GetArrayLength() > 0);
        Assert.All(all.SelectMany(a => a.GetProperty("networkConnections").EnumerateArray()), c =>
        {
            var ip = c.GetProperty("destinationAddress").GetString();
            Assert.True(ip == null || ip.StartsWith("198.51.100.") || ip.StartsWith("203.0.113.") || ip.StartsWith("192.0.2."), ip);
        });
    }

    [Fact]
    public async Task Limits_on_top_and_skip()
    {
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts?$top=10&$skip=501"));
        Assert.Equal(400, status);
        Assert.Equal("The query specified in the URI is not valid. The limit of '500' for Skip query has been exceeded. The value from the incoming request is '501'.",
            body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts?$top=10&$skip=500")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts?$top=1001")).StatusCode);
        // The nextLink stops at the skip ceiling.
        var deep = await _f.GetJsonAsync("/v1.0/security/alerts?$top=100&$skip=400");
        Assert.False(deep.TryGetProperty("@odata.nextLink", out _));
    }

    [Fact]
    public async Task Filters_with_vendor_paths_and_lambdas()
    {
        var ipc = await ValuesAsync("?$filter=vendorInformation/provider eq 'IPC'&$top=1000");
        Assert.NotEmpty(ipc);
        Assert.All(ipc, a => Assert.Equal("IPC", Provider(a)));

        var sample = (await ValuesAsync("?$filter=vendorInformation/provider eq 'Microsoft Defender ATP'&$top=1000"))
            .First(a => a.GetProperty("hostStates").GetArrayLength() > 0 && a.GetProperty("userStates").GetArrayLength() > 0);
        var fqdn = sample.GetProperty("hostStates")[0].GetProperty("fqdn").GetString();
        var upn = sample.GetProperty("userStates")[0].GetProperty("userPrincipalName").GetString();
        var byHost = await ValuesAsync($"?$filter=hostStates/any(h: h/fqdn eq '{fqdn}')&$top=1000");
        Assert.Contains(byHost, a => a.GetProperty("id").GetString() == sample.GetProperty("id").GetString());
        Assert.All(byHost, a => Assert.Contains(a.GetProperty("hostStates").EnumerateArray(), h => h.GetProperty("fqdn").GetString() == fqdn));
        var byUser = await ValuesAsync($"?$filter=userStates/any(u: u/userPrincipalName eq '{upn.Replace("'", "''")}') and severity eq 'High'&$top=1000");
        Assert.All(byUser, a => Assert.Equal("high", a.GetProperty("severity").GetString()));
        Assert.NotEmpty(await ValuesAsync("?$filter=status eq 'NewAlert' and confidence ge 50&$top=1000"));
        Assert.NotEmpty(await ValuesAsync("?$filter=triggers/any(t: t/name eq 'riskEventType')&$top=1000"));
        Assert.NotEmpty(await ValuesAsync("?$filter=processes/any(p: p/name eq 'powershell.exe') or fileStates/any(f: f/riskScore eq '100')&$top=1000"));
        Assert.NotEmpty(await ValuesAsync("?$filter=incidentIds/any(i: i ne '0')&$orderby=eventDateTime desc&$select=id,eventDateTime"));
        var bad = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts?$filter=status eq 'new'");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("microsoft.graph.alertStatus", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Roles_and_updateAlerts_is_beta_only()
    {
        await _f.AssertReaderForbiddenAsync("/v1.0/security/alerts", "SecurityEvents.Read.All,SecurityEvents.ReadWrite.All");
        var (s405, b405) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, "/v1.0/security/alerts/updateAlerts", json: "{\"value\":[]}"));
        Assert.Equal(405, s405);
        Assert.Equal("Request_BadRequest", b405.GetProperty("error").GetProperty("code").GetString());
    }
}

/// <summary>Tests that change legacy data or the federation switches use their own emulator.</summary>
public class LegacyAlertWriteTests : IClassFixture<MutableEmulatorFixture>
{
    private readonly MutableEmulatorFixture _f;
    public LegacyAlertWriteTests(MutableEmulatorFixture f) => _f = f;

    private async Task<JsonElement> FirstAsync(string provider) =>
        (await _f.GetJsonAsync($"/v1.0/security/alerts?$filter=vendorInformation/provider eq '{provider}' and status eq 'newAlert'&$top=1")).GetProperty("value")[0];

    [Fact]
    public async Task Patch_requires_vendorInformation_and_honours_prefer()
    {
        var alert = await FirstAsync("IPC");
        var id = alert.GetProperty("id").GetString();
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/alerts/{id}", json: "{\"status\":\"inProgress\"}"));
        Assert.Equal(400, status);
        Assert.Contains("vendorInformation", body.GetProperty("error").GetProperty("message").GetString());

        var patch = "{\"status\":\"Resolved\",\"feedback\":\"truePositive\",\"comments\":[\"Closed in IPC\"],\"tags\":[\"reviewed\"],\"vendorInformation\":{\"provider\":\"IPC\",\"vendor\":\"Microsoft\"}}";
        var noContent = await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/alerts/{id}", json: patch);
        Assert.Equal(HttpStatusCode.NoContent, noContent.StatusCode);
        var (s200, updated) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/alerts/{id}",
            json: "{\"assignedTo\":\"soc.analyst2@contoso.example\",\"vendorInformation\":{\"provider\":\"IPC\",\"vendor\":\"Microsoft\"}}",
            configure: r => r.Headers.Add("Prefer", "return=representation")));
        Assert.Equal(200, s200);
        Assert.Equal("resolved", updated.GetProperty("status").GetString());
        Assert.Equal("truePositive", updated.GetProperty("feedback").GetString());
        Assert.Equal("soc.analyst2@contoso.example", updated.GetProperty("assignedTo").GetString());
        Assert.NotEqual(JsonValueKind.Null, updated.GetProperty("closedDateTime").ValueKind);
        Assert.Equal(TenantDirectory.DefaultClientId, updated.GetProperty("historyStates").EnumerateArray().Last().GetProperty("appId").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/alerts/{id}",
            json: "{\"status\":\"inProgress\",\"vendorInformation\":{\"provider\":\"MCAS\",\"vendor\":\"Microsoft\"}}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/alerts/{id}",
            json: "{\"title\":\"x\",\"vendorInformation\":{\"provider\":\"IPC\",\"vendor\":\"Microsoft\"}}")).StatusCode);
    }

    [Fact]
    public async Task UpdateAlerts_on_beta_updates_every_item()
    {
        var a = await FirstAsync("MCAS");
        var b = await FirstAsync("Azure Sentinel");
        string Item(JsonElement x) => $"{{\"id\":\"{x.GetProperty("id").GetString()}\",\"status\":\"inProgress\",\"vendorInformation\":{{\"provider\":\"{x.GetProperty("vendorInformation").GetProperty("provider").GetString()}\",\"vendor\":\"Microsoft\"}}}}";
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, "/beta/security/alerts/updateAlerts", json: $"{{\"value\":[{Item(a)},{Item(b)}]}}"));
        Assert.Equal(200, status);
        Assert.Equal(2, body.GetProperty("value").GetArrayLength());
        Assert.All(body.GetProperty("value").EnumerateArray(), x => Assert.Equal("inProgress", x.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Failing_provider_gives_206_with_warning_and_retired_mode_returns_no_data()
    {
        await _f.Client.PostAsync("/_emulator/legacy/providers", new StringContent("{\"provider\":\"ipc\",\"status\":504,\"latencyMs\":10000}"));
        try
        {
            var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts?$top=5");
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal("199 - \"Microsoft/IPC/504/10000\"", response.Headers.GetValues("Warning").Single());
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(6 * 5, body.GetProperty("value").GetArrayLength());
            Assert.DoesNotContain(body.GetProperty("value").EnumerateArray(), a => a.GetProperty("vendorInformation").GetProperty("provider").GetString() == "IPC");
        }
        finally
        {
            await _f.Client.PostAsync("/_emulator/legacy/providers", new StringContent("{\"provider\":\"IPC\",\"fail\":false}"));
        }
        Assert.Equal(HttpStatusCode.OK, (await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts?$top=5")).StatusCode);

        var someId = (await _f.GetJsonAsync("/v1.0/security/alerts?$top=1")).GetProperty("value")[0].GetProperty("id").GetString();
        await _f.Client.PostAsync("/_emulator/legacy/retired", new StringContent("{\"retired\":true}"));
        try
        {
            var page = await _f.GetJsonAsync("/v1.0/security/alerts");
            Assert.Equal(0, page.GetProperty("value").GetArrayLength());
            Assert.Equal(HttpStatusCode.NotFound, (await _f.SendAsync(HttpMethod.Get, $"/v1.0/security/alerts/{someId}")).StatusCode);
        }
        finally
        {
            await _f.Client.PostAsync("/_emulator/legacy/retired", new StringContent("{\"retired\":false}"));
        }
    }
}

public class LegacyConfigTests
{
    [Fact]
    public async Task Config_file_sets_failing_providers_retired_mode_and_notification_time_scale()
    {
        var dir = Directory.CreateTempSubdirectory("gs-legacy-config");
        try
        {
            var path = Path.Combine(dir.FullName, "config.json");
            File.WriteAllText(path, "{ \"legacy\": { \"failingProviders\": [ { \"provider\": \"mcas\", \"status\": 503, \"latencyMs\": 2500 } ] }, \"notificationTimeScale\": 0.5 }");
            var options = Hosting.EmulatorOptions.Parse(new[] { "--config", path, "--alert-count", "40", "--now", "2026-11-20T12:00:00Z" });
            Assert.Equal(0.5, options.NotificationTimeScale);
            Assert.False(options.Legacy.Retired);
            await using var app = Hosting.EmulatorApp.Build(options, configureBuilder: b => b.WebHost.UseTestServer());
            await app.StartAsync();
            using var client = app.GetTestClient();
            var token = await client.PostAsync($"/{TenantDirectory.DefaultTenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = TenantDirectory.DefaultClientId,
                ["client_secret"] = TenantDirectory.DefaultClientSecret, ["scope"] = "https://graph.microsoft.com/.default",
            }));
            var access = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
            var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/security/alerts?$top=1");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access);
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal("199 - \"Microsoft/MCAS/503/2500\"", response.Headers.GetValues("Warning").Single());

            File.WriteAllText(path, "{ \"legacy\": { \"failingProviders\": [ { \"provider\": \"Contoso EDR\" } ] } }");
            Assert.Throws<ArgumentException>(() => Hosting.EmulatorOptions.Parse(new[] { "--config", path }));
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
