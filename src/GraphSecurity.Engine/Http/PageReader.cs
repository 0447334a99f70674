using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Http;

/// <summary>What a paged read ended with.</summary>
public sealed class PageReadResult
{
    public long ItemsDelivered { get; set; }
    public int Pages { get; set; }
    public long? TotalCount { get; set; }
    /// <summary>True when the service had more items than were read.</summary>
    public bool MoreAvailable { get; set; }
    /// <summary>The failing providers reported by 206 answers, one per provider.</summary>
    public List<PartialResultWarning> PartialResult { get; } = new List<PartialResultWarning>();
}

/// <summary>
/// Follows @odata.nextLink page by page and hands each page to a consumer as it arrives; nothing
/// accumulates. The consumer's task decides when the next request may go out, which is how the
/// cmdlet layer makes the first object reach the pipeline before the second page is asked for.
/// </summary>
public sealed class PageReader<T>
{
    private readonly ApiClient _graph;
    private readonly Uri _firstPage;

    public PageReader(ApiClient graph, Uri firstPage)
    {
        _graph = graph;
        _firstPage = firstPage;
    }

    public Uri FirstPage => _firstPage;

    /// <summary>How far the current (or last) read got: items handed to the consumer and pages read, also when it failed half-way.</summary>
    public PageReadResult Progress { get; private set; } = new PageReadResult();

    /// <summary>The page being read, or the one whose request failed; null before the read starts and after it ends.</summary>
    public Uri? CurrentPage { get; private set; }

    /// <summary>
    /// Keeps only the items it accepts (a client-side part of a query). Limits and counts then
    /// apply to the kept items, and the service's @odata.count is not passed on (it counts the unfiltered set).
    /// </summary>
    public Func<T, bool>? Keep { get; set; }

    /// <summary>How a page is fetched; by default a GET of the URL. A service may replace it (e.g. to fall back when $expand fails).</summary>
    public Func<Uri, CancellationToken, Task<ODataPage<T>>>? FetchPage { get; set; }

    /// <summary>Throw <see cref="PartialResultException"/> at the first 206 answer instead of delivering its items.</summary>
    public bool FailOnPartialResult { get; set; }

    /// <param name="maxItems">Stop after this many items (null: no limit).</param>
    /// <param name="followNextLinks">False reads the first page only.</param>
    /// <param name="onPage">Receives each page's items (trimmed to maxItems) and the total count when known;
    /// the next page is requested once the returned task completes.</param>
    public async Task<PageReadResult> ReadAsync(long? maxItems, bool followNextLinks,
        Func<IReadOnlyList<T>, long?, Task> onPage, CancellationToken cancellationToken)
    {
        var result = Progress = new PageReadResult();
        Uri? url = _firstPage;
        while (url != null)
        {
            CurrentPage = url;
            var page = await (FetchPage != null ? FetchPage(url, cancellationToken) : _graph.GetPageAsync<T>(url, cancellationToken)).ConfigureAwait(false);
            result.Pages++;
            if (page.PartialResult.Count > 0)
            {
                if (FailOnPartialResult) throw new PartialResultException(page.PartialResult);
                foreach (var warning in page.PartialResult)
                    if (!result.PartialResult.Any(w => w.Text == warning.Text || (w.Provider != null && w.Provider == warning.Provider)))
                        result.PartialResult.Add(warning);
            }
            var count = Keep == null ? page.Count : null;
            if (count.HasValue) result.TotalCount = count;

            var keep = Keep;
            var kept = keep == null ? page.Value : page.Value.FindAll(item => keep(item));
            var items = kept;
            var remaining = maxItems.HasValue ? maxItems.Value - result.ItemsDelivered : long.MaxValue;
            var trimmed = items.Count > remaining;
            if (trimmed) items = kept.GetRange(0, (int)remaining);
            result.ItemsDelivered += items.Count;

            var next = page.NextLink;
            var hasNext = !Strings.IsNullOrEmpty(next);
            var limitReached = maxItems.HasValue && result.ItemsDelivered >= maxItems.Value;
            if (items.Count > 0 || count.HasValue)
                await onPage(items, count).ConfigureAwait(false);

            if (limitReached || !followNextLinks || !hasNext)
            {
                result.MoreAvailable = trimmed || hasNext;
                break;
            }
            url = Strings.IsNullOrEmpty(next) ? null : new Uri(next);
        }
        CurrentPage = null;
        return result;
    }
}
