using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>One validated input waiting in a batch.</summary>
public sealed class TiUploadItem
{
    public TiUploadItem(long line, TiIndicatorDraft draft, object input) { Line = line; Draft = draft; Input = input; }
    public long Line { get; }
    public TiIndicatorDraft Draft { get; }
    public object Input { get; }
}

/// <summary>
/// Submits one batch so that nothing is lost or created twice:
/// <list type="number">
/// <item>inputs repeating an earlier one of the batch (same externalId and target product) are Skipped;</item>
/// <item>inputs whose externalId already exists for their target product are Skipped (a re-run creates nothing);</item>
/// <item>the rest go in one bulk request; per-item failures map back to their inputs;</item>
/// <item>429 waits Retry-After and sends again; after an ambiguous failure (5xx, timeout, dropped answer)
/// the batch's externalIds are looked up first and only the missing items are sent again;</item>
/// <item>when nothing answers, the batch's items fail as not sent, and so do those of every later
/// batch of the run (<see cref="UnreachableServiceGuard"/>), without another request.</item>
/// </list>
/// Every input gets exactly one result. One uploader serves a whole run; batches may be submitted concurrently.
/// </summary>
public sealed class TiIndicatorUploader
{
    private readonly ITiIndicatorSubmitter _backend;
    private readonly RetryPolicy _retry;
    private readonly UnreachableServiceGuard _unreachable;

    public TiIndicatorUploader(ITiIndicatorSubmitter backend, RetryPolicy retry, UnreachableServiceGuard? unreachable = null)
    {
        _backend = backend;
        _retry = retry;
        _unreachable = unreachable ?? new UnreachableServiceGuard();
    }

    public async Task<IReadOnlyList<TiIndicatorResult>> SubmitAsync(IReadOnlyList<TiUploadItem> batch, CancellationToken cancellationToken)
    {
        if (batch.Count > _backend.MaxBatchSize) throw new ArgumentException($"A batch holds at most {_backend.MaxBatchSize} indicators.");
        var results = batch.Select(NewResult).ToArray();
        var firstByKey = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var pending = new List<int>();
        var repeats = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (firstByKey.ContainsKey(Key(batch[i]))) repeats.Add(i);
            else { firstByKey[Key(batch[i])] = i; pending.Add(i); }
        }

        var attempts = 1;
        if (_unreachable.Failure is Exception unreachable)
        {
            foreach (var i in pending) Resolve(results[i], TiIndicatorResultStatus.Failed, null, NotSent(unreachable));
            pending.Clear();
        }
        try
        {
            foreach (var existing in await FindAsync(batch, pending, cancellationToken).ConfigureAwait(false))
            {
                Resolve(results[existing.Key], TiIndicatorResultStatus.Skipped, existing.Value.Id, null);
                pending.Remove(existing.Key);
            }
            attempts = await SendAsync(batch, pending, results, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RetryPolicy.Classify(ex, cancellationToken) != FailureKind.Fatal)
        {
            // The first existence check kept failing: nothing of this batch was sent.
            var why = _unreachable.Observe(ex, cancellationToken) ? NotSent(ex) : "Not sent: could not check for existing indicators: " + ex.Message;
            foreach (var i in pending) Resolve(results[i], TiIndicatorResultStatus.Failed, null, why);
        }

        foreach (var i in repeats)
        {
            var first = results[firstByKey[Key(batch[i])]];
            if (first.Status == TiIndicatorResultStatus.Failed) Resolve(results[i], TiIndicatorResultStatus.Failed, null, first.Error);
            else Resolve(results[i], TiIndicatorResultStatus.Skipped, first.Id, null);
            if (results[i].Status == TiIndicatorResultStatus.Skipped) results[i].Error = null;
        }
        foreach (var result in results) result.Retries = Math.Max(0, attempts - 1);
        return results;
    }

    private async Task<int> SendAsync(IReadOnlyList<TiUploadItem> batch, List<int> pending, TiIndicatorResult[] results, CancellationToken cancellationToken)
    {
        var attempt = 0;
        var budget = _retry.NewBudget();
        var mayExist = false;
        Exception? lastFailure = null;
        while (pending.Count > 0)
        {
            attempt++;
            if (mayExist)
            {
                // The previous attempt may have been applied: what exists now was created by it.
                Dictionary<int, TiIndicator> createdByThen;
                try { createdByThen = await FindAsync(batch, pending, cancellationToken).ConfigureAwait(false); }
                catch (Exception ex) when (RetryPolicy.Classify(ex, cancellationToken) != FailureKind.Fatal)
                {
                    _unreachable.Observe(ex, cancellationToken);
                    foreach (var i in pending)
                        Resolve(results[i], TiIndicatorResultStatus.Failed, null, $"May or may not have been created ({lastFailure?.Message}); the check failed: {ex.Message}");
                    break;
                }
                foreach (var created in createdByThen)
                {
                    Resolve(results[created.Key], TiIndicatorResultStatus.Created, created.Value.Id, null);
                    pending.Remove(created.Key);
                }
                mayExist = false;
                if (pending.Count == 0) break;
            }
            try
            {
                var outcomes = await _backend.SubmitAsync(pending.Select(i => (IDictionary<string, object>)batch[i].Draft.Body).ToList(), cancellationToken).ConfigureAwait(false);
                var again = new List<int>();
                for (var k = 0; k < pending.Count; k++)
                {
                    var outcome = outcomes[k];
                    if (outcome.Succeeded) Resolve(results[pending[k]], TiIndicatorResultStatus.Created, outcome.Indicator?.Id, null);
                    else if (outcome.IsTransient) { again.Add(pending[k]); mayExist = true; lastFailure = new InvalidOperationException(outcome.Message); }
                    else Resolve(results[pending[k]], TiIndicatorResultStatus.Failed, null, outcome.Message);
                }
                pending = again;
                // Items are left only when one was transient, which set lastFailure.
                if (pending.Count == 0 || lastFailure == null) break;
                if (!budget.TryTake(FailureKind.Ambiguous)) { GiveUp(pending, results, attempt, lastFailure); break; }
                await _retry.WaitAsync(attempt, lastFailure, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                var kind = RetryPolicy.Classify(ex, cancellationToken);
                if (kind == FailureKind.Fatal) throw;
                if (kind == FailureKind.Permanent)
                {
                    foreach (var i in pending) Resolve(results[i], TiIndicatorResultStatus.Failed, null, ex.Message);
                    break;
                }
                lastFailure = ex;
                mayExist |= kind == FailureKind.Ambiguous;
                if (!budget.TryTake(kind))
                {
                    // Nothing answered: this batch and the rest of the run are reported as not sent.
                    if (_unreachable.Observe(ex, cancellationToken)) { foreach (var i in pending) Resolve(results[i], TiIndicatorResultStatus.Failed, null, NotSent(ex)); }
                    else GiveUp(pending, results, attempt, ex);
                    break;
                }
                await _retry.WaitAsync(attempt, ex, cancellationToken).ConfigureAwait(false);
            }
        }
        return attempt;
    }

    private static void GiveUp(List<int> pending, TiIndicatorResult[] results, int attempts, Exception lastFailure)
    {
        foreach (var i in pending)
            Resolve(results[i], TiIndicatorResultStatus.Failed, null, $"Gave up after {attempts} attempts: {lastFailure.Message}");
    }

    private static string NotSent(Exception unreachable) => "Not sent: " + unreachable.Message;

    /// <summary>Which of the pending items already exist (by externalId and target product), with the existing indicator.</summary>
    private async Task<Dictionary<int, TiIndicator>> FindAsync(IReadOnlyList<TiUploadItem> batch, List<int> pending, CancellationToken cancellationToken)
    {
        var found = new Dictionary<int, TiIndicator>();
        if (pending.Count == 0) return found;
        var externalIds = pending.Select(i => batch[i].Draft.LookupKey).ToList();
        // A read: the HTTP layer retries it.
        var existing = await _backend.FindByExternalIdsAsync(externalIds, cancellationToken).ConfigureAwait(false);
        var byKey = new Dictionary<string, TiIndicator>(StringComparer.OrdinalIgnoreCase);
        foreach (var indicator in existing) byKey[indicator.ExternalId + "|" + indicator.TargetProduct] = indicator;
        foreach (var i in pending)
            if (byKey.TryGetValue(Key(batch[i]), out var indicator)) found[i] = indicator;
        return found;
    }

    private static string Key(TiUploadItem item) => item.Draft.LookupKey + "|" + item.Draft.TargetProduct;

    private static TiIndicatorResult NewResult(TiUploadItem item) => new TiIndicatorResult
    {
        Line = item.Line,
        Status = TiIndicatorResultStatus.Failed,
        ExternalId = item.Draft.ExternalId,
        TargetProduct = item.Draft.TargetProduct,
        IndicatorType = item.Draft.IndicatorType,
        Indicator = item.Draft.Indicator,
        InputObject = item.Input,
    };

    private static void Resolve(TiIndicatorResult result, TiIndicatorResultStatus status, string? id, string? error)
    {
        result.Status = status;
        result.Id = id;
        result.Error = error;
    }
}
