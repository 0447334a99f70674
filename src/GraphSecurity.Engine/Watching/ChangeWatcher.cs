using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Watching;

/// <summary>One change found by a poll, before it is written anywhere.</summary>
public sealed class WatchedChange<T>
{
    public WatchedChange(ChangeType changeType, string id, DateTimeOffset lastUpdate, T item)
    {
        ChangeType = changeType; Id = id; LastUpdate = lastUpdate; Item = item;
    }

    public ChangeType ChangeType { get; }
    public string Id { get; }
    public DateTimeOffset LastUpdate { get; }
    public T Item { get; }
}

/// <summary>What one poll did.</summary>
public sealed class PollResult
{
    public int Pages { get; set; }
    public long ItemsRead { get; set; }
    public int Changes { get; set; }
}

/// <summary>
/// Polls a collection for changes without missing or repeating any. Each poll reads every change with
/// <c>lastUpdateDateTime ge (cursor − overlap)</c> ordered by lastUpdateDateTime, so ties, late
/// writes inside the overlap window and updates to old objects are all read again; versions already
/// emitted (same id and lastUpdateDateTime) are dropped. The consumer writes each change and calls
/// <see cref="Commit"/> for it; the state is saved after each page has been written, never before.
/// </summary>
public sealed class ChangeWatcher<T>
{
    private readonly EntityService<T> _service;
    private readonly Func<CollectionQuery> _query;
    private readonly Func<T, string> _id;
    private readonly Func<T, DateTimeOffset> _lastUpdate;
    private readonly object _gate = new object();

    /// <param name="query">Builds the base query (typed filters, page size); the watcher adds the cursor clause and the order.</param>
    public ChangeWatcher(EntityService<T> service, Func<CollectionQuery> query, Func<T, string> id, Func<T, DateTimeOffset> lastUpdate, WatchState state)
    {
        _service = service;
        _query = query;
        _id = id;
        _lastUpdate = lastUpdate;
        State = state;
    }

    public const string CursorProperty = "lastUpdateDateTime";

    public WatchState State { get; }

    /// <summary>How far before the cursor each poll starts reading again (late writes, equal timestamps).</summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the state is saved after each page (null: kept in memory only).</summary>
    public string? StatePath { get; set; }

    /// <summary>The URL of the first page the next poll reads.</summary>
    public Uri NextPollUrl => _service.List(BuildQuery(State.ReadFrom(Overlap), 0)).FirstPage;

    private CollectionQuery BuildQuery(DateTimeOffset from, long skip)
    {
        var query = _query();
        query.Add($"{CursorProperty} ge {ODataFilter.Timestamp(from)}");
        query.OrderBy = CursorProperty + " asc";
        query.Skip = skip;
        return query;
    }

    /// <summary>
    /// Reads every change since the cursor minus the overlap. Pages are keyset pages: each next page
    /// is a new query starting at the last timestamp read (not the service's $skip link), so objects
    /// that change while the poll runs cannot shift an unread object onto a page already read. Only a
    /// page made entirely of one timestamp is stepped through with $skip.
    /// </summary>
    /// <param name="onChanges">Writes one page's changes, calling <see cref="Commit"/> after each one is written;
    /// the page's checkpoint is saved when the returned task completes.</param>
    public async Task<PollResult> PollAsync(Func<IReadOnlyList<WatchedChange<T>>, Task> onChanges, CancellationToken cancellationToken)
    {
        var result = new PollResult();
        var from = State.ReadFrom(Overlap);
        long skip = 0;
        while (true)
        {
            DateTimeOffset? last = null;
            var count = 0;
            var read = await _service.List(BuildQuery(from, skip)).ReadAsync(null, followNextLinks: false, async (items, total) =>
            {
                result.Pages++;
                result.ItemsRead += items.Count;
                count = items.Count;
                if (items.Count > 0) last = _lastUpdate(items[items.Count - 1]);
                var changes = Select(items);
                if (changes.Count == 0) return;
                result.Changes += changes.Count;
                await onChanges(changes).ConfigureAwait(false);
                Checkpoint();
            }, cancellationToken).ConfigureAwait(false);

            if (!read.MoreAvailable || last == null) break;
            if (last.Value > from) { from = last.Value; skip = 0; }
            else skip += count;
        }
        return result;
    }

    /// <summary>The versions of a page not emitted yet, in order, each classified New or Updated.</summary>
    internal List<WatchedChange<T>> Select(IReadOnlyList<T> items)
    {
        var changes = new List<WatchedChange<T>>();
        var inPage = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var item in items)
            {
                var id = _id(item);
                var lastUpdate = _lastUpdate(item);
                if (State.IsKnown(id, lastUpdate) || !inPage.Add(id + "|" + lastUpdate.UtcTicks)) continue;
                var type = State.HasSeen(id) || changes.Exists(c => c.Id == id) ? ChangeType.Updated : ChangeType.New;
                changes.Add(new WatchedChange<T>(type, id, lastUpdate, item));
            }
        }
        return changes;
    }

    /// <summary>Marks a change as written to its destination (the pipeline); only committed changes are checkpointed.</summary>
    public void Commit(WatchedChange<T> change)
    {
        lock (_gate) State.Commit(change.Id, change.LastUpdate);
    }

    /// <summary>Saves the committed state to <see cref="StatePath"/>.</summary>
    public void Checkpoint()
    {
        if (StatePath == null) return;
        lock (_gate)
        {
            State.Prune(Overlap);
            State.Save(StatePath);
        }
    }
}
