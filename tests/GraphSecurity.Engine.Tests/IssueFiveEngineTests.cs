using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Incidents;
using GraphSecurity.Engine.Legacy;
using GraphSecurity.Engine.SecureScore;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class PartialResultTests
{
    [Fact]
    public void Warning_items_name_vendor_provider_status_and_latency()
    {
        var warnings = PartialResultWarning.Parse("199 - \"Microsoft/IPC/504/10000\", 199 - \"Microsoft/Azure Sentinel/500/12\"");
        Assert.Equal(2, warnings.Count);
        Assert.Equal("IPC", warnings[0].Provider);
        Assert.Equal("Microsoft", warnings[0].Vendor);
        Assert.Equal(504, warnings[0].StatusCode);
        Assert.Equal(10000, warnings[0].LatencyMilliseconds);
        Assert.Equal("Azure Sentinel", warnings[1].Provider);
        Assert.Contains("IPC", warnings[0].ToString());
    }

    private static FakeTransport Partial() => new FakeTransport(request =>
    {
        var skip = request.RequestUri.Query.Contains("skip=1") ? 1 : 0;
        var next = skip == 0 ? ",\"@odata.nextLink\":\"https://graph.test/v1.0/security/alerts?$top=1&$skip=1\"" : "";
        return FakeTransport.Json(HttpStatusCode.PartialContent, "{\"value\":[{\"id\":\"l" + skip + "\"}]" + next + "}",
            ("Warning", "199 - \"Microsoft/IPC/504/10000\""));
    });

    [Fact]
    public async Task A_206_delivers_the_items_and_reports_each_provider_once()
    {
        var ids = new List<string>();
        var reader = new LegacyAlertService(FakeGraph.Client(Partial())).List(new CollectionQuery(LegacyAlertService.CollectionPath) { PageSize = 1 });
        var result = await reader.ReadAsync(null, true, (items, _) => { ids.AddRange(items.Select(a => a.Id)); return Task.CompletedTask; }, CancellationToken.None);
        Assert.Equal(new[] { "l0", "l1" }, ids);
        Assert.Single(result.PartialResult);
    }

    [Fact]
    public async Task FailOnPartialResult_throws_before_delivering_anything()
    {
        var reader = new LegacyAlertService(FakeGraph.Client(Partial())).List(new CollectionQuery(LegacyAlertService.CollectionPath));
        reader.FailOnPartialResult = true;
        var delivered = 0;
        await Assert.ThrowsAsync<PartialResultException>(() => reader.ReadAsync(null, true, (items, _) => { delivered += items.Count; return Task.CompletedTask; }, CancellationToken.None));
        Assert.Equal(0, delivered);
    }

    [Fact]
    public void Legacy_updates_map_the_alerts_v2_vocabulary_and_carry_vendorInformation()
    {
        var body = new LegacyAlertUpdate { Status = LegacyAlertUpdate.MapStatus(AlertStatus.New), Feedback = LegacyAlertUpdate.MapFeedback(AlertClassification.InformationalExpectedActivity), AssignedTo = "" }
            .ToBody(new SecurityVendorInformation { Provider = "IPC", Vendor = "Microsoft" });
        Assert.Equal("newAlert", body["status"]);
        Assert.Equal("benignPositive", body["feedback"]);
        Assert.Null(body["assignedTo"]);
        var vendor = (Dictionary<string, object>)body["vendorInformation"];
        Assert.Equal("IPC", vendor["provider"]);
    }

    [Fact]
    public void Legacy_user_and_host_filters_are_lambdas()
    {
        var filter = new LegacyAlertQuery { User = { "ada@contoso.example" }, Host = { "WS-001" }, Provider = { "IPC" } }.ToCollectionQuery().BuildFilter();
        Assert.Equal("vendorInformation/provider eq 'IPC' and userStates/any(u: u/userPrincipalName eq 'ada@contoso.example') and hostStates/any(h: h/fqdn eq 'WS-001' or h/netBiosName eq 'WS-001')", filter);
    }
}

public class IncidentServiceTests
{
    private const string IncidentPage = "{\"value\":[{\"id\":\"1\",\"severity\":\"high\",\"status\":\"active\"},{\"id\":\"2\",\"severity\":\"low\",\"status\":\"active\"}]}";

    [Fact]
    public void Expand_is_dropped_from_page_urls()
    {
        var url = new Uri("https://graph.test/v1.0/security/incidents?$top=50&$expand=alerts&$skip=50");
        Assert.Equal("https://graph.test/v1.0/security/incidents?$top=50&$skip=50", IncidentService.WithoutExpand(url).ToString());
    }

    [Fact]
    public async Task A_failed_expand_falls_back_to_each_incidents_alerts()
    {
        var transport = new FakeTransport(request =>
        {
            var uri = Uri.UnescapeDataString(request.RequestUri.ToString());
            if (uri.Contains("$expand=alerts")) return FakeTransport.Json(HttpStatusCode.InternalServerError, "{\"error\":{\"code\":\"UnknownError\",\"message\":\"\"}}");
            if (uri.Contains("/incidents/1/alerts")) return FakeTransport.Json(HttpStatusCode.OK, "{\"value\":[{\"id\":\"a1\"},{\"id\":\"a2\"}]}");
            if (uri.Contains("/incidents/2/alerts")) return FakeTransport.Json(HttpStatusCode.OK, "{\"value\":[{\"id\":\"a3\"}]}");
            return FakeTransport.Json(HttpStatusCode.OK, IncidentPage);
        });
        var incidents = new List<Incident>();
        var query = new CollectionQuery(IncidentService.CollectionPath) { Expand = IncidentService.AlertsNavigation };
        await new IncidentService(FakeGraph.Client(transport)).List(query)
            .ReadAsync(null, true, (items, _) => { incidents.AddRange(items); return Task.CompletedTask; }, CancellationToken.None);
        Assert.Equal(new[] { "a1", "a2" }, incidents[0].Alerts.Select(a => a.Id));
        Assert.Equal(new[] { "a3" }, incidents[1].Alerts.Select(a => a.Id));
        Assert.Equal(4, transport.Requests.Count);
    }

    [Fact]
    public void Incident_updates_send_only_the_given_fields()
    {
        var body = new IncidentUpdate { Status = IncidentStatus.InProgress, CustomTags = new string[0] }.ToBody();
        Assert.Equal(new[] { "status", "customTags" }, body.Keys);
        Assert.Equal("inProgress", body["status"]);
        Assert.Empty((string[])body["customTags"]);
    }
}

public class SecureScoreTests
{
    private static GraphSecurity.SecureScore Day(int day, params (string name, double score)[] controls) => new GraphSecurity.SecureScore
    {
        CreatedDateTime = new DateTimeOffset(2026, 11, day, 0, 0, 0, TimeSpan.Zero),
        ControlScores = new ValueList<ControlScore>(controls.Select(c => new ControlScore { ControlName = c.name, Score = c.score }).ToList()),
    };

    [Fact]
    public void Deltas_cover_every_control_worst_first()
    {
        var deltas = SecureScoreComparison.Compare(Day(1, ("A", 5), ("B", 3), ("C", 1)), Day(2, ("A", 2), ("B", 3.5), ("D", 4)));
        Assert.Equal(new[] { "A", "C", "B", "D" }, deltas.Select(d => d.ControlName));
        Assert.Equal(new[] { SecureScoreChange.Worse, SecureScoreChange.Removed, SecureScoreChange.Better, SecureScoreChange.Added }, deltas.Select(d => d.Change));
        Assert.Equal(-3, deltas[0].Delta);
        Assert.Null(deltas[1].DifferenceScore);
        Assert.Null(deltas[3].ReferenceScore);
    }

    [Fact]
    public void Control_profile_updates_are_flat_and_carry_vendorInformation()
    {
        var body = ControlProfileService.UpdateBody(SecureScoreControlState.ThirdParty, null, "covered");
        Assert.Equal("ThirdParty", body["state"]);
        Assert.Equal("covered", body["comment"]);
        Assert.False(body.ContainsKey("assignedTo"));
        Assert.Equal("SecureScore", ((Dictionary<string, object>)body["vendorInformation"])["provider"]);
    }

    [Fact]
    public async Task No_more_than_four_requests_are_in_flight_on_one_connection()
    {
        var inFlight = 0;
        var peak = 0;
        var transport = new SlowTransport(async () =>
        {
            var now = Interlocked.Increment(ref inFlight);
            lock (this) peak = Math.Max(peak, now);
            await Task.Delay(50);
            Interlocked.Decrement(ref inFlight);
        });
        var graph = new ApiClient(FakeGraph.Cloud, SecurityApi.Graph, new FixedTokenSource(), transport, null);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => new ControlProfileService(graph).GetAsync("c" + i, CancellationToken.None)));
        Assert.Equal(GatedEntityService<SecureScoreControlProfile>.MaxInFlight, peak);
    }

    private sealed class SlowTransport : System.Net.Http.HttpMessageHandler
    {
        private readonly Func<Task> _work;
        public SlowTransport(Func<Task> work) { _work = work; }
        protected override async Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await _work();
            return FakeTransport.Json(HttpStatusCode.OK, "{\"id\":\"c\"}");
        }
    }
}
