using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Tests;

/// <summary>The legacy alerts API as a broker over the built-in providers and a partner's gsprov/1 endpoint.</summary>
public sealed class AlertBrokerTests : IClassFixture<MutableEmulatorFixture>, IAsyncLifetime
{
    private readonly MutableEmulatorFixture _f;
    private FakePartnerProvider _partner;

    public AlertBrokerTests(MutableEmulatorFixture f) => _f = f;

    public async Task InitializeAsync()
    {
        _partner = new FakePartnerProvider(EmulatorFixture.Now);
        await _partner.StartAsync();
        await RegisterAsync();
    }

    public async Task DisposeAsync()
    {
        await _f.Client.DeleteAsync("/_emulator/providers/northwind-security-sentry-firewall");
        await _partner.DisposeAsync();
    }

    private async Task RegisterAsync(int timeoutMs = 10_000)
    {
        var response = await _f.Client.PostAsync("/_emulator/providers", Json(_partner.Registration(timeoutMs)));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static string VendorOf(JsonElement a) => a.GetProperty("vendorInformation").GetProperty("vendor").GetString();

    private async Task<(HttpResponseMessage Response, List<JsonElement> Alerts)> ListAsync(string query, string token = null)
    {
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts" + query, token);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response, body.TryGetProperty("value", out var v) ? v.EnumerateArray().ToList() : new List<JsonElement>());
    }

    [Fact]
    public async Task Consented_tenant_sees_the_partners_alerts_beside_microsofts_in_one_order_with_top_per_provider()
    {
        var (response, alerts) = await ListAsync("?$top=3");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var partner = alerts.Where(a => VendorOf(a) == FakePartnerProvider.Vendor).ToList();
        Assert.Equal(3, partner.Count);
        Assert.All(partner, a => Assert.Equal("1.2", a.GetProperty("vendorInformation").GetProperty("providerVersion").GetString()));
        Assert.Contains(alerts, a => VendorOf(a) == "Microsoft");
        var created = alerts.Select(a => a.GetProperty("createdDateTime").GetDateTimeOffset()).ToList();
        Assert.Equal(created.OrderByDescending(d => d), created);

        var call = Assert.Single(_partner.Calls, c => c.Method == "GET");
        Assert.Contains("$top=3", Uri.UnescapeDataString(call.PathAndQuery));
        // The broker's token is for the partner's audience and the customer's tenant, as Graph.
        var jwt = new JsonWebToken(call.Authorization["Bearer ".Length..]);
        Assert.Equal(FakePartnerProvider.Audience, jwt.Audiences.Single());
        Assert.Equal(TenantDirectory.DefaultTenantId, jwt.GetClaim("tid").Value);
        Assert.Equal(TokenIssuer.GraphAppId, jwt.GetClaim("appid").Value);
    }

    [Fact]
    public async Task A_tenant_that_did_not_consent_is_never_sent_to_the_partner()
    {
        var fabrikam = await _f.TokenAsync(TenantDirectory.FabrikamClientId, TenantDirectory.FabrikamClientSecret, TenantDirectory.FabrikamTenantId);
        var (response, alerts) = await ListAsync("?$top=50", fabrikam);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(alerts, a => VendorOf(a) == FakePartnerProvider.Vendor);
        Assert.Empty(_partner.Calls);
    }

    [Fact]
    public async Task A_failing_partner_becomes_a_206_warning_naming_it_and_the_others_still_answer()
    {
        _partner.FailWith = 500;
        var (response, alerts) = await ListAsync("?$top=2");
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        var warning = response.Headers.GetValues("Warning").Single();
        Assert.Matches("^199 - \"Northwind Security/Sentry Firewall/500/\\d+\"$", warning);
        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.Equal("Microsoft", VendorOf(a)));
    }

    [Fact]
    public async Task A_partner_slower_than_its_timeout_is_reported_as_504()
    {
        await RegisterAsync(timeoutMs: 300);
        _partner.Delay = TimeSpan.FromSeconds(3);
        var (response, _) = await ListAsync("?$top=1");
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Contains("Northwind Security/Sentry Firewall/504/", response.Headers.GetValues("Warning").Single());
    }

    [Fact]
    public async Task A_partner_claiming_another_vendors_name_is_refused_and_reported()
    {
        _partner.ClaimedVendor = "Microsoft";
        var (response, alerts) = await ListAsync("?$top=5");
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Contains("Northwind Security/Sentry Firewall/502/", response.Headers.GetValues("Warning").Single());
        Assert.DoesNotContain(alerts, a => a.GetProperty("id").GetString().StartsWith("sentry-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_by_id_finds_a_partner_alert_and_patch_is_routed_to_the_partner_by_vendor_information()
    {
        var alert = await _f.GetJsonAsync("/v1.0/security/alerts/sentry-001");
        Assert.Equal(FakePartnerProvider.Vendor, VendorOf(alert));

        var patch = JsonSerializer.Serialize(new
        {
            status = "inProgress", assignedTo = "soc@contoso.example",
            vendorInformation = new { provider = FakePartnerProvider.Provider, vendor = FakePartnerProvider.Vendor },
        });
        var response = await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/alerts/sentry-001", json: patch,
            configure: r => r.Headers.Add("Prefer", "return=representation"));
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(200, status);
        Assert.Equal("inProgress", body.GetProperty("status").GetString());
        Assert.Equal("inProgress", (string)_partner.Alerts.Single(a => (string)a["id"] == "sentry-001")["status"]);
        Assert.Contains(_partner.Calls, c => c.Method == "PATCH" && c.PathAndQuery == "/alerts/sentry-001");
    }

    [Fact]
    public async Task Patch_without_vendor_information_is_400_and_reaches_no_provider()
    {
        var response = await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/alerts/sentry-001", json: "{\"status\":\"resolved\"}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(_partner.Calls, c => c.Method == "PATCH");
    }

    [Fact]
    public async Task A_security_action_for_the_partner_is_carried_out_and_cancelled_by_the_partner()
    {
        var body = JsonSerializer.Serialize(new
        {
            name = "BlockIp", actionReason = "Port scan", parameters = new[] { new { name = "IP", value = "203.0.113.9" } },
            vendorInformation = new { provider = FakePartnerProvider.Provider, vendor = FakePartnerProvider.Vendor },
        });
        var (status, created) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, "/beta/security/securityActions", json: body));
        Assert.Equal(201, status);
        Assert.Equal("Running", created.GetProperty("status").GetString());
        Assert.Equal(FakePartnerProvider.Provider, created.GetProperty("vendorInformation").GetProperty("provider").GetString());
        var id = created.GetProperty("id").GetString();
        // Graph's BlockIp with parameter IP reaches the provider as the contract's blockIp with ipAddress.
        var sent = Assert.Single(_partner.Actions).Value;
        Assert.Equal("blockIp", (string)sent["name"]);
        Assert.Equal("ipAddress", (string)sent["parameters"]![0]!["name"]);

        var listed = (await _f.GetJsonAsync("/beta/security/securityActions")).GetProperty("value").EnumerateArray();
        Assert.Contains(listed, a => a.GetProperty("id").GetString() == id);

        var cancel = await _f.SendAsync(HttpMethod.Post, $"/beta/security/securityActions/{id}/cancelSecurityAction");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var after = await _f.GetJsonAsync($"/beta/security/securityActions/{id}");
        Assert.Equal("Failed", after.GetProperty("status").GetString());
        Assert.Equal("failed", (string)_partner.Actions.Values.Single()["status"]);
    }

    [Fact]
    public async Task A_partner_notification_reaches_the_subscriptions_and_only_the_partners_app_may_send_one()
    {
        var tenant = _f.Options.Directory.Find(TenantDirectory.DefaultTenantId);
        var partnerApp = new AppRegistration { ClientId = FakePartnerProvider.AppId, DisplayName = "Northwind Sentry" };
        var partnerToken = _f.Issuer.Issue(tenant, partnerApp, "1");
        var item = new JsonObject
        {
            ["changeType"] = "created", ["tenantId"] = TenantDirectory.DefaultTenantId, ["resource"] = "alerts/sentry-new",
            ["alert"] = _partner.NewAlert("sentry-new", EmulatorFixture.Now),
        };
        var payload = new JsonObject { ["value"] = new JsonArray(item) }.ToJsonString();

        var asOther = await _f.SendAsync(HttpMethod.Post, "/gsprov/v1/notifications", json: payload);
        Assert.Equal(HttpStatusCode.Forbidden, asOther.StatusCode);
        var anonymous = await _f.SendAsync(HttpMethod.Post, "/gsprov/v1/notifications", token: "", json: payload);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var accepted = await _f.SendAsync(HttpMethod.Post, "/gsprov/v1/notifications", partnerToken, payload);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        // The broker now knows who holds the id: a get goes straight to the partner.
        _partner.Alerts.Add(_partner.NewAlert("sentry-new", EmulatorFixture.Now));
        Assert.Equal("sentry-new", (await _f.GetJsonAsync("/v1.0/security/alerts/sentry-new")).GetProperty("id").GetString());
        Assert.Single(_partner.Calls, c => c.PathAndQuery == "/alerts/sentry-new");
    }

    [Fact]
    public async Task Registration_is_checked_plain_http_only_to_loopback()
    {
        var response = await _f.Client.PostAsync("/_emulator/providers", Json(new { vendor = "X", provider = "Y", baseUrl = "http://partner.example/gsprov/v1", appId = Guid.NewGuid() }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("https", await response.Content.ReadAsStringAsync());
        var listed = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/providers")).RootElement;
        var mine = Assert.Single(listed.EnumerateArray());
        var tenants = mine.GetProperty("consentedTenants").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains(TenantDirectory.DefaultTenantId, tenants);
        Assert.DoesNotContain(TenantDirectory.FabrikamTenantId, tenants);
    }
}
