using System.Text.Json;

namespace GraphSecurity.Emulator.Tests;

/// <summary>beta mergeIncidents and moveAlerts, with Defender's refusals.</summary>
public sealed class IncidentMergingTests : IClassFixture<MutableEmulatorFixture>
{
    private readonly MutableEmulatorFixture _f;
    public IncidentMergingTests(MutableEmulatorFixture f) => _f = f;

    private async Task<List<JsonElement>> IncidentsAsync(string filter) =>
        (await _f.GetJsonAsync("/v1.0/security/incidents?$top=50&$filter=" + Uri.EscapeDataString(filter))).GetProperty("value").EnumerateArray().ToList();

    private async Task<JsonElement> IncidentAsync(string id) => await _f.GetJsonAsync($"/v1.0/security/incidents/{id}?$expand=alerts");

    /// <summary>Open incidents made mergeable: nobody assigned, no classification.</summary>
    private async Task<List<string>> OpenIncidentsAsync(int count)
    {
        var ids = (await IncidentsAsync("status eq 'active'")).Select(i => i.GetProperty("id").GetString()).Take(count).ToList();
        Assert.Equal(count, ids.Count);
        foreach (var id in ids)
            await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{id}", json: "{\"assignedTo\":null,\"classification\":\"unknown\",\"determination\":\"unknown\"}");
        return ids;
    }

    private async Task<(int Status, JsonElement Body)> PostAsync(string path, object body) =>
        await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, path, json: JsonSerializer.Serialize(body)));

    private static int AlertCount(JsonElement incident) => incident.GetProperty("alerts").GetArrayLength();

    [Fact]
    public async Task Merging_moves_the_alerts_into_the_larger_incident_and_redirects_the_other()
    {
        var ids = await OpenIncidentsAsync(2);
        var before = new[] { await IncidentAsync(ids[0]), await IncidentAsync(ids[1]) };
        var expectedTarget = before.OrderByDescending(AlertCount).ThenBy(i => i.GetProperty("createdDateTime").GetDateTimeOffset()).First().GetProperty("id").GetString();
        var (status, body) = await PostAsync("/beta/security/incidents/mergeIncidents",
            new { incidentIds = ids, incidentComment = "Same user and device", mergeReasons = "sameAsset, temporalProximity" });
        Assert.Equal(200, status);
        Assert.Equal(expectedTarget, body.GetProperty("targetIncidentId").GetString());

        var source = ids.Single(i => i != expectedTarget);
        var redirected = await IncidentAsync(source);
        Assert.Equal("redirected", redirected.GetProperty("status").GetString());
        Assert.Equal(expectedTarget, redirected.GetProperty("redirectIncidentId").GetString());
        var target = await IncidentAsync(expectedTarget);
        Assert.Equal(before.Sum(AlertCount), AlertCount(target));
        Assert.All(target.GetProperty("alerts").EnumerateArray(), a => Assert.Equal(expectedTarget, a.GetProperty("incidentId").GetString()));
        Assert.Contains(target.GetProperty("comments").EnumerateArray(), c => c.GetProperty("comment").GetString().Contains("sameAsset", StringComparison.Ordinal));

        // A redirected incident is closed: it cannot be merged again.
        var (again, error) = await PostAsync("/beta/security/incidents/mergeIncidents", new { incidentIds = new[] { source, expectedTarget } });
        Assert.Equal(400, again);
        Assert.Contains("closed incidents are not merged", error.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Incidents_with_different_assignees_or_classifications_are_not_merged()
    {
        var ids = await OpenIncidentsAsync(2);
        await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{ids[0]}", json: "{\"assignedTo\":\"ana@contoso.example\"}");
        await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{ids[1]}", json: "{\"assignedTo\":\"ben@contoso.example\"}");
        var (status, body) = await PostAsync("/beta/security/incidents/mergeIncidents", new { incidentIds = ids });
        Assert.Equal(400, status);
        Assert.Contains("different assignees", body.GetProperty("error").GetProperty("message").GetString());

        await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{ids[1]}", json: "{\"assignedTo\":\"ana@contoso.example\",\"classification\":\"truePositive\"}");
        await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{ids[0]}", json: "{\"classification\":\"falsePositive\"}");
        (status, body) = await PostAsync("/beta/security/incidents/mergeIncidents", new { incidentIds = ids });
        Assert.Equal(400, status);
        Assert.Contains("different classifications", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public async Task Merging_takes_two_to_five_incidents(int count)
    {
        var ids = (await IncidentsAsync("status eq 'active'")).Select(i => i.GetProperty("id").GetString()).Take(count).ToArray();
        var (status, _) = await PostAsync("/beta/security/incidents/mergeIncidents", new { incidentIds = ids });
        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Unknown_ids_and_reasons_are_refused()
    {
        var ids = await OpenIncidentsAsync(1);
        var (status, _) = await PostAsync("/beta/security/incidents/mergeIncidents", new { incidentIds = new[] { ids[0], "999999999" } });
        Assert.Equal(404, status);
        (status, _) = await PostAsync("/beta/security/incidents/mergeIncidents", new { incidentIds = new[] { ids[0], "999999999" }, mergeReasons = "becauseISaidSo" });
        Assert.Equal(400, status);
        (status, _) = await PostAsync("/beta/security/alerts_v2/moveAlerts", new { alertIds = new[] { "no-such-alert" } });
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Moving_alerts_without_a_target_makes_a_new_incident_and_takes_them_from_the_old()
    {
        var incident = (await IncidentsAsync("status eq 'active'")).Select(i => i.GetProperty("id").GetString()).First();
        var alerts = (await IncidentAsync(incident)).GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        var (status, body) = await PostAsync("/beta/security/alerts_v2/moveAlerts",
            new { alertIds = new[] { alerts[0] }, alertComment = "Not part of this attack", newCorrelationReasons = "sameAsset" });
        Assert.Equal(200, status);
        var target = body.GetProperty("targetIncidentId").GetString();
        Assert.NotEqual(incident, target);
        var moved = await _f.GetJsonAsync($"/v1.0/security/alerts_v2/{alerts[0]}");
        Assert.Equal(target, moved.GetProperty("incidentId").GetString());
        var fresh = await IncidentAsync(target);
        Assert.Equal(new[] { alerts[0] }, fresh.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        var old = await IncidentAsync(incident);
        Assert.DoesNotContain(alerts[0], old.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        Assert.Equal(alerts.Count == 1 ? "redirected" : "active", old.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Alerts_are_not_moved_out_of_or_into_a_resolved_incident()
    {
        var ids = await OpenIncidentsAsync(2);
        await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/incidents/{ids[1]}", json: "{\"status\":\"resolved\"}");
        var alert = (await IncidentAsync(ids[0])).GetProperty("alerts")[0].GetProperty("id").GetString();
        var (status, body) = await PostAsync("/beta/security/alerts_v2/moveAlerts", new { alertIds = new[] { alert }, incidentId = ids[1] });
        Assert.Equal(400, status);
        Assert.Contains("closed incident", body.GetProperty("error").GetProperty("message").GetString());
    }
}
