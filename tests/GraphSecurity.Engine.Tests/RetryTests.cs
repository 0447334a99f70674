using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Http;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class RetryTests
{
    private static FakeTransport Throttled(int times) => new FakeTransport(request =>
    {
        var attempt = request.Headers.TryGetValues("Retry-Attempt", out var values) ? int.Parse(values.First()) : 0;
        return attempt < times
            ? FakeTransport.Json((HttpStatusCode)429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Please retry again later.\"}}", ("Retry-After", "0"))
            : FakeTransport.Json(HttpStatusCode.OK, GraphJsonTests.AlertJson);
    });

    [Fact]
    public async Task A_successful_answer_is_never_retried()
    {
        var transport = Throttled(0);
        await new AlertService(FakeGraph.Client(transport)).GetAsync("a", CancellationToken.None);
        Assert.Single(transport.Requests);
    }

    [Fact]
    public async Task A_throttled_request_is_retried_after_Retry_After_and_the_wait_is_reported()
    {
        var transport = Throttled(2);
        var log = new ProgressRecordingLog();
        EngineLogScope.Set(log);
        try
        {
            var alert = await new AlertService(FakeGraph.Client(transport)).GetAsync("a", CancellationToken.None);
            Assert.Equal("da638500000000000000_1234567890", alert.Id);
        }
        finally { EngineLogScope.Set(null); }
        Assert.Equal(3, transport.Requests.Count);
        var waits = log.Updates.Where(u => u.ActivityId == ProgressIds.RetryWait && !u.Completed).ToList();
        Assert.Equal(2, waits.Count);
        Assert.StartsWith("429", waits[0].Status);
        Assert.Contains("retry 1 of", waits[0].Status);
        Assert.Equal(0, waits[0].SecondsRemaining);
    }

    [Fact]
    public async Task Giving_up_is_a_short_429_error_without_the_response_body()
    {
        var transport = Throttled(int.MaxValue);
        var ex = await Assert.ThrowsAsync<ServiceErrorException>(() => new AlertService(FakeGraph.Client(transport)).GetAsync("a", CancellationToken.None));
        Assert.Equal(429, (int)ex.StatusCode);
        Assert.Equal(RetryPolicy.Default.MaxThrottledRetries + 1, transport.Requests.Count);
        Assert.DoesNotContain("{", ex.Message);
    }

    private sealed class ProgressRecordingLog : IEngineLog, IProgressLog
    {
        public System.Collections.Generic.List<ProgressUpdate> Updates { get; } = new System.Collections.Generic.List<ProgressUpdate>();
        public void Verbose(string message) { }
        public void Warning(string message) { }
        public void Debug(string message) { }
        public void Progress(ProgressUpdate update) { lock (Updates) Updates.Add(update); }
    }
}
