using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.TiIndicators;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class TiIndicatorUploaderTests
{
    /// <summary>An in-memory backend whose submit can be scripted to fail, before or after applying the batch.</summary>
    private sealed class FakeBackend : ITiIndicatorBackend
    {
        public readonly List<TiIndicator> Stored = new List<TiIndicator>();
        public readonly Queue<Func<Exception>> FailBeforeApplying = new Queue<Func<Exception>>();
        public readonly Queue<Func<Exception>> FailAfterApplying = new Queue<Func<Exception>>();
        public Func<IDictionary<string, object>, TiItemOutcome> PerItem = _ => null;
        public int Submits, Lookups;

        public int MaxBatchSize => 100;

        public Task<IReadOnlyList<TiItemOutcome>> SubmitAsync(IReadOnlyList<IDictionary<string, object>> indicators, CancellationToken cancellationToken)
        {
            Submits++;
            if (FailBeforeApplying.Count > 0) throw FailBeforeApplying.Dequeue()();
            var outcomes = indicators.Select(body => PerItem(body) ?? Store(body)).ToList();
            if (FailAfterApplying.Count > 0) throw FailAfterApplying.Dequeue()();
            return Task.FromResult<IReadOnlyList<TiItemOutcome>>(outcomes);
        }

        private TiItemOutcome Store(IDictionary<string, object> body)
        {
            var indicator = new TiIndicator { Id = Guid.NewGuid().ToString(), ExternalId = (string)body["externalId"], TargetProduct = (string)body["targetProduct"] };
            Stored.Add(indicator);
            return TiItemOutcome.Success(indicator);
        }

        public Task<IReadOnlyList<TiIndicator>> FindByExternalIdsAsync(IReadOnlyCollection<string> externalIds, CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult<IReadOnlyList<TiIndicator>>(Stored.Where(s => externalIds.Contains(s.ExternalId)).ToList());
        }

        public Task<IReadOnlyList<TiItemOutcome>> UpdateAsync(IReadOnlyList<TiIndicatorChange> changes, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<TiItemOutcome>> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<TiItemOutcome>> DeleteByExternalIdAsync(IReadOnlyList<string> externalIds, CancellationToken cancellationToken) => throw new NotSupportedException();
        public PageReader<TiIndicator> List(CollectionQuery query) => throw new NotSupportedException();
        public Task<TiIndicator> GetAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static ServiceErrorException Status(int status, double? retryAfterSeconds = null) =>
        new ServiceErrorException((HttpStatusCode)status, "x", "fault", null, null, null,
            retryAfterSeconds.HasValue ? TimeSpan.FromSeconds(retryAfterSeconds.Value) : (TimeSpan?)null, "POST", new Uri("https://graph.example/"));

    private readonly List<TimeSpan> _waits = new List<TimeSpan>();

    private TiIndicatorUploader Uploader(FakeBackend backend) =>
        new TiIndicatorUploader(backend, new RetryPolicy(seed: 7) { Delay = (wait, _) => { _waits.Add(wait); return Task.CompletedTask; } });

    private static List<TiUploadItem> Batch(int count, int firstLine = 1) =>
        Enumerable.Range(firstLine, count).Select(line =>
        {
            var input = new Dictionary<string, object> { ["domainName"] = $"host{line}.bad.example" };
            var draft = TiIndicatorValidator.Validate(input, new TiIndicatorDefaults { AzureTenantId = "t" }, DateTimeOffset.Now, out _);
            return new TiUploadItem(line, draft, input);
        }).ToList();

    [Fact]
    public async Task A_batch_is_one_request_and_each_input_gets_its_result()
    {
        var backend = new FakeBackend();
        var results = await Uploader(backend).SubmitAsync(Batch(100), CancellationToken.None);
        Assert.Equal(1, backend.Submits);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), results.Select(r => r.Line));
        Assert.All(results, r => Assert.Equal(TiIndicatorResultStatus.Created, r.Status));
        Assert.Equal(backend.Stored.Select(s => s.Id), results.Select(r => r.Id));
    }

    [Fact]
    public async Task A_second_run_skips_what_exists_and_sends_nothing()
    {
        var backend = new FakeBackend();
        await Uploader(backend).SubmitAsync(Batch(50), CancellationToken.None);
        var again = await Uploader(backend).SubmitAsync(Batch(50), CancellationToken.None);
        Assert.Equal(1, backend.Submits);
        Assert.All(again, r => Assert.Equal(TiIndicatorResultStatus.Skipped, r.Status));
        Assert.Equal(50, backend.Stored.Count);
    }

    [Fact]
    public async Task Repeats_within_a_batch_are_sent_once()
    {
        var backend = new FakeBackend();
        var batch = Batch(3).Concat(Batch(2)).ToList();
        var results = await Uploader(backend).SubmitAsync(batch, CancellationToken.None);
        Assert.Equal(3, backend.Stored.Count);
        Assert.Equal(new[] { "Created", "Created", "Created", "Skipped", "Skipped" }, results.Select(r => r.Status.ToString()));
        Assert.Equal(results[0].Id, results[3].Id);
    }

    [Fact]
    public async Task Per_item_failures_map_back_to_their_inputs()
    {
        var backend = new FakeBackend { PerItem = body => ((string)body["domainName"]).StartsWith("host2.") ? TiItemOutcome.Failure(400, "value[1]: bad") : null };
        var results = await Uploader(backend).SubmitAsync(Batch(3), CancellationToken.None);
        Assert.Equal(TiIndicatorResultStatus.Failed, results[1].Status);
        Assert.Equal("value[1]: bad", results[1].Error);
        Assert.Equal(2, results.Count(r => r.Status == TiIndicatorResultStatus.Created));
        Assert.Equal(1, backend.Submits);
    }

    [Fact]
    public async Task Throttling_waits_retry_after_and_sends_again()
    {
        var backend = new FakeBackend();
        backend.FailBeforeApplying.Enqueue(() => Status(429, 7));
        var results = await Uploader(backend).SubmitAsync(Batch(10), CancellationToken.None);
        Assert.All(results, r => Assert.Equal(TiIndicatorResultStatus.Created, r.Status));
        Assert.Equal(2, backend.Submits);
        Assert.InRange(_waits.Single().TotalSeconds, 7, 7.1);
        Assert.All(results, r => Assert.Equal(1, r.Retries));
    }

    [Fact]
    public async Task After_a_failure_that_may_have_been_applied_only_missing_items_are_sent_again()
    {
        var backend = new FakeBackend();
        backend.FailAfterApplying.Enqueue(() => new IOException("connection reset while reading the answer"));
        var results = await Uploader(backend).SubmitAsync(Batch(20), CancellationToken.None);
        Assert.Equal(20, backend.Stored.Count);                  // nothing created twice
        Assert.Equal(1, backend.Submits);                       // the check found all 20
        Assert.All(results, r => Assert.Equal(TiIndicatorResultStatus.Created, r.Status));
        Assert.Equal(backend.Stored.Select(s => s.Id).OrderBy(i => i), results.Select(r => r.Id).OrderBy(i => i));
    }

    [Fact]
    public async Task A_5xx_before_anything_was_applied_is_checked_then_sent_again()
    {
        var backend = new FakeBackend();
        backend.FailBeforeApplying.Enqueue(() => Status(500));
        backend.FailBeforeApplying.Enqueue(() => Status(503, 0));
        var results = await Uploader(backend).SubmitAsync(Batch(5), CancellationToken.None);
        Assert.Equal(3, backend.Submits);
        Assert.Equal(5, backend.Stored.Count);
        Assert.Equal(3, backend.Lookups);                       // the first check, then one after each ambiguous failure
        Assert.All(results, r => Assert.Equal(TiIndicatorResultStatus.Created, r.Status));
    }

    [Fact]
    public async Task Persistent_failures_give_up_with_an_error_per_item_instead_of_aborting()
    {
        var backend = new FakeBackend();
        for (var i = 0; i < 20; i++) backend.FailBeforeApplying.Enqueue(() => Status(500));
        var results = await Uploader(backend).SubmitAsync(Batch(4), CancellationToken.None);
        Assert.All(results, r => Assert.Equal(TiIndicatorResultStatus.Failed, r.Status));
        Assert.All(results, r => Assert.Contains($"Gave up after {RetryPolicy.Default.MaxTransientRetries + 1} attempts", r.Error));
        Assert.Empty(backend.Stored);
    }

    [Fact]
    public async Task A_permission_error_stops_the_run()
    {
        var backend = new FakeBackend();
        backend.FailBeforeApplying.Enqueue(() => Status(403));
        await Assert.ThrowsAsync<ServiceErrorException>(() => Uploader(backend).SubmitAsync(Batch(2), CancellationToken.None));
    }

    [Fact]
    public void Backoff_grows_with_jitter_and_honours_retry_after()
    {
        var retry = new RetryPolicy(seed: 3);
        var delays = Enumerable.Range(1, 6).Select(a => retry.NextDelay(a, new IOException())).ToList();
        for (var a = 1; a <= 6; a++) Assert.InRange(delays[a - 1].TotalMilliseconds, 0, 500 * Math.Pow(2, a - 1));
        Assert.True(delays.Distinct().Count() > 1);
        Assert.InRange(retry.NextDelay(1, Status(429, 12)).TotalSeconds, 12, 12.1);
        Assert.InRange(retry.NextDelay(30, new IOException()).TotalSeconds, 0, 30);
    }
}
