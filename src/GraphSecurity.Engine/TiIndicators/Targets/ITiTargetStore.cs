using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// A successor API that holds threat indicators (Defender for Endpoint's indicators, a Sentinel
/// workspace's threat intelligence), as the cmdlets use it: read everything visible, write (create or
/// update, keyed by the observable) and remove in batches of the API's maximum, each call paced at
/// the API's documented rate. Bulk calls answer one outcome per item, in order; throttling and
/// transient failures are retried underneath, since every write here is an upsert and safe to repeat.
/// </summary>
public interface ITiTargetStore
{
    TiTarget Target { get; }

    /// <summary>The most items one write or removal may carry (Defender 500, Sentinel 100).</summary>
    int MaxBatchSize { get; }

    /// <summary>Where the indicators go, in messages (e.g. "Defender for Endpoint", "Sentinel workspace law-secops").</summary>
    string Describe();

    /// <summary>
    /// Every indicator visible to the caller (Defender) or uploaded under the module's source system
    /// (Sentinel), page by page; the next page is asked for once <paramref name="onPage"/> completes.
    /// </summary>
    Task ReadAsync(Func<IReadOnlyList<TiIndicator>, Task> onPage, CancellationToken cancellationToken);

    /// <summary>Creates or updates indicators: Defender indicator bodies, or STIX objects.</summary>
    Task<IReadOnlyList<TiItemOutcome>> WriteAsync(IReadOnlyList<IDictionary<string, object>> items, CancellationToken cancellationToken);

    Task<IReadOnlyList<TiItemOutcome>> RemoveAsync(IReadOnlyList<TiIndicator> indicators, CancellationToken cancellationToken);

    Task<TiIndicator> GetAsync(string id, CancellationToken cancellationToken);
}
