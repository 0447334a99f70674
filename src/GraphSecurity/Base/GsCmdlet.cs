using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Base of every cmdlet: a cancellation token that Ctrl+C cancels, a pump for async work, and
/// error records built the same way everywhere.
/// </summary>
public abstract class GsCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
    private PipelinePump _pump;

    protected CancellationToken CancellationToken => _cancellation.Token;

    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>The log the engine writes to while <see cref="Run{T}"/> executes.</summary>
    internal IEngineLog Log => (IEngineLog)_pump ?? NullEngineLog.Instance;

    /// <summary>
    /// Runs async work and returns its result, executing whatever it posts on this (the pipeline)
    /// thread meanwhile. Ctrl+C cancels the work and stops the pipeline quietly.
    /// </summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        var outer = _pump;
        _pump = new PipelinePump(this);
        try
        {
            return _pump.Run(work, _cancellation);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            _pump = outer;
        }
    }

    protected void Run(Func<CancellationToken, Task> work) =>
        Run<bool>(async token => { await work(token).ConfigureAwait(false); return true; });

    /// <summary>Queues an action for the pipeline thread (from inside <see cref="Run{T}"/>).</summary>
    protected void Post(Action action)
    {
        if (_pump == null) action(); else _pump.Post(action);
    }

    /// <summary>
    /// A page consumer for <see cref="PageReader{T}"/>: the page's items are written on the pipeline
    /// thread, and the returned task completes when the first of them has been written, so the next
    /// page is requested only then (and is fetched while the rest of this page is written).
    /// GRAPHSECURITY_PAGE_PREFETCH=off requests it only after the whole page was written (the
    /// baseline of the latency benchmark, docs/performance.md).
    /// </summary>
    protected Func<IReadOnlyList<T>, long?, Task> StreamPages<T>(Action<T> write, Action<long> onTotalCount = null)
    {
        var prefetch = !string.Equals(Environment.GetEnvironmentVariable("GRAPHSECURITY_PAGE_PREFETCH"), "off", StringComparison.OrdinalIgnoreCase);
        return (items, totalCount) =>
        {
            var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var registration = CancellationToken.Register(() => started.TrySetCanceled());
            Post(() =>
            {
                try
                {
                    if (totalCount.HasValue && onTotalCount != null) { onTotalCount(totalCount.Value); onTotalCount = null; }
                    foreach (var item in items)
                    {
                        write(item);
                        if (prefetch) started.TrySetResult(true);
                    }
                }
                finally
                {
                    started.TrySetResult(true);
                    registration.Dispose();
                }
            });
            return started.Task;
        };
    }

    /// <summary>The error record for a failure; connected cmdlets add what they know (e.g. their permissions).</summary>
    protected virtual ErrorRecord CreateErrorRecord(Exception exception, object target, GraphSecurity.Engine.Connections.GraphConnection connection) =>
        ErrorRecords.From(exception, target);

    protected void WriteErrorFor(Exception exception, object target, GraphSecurity.Engine.Connections.GraphConnection connection = null) =>
        WriteError(CreateErrorRecord(exception, target, connection));

    protected void ThrowTerminatingFor(Exception exception, object target) => ThrowTerminatingError(CreateErrorRecord(exception, target, null));

    /// <summary>
    /// Does the work for one input. A failure becomes a non-terminating error record carrying that
    /// input, and the command goes on with the next one; Ctrl+C still stops the pipeline.
    /// </summary>
    protected bool ForInput(object input, GraphSecurity.Engine.Connections.GraphConnection connection, Action work)
    {
        try
        {
            work();
            return true;
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex)
        {
            WriteErrorFor(ex, input, connection);
            return false;
        }
    }

    /// <summary>Stops the command over bad input, before anything is sent.</summary>
    protected void ThrowArgumentError(string errorId, string message, object target, string action = null) =>
        ThrowTerminatingError(ErrorRecords.Argument(errorId, message, target, action));

    /// <summary>
    /// True when the id can be sent; else writes a non-terminating InvalidArgument error for it
    /// (nothing is sent for it, the other inputs go on).
    /// </summary>
    protected bool IsValidId(string id, string parameterName = "Id")
    {
        var problem = GraphSecurity.Engine.Http.ItemIds.Problem(id);
        if (problem == null) return true;
        WriteError(ErrorRecords.Argument(ErrorIds.InvalidId,
            $"-{parameterName} '{GraphSecurity.Engine.Http.ItemIds.Printable(id)}' is not a valid id: {problem}. Nothing was sent for it.", id,
            "Give the id as Get- cmdlets show it (its Id property)."));
        return false;
    }
}
