using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GraphSecurity.Emulator.Tests;

public class ControlApiTests : IClassFixture<ClockedEmulatorFixture>
{
    private readonly ClockedEmulatorFixture _f;
    public ControlApiTests(ClockedEmulatorFixture f) => _f = f;

    private async Task<(int Status, JsonElement Body)> PatchAlertAsync(string id, object change, string tenant = "contoso.example") =>
        await EmulatorFixture.ReadAsync(await _f.Client.PatchAsJsonAsync($"/_emulator/tenants/{tenant}/alerts/{id}", change));

    /// <summary>Every control route of the host and of each module hangs off the one group, so none skips its loopback check.</summary>
    [Fact]
    public async Task Every_control_route_refuses_a_caller_that_is_not_on_loopback()
    {
        var routes = _f.App.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/_emulator", StringComparison.OrdinalIgnoreCase) == true)
            .ToList();
        Assert.True(routes.Count >= 20, $"{routes.Count} control routes");
        Assert.Contains(routes, r => r.RoutePattern.RawText.Contains("legacy/providers"));
        Assert.Contains(routes, r => r.RoutePattern.RawText.Contains("tiIndicators"));
        Assert.Contains(routes, r => r.RoutePattern.RawText.Contains("subscriptions"));
        var server = _f.App.GetTestServer();
        foreach (var route in routes)
        {
            var method = route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.First() ?? "GET";
            var path = System.Text.RegularExpressions.Regex.Replace(route.RoutePattern.RawText, "{[^}]+}", "x");
            var context = await server.SendAsync(c =>
            {
                c.Request.Method = method;
                c.Request.Path = path;
                c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("203.0.113.5");
            });
            Assert.True(context.Response.StatusCode == 403, $"{method} {path} answered {context.Response.StatusCode}");
        }
    }

    [Fact]
    public async Task Late_arriving_alerts_keep_their_old_created_time_and_show_up_by_last_update()
    {
        var anchor = EmulatorFixture.Now;
        var created = anchor.AddDays(-3);
        var (status, body) = await _f.PostJsonAsync("/_emulator/tenants/contoso.example/alerts",
            new { count = 2, createdDateTime = created, severity = "high", title = "Late arrival" });
        Assert.Equal(201, status);
        var ids = body.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Equal(2, ids.Distinct().Count());

        var alert = await _f.GetJsonAsync($"/v1.0/security/alerts_v2/{ids[0]}");
        Assert.Equal(created, alert.GetProperty("createdDateTime").GetDateTimeOffset());
        Assert.True(alert.GetProperty("lastUpdateDateTime").GetDateTimeOffset() >= anchor);
        Assert.True(alert.GetProperty("firstActivityDateTime").GetDateTimeOffset() <= created);
        Assert.Equal("high", alert.GetProperty("severity").GetString());
        Assert.Equal("new", alert.GetProperty("status").GetString());
        Assert.Equal("Late arrival", alert.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("assignedTo").ValueKind);
        Assert.Equal(Identity.TenantDirectory.DefaultTenantId, alert.GetProperty("tenantId").GetString());
        Assert.NotEmpty(alert.GetProperty("evidence").EnumerateArray());

        // A watcher polling on lastUpdateDateTime sees both; one polling on createdDateTime would miss them.
        var since = anchor.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var updated = await _f.GetJsonAsync($"/v1.0/security/alerts_v2?$filter=lastUpdateDateTime ge {since}&$select=id");
        Assert.Subset(updated.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToHashSet(), ids.ToHashSet());
        var recent = await _f.GetJsonAsync($"/v1.0/security/alerts_v2?$filter=createdDateTime ge {anchor.AddDays(-1):yyyy-MM-ddTHH:mm:ssZ}&$select=id");
        Assert.DoesNotContain(recent.GetProperty("value").EnumerateArray(), a => ids.Contains(a.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Portal_changes_update_status_assignment_and_comments()
    {
        var (_, created) = await _f.PostJsonAsync("/_emulator/tenants/contoso.example/alerts", new { });
        var id = created.GetProperty("value")[0].GetProperty("id").GetString();
        var when = EmulatorFixture.Now.AddMinutes(5);
        var (status, body) = await PatchAlertAsync(id, new
        {
            status = "RESOLVED", assignedTo = "soc.analyst2@contoso.example", classification = "truePositive", determination = "malware",
            comment = "Contained by the on-call analyst.", lastUpdateDateTime = when,
        });
        Assert.Equal(200, status);
        Assert.Equal("resolved", body.GetProperty("status").GetString());

        var alert = await _f.GetJsonAsync($"/v1.0/security/alerts_v2/{id}");
        Assert.Equal("resolved", alert.GetProperty("status").GetString());
        Assert.Equal("soc.analyst2@contoso.example", alert.GetProperty("assignedTo").GetString());
        Assert.Equal("truePositive", alert.GetProperty("classification").GetString());
        Assert.Equal("malware", alert.GetProperty("determination").GetString());
        Assert.Equal(when, alert.GetProperty("lastUpdateDateTime").GetDateTimeOffset());
        Assert.Equal(when, alert.GetProperty("resolvedDateTime").GetDateTimeOffset());
        var comment = alert.GetProperty("comments").EnumerateArray().Single();
        Assert.Equal("Microsoft Defender portal", comment.GetProperty("createdByDisplayName").GetString());

        (status, _) = await PatchAlertAsync(id, new { status = "inProgress", unassign = true });
        Assert.Equal(200, status);
        alert = await _f.GetJsonAsync($"/v1.0/security/alerts_v2/{id}");
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("assignedTo").ValueKind);
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("resolvedDateTime").ValueKind);
    }

    [Fact]
    public async Task Control_errors()
    {
        var (status, body) = await PatchAlertAsync("no-such-alert", new { status = "resolved" });
        Assert.Equal(404, status);
        Assert.Equal("Alert 'no-such-alert' was not found in tenant 'contoso.example'.", body.GetProperty("error").GetString());
        (status, body) = await PatchAlertAsync("x", new { status = "closed" });
        Assert.Equal(400, status);
        Assert.Equal("'status': 'closed' is not one of unknown, new, inProgress, resolved.", body.GetProperty("error").GetString());
        (status, _) = await _f.PostJsonAsync("/_emulator/tenants/nowhere.example/alerts", new { });
        Assert.Equal(404, status);
        (status, body) = await _f.PostJsonAsync("/_emulator/tenants/contoso.example/alerts", new { count = 0 });
        Assert.Equal(400, status);
        Assert.Equal("'count' must be between 1 and 1000.", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Only_loopback_callers_reach_the_control_api_and_bad_json_is_400()
    {
        var server = (Microsoft.AspNetCore.TestHost.TestServer)_f.App.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer))!;
        var remote = await server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/_emulator/counters";
            c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("192.0.2.50");
        });
        Assert.Equal(403, remote.Response.StatusCode);
        var local = await server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/_emulator/counters";
            c.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        });
        Assert.Equal(200, local.Response.StatusCode);

        var bad = await _f.Client.PostAsync("/_emulator/faults", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)bad.StatusCode);
    }

    [Fact]
    public async Task Counters_count_requests_per_route_and_reset_clears_them()
    {
        Assert.Equal(204, (int)(await _f.Client.PostAsync("/_emulator/reset", null)).StatusCode);
        var token = await _f.TokenAsync();
        var page = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$top=1&$select=id", token);
        await _f.GetJsonAsync("/v1.0/security/alerts_v2?$top=1", token);
        await _f.GetJsonAsync("/v1.0/security/alerts_v2/" + page.GetProperty("value")[0].GetProperty("id").GetString(), token);
        await _f.SendAsync(HttpMethod.Get, "/v1.0/security/nothingHere", token);

        var counters = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/counters")).RootElement;
        var routes = counters.GetProperty("routes").EnumerateArray()
            .ToDictionary(r => r.GetProperty("method").GetString() + " " + r.GetProperty("route").GetString(), r => r.GetProperty("count").GetInt32());
        Assert.Equal(2, routes["GET /v1.0/security/alerts_v2"]);
        Assert.Equal(1, routes["GET /v1.0/security/alerts_v2/{id}"]);
        Assert.Equal(1, routes["GET /v1.0/security/nothingHere"]);
        Assert.Equal(routes.Values.Sum(), counters.GetProperty("total").GetInt32());
        Assert.DoesNotContain(routes.Keys, k => k.Contains("/_emulator"));

        Assert.Equal(204, (int)(await _f.Client.DeleteAsync("/_emulator/counters")).StatusCode);
        counters = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/counters")).RootElement;
        Assert.Equal(0, counters.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Shutdown_answers_202_then_stops_the_host()
    {
        // Its own emulator: this one is stopped.
        var emulator = new EmulatorFixture();
        await emulator.InitializeAsync();
        try
        {
            var stopping = new TaskCompletionSource();
            emulator.App.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
            var (status, body) = await EmulatorFixture.ReadAsync(await emulator.Client.PostAsync("/_emulator/shutdown", null));
            Assert.Equal(202, status);
            Assert.Equal("stopping", body.GetProperty("status").GetString());
            Assert.Same(stopping.Task, await Task.WhenAny(stopping.Task, Task.Delay(TimeSpan.FromSeconds(10))));
        }
        finally { await emulator.DisposeAsync(); }
    }
}
