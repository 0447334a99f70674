using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SentryFirewall;

namespace GraphSecurity.ProviderKit.Tests;

public sealed class SampleProviderTests : IAsyncLifetime
{
    private SentryHost _host;

    public async Task InitializeAsync() => _host = await SentryHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static object Block(string name, string ip) => new
    {
        name,
        actionReason = "Seen scanning",
        parameters = new[] { new { name = "ipAddress", value = ip } },
        vendorInformation = SentryHost.Vendor,
        clientContext = "ctx-1",
    };

    private static async Task<JsonElement> Error(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, body.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetProperty("message").GetString()));
        return body;
    }

    private async Task<JsonElement> WaitForStatus(string id, string status)
    {
        JsonElement current = default;
        Assert.True(await TestAuthority.WaitFor(() =>
        {
            current = _host.JsonAsync("securityActions/" + id).GetAwaiter().GetResult();
            return current.GetProperty("status").GetString() == status;
        }), $"the action did not reach {status}");
        return current;
    }

    private static string Message(JsonElement error) => error.GetProperty("error").GetProperty("message").GetString();

    [Fact]
    public async Task TheRootDescribesTheProviderWithoutAToken()
    {
        var root = await _host.JsonAsync("/gsprov/v1", token: null);
        Assert.Equal("gsprov/1", root.GetProperty("contract").GetString());
        Assert.Equal("Northwind Security", root.GetProperty("vendor").GetString());
        Assert.Equal("Sentry Firewall", root.GetProperty("provider").GetString());
        Assert.Equal("1.2", root.GetProperty("providerVersion").GetString());
        Assert.Equal(TestAuthority.SentryAppId, root.GetProperty("appId").GetString());
        Assert.Equal("api://northwind-sentry", root.GetProperty("audience").GetString());
        var capabilities = root.GetProperty("capabilities");
        Assert.Equal(new[] { "blockIp", "unblockIp" }, capabilities.GetProperty("securityActions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(new[] { "list", "get", "update" }, capabilities.GetProperty("alerts").EnumerateArray().Select(a => a.GetString()));
        Assert.True(capabilities.GetProperty("notifications").GetBoolean());
    }

    [Fact]
    public async Task ContosoSeesTheFortySeededAlertsNewestFirst()
    {
        var alerts = (await _host.JsonAsync("alerts")).GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(40, alerts.Count);
        Assert.All(alerts, a =>
        {
            Assert.Equal(TestAuthority.Contoso, a.GetProperty("azureTenantId").GetString());
            Assert.Equal("Northwind Security", a.GetProperty("vendorInformation").GetProperty("vendor").GetString());
            Assert.Equal("Sentry Firewall", a.GetProperty("vendorInformation").GetProperty("provider").GetString());
            Assert.StartsWith("nws-", a.GetProperty("id").GetString());
            Assert.NotEqual(0, a.GetProperty("hostStates").GetArrayLength());
            Assert.NotEqual(0, a.GetProperty("networkConnections").GetArrayLength());
        });
        var created = alerts.Select(a => a.GetProperty("createdDateTime").GetDateTimeOffset()).ToList();
        Assert.Equal(created.OrderByDescending(c => c), created);
        Assert.True(created.Min() > DateTimeOffset.UtcNow.AddDays(-7) && created.Max() < DateTimeOffset.UtcNow);
        Assert.Equal(new[] { "BruteForce", "DenyBurst", "PortScan" }, alerts.Select(a => a.GetProperty("category").GetString()).Distinct().Order());
        Assert.Contains(alerts, a => a.GetProperty("userStates").GetArrayLength() > 0);
    }

    [Fact]
    public async Task SeededIdsAreTheSameOnEveryStart()
    {
        await using var other = await SentryHost.StartAsync();
        Assert.Equal(_host.Store.RawAlerts().Select(a => a.Id), other.Store.RawAlerts().Select(a => a.Id));
    }

    [Fact]
    public async Task PagesFollowNextLinkUntilTheEnd()
    {
        var ids = new List<string>();
        string next = "/gsprov/v1/alerts?$top=15&$orderby=title";
        var pages = 0;
        while (next != null)
        {
            var page = await _host.JsonAsync(new Uri(new Uri("http://localhost"), next).PathAndQuery);
            ids.AddRange(page.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
            next = page.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
            if (next != null)
            {
                Assert.Contains("$orderby=title", next);
                Assert.Contains($"$skip={(pages + 1) * 15}", next);
            }
            pages++;
        }
        Assert.Equal(3, pages);
        Assert.Equal(40, ids.Distinct().Count());
    }

    [Fact]
    public async Task FilterAndOrderAreApplied()
    {
        var high = (await _host.JsonAsync("alerts?$filter=" + Uri.EscapeDataString("severity eq 'high' and category eq 'BruteForce'") + "&$orderby=createdDateTime asc"))
            .GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(4, high.Count);
        Assert.All(high, a => Assert.Contains("successful logon", a.GetProperty("title").GetString()));
        var created = high.Select(a => a.GetProperty("createdDateTime").GetDateTimeOffset()).ToList();
        Assert.Equal(created.Order(), created);
    }

    [Fact]
    public async Task ABadFilterIs400NamingIt()
    {
        var error = await Error(await _host.GetAsync("alerts?$filter=" + Uri.EscapeDataString("riskScore gt 5")), HttpStatusCode.BadRequest, "BadRequest");
        Assert.Contains("riskScore", Message(error));
        await Error(await _host.GetAsync("alerts?$top=5000"), HttpStatusCode.BadRequest, "BadRequest");
    }

    [Fact]
    public async Task WithoutAValidTokenIs401WithTheBearerChallenge()
    {
        foreach (var token in new[] { null, _host.Authority.Mint(audience: "api://someone-else"), _host.Authority.Mint(expires: DateTimeOffset.UtcNow.AddMinutes(-10)) })
        {
            using var response = await _host.GetAsync("alerts", token);
            await Error(response, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task ATenantThatDidNotConsentIs403()
    {
        var error = await Error(await _host.GetAsync("alerts", _host.Authority.Mint(TestAuthority.Fabrikam)), HttpStatusCode.Forbidden, "Forbidden");
        Assert.Contains(TestAuthority.Fabrikam, Message(error));
        await Error(await _host.GetAsync("securityActions", _host.Authority.Mint(TestAuthority.Fabrikam)), HttpStatusCode.Forbidden, "Forbidden");
    }

    [Fact]
    public async Task AConsentedSecondTenantSeesOnlyItsOwn()
    {
        await using var both = await SentryHost.StartAsync("--tenant", TestAuthority.Contoso, "--tenant", TestAuthority.Fabrikam);
        Assert.Equal(0, (await both.JsonAsync("alerts", both.Authority.Mint(TestAuthority.Fabrikam))).GetProperty("value").GetArrayLength());
        var contosoId = both.Store.RawAlerts()[0].Id;
        await Error(await both.GetAsync("alerts/" + contosoId, both.Authority.Mint(TestAuthority.Fabrikam)), HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task GetOneAlertOr404()
    {
        var id = _host.Store.RawAlerts()[3].Id;
        Assert.Equal(id, (await _host.JsonAsync("alerts/" + id)).GetProperty("id").GetString());
        await Error(await _host.GetAsync("alerts/nws-nope"), HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task PatchChangesTheStoreEchoesAndNotifies()
    {
        var id = _host.Store.RawAlerts()[0].Id;
        using var response = await _host.SendAsync(HttpMethod.Patch, "alerts/" + id, new
        {
            status = "resolved", feedback = "truePositive", assignedTo = "soc@contoso.example", comments = new[] { "blocked at the edge" }, tags = new[] { "sentry" },
            vendorInformation = SentryHost.Vendor,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("resolved", echoed.GetProperty("status").GetString());
        Assert.Equal("soc@contoso.example", echoed.GetProperty("assignedTo").GetString());
        Assert.NotEqual(JsonValueKind.Null, echoed.GetProperty("closedDateTime").ValueKind);
        Assert.True(echoed.GetProperty("lastModifiedDateTime").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.False(string.IsNullOrEmpty(echoed.GetProperty("title").GetString()));

        var stored = _host.Store.RawAlerts().Single(a => a.Id == id);
        Assert.Equal("resolved", stored.Status);
        Assert.Equal("truePositive", stored.Feedback);
        Assert.Equal(new[] { "sentry" }, stored.Tags);

        Assert.True(await TestAuthority.WaitFor(() => _host.Authority.Notifications.Any(n =>
            n.Body.RootElement.GetProperty("value")[0].GetProperty("changeType").GetString() == "updated")));
        var item = _host.Authority.Notifications.First().Body.RootElement.GetProperty("value")[0];
        Assert.Equal("alerts/" + id, item.GetProperty("resource").GetString());
        Assert.Equal("resolved", item.GetProperty("alert").GetProperty("status").GetString());
    }

    [Fact]
    public async Task PatchRulesAreEnforced()
    {
        var id = _host.Store.RawAlerts()[0].Id;
        var before = _host.Store.RawAlerts()[0].LastModifiedDateTime;
        Assert.Contains("'title'", Message(await Error(await _host.SendAsync(HttpMethod.Patch, "alerts/" + id, new { title = "x", vendorInformation = SentryHost.Vendor }), HttpStatusCode.BadRequest, "BadRequest")));
        Assert.Contains("vendorInformation", Message(await Error(await _host.SendAsync(HttpMethod.Patch, "alerts/" + id, new { status = "resolved" }), HttpStatusCode.BadRequest, "BadRequest")));
        await Error(await _host.SendAsync(HttpMethod.Patch, "alerts/" + id, new { status = "closed", vendorInformation = SentryHost.Vendor }), HttpStatusCode.BadRequest, "BadRequest");
        await Error(await _host.SendAsync(HttpMethod.Patch, "alerts/" + id, "{not json"), HttpStatusCode.BadRequest, "BadRequest");
        await Error(await _host.SendAsync(HttpMethod.Patch, "alerts/" + id, "status=resolved", contentType: "application/x-www-form-urlencoded"), HttpStatusCode.BadRequest, "BadRequest");
        await Error(await _host.SendAsync(HttpMethod.Patch, "alerts/nws-missing", new { status = "resolved", vendorInformation = SentryHost.Vendor }), HttpStatusCode.NotFound, "NotFound");
        Assert.Equal(before, _host.Store.RawAlerts()[0].LastModifiedDateTime);
        Assert.Equal("newAlert", _host.Store.RawAlerts()[0].Status);
    }

    [Fact]
    public async Task BlockIpRunsToCompletionAndLandsOnTheBlockList()
    {
        using var response = await _host.SendAsync(HttpMethod.Post, "securityActions", Block("blockIp", "203.0.113.7"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var action = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = action.GetProperty("id").GetString();
        Assert.Equal("notStarted", action.GetProperty("status").GetString());
        Assert.Equal("blockIp", action.GetProperty("name").GetString());
        Assert.Equal(TestAuthority.Contoso, action.GetProperty("azureTenantId").GetString());
        Assert.Equal(TestAuthority.GraphAppId, action.GetProperty("appId").GetString());
        Assert.Equal("ctx-1", action.GetProperty("clientContext").GetString());
        Assert.Equal(JsonValueKind.Null, action.GetProperty("completedDateTime").ValueKind);
        Assert.Equal(JsonValueKind.Null, action.GetProperty("errorInfo").ValueKind);
        Assert.Equal(1, action.GetProperty("states").GetArrayLength());

        var current = await WaitForStatus(id, "completed");
        Assert.Equal(new[] { "notStarted", "running", "completed" }, current.GetProperty("states").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        var blocked = (await _host.JsonAsync("/firewall/blocklist", null)).GetProperty("value").EnumerateArray().Single();
        Assert.Equal("203.0.113.7", blocked.GetProperty("ipAddress").GetString());
        Assert.Equal(id, blocked.GetProperty("actionId").GetString());

        await Error(await _host.SendAsync(HttpMethod.Post, $"securityActions/{id}/cancel"), HttpStatusCode.Conflict, "Conflict");
        var list = (await _host.JsonAsync("securityActions")).GetProperty("value");
        Assert.Equal(id, list[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task UnblockOfAnAddressNotBlockedFails()
    {
        using var response = await _host.SendAsync(HttpMethod.Post, "securityActions", Block("unblockIp", "2001:db8::7"));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var current = await WaitForStatus(id, "failed");
        Assert.Equal("notBlocked", current.GetProperty("errorInfo").GetProperty("code").GetString());
    }

    [Fact]
    public async Task CancelOfAPendingActionFailsItAndSkipsTheEffect()
    {
        // A long wait before the action runs, so the cancel surely comes first.
        await using var host = await SentryHost.StartAsync(Array.Empty<string>(), o =>
        {
            var configure = o.ConfigureProvider;
            o.ConfigureProvider = p => { configure(p); p.ActionStartDelay = TimeSpan.FromSeconds(30); };
        });
        using var response = await host.SendAsync(HttpMethod.Post, "securityActions", Block("blockIp", "198.51.100.77"));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var cancel = await host.SendAsync(HttpMethod.Post, $"securityActions/{id}/cancel");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var cancelled = await cancel.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("failed", cancelled.GetProperty("status").GetString());
        Assert.Equal("cancelled", cancelled.GetProperty("errorInfo").GetProperty("code").GetString());
        Assert.Equal("failed", (await host.JsonAsync("securityActions/" + id)).GetProperty("status").GetString());
        Assert.Empty(host.Store.BlockList(null));
        await Error(await host.SendAsync(HttpMethod.Post, "securityActions/nope/cancel"), HttpStatusCode.NotFound, "NotFound");
    }

    [Theory]
    [InlineData("blockIp", "999.1.1.1", "999.1.1.1")]
    [InlineData("blockIp", "10.1", "10.1")]
    [InlineData("blockIp", "fe80::1%eth0", "fe80::1%eth0")]
    [InlineData("blockIp", "", "ipAddress")]
    [InlineData("isolateDevice", "203.0.113.1", "blockIp, unblockIp")]
    public async Task BadActionRequestsAre400(string name, string ip, string named)
    {
        var error = await Error(await _host.SendAsync(HttpMethod.Post, "securityActions", Block(name, ip)), HttpStatusCode.BadRequest, "BadRequest");
        Assert.Contains(named, Message(error));
        Assert.Empty((await _host.JsonAsync("securityActions")).GetProperty("value").EnumerateArray());
    }

    [Fact]
    public async Task LogLinesRaiseAlertsAndNotify()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var lines = Enumerable.Range(0, 12).Select(i =>
            $"{start.AddSeconds(i):yyyy-MM-dd'T'HH:mm:ss'Z'} fw=nw-fw01 action=DENY proto=tcp src=203.0.113.250:{40000 + i} dst=10.20.0.9:{1000 + i} host=app09").ToList();
        lines.Add("garbage line");
        lines.Add($"{start:yyyy-MM-dd'T'HH:mm:ss'Z'} tenant={TestAuthority.Fabrikam} action=DENY src=1.2.3.4:1 dst=10.0.0.1:2");
        using var response = await _host.SendAsync(HttpMethod.Post, "/firewall/log", string.Join("\n", lines), token: null, contentType: "text/plain");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(12, result.GetProperty("accepted").GetInt32());
        var rejected = result.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(new[] { 13, 14 }, rejected.Select(r => r.GetProperty("line").GetInt32()));
        Assert.Contains("not served", rejected[1].GetProperty("reason").GetString());
        var id = result.GetProperty("created").EnumerateArray().Single().GetString();

        var alert = await _host.JsonAsync("alerts/" + id);
        Assert.Equal("PortScan", alert.GetProperty("category").GetString());
        Assert.Contains("203.0.113.250", alert.GetProperty("title").GetString());
        Assert.Equal(41, (await _host.JsonAsync("alerts")).GetProperty("value").GetArrayLength());
        Assert.True(await TestAuthority.WaitFor(() => _host.Authority.Notifications.Any(n =>
            n.Body.RootElement.GetProperty("value").EnumerateArray().Any(v => v.GetProperty("changeType").GetString() == "created" && v.GetProperty("resource").GetString() == "alerts/" + id))));

        // More events of the same episode update the alert (same id) instead of raising another.
        var more = $"{start.AddSeconds(20):yyyy-MM-dd'T'HH:mm:ss'Z'} fw=nw-fw01 action=DENY proto=tcp src=203.0.113.250:40100 dst=10.20.0.9:2222 host=app09";
        using var again = await _host.SendAsync(HttpMethod.Post, "/firewall/log", new { lines = new[] { more } }, token: null);
        var second = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(second.GetProperty("created").EnumerateArray());
        Assert.Equal(id, second.GetProperty("updated").EnumerateArray().Single().GetString());
        Assert.Contains("13 ports", (await _host.JsonAsync("alerts/" + id)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task ALogOfOnlyBadLinesIs400()
    {
        using var response = await _host.SendAsync(HttpMethod.Post, "/firewall/log", "nothing to see", token: null, contentType: "text/plain");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task UnknownRoutesAnswerTheContractsNotFound()
    {
        await Error(await _host.GetAsync("incidents"), HttpStatusCode.NotFound, "NotFound");
        await Error(await _host.SendAsync(HttpMethod.Delete, "alerts/x"), HttpStatusCode.NotFound, "NotFound");
    }
}

public class SentryOptionsTests
{
    [Theory]
    [InlineData("--colour", "blue")]
    [InlineData("--tenant", "contoso")]
    [InlineData("--break", "ignore-everything")]
    [InlineData("--authority", "ftp://x")]
    [InlineData("--authority-thumbprint", "abc")]
    [InlineData("--urls", "not a url")]
    public void BadArgumentsAreRefused(string name, string value) =>
        Assert.Throws<ArgumentException>(() => SentryOptions.Parse(new[] { "--authority", "https://127.0.0.1:5001", name, value }));

    [Fact]
    public void AuthorityIsRequired() => Assert.Contains("--authority", Assert.Throws<ArgumentException>(() => SentryOptions.Parse(Array.Empty<string>())).Message);

    [Fact]
    public void EmulatorInfoSuppliesAuthorityAndThumbprint()
    {
        var path = Path.Combine(Path.GetTempPath(), "sentry-info-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, "{\"url\":\"https://127.0.0.1:5443\",\"thumbprint\":\"00112233445566778899AABBCCDDEEFF00112233\",\"pid\":1}");
        try
        {
            var options = SentryOptions.Parse(new[] { "--emulator-info", path, "--break", "slow,no-auth", "--tenant", TestAuthority.Fabrikam });
            Assert.Equal(new Uri("https://127.0.0.1:5443"), options.Authority);
            Assert.Equal("00112233445566778899AABBCCDDEEFF00112233", options.AuthorityThumbprint);
            Assert.True(options.Has(BreakRules.Slow) && options.Has(BreakRules.NoAuth));
            Assert.Equal(new[] { TestAuthority.Fabrikam }, options.ConsentedTenants);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TenantsCanBeListedSeveralWays()
    {
        var expected = new[] { TestAuthority.Contoso, TestAuthority.Fabrikam };
        Assert.Equal(expected, SentryOptions.Parse(new[] { "--authority", "https://h", "--tenant", TestAuthority.Contoso, TestAuthority.Fabrikam }).ConsentedTenants);
        Assert.Equal(expected, SentryOptions.Parse(new[] { "--tenant", $"{TestAuthority.Contoso},{TestAuthority.Fabrikam}", "--authority", "https://h" }).ConsentedTenants);
        Assert.Equal(expected, SentryOptions.Parse(new[] { "--tenant", TestAuthority.Contoso, "--tenant", TestAuthority.Fabrikam.ToUpperInvariant(), "--authority", "https://h" }).ConsentedTenants);
    }

    [Fact]
    public void DefaultsServeContosoOnAFreeLoopbackPort()
    {
        var options = SentryOptions.Parse(new[] { "--authority", "https://127.0.0.1:5001" });
        Assert.Equal(new[] { TestAuthority.Contoso }, options.ConsentedTenants);
        Assert.Equal("http://127.0.0.1:0", options.Urls);
        Assert.Equal(TimeSpan.FromSeconds(15), options.SlowDelay);
        Assert.Empty(options.Breaks);
    }
}
