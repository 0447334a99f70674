using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Runs a cmdlet's async work on the thread pool while the pipeline thread executes everything the
/// work posts back (objects, verbose lines, warnings). PowerShell's Write* methods may only be
/// called on the pipeline thread, and blocking on .Result there would stall the messages.
/// </summary>
internal sealed class PipelinePump : IEngineLog, IProgressLog
{
    private readonly GsCmdlet _cmdlet;
    private readonly int _pipelineThreadId = Thread.CurrentThread.ManagedThreadId;
    private readonly BlockingCollection<Action> _queue = new BlockingCollection<Action>();

    public PipelinePump(GsCmdlet cmdlet) { _cmdlet = cmdlet; }

    /// <summary>Runs the action on the pipeline thread: now if we are on it, else as soon as the pump gets to it.</summary>
    public void Post(Action action)
    {
        if (Thread.CurrentThread.ManagedThreadId == _pipelineThreadId) { action(); return; }
        try { _queue.Add(action); }
        catch (InvalidOperationException) { /* the pump has finished: the cmdlet is being stopped */ }
    }

    public T Run<T>(Func<CancellationToken, Task<T>> work, CancellationTokenSource cancellation)
    {
        var task = Task.Run(() =>
        {
            EngineLogScope.Set(this);
            return work(cancellation.Token);
        });
        task.ContinueWith(_ => _queue.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (var action in _queue.GetConsumingEnumerable())
                action();
        }
        catch
        {
            // A write failed (typically the downstream command stopped the pipeline): stop the work too.
            cancellation.Cancel();
            task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            throw;
        }
        return task.GetAwaiter().GetResult();
    }

    public void Verbose(string message) => Post(() => _cmdlet.WriteVerbose(message));
    public void Warning(string message) => Post(() => _cmdlet.WriteWarning(message));
    public void Debug(string message) => Post(() => _cmdlet.WriteDebug(message));

    public void Progress(ProgressUpdate update) => Post(() => _cmdlet.WriteProgress(update.ToRecord()));
}
