using System.Net;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

public class IncidentTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;
    public IncidentTests(EmulatorFixture f) => _f = f;

    private async Task<List<JsonElement>> AllIncidentsAsync(string query = "", Action<HttpRequestMessage> configure = null)
    {
        var items = new List<JsonElement>();
        string url = "/v1.0/security/incidents" + query;
        while (url != null)
        {
            var page = await _f.GetJsonAsync(url, configure: configure);
            items.AddRange(page.GetProperty("value").EnumerateArray());
            url = page.TryGetProperty("@odata.nextLink", out var next) ? new Uri(next.GetString()).PathAndQuery : null;
        }
        return items;
    }

    [Fact]
    public async Task One_incident_per_alert_incidentId_consistent_with_its_alerts()
    {
        var alerts = await _f.AllAlertsAsync();
        var incidents = await AllIncidentsAsync();
        var groups = alerts.GroupBy(a => a.GetProperty("incidentId").GetString()).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(groups.Count, incidents.Count);
        Assert.Equal(incidents.Count, incidents.Select(i => i.GetProperty("id").GetString()).Distinct().Count());
        string[] order = { "unknown", "informational", "low", "medium", "high" };
        foreach (var inc in incidents)
        {
            var group = groups[inc.GetProperty("id").GetString()];
            Assert.Equal("#microsoft.graph.security.incident", inc.GetProperty("@odata.type").GetString());
            Assert.Equal(group.Select(a => Array.IndexOf(order, a.GetProperty("severity").GetString())).Max(),
                Array.IndexOf(order, inc.GetProperty("severity").GetString()));
            Assert.Equal(group.Min(a => a.GetProperty("createdDateTime").GetDateTimeOffset()), inc.GetProperty("createdDateTime").GetDateTimeOffset());
            Assert.Equal(TenantDirectory.DefaultTenantId, inc.GetProperty("tenantId").GetString());
            Assert.StartsWith("https://security.microsoft.com/incidents/" + inc.GetProperty("id").GetString(), inc.GetProperty("incidentWebUrl").GetString());
            var status = inc.GetProperty("status").GetString();
            Assert.Contains(status, new[] { "active", "resolved", "inProgress", "redirected", "unknownFutureValue" });
            if (status == "resolved") Assert.All(group, a => Assert.Equal("resolved", a.GetProperty("status").GetString()));
            if (status == "redirected") Assert.False(string.IsNullOrEmpty(inc.GetProperty("redirectIncidentId").GetString()));
            foreach (var name in new[] { "assignedTo", "classification", "comments", "customTags", "description", "determination", "displayName",
                         "lastModifiedBy", "lastUpdateDateTime", "priorityScore", "resolvingComment", "summary", "systemTags" })
                Assert.True(inc.TryGetProperty(name, out _), name);
        }
        Assert.Contains(incidents, i => i.GetProperty("displayName").GetString().StartsWith("Multi-stage incident involving "));
        Assert.Contains(incidents, i => i.GetProperty("status").GetString() == "redirected");
    }

    [Fact]
    public async Task Default_page_is_50_top_above_50_is_the_parser_400_and_paging_sees_each_once()
    {
        var first = await _f.GetJsonAsync("/v1.0/security/incidents?$count=true");
        Assert.Equal(50, first.GetProperty("value").GetArrayLength());
        Assert.EndsWith("/v1.0/$metadata#security/incidents", first.GetProperty("@odata.context").GetString());
        var total = first.GetProperty("@odata.count").GetInt32();
        var all = await AllIncidentsAsync("?$top=37");
        Assert.Equal(total, all.Count);
        Assert.Equal(total, all.Select(i => i.GetProperty("id").GetString()).Distinct().Count());

        var (status, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/incidents?$top=100"));
        Assert.Equal(400, status);
        Assert.Equal("", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("The query specified in the URI is not valid. The limit of '50' for Top query has been exceeded. The value from the incoming request is '100'.",
            body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(0, body.GetProperty("error").GetProperty("details").GetArrayLength());
    }

    [Fact]
    public async Task Filter_orderby_select_and_evolvable_status()
    {
        var high = await AllIncidentsAsync("?$filter=severity eq 'High' and status ne 'resolved'&$orderby=lastUpdateDateTime asc");
        Assert.NotEmpty(high);
        Assert.All(high, i => Assert.Equal("high", i.GetProperty("severity").GetString()));
        var times = high.Select(i => i.GetProperty("lastUpdateDateTime").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderBy(t => t), times);

        var bad = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/incidents?$filter=displayName eq 'x'");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not supported in $filter on incidents", await bad.Content.ReadAsStringAsync());

        var selected = await _f.GetJsonAsync("/v1.0/security/incidents?$select=id,status&$top=3");
        Assert.EndsWith("#security/incidents(id,status)", selected.GetProperty("@odata.context").GetString());
        Assert.All(selected.GetProperty("value").EnumerateArray(), i => Assert.Equal(3, i.EnumerateObject().Count()));

        var hidden = await AllIncidentsAsync("?$filter=status eq 'unknownFutureValue'");
        var shown = await AllIncidentsAsync("?$filter=status eq 'awaitingAction'", r => r.Headers.Add("Prefer", "include-unknown-enum-members"));
        Assert.NotEmpty(hidden);
        Assert.Equal(hidden.Select(i => i.GetProperty("id").GetString()), shown.Select(i => i.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Expand_alerts_and_alerts_route_and_switchable_fault()
    {
        var page = await _f.GetJsonAsync("/v1.0/security/incidents?$expand=alerts&$top=5");
        Assert.EndsWith("#security/incidents(alerts())", page.GetProperty("@odata.context").GetString());
        var inc = page.GetProperty("value")[0];
        var id = inc.GetProperty("id").GetString();
        var expanded = inc.GetProperty("alerts").EnumerateArray().ToList();
        Assert.NotEmpty(expanded);
        Assert.All(expanded, a => Assert.Equal(id, a.GetProperty("incidentId").GetString()));

        var viaRoute = await _f.GetJsonAsync($"/v1.0/security/incidents/{id}/alerts");
        Assert.Equal(expanded.Select(a => a.GetProperty("id").GetString()).OrderBy(x => x),
            viaRoute.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()).OrderBy(x => x));

        await _f.Client.PostAsync("/_emulator/incidents/faults", new StringContent("{\"expandAlerts\":true}"));
        try
        {
            var failed = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/incidents?$expand=alerts");
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _f.SendAsync(HttpMethod.Get, "/v1.0/security/incidents")).StatusCode);
        }
        finally
        {
            await _f.Client.PostAsync("/_emulator/incidents/faults", new StringContent("{\"expandAlerts\":false}"));
        }
    }

    [Fact]
    public async Task Roles_are_checked_with_the_graph_403_text()
    {
        await _f.AssertReaderForbiddenAsync("/v1.0/security/incidents", "SecurityIncident.Read.All,SecurityIncident.ReadWrite.All");
    }
}

public class IncidentWriteTests : IClassFixture<MutableEmulatorFixture>
{
    private readonly MutableEmulatorFixture _f;
    public IncidentWriteTests(MutableEmulatorFixture f) => _f = f;

    [Fact]
    public async Task Patch_and_comments()
    {
        var id = (await _f.GetJsonAsync("/v1.0/security/incidents?$filter=status eq 'active'&$top=1")).GetProperty("value")[0].GetProperty("id").GetString();
        var (status, body) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{id}",
            json: "{\"status\":\"InProgress\",\"classification\":\"TruePositive\",\"determination\":\"malware\",\"assignedTo\":\"soc.analyst1@contoso.example\",\"customTags\":[\"VIP\",\"Ransomware\"]}"));
        Assert.Equal(200, status);
        Assert.EndsWith("#security/incidents/$entity", body.GetProperty("@odata.context").GetString());
        Assert.Equal("inProgress", body.GetProperty("status").GetString());
        Assert.Equal("truePositive", body.GetProperty("classification").GetString());
        Assert.Equal(new[] { "VIP", "Ransomware" }, body.GetProperty("customTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("GraphSecurity Emulator", body.GetProperty("lastModifiedBy").GetString());

        var bad = await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{id}", json: "{\"status\":\"awaitingAction\"}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var ok = await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{id}", json: "{\"status\":\"awaitingAction\"}",
            configure: r => r.Headers.Add("Prefer", "include-unknown-enum-members"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{id}", json: "{\"displayName\":\"x\"}")).StatusCode);

        var (cs, comments) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, $"/v1.0/security/incidents/{id}/comments",
            json: "{\"@odata.type\":\"microsoft.graph.security.alertComment\",\"comment\":\"Escalated\"}"));
        Assert.Equal(200, cs);
        Assert.EndsWith($"#security/incidents('{id}')/comments", comments.GetProperty("@odata.context").GetString());
        var last = comments.GetProperty("value").EnumerateArray().Last();
        Assert.Equal("Escalated", last.GetProperty("comment").GetString());
        Assert.Equal(EmulatorFixture.Now.Date, last.GetProperty("createdDateTime").GetDateTimeOffset().Date);

        var missing = await _f.SendAsync(HttpMethod.Patch, "/v1.0/security/incidents/999999999", json: "{\"status\":\"active\"}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var reader = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        Assert.Equal(HttpStatusCode.Forbidden, (await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{id}", reader, "{\"status\":\"active\"}")).StatusCode);
    }
}
