using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Watching;

namespace GraphSecurity.Commands.Base
{
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
        public string StatePath { get; set; }

        /// <summary>Where the first poll starts when there is no state yet (default: now minus the overlap).</summary>
        [Parameter]
        public DateTime Since { get; set; }

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
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Top)) || Top <= MaxPageSize) return;
            var message = $"-Top {Top} is more than the {MaxPageSize} items a page of this collection may hold.";
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), "PageTooLarge", ErrorCategory.InvalidArgument, Top)
            {
                ErrorDetails = new ErrorDetails(message),
            });
        }

        protected override void ProcessRecord()
        {
            var connection = GraphConnection;
            var service = CreateService(connection);
            var overlap = TimeSpan.FromMinutes(OverlapMinutes);
            _watcher = new ChangeWatcher<T>(service, BuildQuery, IdOf, LastUpdateOf, LoadState(service.Path))
            {
                Overlap = overlap,
                StatePath = StatePath == null ? null : GetUnresolvedProviderPathFromPSPath(StatePath),
            };
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
            }
        }

        private CollectionQuery BuildQuery()
        {
            var query = CreateQuery();
            query.RawFilter = Filter;
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Top))) query.PageSize = Top;
            return query;
        }

        private WatchState LoadState(string resource)
        {
            var path = StatePath == null ? null : GetUnresolvedProviderPathFromPSPath(StatePath);
            if (path != null && File.Exists(path))
            {
                try
                {
                    var state = WatchState.Load(path, resource);
                    WriteVerbose($"Resuming from {path}: cursor {state.Cursor:o}, {state.Known.Count} versions remembered.");
                    return state;
                }
                catch (Exception ex) when (ex is InvalidDataException || ex is IOException || ex is UnauthorizedAccessException)
                {
                    ThrowTerminatingError(new ErrorRecord(ex, "InvalidWatchState", ErrorCategory.InvalidData, StatePath)
                    {
                        ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Give another -StatePath, or delete the file to start again from -Since." },
                    });
                }
            }
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Since)))
            {
                var since = new DateTimeOffset(Since);
                return new WatchState { Resource = resource, Cursor = since, Start = since };
            }
            return new WatchState { Resource = resource, Cursor = DateTimeOffset.UtcNow };
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
}
