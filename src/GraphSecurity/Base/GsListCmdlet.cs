using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Engine;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Base of the Get- cmdlets over a paged collection: -Filter, -All, SupportsPaging (-First,
/// -Skip, -IncludeTotalCount), streaming page by page from every connection given, and one
/// warning when results were cut off.
/// </summary>
public abstract class GsListCmdlet : GsConnectedCmdlet
{
    protected const string ListSet = "List";
    protected const string IdSet = "Id";

    /// <summary>A raw OData filter, combined with the typed filters by "and".</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Filter { get; set; }

    /// <summary>Follow every page until the last.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter All { get; set; }

    private readonly HashSet<string> _cutOffWarned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the items are called in messages, e.g. "alerts".</summary>
    protected abstract string ItemsName { get; }

    /// <summary>The largest page the service allows: the upper bound of the cmdlet's -Top.</summary>
    protected virtual int MaxPageSize =>
        System.Convert.ToInt32(GetType().GetProperty("Top")?.GetCustomAttributes(typeof(ValidateRangeAttribute), true)
            .Cast<ValidateRangeAttribute>().FirstOrDefault()?.MaxRange ?? 1000);

    /// <summary>The page size the user asked for with -Top, if any (each cmdlet declares -Top with its own limit).</summary>
    protected int? RequestedPageSize =>
        MyInvocation.BoundParameters.TryGetValue("Top", out var top) ? System.Convert.ToInt32(top) : (int?)null;

    /// <summary>Adds -Filter and the paging parameters to a query built from the typed filters.</summary>
    protected CollectionQuery WithPaging(CollectionQuery query)
    {
        query.RawFilter = Filter;
        query.PageSize = RequestedPageSize ?? query.PageSize;
        query.Skip = (long)PagingParameters.Skip;
        query.IncludeCount = PagingParameters.IncludeTotalCount;
        return query;
    }

    /// <summary>
    /// Streams one connection's items; -First and -Skip apply to each connection. With
    /// <paramref name="keep"/> (a client-side match), pages are read until enough items matched:
    /// -First N of them, every one with -All, else one page's worth (as if the server had filtered).
    /// </summary>
    protected void StreamList<TItem>(GraphConnection connection, EntityService<TItem> service, CollectionQuery query, Func<TItem, bool> keep = null)
        where TItem : class
    {
        var first = PagingParameters.First;
        var limited = first != ulong.MaxValue;
        if (limited && first == 0) return;
        long? maxItems = limited ? (long)Math.Min(first, long.MaxValue) : (long?)null;
        if (keep != null && !limited && !All) maxItems = query.PageSize ?? MaxPageSize;
        else if (limited && query.PageSize == null && first <= (ulong)MaxPageSize) query.PageSize = (int)first;

        // With -All the count comes along (cheap for the service), so progress can show a percentage.
        var userAskedForCount = query.IncludeCount;
        if (All && keep == null) query.IncludeCount = true;   // a client-side match writes fewer items than the count
        var progress = new PagingProgress(ItemsName, connection.Name, maxItems);

        var reader = service.List(query);
        reader.Keep = keep;
        reader.FailOnPartialResult = FailOnPartialResults;
        try
        {
            var result = Run(token => reader.ReadAsync(maxItems, followNextLinks: All || limited || keep != null,
                StreamPages<TItem>(item =>
                    {
                        WriteItem(item, connection);
                        if (progress.Advance()) WriteProgress(progress.Record());
                    },
                    total =>
                    {
                        progress.Total = total;
                        if (userAskedForCount) WriteObject(PagingParameters.NewTotalCount((ulong)total, 1.0));
                    }), token));
            if (progress.Shown) WriteProgress(progress.Record(completed: true));
            foreach (var partial in result.PartialResult)
                WriteWarning(GraphConnections.Count > 1 ? $"{partial} (connection '{connection.Name}')" : partial.ToString());
            if (result.MoreAvailable && !All && !limited && _cutOffWarned.Add(connection.Name))
            {
                var where = GraphConnections.Count > 1 ? $" in '{connection.Name}'" : "";
                WriteWarning($"More {ItemsName} match{where} than the {result.ItemsDelivered} returned. Use -All to get every page, or -First N to choose how many.");
            }
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) when (ReadWasCutShort(ex))
        {
            ThrowTerminatingError(ReadStopped(ex, reader, connection, resumable: keep == null));
        }
        catch (Exception ex) { WriteErrorFor(ex, connection.ToInfo(false), connection); }
    }

    /// <summary>
    /// True when a read failed for a reason that retries are meant to overcome and they were spent:
    /// the output is incomplete, which a script must not mistake for the whole answer.
    /// </summary>
    private bool ReadWasCutShort(Exception exception)
    {
        var kind = RetryPolicy.Classify(exception, CancellationToken);
        return kind == FailureKind.Throttled || kind == FailureKind.Ambiguous || kind == FailureKind.Unreachable;
    }

    /// <summary>The terminating error of a read that gave up: how far it got, the page that failed, and how to go on.</summary>
    private ErrorRecord ReadStopped<TItem>(Exception exception, PageReader<TItem> reader, GraphConnection connection, bool resumable)
    {
        var record = CreateErrorRecord(exception, connection.ToInfo(false), connection);
        var written = reader.Progress.ItemsDelivered;
        var page = reader.CurrentPage;
        var read = written > 0 ? $"Reading {ItemsName} stopped after {written:N0} {ItemsName} on {reader.Progress.Pages} page(s), none written twice. " : "";
        record.ErrorDetails = new ErrorDetails(read + record.ErrorDetails.Message + (page != null ? $" The page that failed: {page}" : ""))
        {
            RecommendedAction = record.ErrorDetails.RecommendedAction +
                (resumable && written > 0
                    ? $" To read only the rest, run the command again with -Skip {(long)PagingParameters.Skip + written} (items added since may shift the order)."
                    : ""),
        };
        return record;
    }

    /// <summary>
    /// The body of every Get- cmdlet over a collection: for each connection, the items of -Id one by
    /// one, else the query (built from the typed filters) with -Filter and the paging parameters, streamed.
    /// </summary>
    protected void ListOrGet<TItem>(Func<GraphConnection, EntityService<TItem>> serviceFor, string[] ids, Func<CollectionQuery> query,
        string expand = null, Func<TItem, bool> keep = null)
        where TItem : class
    {
        foreach (var connection in GraphConnections)
        {
            var service = serviceFor(connection);
            if (ParameterSetName == IdSet) GetById(connection, service, ids, expand);
            else StreamList(connection, service, WithPaging(query()), keep);
        }
    }

    /// <summary>Gets items by id; an unknown id is a non-terminating error carrying that id.</summary>
    protected void GetById<TItem>(GraphConnection connection, EntityService<TItem> service, string[] ids, string expand = null)
        where TItem : class
    {
        foreach (var id in ids)
        {
            if (!IsValidId(id)) continue;
            ForInput(id, connection, () => { WriteItem(Run(token => service.GetAsync(id, token, expand)), connection); });
        }
    }

    /// <summary>
    /// True makes a partial answer (206: some providers of a federated API failed) an error
    /// instead of warnings plus the results that arrived.
    /// </summary>
    protected virtual bool FailOnPartialResults => false;

    protected virtual void WriteItem(object item, GraphConnection connection)
    {
        if (item is IConnectionBound bound) bound.ConnectionName = connection.Name;
        RecentResults.Remember(item);
        WriteObject(item);
    }

    /// <summary>A terminating error before anything is sent when a time range is empty.</summary>
    protected void RequireTimeRange(string sinceName, DateTime? since, string untilName, DateTime? until)
    {
        if (!since.HasValue || !until.HasValue || since < until) return;
        ThrowArgumentError(ErrorIds.InvalidTimeRange, $"-{sinceName} ({since:u}) must be earlier than -{untilName} ({until:u}).", since);
    }

    /// <summary>A bound DateTime parameter as a moment (local time unless it says otherwise), or null.</summary>
    protected DateTimeOffset? Moment(string parameterName, DateTime value) =>
        MyInvocation.BoundParameters.ContainsKey(parameterName) ? new DateTimeOffset(value) : (DateTimeOffset?)null;

    protected DateTime? Bound(string parameterName, DateTime value) =>
        MyInvocation.BoundParameters.ContainsKey(parameterName) ? value : (DateTime?)null;
}

/// <summary>Counts items as they are written and says when a progress update is due (every 500 items).</summary>
internal sealed class PagingProgress
{
    private const int Every = 500;
    private readonly string _activity;
    private readonly long? _limit;
    private long _written;

    public PagingProgress(string itemsName, string connectionName, long? limit)
    {
        _activity = $"Reading {itemsName} ({connectionName})";
        _limit = limit;
    }

    public long? Total { get; set; }
    public bool Shown { get; private set; }

    public bool Advance() => ++_written % Every == 0 && (Shown = true);

    public ProgressRecord Record(bool completed = false)
    {
        var expected = _limit.HasValue && Total.HasValue ? Math.Min(_limit.Value, Total.Value) : _limit ?? Total;
        return new ProgressRecord(Engine.ProgressIds.Paging, _activity, expected.HasValue ? $"{_written:N0} of {expected:N0}" : $"{_written:N0} so far")
        {
            PercentComplete = expected.HasValue && expected > 0 ? (int)Math.Min(100, _written * 100 / expected.Value) : -1,
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
    }
}
