using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>Graph's beta tiIndicators (reference §4): bulk actions of at most 100 items, 206 with per-item results.</summary>
public sealed class GraphTiIndicatorBackend : EntityService<TiIndicator>, ITiIndicatorBackend
{
    public const string CollectionPath = "security/tiIndicators";
    /// <summary>Keeps a lookup's URL well under the lengths gateways accept.</summary>
    private const int MaxFilterLength = 1500;

    public GraphTiIndicatorBackend(ApiClient graph) : base(graph, "beta", CollectionPath) { }

    public int MaxBatchSize => 100;

    public Task<IReadOnlyList<TiItemOutcome>> SubmitAsync(IReadOnlyList<IDictionary<string, object>> indicators, CancellationToken cancellationToken) =>
        BulkAsync("submitTiIndicators", indicators, cancellationToken);

    public async Task<IReadOnlyList<TiItemOutcome>> UpdateAsync(IReadOnlyList<TiIndicatorChange> changes, CancellationToken cancellationToken)
    {
        // updateTiIndicators needs each item's expirationDateTime and targetProduct, and refuses Defender ATP items.
        foreach (var change in changes.Where(c => c.TargetProduct == null || !c.Fields.ContainsKey("expirationDateTime")))
        {
            var current = await GetAsync(change.Id, cancellationToken).ConfigureAwait(false);
            change.TargetProduct = change.TargetProduct ?? current.TargetProduct;
            if (!change.Fields.ContainsKey("expirationDateTime")) change.Fields["expirationDateTime"] = current.ExpirationDateTime;
        }
        var outcomes = new TiItemOutcome[changes.Count];
        var bulk = Enumerable.Range(0, changes.Count).Where(i => changes[i].TargetProduct != TiIndicatorFields.DefenderAtp).ToList();
        if (bulk.Count > 0)
        {
            var bodies = bulk.Select(i => (object)Body(changes[i])).ToList();
            var answers = await BulkAsync("updateTiIndicators", bodies, cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < bulk.Count; k++) outcomes[bulk[k]] = answers[k];
        }
        foreach (var i in Enumerable.Range(0, changes.Count).Except(bulk))
            outcomes[i] = await SingleAsync(async () => await UpdateAsync(changes[i].Id, Body(changes[i]), cancellationToken, returnRepresentation: true).ConfigureAwait(false)).ConfigureAwait(false);
        return outcomes;
    }

    public async Task<IReadOnlyList<TiItemOutcome>> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var outcomes = (await BulkAsync("deleteTiIndicators", ids, cancellationToken).ConfigureAwait(false)).ToArray();
        // deleteTiIndicators refuses Defender ATP indicators (400); those are deleted one by one.
        for (var i = 0; i < outcomes.Length; i++)
            if (outcomes[i].Code == 400)
                outcomes[i] = await SingleAsync(async () =>
                {
                    await Graph.SendAsync<object>(HttpMethod.Delete, ItemUrl(ids[i]), null, cancellationToken).ConfigureAwait(false);
                    return (TiIndicator?)null;
                }).ConfigureAwait(false);
        return outcomes;
    }

    public Task<IReadOnlyList<TiItemOutcome>> DeleteByExternalIdAsync(IReadOnlyList<string> externalIds, CancellationToken cancellationToken) =>
        BulkAsync("deleteTiIndicatorsByExternalId", externalIds, cancellationToken);

    /// <summary>The lookups of the chunks go out together: they are reads, and one after the other they would cost a round trip each.</summary>
    public async Task<IReadOnlyList<TiIndicator>> FindByExternalIdsAsync(IReadOnlyCollection<string> externalIds, CancellationToken cancellationToken)
    {
        var lookups = FilterChunks(externalIds.Distinct()).Select(async chunk =>
        {
            var found = new List<TiIndicator>();
            var query = new CollectionQuery(Path) { PageSize = 1000 }.AnyOf("externalId", chunk);
            await List(query).ReadAsync(null, true, (items, _) => { found.AddRange(items); return Task.CompletedTask; }, cancellationToken).ConfigureAwait(false);
            return found;
        }).ToList();
        return (await Task.WhenAll(lookups).ConfigureAwait(false)).SelectMany(found => found).ToList();
    }

    public Task<TiIndicator> GetAsync(string id, CancellationToken cancellationToken) => GetAsync(id, cancellationToken, null);

    /// <summary>Splits externalIds into groups whose "externalId eq '…' or …" filter stays short.</summary>
    private static IEnumerable<List<string>> FilterChunks(IEnumerable<string> externalIds)
    {
        var chunk = new List<string>();
        var length = 0;
        foreach (var id in externalIds)
        {
            var clause = ODataFilter.Quote(id).Length + 20;
            if (chunk.Count > 0 && length + clause > MaxFilterLength) { yield return chunk; chunk = new List<string>(); length = 0; }
            chunk.Add(id);
            length += clause;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    private static Dictionary<string, object?> Body(TiIndicatorChange change)
    {
        var body = new Dictionary<string, object?>(change.Fields) { ["id"] = change.Id, ["targetProduct"] = change.TargetProduct };
        return body;
    }

    /// <summary>
    /// POSTs a bulk action without the HTTP layer's automatic retry: after a 5xx the items may or
    /// may not exist, and only the caller can check that before sending them again.
    /// </summary>
    private async Task<IReadOnlyList<TiItemOutcome>> BulkAsync<TItem>(string action, IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        var page = await Graph.SendAsync<ODataPage<JsonElement>>(HttpMethod.Post, Graph.Url(Version, Path + "/" + action),
            new Dictionary<string, object> { ["value"] = items }, cancellationToken, retry: RetryMode.None).ConfigureAwait(false);
        if (page == null || page.Value.Count != items.Count)
            throw new JsonException($"{action} answered {page?.Value.Count ?? 0} results for {items.Count} items.");
        return page.Value.Select(ToOutcome).ToList();
    }

    private static TiItemOutcome ToOutcome(JsonElement item)
    {
        var isResultInfo = item.TryGetProperty("@odata.type", out var type) && type.GetString()?.EndsWith("resultInfo", System.StringComparison.OrdinalIgnoreCase) == true;
        var hasCode = item.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number;
        if (isResultInfo || (hasCode && !item.TryGetProperty("id", out _)))
        {
            var status = hasCode ? code.GetInt32() : 500;
            var message = item.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return status >= 200 && status < 300 ? TiItemOutcome.Success(null, message) : TiItemOutcome.Failure(status, message);
        }
        return TiItemOutcome.Success(item.Deserialize<TiIndicator>(GraphJson.Options));
    }

    private static async Task<TiItemOutcome> SingleAsync(System.Func<Task<TiIndicator?>> call)
    {
        try { return TiItemOutcome.Success(await call().ConfigureAwait(false)); }
        catch (ServiceErrorException ex) when ((int)ex.StatusCode != 401 && (int)ex.StatusCode != 403)
        {
            return TiItemOutcome.Failure((int)ex.StatusCode, ex.ServiceMessage ?? ex.Message);
        }
    }
}
