using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Watching;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Base of the Watch- cmdlets: polls a collection with a <see cref="ChangeWatcher{T}"/> every
/// -Interval seconds (or once with -Once), writes each change once, and checkpoints to -StatePath
/// only after the change was written. A failed poll is a warning and the next poll tries again;
/// with -Once it is an error.
/// </summary>
public abstract class GsWatchCmdlet<T, TChange> : GsConnectedCmdlet where TChange : EntityChange, new()
{
    /// <summary>A file that keeps the watcher's place between runs; without it the place is kept in memory only.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string StatePath { get; set; }

    /// <summary>Where the first poll starts when there is no state yet (default: now minus the overlap).</summary>
    [Parameter]
    [ValidateMoment]
    public DateTime Since { get; set; }

    /// <summary>When there is no state yet, start at this moment: only changes made from now on are written.</summary>
    [Parameter]
    public SwitchParameter FromNow { get; set; }

    /// <summary>Seconds between polls.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int Interval { get; set; } = 60;

    /// <summary>How many minutes before the cursor each poll reads again, to catch late writes.</summary>
    [Parameter]
    [ValidateRange(0, 1440)]
    public int OverlapMinutes { get; set; } = 5;

    /// <summary>Poll once and stop (for scheduled runbooks).</summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    /// <summary>A raw OData filter, and-ed with the typed filters.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Filter { get; set; }

    /// <summary>Page size of each request.</summary>
    [Parameter]
    [ValidateRange(1, 2000)]
    public int Top { get; set; }

    /// <summary>The collection this cmdlet watches (its path, also recorded in the state file).</summary>
    protected abstract EntityService<T> CreateService(GraphConnection connection);

    /// <summary>The query with the cmdlet's typed filters; the watcher adds the cursor and the order.</summary>
    protected abstract CollectionQuery CreateQuery();

    protected abstract string IdOf(T item);
    protected abstract DateTimeOffset LastUpdateOf(T item);
    protected abstract void SetItem(TChange change, T item);

    /// <summary>The largest page the watched collection allows.</summary>
    protected virtual int MaxPageSize => 2000;

    private ChangeWatcher<T> _watcher;

    protected override void BeginProcessing()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Top)) && Top > MaxPageSize)
            ThrowArgumentError(ErrorIds.PageTooLarge, $"-Top {Top} is more than the {MaxPageSize} items a page of this collection may hold.", Top);
        if (FromNow && MyInvocation.BoundParameters.ContainsKey(nameof(Since)))
            ThrowArgumentError(ErrorIds.SinceAndFromNow, "Give -Since or -FromNow, not both: they say where a watcher without state starts.", Since);
    }

    protected override void ProcessRecord()
    {
        var connection = GraphConnection;
        var service = CreateService(connection);
        var path = StatePath == null ? null : GetUnresolvedProviderPathFromPSPath(StatePath);
        WatchStateLock stateLock = null;
        try
        {
            if (path != null) stateLock = WatchStateLock.Acquire(path);
            _watcher = new ChangeWatcher<T>(service, BuildQuery, IdOf, LastUpdateOf, LoadState(path, service.Path))
            {
                Overlap = TimeSpan.FromMinutes(OverlapMinutes),
                StatePath = path,
            };
            // Saved once before anything is written: a state that cannot be saved would make the next run write everything again.
            _watcher.Checkpoint();
        }
        catch (WatchStateException ex)
        {
            stateLock?.Dispose();
            ThrowTerminatingError(StateError(ex));
        }
        catch
        {
            stateLock?.Dispose();
            throw;
        }
        try
        {
            while (true)
            {
                Poll(connection);
                if (Once) break;
                WriteVerbose($"Next poll in {Interval} s.");
                Run(token => Task.Delay(TimeSpan.FromSeconds(Interval), token));
            }
        }
        finally
        {
            // Whatever was written before a stop (Ctrl+C, Select-Object -First) is kept.
            try { _watcher.Checkpoint(); } catch (IOException) { }
            stateLock?.Dispose();
        }
    }

    private ErrorRecord StateError(WatchStateException ex) =>
        ErrorRecords.Create(ex, ex.InUse ? ErrorIds.WatchStateInUse : ErrorIds.WatchStateUnusable, ex.InUse ? ErrorCategory.ResourceBusy : ErrorCategory.WriteError, ex.Path, ex.Message,
            ex.InUse ? "Run one watcher per state file: stop the other one, or give each its own -StatePath."
                     : "Give a -StatePath this account can write (or make the file writable); the changes written since the last save will be written again by the next run.");

    private CollectionQuery BuildQuery()
    {
        var query = CreateQuery();
        query.RawFilter = Filter;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Top))) query.PageSize = Top;
        return query;
    }

    private WatchState LoadState(string path, string resource)
    {
        if (path != null && File.Exists(path))
        {
            try
            {
                var state = WatchState.Load(path, resource);
                WriteVerbose($"Resuming from {path}: cursor {state.Cursor:o}, {state.Known.Count} versions remembered.");
                return state;
            }
            catch (InvalidDataException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ex, ErrorIds.InvalidWatchState, ErrorCategory.InvalidData, path, ex.Message,
                    "Give another -StatePath, or delete the file to start again from -Since."));
            }
        }
        WatchState fresh;
        string from;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Since)))
        {
            var since = new DateTimeOffset(Since);
            fresh = new WatchState { Resource = resource, Cursor = since, Start = since };
            from = $"-Since {since:u}: every change since then is written";
        }
        else if (FromNow)
        {
            var now = DateTimeOffset.UtcNow;
            fresh = new WatchState { Resource = resource, Cursor = now, Start = now };
            from = $"now ({now:u}, -FromNow): only changes from now on are written";
        }
        else
        {
            fresh = new WatchState { Resource = resource, Cursor = DateTimeOffset.UtcNow };
            from = $"{fresh.ReadFrom(TimeSpan.FromMinutes(OverlapMinutes)):u} (now minus -OverlapMinutes {OverlapMinutes}): the changes since then are written";
        }
        if (path != null)
            WriteWarning($"There is no watch state at '{path}' yet, so this watcher starts from {from}. If a state file was expected there, it was moved or deleted" +
                (FromNow ? "." : "; -FromNow starts without a backlog."));
        else
            WriteVerbose($"Watching from {from}; the place is kept in memory only (no -StatePath).");
        return fresh;
    }

    private void Poll(GraphConnection connection)
    {
        WriteVerbose($"Polling {_watcher.NextPollUrl}");
        try
        {
            var result = Run(token => _watcher.PollAsync(changes => WriteChanges(changes, connection), token));
            WriteVerbose($"Poll done: {result.Pages} page(s), {result.ItemsRead} item(s) read, {result.Changes} change(s).");
        }
        catch (PipelineStoppedException) { throw; }
        catch (WatchStateException ex) { ThrowTerminatingError(StateError(ex)); }
        catch (Exception ex) when (!Once && !(ex is IOException))
        {
            WriteWarning($"The poll failed and is retried in {Interval} s; nothing was skipped: {ErrorRecords.From(ex, null).ErrorDetails.Message}");
        }
        catch (Exception ex)
        {
            WriteErrorFor(ex, _watcher.NextPollUrl, connection);
        }
    }

    /// <summary>Writes a page of changes on the pipeline thread, committing each one right after it is written.</summary>
    private Task WriteChanges(IReadOnlyList<WatchedChange<T>> changes, GraphConnection connection)
    {
        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = CancellationToken.Register(() => written.TrySetCanceled());
        Post(() =>
        {
            try
            {
                foreach (var change in changes)
                {
                    if (change.Item is IConnectionBound bound) bound.ConnectionName = connection.Name;
                    var output = new TChange { ChangeType = change.ChangeType, Id = change.Id, LastUpdateDateTime = change.LastUpdate, ConnectionName = connection.Name };
                    SetItem(output, change.Item);
                    WriteObject(output);
                    _watcher.Commit(change);
                }
                written.TrySetResult(true);
            }
            catch (Exception ex)
            {
                written.TrySetException(ex);
                throw;
            }
            finally { registration.Dispose(); }
        });
        return written.Task;
    }
}
