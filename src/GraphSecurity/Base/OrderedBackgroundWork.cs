using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Async work started from the pipeline thread that runs concurrently with it (and with each other),
/// so a cmdlet can keep reading its input while earlier batches are on the wire. Results come back
/// on the pipeline thread, in the order the work was started; the work's verbose lines, warnings
/// and progress are written there too, whenever the cmdlet collects.
/// </summary>
internal sealed class OrderedBackgroundWork<T> : IEngineLog, IProgressLog
{
    private readonly GsCmdlet _cmdlet;
    private readonly CancellationTokenSource _cancellation;
    private readonly Queue<Task<T>> _running = new Queue<Task<T>>();
    // Log lines of the work, and a no-op for each finished task that wakes a waiting collector.
    private readonly BlockingCollection<Action> _posted = new BlockingCollection<Action>();

    public OrderedBackgroundWork(GsCmdlet cmdlet, CancellationToken cancellation)
    {
        _cmdlet = cmdlet;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
    }

    public void Start(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() =>
        {
            EngineLogScope.Set(this);
            return work(_cancellation.Token);
        });
        task.ContinueWith(_ => _posted.Add(() => { }), TaskScheduler.Default);
        _running.Enqueue(task);
    }

    /// <summary>
    /// Writes what the work posted and returns the results of the oldest finished work, in start
    /// order; waits while more than <paramref name="stillRunning"/> are pending (0: wait for all).
    /// A work's exception is thrown here, when its turn comes (a call that has results returns them
    /// first, and the next call throws). Ctrl+C stops the pipeline.
    /// </summary>
    public IReadOnlyList<T> Collect(int stillRunning)
    {
        List<T> results = null; // most calls (one per input row) find nothing finished: no list then
        while (true)
        {
            while (_posted.TryTake(out var posted)) posted();
            while (_running.Count > 0 && _running.Peek().IsCompleted)
            {
                // A failed work throws at its turn, but only after the results finished before it are returned.
                if (_running.Peek().Status != TaskStatus.RanToCompletion && results != null) return results;
                (results ?? (results = new List<T>())).Add(_running.Dequeue().GetAwaiter().GetResult());
            }
            if (_running.Count <= stillRunning) return (IReadOnlyList<T>)results ?? Array.Empty<T>();
            try { _posted.Take(_cancellation.Token)(); }
            catch (OperationCanceledException) { throw new System.Management.Automation.PipelineStoppedException(); }
        }
    }

    /// <summary>Cancels the work still running (the cmdlet is ending with an error).</summary>
    public void Abandon() => _cancellation.Cancel();

    private void Post(Action action)
    {
        try { _posted.Add(action); }
        catch (InvalidOperationException) { /* the cmdlet is being disposed */ }
    }

    public void Verbose(string message) => Post(() => _cmdlet.WriteVerbose(message));
    public void Warning(string message) => Post(() => _cmdlet.WriteWarning(message));
    public void Debug(string message) => Post(() => _cmdlet.WriteDebug(message));
    public void Progress(ProgressUpdate update) => Post(() => _cmdlet.WriteProgress(update.ToRecord()));
}
