using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

/// <summary>/security/threatIntelligence: shapes, consistency with the seeded alerts' evidence, the permission and licence errors.</summary>
public class ThreatIntelligenceTests : IClassFixture<EmulatorFixture>
{
    private const string Ti = "/v1.0/security/threatIntelligence";
    private readonly EmulatorFixture _f;
    public ThreatIntelligenceTests(EmulatorFixture f) => _f = f;

    private static List<JsonElement> Values(JsonElement page) => page.GetProperty("value").EnumerateArray().ToList();

    [Fact]
    public async Task Hosts_have_the_documented_shapes_and_unknown_hosts_are_unknown()
    {
        var ip = await _f.GetJsonAsync(Ti + "/hosts/198.51.100.3");
        Assert.Equal("#microsoft.graph.security.ipAddress", ip.GetProperty("@odata.type").GetString());
        Assert.Equal(64500, ip.GetProperty("autonomousSystem").GetProperty("number").GetInt32());
        Assert.Equal("198.51.100.0/24", ip.GetProperty("netblock").GetString());
        var name = await _f.GetJsonAsync(Ti + "/hosts/login-micros0ft.example");
        Assert.Equal("#microsoft.graph.security.hostname", name.GetProperty("@odata.type").GetString());
        Assert.Equal("Example Registrar, Inc.", name.GetProperty("registrar").GetString());

        var bad = await _f.GetJsonAsync(Ti + "/hosts/login-micros0ft.example/reputation");
        Assert.Equal("malicious", bad.GetProperty("classification").GetString());
        Assert.InRange(bad.GetProperty("score").GetInt32(), 80, 100);
        Assert.Equal("high", Assert.Single(bad.GetProperty("rules").EnumerateArray()).GetProperty("severity").GetString());
        var unknown = await _f.GetJsonAsync(Ti + "/hosts/198.51.100.4/reputation");
        Assert.Equal("unknown", unknown.GetProperty("classification").GetString());
        Assert.Equal(0, unknown.GetProperty("score").GetInt32());
        Assert.Empty(unknown.GetProperty("rules").EnumerateArray());

        var whois = await _f.GetJsonAsync(Ti + "/hosts/cdn-update.example/whois");
        Assert.Equal("ns1.registrar.example", whois.GetProperty("nameservers")[0].GetProperty("host").GetProperty("id").GetString());
        Assert.Equal(404, (int)(await _f.SendAsync(HttpMethod.Get, Ti + "/hosts/198.51.100.3/whois")).StatusCode);
        Assert.Equal(404, (int)(await _f.SendAsync(HttpMethod.Get, Ti + "/hosts/not a host/reputation")).StatusCode);
        var dns = Values(await _f.GetJsonAsync(Ti + "/hosts/cdn-update.example/passiveDns"));
        Assert.Equal(new[] { "198.51.100.3", "198.51.100.11" }, dns.Select(d => d.GetProperty("artifact").GetProperty("id").GetString()));
        Assert.Empty(Values(await _f.GetJsonAsync(Ti + "/hosts/secure-docs.example/components")));
        Assert.Equal(2, Values(await _f.GetJsonAsync(Ti + "/hosts/cdn-update.example/components")).Count);
    }

    [Fact]
    public async Task Known_bad_evidence_of_the_seeded_alerts_is_named_in_intel_profiles_and_most_evidence_is_unknown()
    {
        var alerts = await _f.AllAlertsAsync();
        var hosts = alerts.SelectMany(a => a.GetProperty("evidence").EnumerateArray()).SelectMany(e =>
            e.GetProperty("@odata.type").GetString() switch
            {
                "#microsoft.graph.security.ipEvidence" => new[] { e.GetProperty("ipAddress").GetString() },
                "#microsoft.graph.security.urlEvidence" => new[] { new Uri(e.GetProperty("url").GetString()).Host },
                _ => Array.Empty<string>(),
            }).Distinct().ToList();
        var named = new HashSet<string>();
        foreach (var profile in Values(await _f.GetJsonAsync(Ti + "/intelProfiles")))
            foreach (var indicator in Values(await _f.GetJsonAsync($"{Ti}/intelProfiles/{profile.GetProperty("id").GetString()}/indicators?$top=100")))
                named.Add(indicator.GetProperty("artifact").GetProperty("id").GetString());
        int bad = 0;
        foreach (var host in hosts)
        {
            var classification = (await _f.GetJsonAsync($"{Ti}/hosts/{host}/reputation")).GetProperty("classification").GetString();
            if (classification is "malicious" or "suspicious")
            {
                bad++;
                Assert.Contains(host, named);
            }
            else Assert.Equal("unknown", classification);
        }
        Assert.Contains("login-micros0ft.example", hosts);
        Assert.InRange(bad, 4, hosts.Count / 3);
    }

    [Fact]
    public async Task Profiles_articles_indicators_and_vulnerabilities_page_search_and_get_by_id()
    {
        var page = await _f.GetJsonAsync(Ti + "/articles?$top=2&$count=true");
        Assert.Equal(4, page.GetProperty("@odata.count").GetInt32());
        Assert.Equal(2, Values(page).Count);
        Assert.Contains("$skip=2", page.GetProperty("@odata.nextLink").GetString());
        var found = Values(await _f.GetJsonAsync(Ti + "/articles?$search=\"GlassKey\""));
        Assert.Equal(new[] { "a1000003" }, found.Select(a => a.GetProperty("id").GetString()));
        Assert.Equal("text", found[0].GetProperty("summary").GetProperty("format").GetString());
        Assert.Equal(400, (int)(await _f.SendAsync(HttpMethod.Get, Ti + "/articles?$search=two terms")).StatusCode);
        Assert.Equal(400, (int)(await _f.SendAsync(HttpMethod.Get, Ti + "/articles?$top=0")).StatusCode);

        var indicators = Values(await _f.GetJsonAsync(Ti + "/articles/a1000001/indicators"));
        Assert.Contains(indicators, i => i.GetProperty("artifact").GetProperty("id").GetString() == "invoice-portal.example");
        var one = await _f.GetJsonAsync($"{Ti}/articleIndicators/{indicators[0].GetProperty("id").GetString()}");
        Assert.Equal("#microsoft.graph.security.articleIndicator", one.GetProperty("@odata.type").GetString());

        var profile = await _f.GetJsonAsync(Ti + "/intelProfiles/c2e8d3f5-4b6f-4a71-9e82-0f3b4c5d6e71");
        Assert.Equal("actor", profile.GetProperty("kind").GetString());
        var profileIndicators = Values(await _f.GetJsonAsync(Ti + "/intelProfiles/c2e8d3f5-4b6f-4a71-9e82-0f3b4c5d6e71/indicators?$top=100"));
        var pi = await _f.GetJsonAsync($"{Ti}/intelligenceProfileIndicators/{profileIndicators[0].GetProperty("id").GetString()}");
        Assert.True(pi.TryGetProperty("firstSeenDateTime", out _));
        Assert.Equal(404, (int)(await _f.SendAsync(HttpMethod.Get, Ti + "/intelProfiles/nope")).StatusCode);

        var cve = await _f.GetJsonAsync(Ti + "/vulnerabilities/CVE-2025-10001");
        Assert.Equal("critical", cve.GetProperty("severity").GetString());
        Assert.True(cve.GetProperty("activeExploitsObserved").GetBoolean());
        Assert.Equal(404, (int)(await _f.SendAsync(HttpMethod.Get, Ti + "/vulnerabilities/CVE-1999-0001")).StatusCode);
    }

    [Fact]
    public async Task A_caller_without_ThreatIntelligence_Read_All_gets_403_and_an_unlicensed_tenant_gets_403_naming_the_licence()
    {
        await _f.AssertReaderForbiddenAsync(Ti + "/hosts/198.51.100.3/reputation", "ThreatIntelligence.Read.All");
        var fabrikam = await _f.TokenAsync(TenantDirectory.FabrikamClientId, TenantDirectory.FabrikamClientSecret, TenantDirectory.FabrikamTenantId);
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Get, Ti + "/articles", fabrikam));
        Assert.Equal(403, status);
        Assert.Contains("not licensed", body.GetProperty("error").GetProperty("message").GetString());
    }
}
