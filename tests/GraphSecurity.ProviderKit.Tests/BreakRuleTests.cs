using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SentryFirewall;

namespace GraphSecurity.ProviderKit.Tests;

/// <summary>Each <c>--break</c> rule has its one effect (the unbroken behaviour is checked in <see cref="SampleProviderTests"/>).</summary>
public class BreakRuleTests
{
    private static object Patch(object extra = null) => extra ?? new { status = "inProgress", vendorInformation = SentryHost.Vendor };

    private static async Task<int> Count(SentryHost host, string query) =>
        (await host.JsonAsync("alerts" + query)).GetProperty("value").GetArrayLength();

    [Fact]
    public void EveryRuleIsCoveredHere() =>
        Assert.Equal(BreakRules.All.Order(), typeof(BreakRuleTests).GetMethods().Where(m => m.Name.StartsWith("Break_", StringComparison.Ordinal))
            .Select(m => m.Name["Break_".Length..].Replace('_', '-').ToLowerInvariant()).Order());

    [Fact]
    public async Task Break_Ignore_Top()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.IgnoreTop);
        Assert.Equal(40, await Count(host, "?$top=5"));
    }

    [Fact]
    public async Task Break_Wrong_Order()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.WrongOrder);
        var created = (await host.JsonAsync("alerts?$orderby=createdDateTime desc")).GetProperty("value").EnumerateArray()
            .Select(a => a.GetProperty("createdDateTime").GetDateTimeOffset()).ToList();
        Assert.Equal(created.Order(), created);
        Assert.NotEqual(created.OrderDescending(), created);
    }

    [Fact]
    public async Task Break_Ignore_Filter()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.IgnoreFilter);
        var severities = (await host.JsonAsync("alerts?$filter=" + Uri.EscapeDataString("severity eq 'high'"))).GetProperty("value").EnumerateArray()
            .Select(a => a.GetProperty("severity").GetString()).ToList();
        Assert.Equal(40, severities.Count);
        Assert.Contains("low", severities);
    }

    [Fact]
    public async Task Break_No_Paging()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.NoPaging);
        var page = await host.JsonAsync("alerts?$top=15");
        Assert.Equal(15, page.GetProperty("value").GetArrayLength());
        Assert.False(page.TryGetProperty("@odata.nextLink", out _));
    }

    [Fact]
    public async Task Break_Patch_Accepts_Readonly()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.PatchAcceptsReadOnly);
        var id = host.Store.RawAlerts()[0].Id;
        using var response = await host.SendAsync(HttpMethod.Patch, "alerts/" + id, new { title = "renamed", vendorInformation = SentryHost.Vendor });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Break_Patch_No_Vendor_Check()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.PatchNoVendorCheck);
        var id = host.Store.RawAlerts()[0].Id;
        using var response = await host.SendAsync(HttpMethod.Patch, "alerts/" + id, new { status = "inProgress" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Only the vendor rule is off: a read-only field is still refused.
        using var other = await host.SendAsync(HttpMethod.Patch, "alerts/" + id, new { title = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task Break_Patch_No_Echo()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.PatchNoEcho);
        var id = host.Store.RawAlerts()[0].Id;
        using var response = await host.SendAsync(HttpMethod.Patch, "alerts/" + id, Patch());
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("inProgress", host.Store.RawAlerts()[0].Status);
    }

    [Fact]
    public async Task Break_No_Auth()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.NoAuth);
        using var response = await host.GetAsync("alerts", token: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(40, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task Break_Foreign_Vendor()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.ForeignVendor);
        var vendor = (await host.JsonAsync("alerts?$top=1")).GetProperty("value")[0].GetProperty("vendorInformation");
        Assert.Equal("Microsoft", vendor.GetProperty("vendor").GetString());
        Assert.Equal("Windows Defender ATP", vendor.GetProperty("provider").GetString());
    }

    [Fact]
    public async Task Break_Slow()
    {
        await using var host = await SentryHost.StartAsync(new[] { "--break", BreakRules.Slow }, o => o.SlowDelay = TimeSpan.FromMilliseconds(1500));
        var watch = Stopwatch.StartNew();
        await host.JsonAsync("/gsprov/v1", token: null);
        Assert.True(watch.ElapsedMilliseconds < 1500, "the root is not held");
        watch.Restart();
        await host.JsonAsync("alerts?$top=1");
        Assert.True(watch.ElapsedMilliseconds >= 1490, $"alerts answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Break_Bad_Error_Shape()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.BadErrorShape);
        using var response = await host.GetAsync("alerts/nws-missing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(response.Content.ReadAsStringAsync().Result));
    }

    private static async Task<string> StartBlock(SentryHost host)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "securityActions", new
        {
            name = "blockIp", parameters = new[] { new { name = "ipAddress", value = "192.0.2.44" } }, vendorInformation = SentryHost.Vendor,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
    }

    [Fact]
    public async Task Break_Action_Stuck()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.ActionStuck);
        var id = await StartBlock(host);
        await Task.Delay(500);
        Assert.Equal("notStarted", (await host.JsonAsync("securityActions/" + id)).GetProperty("status").GetString());
        Assert.Empty(host.Store.BlockList(null));
    }

    [Fact]
    public async Task Break_Cancel_Completed()
    {
        await using var host = await SentryHost.StartAsync("--break", BreakRules.CancelCompleted);
        var id = await StartBlock(host);
        Assert.True(await TestAuthority.WaitFor(() => host.JsonAsync("securityActions/" + id).GetAwaiter().GetResult().GetProperty("status").GetString() == "completed"));
        using var response = await host.SendAsync(HttpMethod.Post, $"securityActions/{id}/cancel");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("completed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }
}
