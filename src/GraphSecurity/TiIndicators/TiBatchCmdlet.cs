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
/// Base of the cmdlets that change indicators in bulk (Set-, Remove-GsTiIndicator) on any target:
/// inputs are buffered and sent in requests of at most <see cref="BatchSize"/> items (and the target
/// API's maximum) as batches fill, throttling and transient failures are retried, and each item's
/// outcome is handed back with its input. Piped indicators bring their -Target and -WorkspaceId.
/// </summary>
public abstract class TiBatchCmdlet<TItem> : GsConnectedCmdlet
{
    private readonly List<TItem> _buffer = new List<TItem>();
    private GraphConnection _connection;
    private ITiIndicatorBackend _backend;
    private ITiTargetStore _store;
    private TiTarget _bufferTarget;
    private string _bufferWorkspace;
    private readonly RetryPolicy _retry = new RetryPolicy();
    /// <summary>Once the service is found unreachable, the remaining batches are reported without being sent.</summary>
    private readonly UnreachableServiceGuard _unreachable = new UnreachableServiceGuard();

    /// <summary>Items per bulk request (1–500; default the target API's maximum: Defender 500, Sentinel 100, Graph 100).</summary>
    [Parameter]
    [ValidateRange(1, 500)]
    public int BatchSize { get; set; }

    /// <summary>The API that holds the indicators: DefenderForEndpoint (default), Sentinel or Graph (the retired tiIndicators). Piped indicators bring theirs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public TiTarget Target { get; set; } = TiTarget.DefenderForEndpoint;

    /// <summary>Sentinel: the workspace id (GUID) or resource id; piped indicators bring theirs; default the connection's.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    [ValidateWorkspace]
    public string WorkspaceId { get; set; }

    protected GraphConnection Connected => _connection ?? (_connection = GraphConnection);

    private int BatchLimit
    {
        get
        {
            var maximum = _bufferTarget == TiTarget.DefenderForEndpoint ? DefenderTiStore.ImportBatch : 100;
            return BatchSize > 0 ? Math.Min(BatchSize, maximum) : maximum;
        }
    }

    /// <summary>Queues an item of the current -Target; a full buffer, or one of another target, is sent at once.</summary>
    protected void Enqueue(TItem item)
    {
        if (_buffer.Count > 0 && (_bufferTarget != Target || !string.Equals(_bufferWorkspace, WorkspaceId, StringComparison.OrdinalIgnoreCase))) Flush();
        if (_buffer.Count == 0 && (_bufferTarget != Target || !string.Equals(_bufferWorkspace, WorkspaceId, StringComparison.OrdinalIgnoreCase)))
        {
            _store = null;
            if (Target == TiTarget.Graph && !_warned) { _warned = true; WriteWarning(TiTargetStores.GraphRetirement); }
        }
        _bufferTarget = Target;
        _bufferWorkspace = WorkspaceId;
        _buffer.Add(item);
        if (_buffer.Count >= BatchLimit) Flush();
    }

    private bool _warned;

    /// <summary>Sends one batch to a successor API; one outcome per item, in order.</summary>
    protected abstract Task<IReadOnlyList<TiItemOutcome>> SendToStoreAsync(ITiTargetStore store, IReadOnlyList<TItem> batch, CancellationToken cancellationToken);

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
        var attempts = 0;
        IReadOnlyList<TiItemOutcome> outcomes;
        try
        {
            if (_unreachable.Failure != null) throw _unreachable.Failure;
            if (_bufferTarget == TiTarget.Graph)
            {
                _backend = _backend ?? TiIndicatorBackends.Graph(Connected);
                outcomes = Run(token => _retry.RunAsync(t => { Interlocked.Increment(ref attempts); return SendAsync(_backend, batch, t); }, token));
            }
            else
            {
                // The store paces and retries its own calls.
                _store = _store ?? TiTargetStores.For(Connected, _bufferTarget, _bufferWorkspace, DefenderIndicatorMapping.DefaultApplication);
                outcomes = Run(token => SendToStoreAsync(_store, batch, token));
            }
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex)
        {
            _unreachable.Observe(ex, CancellationToken);
            foreach (var item in batch) WriteErrorFor(ex, item, Connected);
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
