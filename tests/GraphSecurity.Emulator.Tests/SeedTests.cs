using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

public class SeedTests
{
    private static List<string> Ids(int seed, string tenantId = TenantDirectory.DefaultTenantId, int count = 300)
    {
        var dir = TenantDirectory.CreateDefault(count);
        var tenant = dir.Find(tenantId);
        return new AlertSeeder(seed, tenant, EmulatorFixture.Now, 30).Generate(count).Select(a => a.Id).ToList();
    }

    [Fact]
    public void Same_seed_gives_same_alerts()
    {
        Assert.Equal(Ids(7), Ids(7));
        Assert.NotEqual(Ids(7), Ids(8));
        Assert.NotEqual(Ids(7), Ids(7, TenantDirectory.FabrikamTenantId));
    }

    [Fact]
    public void Same_seed_gives_same_content()
    {
        var dir = TenantDirectory.CreateDefault(50);
        var t = dir.Find("contoso.example");
        var a = new AlertSeeder(11, t, EmulatorFixture.Now, 30).Generate(50);
        var b = new AlertSeeder(11, t, EmulatorFixture.Now, 30).Generate(50);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Title, b[i].Title);
            Assert.Equal(a[i].CreatedDateTime, b[i].CreatedDateTime);
            Assert.Equal(string.Join("|", a[i].Evidence.Select(e => e.ToJsonString())), string.Join("|", b[i].Evidence.Select(e => e.ToJsonString())));
        }
    }

    [Fact]
    public void Alert_count_and_days_are_honoured()
    {
        var dir = TenantDirectory.CreateDefault(0);
        var alerts = new AlertSeeder(1, dir.Find("contoso.example"), EmulatorFixture.Now, 5).Generate(77);
        Assert.Equal(77, alerts.Count);
        Assert.All(alerts, a => Assert.InRange(a.CreatedDateTime, EmulatorFixture.Now.AddDays(-5).AddHours(-9), EmulatorFixture.Now));
    }

    [Fact]
    public void Command_line_overrides_config_file_and_config_merges_tenants()
    {
        var dir = Directory.CreateTempSubdirectory("gs-emu-cfg");
        try
        {
            var path = Path.Combine(dir.FullName, "emulator.config.json");
            File.WriteAllText(path, """
            {
              "seed": 5, "alertCount": 20, "days": 7, "now": "2026-01-02T03:04:00Z",
              "tenants": [
                { "id": "b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c",
                  "apps": [ { "clientId": "6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20", "roles": ["SecurityAlert.Read.All"] },
                            { "clientId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "displayName": "Extra", "secret": "s3", "roles": [] } ] },
                { "id": "12345678-1234-4234-8234-123456789012", "domain": "northwind.example", "alertCount": 3,
                  "apps": [ { "clientId": "87654321-4321-4321-8321-210987654321", "secret": "nw", "roles": "SecurityAlert.Read.All" } ] }
              ]
            }
            """);
            var o = EmulatorOptions.Parse(new[] { "--config", path, "--seed", "9", "--port", "0", "--info-file", Path.Combine(dir.FullName, "info.json") });
            Assert.Equal(9, o.Seed);
            Assert.Equal(20, o.AlertCount);
            Assert.Equal(7, o.Days);
            Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 0, TimeSpan.Zero), o.Now);
            var contoso = o.Directory.Find("contoso.example");
            Assert.Equal(20, contoso.AlertCount);
            Assert.Equal(new[] { "SecurityAlert.Read.All" }, contoso.FindApp(TenantDirectory.DefaultClientId).Roles);
            Assert.Equal(TenantDirectory.DefaultClientSecret, contoso.FindApp(TenantDirectory.DefaultClientId).Secret);
            Assert.Equal("s3", contoso.FindApp("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee").Secret);
            Assert.Equal(7, contoso.Apps.Count); // 4 confidential + 2 public clients seeded, 1 from the config file
            var nw = o.Directory.Find("northwind.example");
            Assert.Equal(3, nw.AlertCount);
            Assert.Equal(new[] { "SecurityAlert.Read.All" }, nw.Apps.Single().Roles);
            Assert.Equal(4, o.Directory.Tenants.Count); // Contoso, Fabrikam, the partner tenant, and the one from the config file
            Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--bogus" }));
            Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--port", "70000" }));
        }
        finally
        {
            dir.Delete(true);
        }
    }
}

public class ClockTests
{
    [Fact]
    public void Writes_use_wall_clock_without_explicit_now_and_the_anchor_timeline_with_it()
    {
        var implicitOptions = new Hosting.EmulatorOptions().Finish();
        Assert.False(implicitOptions.NowGiven);
        Assert.Equal(0, implicitOptions.Now.Second); // seeding anchor is cut to the minute
        var wall = new Hosting.EmulatorClock(implicitOptions.Now, implicitOptions.NowGiven);
        Assert.True(Math.Abs((wall.UtcNow - DateTimeOffset.UtcNow).TotalSeconds) < 1);

        var anchor = new DateTimeOffset(2026, 1, 2, 3, 4, 0, TimeSpan.Zero);
        var explicitOptions = new Hosting.EmulatorOptions { Now = anchor }.Finish();
        explicitOptions.Finish();
        Assert.True(explicitOptions.NowGiven);
        var anchored = new Hosting.EmulatorClock(explicitOptions.Now, explicitOptions.NowGiven);
        Assert.True(anchored.UtcNow >= anchor && anchored.UtcNow < anchor.AddMinutes(1));
    }
}
