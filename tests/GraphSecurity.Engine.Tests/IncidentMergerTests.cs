using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Incidents;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class IncidentMergerTests
{
    [Fact]
    public async Task Seven_incidents_merge_in_two_rounds_and_loose_alerts_follow_the_target()
    {
        int round = 0;
        var transport = new FakeTransport(r => FakeTransport.Json(HttpStatusCode.OK,
            r.RequestUri!.AbsolutePath.EndsWith("/mergeIncidents", System.StringComparison.Ordinal) ? $"{{\"targetIncidentId\":\"T{++round}\"}}" : "{\"targetIncidentId\":\"T2\"}"));
        var merger = new IncidentMerger(FakeGraph.Client(transport));
        var outcome = await merger.MergeAsync(new[] { "1", "2", "3", "4", "5", "6", "7" }, new[] { "a1" }, "Grouped", new[] { "sameAsset", "temporalProximity" }, CancellationToken.None);

        Assert.Equal(3, transport.Requests.Count);
        var bodies = transport.Bodies.Select(b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.Equal(new[] { "1", "2", "3", "4", "5" }, bodies[0].GetProperty("incidentIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(new[] { "T1", "6", "7" }, bodies[1].GetProperty("incidentIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("sameAsset, temporalProximity", bodies[0].GetProperty("mergeReasons").GetString());
        Assert.EndsWith("/beta/security/alerts_v2/moveAlerts", transport.Requests[2].RequestUri!.AbsolutePath);
        Assert.Equal("T2", bodies[2].GetProperty("incidentId").GetString());
        Assert.Equal("T2", outcome.TargetIncidentId);
        Assert.Equal(7, outcome.MergedIncidentIds.Count);
        Assert.Equal(new[] { "a1" }, outcome.MovedAlertIds);
    }

    [Fact]
    public async Task One_incident_and_no_loose_alerts_sends_nothing()
    {
        var transport = new FakeTransport(_ => FakeTransport.Json(HttpStatusCode.OK, "{}"));
        var outcome = await new IncidentMerger(FakeGraph.Client(transport)).MergeAsync(new[] { "9" }, new string[0], null, new string[0], CancellationToken.None);
        Assert.Empty(transport.Requests);
        Assert.Equal("9", outcome.TargetIncidentId);
        Assert.Empty(outcome.MergedIncidentIds);
    }
}
