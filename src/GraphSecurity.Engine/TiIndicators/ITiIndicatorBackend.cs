using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>The outcome of one item of a bulk request: the indicator on success, else the item's status code and message.</summary>
public sealed class TiItemOutcome
{
    public static TiItemOutcome Success(TiIndicator? indicator, string? message = null) => new TiItemOutcome { Succeeded = true, Indicator = indicator, Code = 200, Message = message };
    public static TiItemOutcome Failure(int code, string? message) => new TiItemOutcome { Code = code, Message = message };

    public bool Succeeded { get; private set; }
    public TiIndicator? Indicator { get; private set; }
    public int Code { get; private set; }
    public string? Message { get; private set; }
    /// <summary>Throttled or a service error: the item may succeed when sent again.</summary>
    public bool IsTransient => !Succeeded && (Code == 429 || Code >= 500);
}

/// <summary>An indicator change: its id, its target product and expiration when known, and the fields to set.</summary>
public sealed class TiIndicatorChange
{
    public string Id { get; set; } = "";
    /// <summary>Null until known: the backend reads it from the indicator when it needs it.</summary>
    public string? TargetProduct { get; set; }
    public Dictionary<string, object?> Fields { get; } = new Dictionary<string, object?>();
}

/// <summary>What <see cref="TiIndicatorUploader"/> needs of an API: bulk creation, and a lookup of what already exists.</summary>
public interface ITiIndicatorSubmitter
{
    /// <summary>The most items one bulk request may carry.</summary>
    int MaxBatchSize { get; }

    /// <summary>Creates indicators (bodies in the API's shape, as the command prepared them).</summary>
    Task<IReadOnlyList<TiItemOutcome>> SubmitAsync(IReadOnlyList<IDictionary<string, object>> indicators, CancellationToken cancellationToken);

    /// <summary>
    /// The caller's indicators carrying any of these lookup keys (<see cref="TiIndicatorDraft.LookupKey"/>),
    /// each answered with the key as its ExternalId.
    /// </summary>
    Task<IReadOnlyList<TiIndicator>> FindByExternalIdsAsync(IReadOnlyCollection<string> externalIds, CancellationToken cancellationToken);
}

/// <summary>
/// Where indicators are stored. The cmdlets only talk to this seam; Graph tiIndicators (beta) is
/// its implementation; the successor APIs are <see cref="ITiTargetStore"/>s, which New-GsTiIndicator
/// reaches through <see cref="TiTargetSubmitter"/>.
/// Bulk methods answer one outcome per item, in order, and do not retry: the caller decides.
/// </summary>
public interface ITiIndicatorBackend : ITiIndicatorSubmitter
{
    Task<IReadOnlyList<TiItemOutcome>> UpdateAsync(IReadOnlyList<TiIndicatorChange> changes, CancellationToken cancellationToken);

    Task<IReadOnlyList<TiItemOutcome>> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken);

    Task<IReadOnlyList<TiItemOutcome>> DeleteByExternalIdAsync(IReadOnlyList<string> externalIds, CancellationToken cancellationToken);

    PageReader<TiIndicator> List(CollectionQuery query);

    Task<TiIndicator> GetAsync(string id, CancellationToken cancellationToken);
}

/// <summary>The Graph tiIndicators backend of a connection.</summary>
public static class TiIndicatorBackends
{
    public static GraphTiIndicatorBackend Graph(GraphConnection connection) => new GraphTiIndicatorBackend(connection.ClientFor(SecurityApi.Graph));
}
