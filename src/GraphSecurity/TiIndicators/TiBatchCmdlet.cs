using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// Base of the cmdlets that change indicators in bulk (Set-, Remove-GsTiIndicator): inputs are
/// buffered and sent in requests of at most <see cref="BatchSize"/> items as batches fill, throttling
/// and transient failures are retried, and each item's outcome is handed back with its input.
/// </summary>
public abstract class TiBatchCmdlet<TItem> : GsConnectedCmdlet
{
    private readonly List<TItem> _buffer = new List<TItem>();
    private GraphConnection _connection;
    private ITiIndicatorBackend _backend;
    private readonly RetryPolicy _retry = new RetryPolicy();
    /// <summary>Once the service is found unreachable, the remaining batches are reported without being sent.</summary>
    private readonly UnreachableServiceGuard _unreachable = new UnreachableServiceGuard();

    /// <summary>Items per bulk request (1–100).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int BatchSize { get; set; } = 100;

    protected GraphConnection Target => _connection ?? (_connection = GraphConnection);

    /// <summary>Queues an item; a full buffer is sent at once.</summary>
    protected void Enqueue(TItem item)
    {
        _buffer.Add(item);
        if (_buffer.Count >= BatchSize) Flush();
    }

    protected override void EndProcessing() => Flush();

    /// <summary>Sends one batch; the answer has one outcome per item, in order.</summary>
    protected abstract Task<IReadOnlyList<TiItemOutcome>> SendAsync(ITiIndicatorBackend backend, IReadOnlyList<TItem> batch, CancellationToken cancellationToken);

    /// <param name="retried">True when the batch was sent more than once (an earlier attempt may have been applied).</param>
    protected abstract void OnOutcome(TItem item, TiItemOutcome outcome, bool retried);

    private void Flush()
    {
        if (_buffer.Count == 0) return;
        var batch = _buffer.ToList();
        _buffer.Clear();
        _backend = _backend ?? TiIndicatorBackends.Graph(Target);
        var attempts = 0;
        IReadOnlyList<TiItemOutcome> outcomes;
        try
        {
            if (_unreachable.Failure != null) throw _unreachable.Failure;
            outcomes = Run(token => _retry.RunAsync(t => { Interlocked.Increment(ref attempts); return SendAsync(_backend, batch, t); }, token));
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex)
        {
            _unreachable.Observe(ex, CancellationToken);
            foreach (var item in batch) WriteErrorFor(ex, item, Target);
            return;
        }
        for (var i = 0; i < batch.Count; i++) OnOutcome(batch[i], outcomes[i], attempts > 1);
    }

    /// <summary>A non-terminating error for one item the service refused.</summary>
    protected void WriteItemError(object target, TiItemOutcome outcome, string what)
    {
        var category = outcome.Code == 404 ? ErrorCategory.ObjectNotFound : outcome.Code == 400 ? ErrorCategory.InvalidArgument : ErrorCategory.InvalidResult;
        WriteError(ErrorRecords.Create(new InvalidOperationException(outcome.Message), outcome.Code == 404 ? ErrorIds.TiIndicatorNotFound : ErrorIds.TiIndicatorChangeFailed,
            category, target, $"{what} failed ({outcome.Code}): {outcome.Message}", outcome.Code == 404 ? "Check the id; an app only sees the indicators it created." : null));
    }
}
