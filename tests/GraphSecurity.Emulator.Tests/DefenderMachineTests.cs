using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

/// <summary>Machines: seeded from the alerts' device evidence, listed with $filter, found by id, name and IP.</summary>
public class DefenderMachineTests : IClassFixture<DefenderFixture>
{
    public const string Machines = "/defender/api/machines";
    private readonly DefenderFixture _f;
    public DefenderMachineTests(DefenderFixture f) => _f = f;

    private async Task<List<JsonElement>> ListAsync(string query = "", string clientId = TenantDirectory.DefaultClientId)
    {
        var (status, body, _) = await _f.CallAsync(HttpMethod.Get, Machines + query, clientId: clientId);
        Assert.True(status == 200, body.ToString());
        Assert.EndsWith("/defender/api/$metadata#Machines", body.GetProperty("@odata.context").GetString());
        return body.GetProperty("value").EnumerateArray().ToList();
    }

    [Fact]
    public async Task Every_device_of_the_alert_evidence_is_a_machine_with_the_same_id_name_and_ip()
    {
        var machines = (await ListAsync()).ToDictionary(m => m.GetProperty("id").GetString());
        var alerts = await _f.AllAlertsAsync();
        var devices = alerts.SelectMany(a => a.GetProperty("evidence").EnumerateArray())
            .Where(e => e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.deviceEvidence").ToList();
        Assert.NotEmpty(devices);
        foreach (var d in devices)
        {
            Assert.True(machines.TryGetValue(d.GetProperty("mdeDeviceId").GetString(), out var m), d.GetProperty("mdeDeviceId").GetString());
            Assert.Equal(d.GetProperty("deviceDnsName").GetString(), m.GetProperty("computerDnsName").GetString());
            Assert.Equal(d.GetProperty("lastIpAddress").GetString(), m.GetProperty("lastIpAddress").GetString());
            Assert.Equal(d.GetProperty("azureAdDeviceId").GetString(), m.GetProperty("aadDeviceId").GetString());
        }
        var one = machines.Values.First();
        Assert.Matches("^[0-9a-f]{40}$", one.GetProperty("id").GetString());
        Assert.Equal("onboarded", one.GetProperty("onboardingStatus").GetString());
        Assert.Equal("Normal", one.GetProperty("deviceValue").GetString());
        Assert.Equal("Up", one.GetProperty("ipAddresses")[0].GetProperty("operationalStatus").GetString());
        Assert.Equal(0, one.GetProperty("machineTags").GetArrayLength());
    }

    [Fact]
    public async Task Filter_takes_eq_startswith_and_or_and_pages()
    {
        var all = await ListAsync();
        var first = all[0];
        var byName = await ListAsync($"?$filter=computerDnsName eq '{first.GetProperty("computerDnsName").GetString().ToUpperInvariant()}'");
        Assert.Equal(first.GetProperty("id").GetString(), Assert.Single(byName).GetProperty("id").GetString());

        var workstations = await ListAsync("?$filter=startswith(computerDnsName,'ws-')");
        Assert.Equal(48, workstations.Count);
        Assert.All(workstations, m => Assert.StartsWith("ws-", m.GetProperty("computerDnsName").GetString()));

        var servers = await ListAsync("?$filter=rbacGroupId eq 2 and osPlatform eq 'WindowsServer2022'");
        Assert.Equal(4, servers.Count);
        var either = await ListAsync("?$filter=osPlatform eq 'macOS' or osPlatform eq 'Linux'");
        Assert.Equal(4, either.Count);

        var (status, page, _) = await _f.CallAsync(HttpMethod.Get, Machines + "?$top=5&$skip=5");
        Assert.Equal(200, status);
        Assert.Equal(all.Skip(5).Take(5).Select(m => m.GetProperty("id").GetString()), page.GetProperty("value").EnumerateArray().Select(m => m.GetProperty("id").GetString()));

        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, Machines + "?$filter=contains(computerDnsName,'ws')"), 400, "ODataError");
    }

    [Fact]
    public async Task A_machine_is_found_by_id_dns_name_or_host_name_else_404()
    {
        var m = (await ListAsync())[3];
        var id = m.GetProperty("id").GetString();
        var dns = m.GetProperty("computerDnsName").GetString();
        foreach (var key in new[] { id, dns.ToUpperInvariant(), dns.Split('.')[0] })
        {
            var (status, body, _) = await _f.CallAsync(HttpMethod.Get, $"{Machines}/{key}");
            Assert.True(status == 200, body.ToString());
            Assert.Equal(id, body.GetProperty("id").GetString());
            Assert.EndsWith("$metadata#Machines/$entity", body.GetProperty("@odata.context").GetString());
        }
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, $"{Machines}/nope-42"), 404, "ResourceNotFound", "Machine nope-42 was not found.");
    }

    [Fact]
    public async Task Findbyip_returns_the_machines_of_that_ip_within_30_days()
    {
        var m = (await ListAsync())[7];
        var ip = m.GetProperty("lastIpAddress").GetString();
        var recent = _f.Clock.UtcNow.AddDays(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var (status, body, _) = await _f.CallAsync(HttpMethod.Get, $"{Machines}/findbyip(ip='{ip}',timestamp={recent})");
        Assert.True(status == 200, body.ToString());
        Assert.Equal(m.GetProperty("id").GetString(), Assert.Single(body.GetProperty("value").EnumerateArray()).GetProperty("id").GetString());

        var (_, none, _) = await _f.CallAsync(HttpMethod.Get, $"{Machines}/findbyip(ip='10.99.99.99',timestamp={recent})");
        Assert.Equal(0, none.GetProperty("value").GetArrayLength());

        var old = _f.Clock.UtcNow.AddDays(-31).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, $"{Machines}/findbyip(ip='{ip}',timestamp={old})"), 400, "InvalidInput", "30 days");
    }

    [Fact]
    public async Task Reading_machines_needs_a_machine_read_permission()
    {
        Assert.NotEmpty(await ListAsync(clientId: TenantDirectory.ReaderClientId));
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, Machines, clientId: DefenderFixture.OwnerClientId), 403, "Forbidden", "Machine.Read.All");
    }
}
