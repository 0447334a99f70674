using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Http;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class GraphClientTests
{
    private static string Page(int from, int count, string nextLink, long? total = null) =>
        "{" + (total.HasValue ? $"\"@odata.count\":{total}," : "") +
        (nextLink != null ? $"\"@odata.nextLink\":\"{nextLink}\"," : "") +
        "\"value\":[" + string.Join(",", Enumerable.Range(from, count).Select(i =>
            $"{{\"id\":\"a{i}\",\"severity\":\"low\",\"status\":\"new\",\"serviceSource\":\"microsoftDefenderForEndpoint\",\"createdDateTime\":\"2026-01-01T00:00:00Z\"}}")) + "]}";

    /// <summary>Three pages of two alerts each, linked by nextLink.</summary>
    private static FakeTransport ThreePages() => new FakeTransport(request =>
    {
        var query = request.RequestUri.Query;
        if (query.Contains("skip=4")) return FakeTransport.Json(HttpStatusCode.OK, Page(4, 2, null, 6));
        if (query.Contains("skip=2")) return FakeTransport.Json(HttpStatusCode.OK, Page(2, 2, "https://graph.test/v1.0/security/alerts_v2?$top=2&$skip=4", 6));
        return FakeTransport.Json(HttpStatusCode.OK, Page(0, 2, "https://graph.test/v1.0/security/alerts_v2?$top=2&$skip=2", 6));
    });

    private static async Task<(PageReadResult, List<string>)> Read(FakeTransport transport, long? max, bool follow)
    {
        var ids = new List<string>();
        var reader = new AlertService(FakeGraph.Client(transport)).List(new CollectionQuery(AlertService.CollectionPath) { PageSize = 2 });
        var result = await reader.ReadAsync(max, follow, (items, total) => { ids.AddRange(items.Select(a => a.Id)); return Task.CompletedTask; }, CancellationToken.None);
        return (result, ids);
    }

    [Fact]
    public async Task Following_next_links_reads_every_page_once()
    {
        var transport = ThreePages();
        var (result, ids) = await Read(transport, null, follow: true);
        Assert.Equal(new[] { "a0", "a1", "a2", "a3", "a4", "a5" }, ids);
        Assert.Equal(3, transport.Requests.Count);
        Assert.Equal(6, result.TotalCount);
        Assert.False(result.MoreAvailable);
    }

    [Fact]
    public async Task The_first_page_only_reports_that_more_is_available()
    {
        var transport = ThreePages();
        var (result, ids) = await Read(transport, null, follow: false);
        Assert.Equal(2, ids.Count);
        Assert.Single(transport.Requests);
        Assert.True(result.MoreAvailable);
    }

    [Fact]
    public async Task A_limit_stops_requests_and_trims_the_last_page()
    {
        var transport = ThreePages();
        var (result, ids) = await Read(transport, 3, follow: true);
        Assert.Equal(new[] { "a0", "a1", "a2" }, ids);
        Assert.Equal(2, transport.Requests.Count);
        Assert.True(result.MoreAvailable);
    }

    [Fact]
    public async Task The_next_page_is_requested_only_after_the_consumer_released_the_current_one()
    {
        var transport = ThreePages();
        var reader = new AlertService(FakeGraph.Client(transport)).List(new CollectionQuery(AlertService.CollectionPath) { PageSize = 2 });
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pagesSeen = 0;
        var reading = reader.ReadAsync(null, true, (items, total) => ++pagesSeen == 1 ? release.Task : Task.CompletedTask, CancellationToken.None);
        await Task.Delay(200);
        Assert.Single(transport.Requests);
        release.SetResult(true);
        await reading;
        Assert.Equal(3, transport.Requests.Count);
    }

    [Fact]
    public async Task Every_request_carries_the_token_and_asks_for_evolvable_enum_members()
    {
        var transport = ThreePages();
        await Read(transport, null, follow: true);
        Assert.All(transport.Requests, r =>
        {
            Assert.Equal("Bearer", r.Headers.Authorization.Scheme);
            Assert.Equal("test-token", r.Headers.Authorization.Parameter);
            Assert.Contains("include-unknown-enum-members", r.Headers.GetValues("Prefer"));
        });
    }

    [Fact]
    public async Task An_error_answer_becomes_an_exception_with_the_service_message_and_request_id()
    {
        var transport = new FakeTransport(_ => FakeTransport.Json(HttpStatusCode.BadRequest,
            "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Invalid filter clause.\",\"innerError\":{\"date\":\"2026-11-26T10:00:00\",\"request-id\":\"11111111-2222-3333-4444-555555555555\",\"client-request-id\":\"c1\"}}}"));
        var alerts = new AlertService(FakeGraph.Client(transport));
        var ex = await Assert.ThrowsAsync<ServiceErrorException>(() => alerts.GetAsync("x", CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("BadRequest", ex.Code);
        Assert.Equal("Invalid filter clause.", ex.ServiceMessage);
        Assert.Equal("11111111-2222-3333-4444-555555555555", ex.RequestId);
        Assert.Contains("Invalid filter clause.", ex.Message);
        Assert.Contains("request-id: 11111111-2222-3333-4444-555555555555", ex.Message);
    }

    [Fact]
    public async Task A_patch_sends_only_the_changed_fields_in_the_service_spelling()
    {
        var transport = new FakeTransport(_ => FakeTransport.Json(HttpStatusCode.OK, GraphJsonTests.AlertJson));
        var alerts = new AlertService(FakeGraph.Client(transport));
        await alerts.UpdateAsync("a:1&", new AlertUpdate { Status = AlertStatus.Resolved, Classification = AlertClassification.FalsePositive }, CancellationToken.None);
        Assert.Equal("PATCH", transport.Requests[0].Method.Method);
        Assert.EndsWith("/v1.0/security/alerts_v2/a%3A1%26", transport.Requests[0].RequestUri.AbsoluteUri);
        Assert.Equal("{\"status\":\"resolved\",\"classification\":\"falsePositive\"}", transport.Bodies[0]);
    }

    [Fact]
    public async Task Each_request_is_logged_once_without_the_token()
    {
        var log = new RecordingLog();
        EngineLogScope.Set(log);
        try
        {
            await Read(ThreePages(), null, follow: true);
        }
        finally { EngineLogScope.Set(null); }
        Assert.Equal(3, log.Lines.Count);
        Assert.All(log.Lines, line => Assert.Matches(@"^GET https://graph\.test/v1\.0/security/alerts_v2\S* -> 200 OK \(\d+ ms, request-id", line));
        Assert.DoesNotContain(log.Lines, line => line.Contains("test-token"));
    }
}
