using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Http;
using Xunit;

namespace GraphSecurity.Engine.Tests;

/// <summary>Every request goes through one retry policy: what is retried, for which methods, and what is thrown at the end.</summary>
public class TransientFailureTests
{
    private static string Page(int from, int count, string nextLink) =>
        "{" + (nextLink != null ? $"\"@odata.nextLink\":\"{nextLink}\"," : "") +
        "\"value\":[" + string.Join(",", Enumerable.Range(from, count).Select(i =>
            $"{{\"id\":\"a{i}\",\"severity\":\"low\",\"status\":\"new\",\"createdDateTime\":\"2026-01-01T00:00:00Z\"}}")) + "]}";

    /// <summary>A body that sends its first half, then breaks like a connection reset in the middle of an answer.</summary>
    private sealed class CutOffContent : HttpContent
    {
        private readonly byte[] _bytes;
        public CutOffContent(string text) { _bytes = Encoding.UTF8.GetBytes(text); Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json"); }
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext context)
        {
            await stream.WriteAsync(_bytes, 0, _bytes.Length / 2);
            throw new IOException("The response ended prematurely.");
        }
        protected override bool TryComputeLength(out long length) { length = _bytes.Length; return true; }
    }

    private static HttpResponseMessage Fault(string kind, string goodBody)
    {
        switch (kind)
        {
            case "500": return FakeTransport.Json(HttpStatusCode.InternalServerError, "{\"error\":{\"code\":\"UnknownError\",\"message\":\"\"}}");
            case "502": return FakeTransport.Json(HttpStatusCode.BadGateway, "<html>bad gateway</html>");
            case "503": return FakeTransport.Json(HttpStatusCode.ServiceUnavailable, "{\"error\":{\"code\":\"ServiceNotAvailable\",\"message\":\"later\"}}", ("Retry-After", "0"));
            case "429": return FakeTransport.Json((HttpStatusCode)429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Please retry again later.\"}}", ("Retry-After", "0"));
            case "drop": throw new HttpRequestException("Error while copying content to a stream.", new IOException("Connection reset by peer"));
            case "refused": throw new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));
            case "truncated": return new HttpResponseMessage(HttpStatusCode.OK) { Content = new CutOffContent(goodBody) };
            case "garbage": return FakeTransport.Json(HttpStatusCode.OK, goodBody.Substring(0, goodBody.Length / 2));
            default: return FakeTransport.Json(HttpStatusCode.OK, goodBody);
        }
    }

    /// <summary>Answers each request from a script of faults (one entry per request), then normally.</summary>
    private static FakeTransport Scripted(Queue<string> faults, Func<HttpRequestMessage, string> body) =>
        new FakeTransport(request =>
        {
            var fault = faults.Count > 0 ? faults.Dequeue() : "ok";
            return Fault(fault, body(request));
        });

    private static readonly List<TimeSpan> NoWaits = new List<TimeSpan>();

    private static ApiClient Client(FakeTransport transport, List<TimeSpan> waits = null)
    {
        var client = FakeGraph.Client(transport);
        client.Retry = new RetryPolicy(seed: 1) { Delay = (wait, _) => { (waits ?? new List<TimeSpan>()).Add(wait); return Task.CompletedTask; } };
        return client;
    }

    [Theory]
    [InlineData("500")]
    [InlineData("502")]
    [InlineData("503")]
    [InlineData("429")]
    [InlineData("drop")]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("refused")]
    public async Task A_read_is_retried_on_every_transient_failure(string fault)
    {
        var transport = Scripted(new Queue<string>(new[] { fault, fault }), _ => GraphJsonTests.AlertJson);
        var alert = await new AlertService(Client(transport)).GetAsync("a", CancellationToken.None);
        Assert.Equal("da638500000000000000_1234567890", alert.Id);
        Assert.Equal(3, transport.Requests.Count);
        Assert.Equal(new[] { null, "1", "2" }, transport.Requests.Select(r => r.Headers.TryGetValues("Retry-Attempt", out var v) ? v.Single() : null));
    }

    [Fact]
    public async Task A_paged_read_retries_the_failing_page_and_delivers_each_item_once()
    {
        // Page 2 fails three different ways before it is answered; pages 1 and 3 are fine.
        var faults = new Queue<string>(new[] { "ok", "drop", "truncated", "500", "ok", "ok" });
        var transport = Scripted(faults, request =>
            request.RequestUri.Query.Contains("skip=4") ? Page(4, 2, null)
            : request.RequestUri.Query.Contains("skip=2") ? Page(2, 2, "https://graph.test/v1.0/security/alerts_v2?$skip=4")
            : Page(0, 2, "https://graph.test/v1.0/security/alerts_v2?$skip=2"));
        var ids = new List<string>();
        var reader = new AlertService(Client(transport)).List(new AlertQuery().ToCollectionQuery());
        var result = await reader.ReadAsync(null, true, (items, _) => { ids.AddRange(items.Select(a => a.Id)); return Task.CompletedTask; }, CancellationToken.None);
        Assert.Equal(new[] { "a0", "a1", "a2", "a3", "a4", "a5" }, ids);
        Assert.Equal(6, transport.Requests.Count);
        Assert.Equal(3, result.Pages);
        Assert.Equal(4, transport.Requests.Count(r => r.RequestUri.Query.Contains("skip=2")));
    }

    [Fact]
    public async Task A_read_that_keeps_failing_says_how_far_it_got_and_which_page_failed()
    {
        var faults = new Queue<string>(new[] { "ok" }.Concat(Enumerable.Repeat("drop", 50)));
        var transport = Scripted(faults, _ => Page(0, 2, "https://graph.test/v1.0/security/alerts_v2?$skip=2"));
        var reader = new AlertService(Client(transport)).List(new AlertQuery().ToCollectionQuery());
        var ex = await Assert.ThrowsAsync<ServiceConnectionException>(() =>
            reader.ReadAsync(null, true, (items, _) => Task.CompletedTask, CancellationToken.None));
        Assert.Equal(ConnectionFailure.ConnectionLost, ex.Failure);
        Assert.Equal(RetryPolicy.Default.MaxTransientRetries + 1, ex.Attempts);
        Assert.Contains("6 attempts", ex.Message);
        Assert.Equal(2, reader.Progress.ItemsDelivered);
        Assert.Equal(1, reader.Progress.Pages);
        Assert.Contains("skip=2", reader.CurrentPage.Query);
    }

    [Fact]
    public async Task Throttling_has_its_own_larger_budget_than_server_errors()
    {
        var waits = new List<TimeSpan>();
        var faults = new Queue<string>(Enumerable.Repeat("429", 8).Concat(Enumerable.Repeat("500", 4)));
        var transport = Scripted(faults, _ => GraphJsonTests.AlertJson);
        var alert = await new AlertService(Client(transport, waits)).GetAsync("a", CancellationToken.None);
        Assert.NotNull(alert);
        Assert.Equal(13, transport.Requests.Count);
        Assert.Equal(12, waits.Count);
    }

    [Fact]
    public async Task A_post_that_may_have_been_applied_is_not_sent_again()
    {
        var transport = Scripted(new Queue<string>(new[] { "500" }), _ => "{\"value\":[]}");
        var ex = await Assert.ThrowsAsync<ServiceErrorException>(() => new AlertService(Client(transport)).AddCommentAsync("a", "text", CancellationToken.None));
        Assert.Equal(500, (int)ex.StatusCode);
        Assert.Single(transport.Requests);

        var dropped = Scripted(new Queue<string>(new[] { "drop" }), _ => "{\"value\":[]}");
        await Assert.ThrowsAsync<ServiceConnectionException>(() => new AlertService(Client(dropped)).AddCommentAsync("a", "text", CancellationToken.None));
        Assert.Single(dropped.Requests);
    }

    [Theory]
    [InlineData("429")]
    [InlineData("refused")]
    public async Task A_post_is_sent_again_when_the_service_certainly_did_nothing(string fault)
    {
        var transport = Scripted(new Queue<string>(new[] { fault }), _ => "{\"value\":[]}");
        await new AlertService(Client(transport)).AddCommentAsync("a", "text", CancellationToken.None);
        Assert.Equal(2, transport.Requests.Count);
        Assert.All(transport.Bodies, body => Assert.Contains("\"comment\":\"text\"", body));
    }

    [Fact]
    public async Task Nothing_answering_gives_up_after_a_few_quick_tries()
    {
        var waits = new List<TimeSpan>();
        var transport = Scripted(new Queue<string>(Enumerable.Repeat("refused", 50)), _ => GraphJsonTests.AlertJson);
        var ex = await Assert.ThrowsAsync<ServiceConnectionException>(() => new AlertService(Client(transport, waits)).GetAsync("a", CancellationToken.None));
        Assert.Equal(ConnectionFailure.Unreachable, ex.Failure);
        Assert.Equal(FailureKind.Unreachable, ex.Kind);
        Assert.Equal(RetryPolicy.Default.MaxUnreachableRetries + 1, transport.Requests.Count);
        Assert.True(waits.Sum(w => w.TotalSeconds) <= 5, "waits: " + string.Join(", ", waits));
        Assert.Contains("Nothing answers at https://graph.test", ex.Message);
    }

    [Fact]
    public async Task A_permanent_error_is_not_retried()
    {
        var transport = new FakeTransport(_ => FakeTransport.Json(HttpStatusCode.NotFound, "{\"error\":{\"code\":\"NotFound\",\"message\":\"no\"}}"));
        var ex = await Assert.ThrowsAsync<ServiceErrorException>(() => new AlertService(Client(transport)).GetAsync("a", CancellationToken.None));
        Assert.Equal(404, (int)ex.StatusCode);
        Assert.Single(transport.Requests);
        Assert.DoesNotContain("attempts", ex.Message);
    }

    [Fact]
    public async Task Every_retry_is_a_verbose_line_with_its_reason()
    {
        var log = new RecordingLog();
        EngineLogScope.Set(log);
        try
        {
            var transport = Scripted(new Queue<string>(new[] { "500", "drop" }), _ => GraphJsonTests.AlertJson);
            await new AlertService(Client(transport)).GetAsync("a", CancellationToken.None);
        }
        finally { EngineLogScope.Set(null); }
        var retries = log.Lines.Where(l => l.Contains("; retry ")).ToList();
        Assert.Equal(2, retries.Count);
        Assert.Contains("500 UnknownError", retries[0]);
        Assert.Contains("retry 1 of 5", retries[0]);
        Assert.Contains("connection lost", retries[1]);
        Assert.Contains("retry 2 of 5", retries[1]);
    }

    [Fact]
    public void Backoff_waits_grow_and_are_never_zero()
    {
        var policy = new RetryPolicy(seed: 9);
        var failure = new IOException();
        var waits = Enumerable.Range(1, 5).Select(n => policy.NextDelay(n, failure).TotalMilliseconds).ToList();
        for (var n = 1; n <= 5; n++)
            Assert.InRange(waits[n - 1], 0.1 * 500 * Math.Pow(2, n - 1), 500 * Math.Pow(2, n - 1));
    }
}
