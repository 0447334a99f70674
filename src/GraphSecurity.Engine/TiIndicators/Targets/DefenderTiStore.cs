using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// Defender for Endpoint's indicators API (successor-apis.md §1): reads with $top/$skip pages of
/// 10,000, writes through import (500 a call, 30 a minute; an import of an existing value and type
/// updates it), removes through BatchDelete (500 a call, all or nothing).
/// </summary>
public sealed class DefenderTiStore : ITiTargetStore
{
    public const int ImportBatch = 500;
    private const int ReadPage = 10_000;
    private readonly ApiClient _api;
    private readonly PacedCalls _calls;

    public DefenderTiStore(GraphConnection connection, RetryPolicy? retry = null)
    {
        _api = connection.ClientFor(SecurityApi.DefenderForEndpoint);
        _calls = new PacedCalls(connection, retry);
    }

    public TiTarget Target => TiTarget.DefenderForEndpoint;
    public int MaxBatchSize => ImportBatch;
    public string Describe() => "Defender for Endpoint";

    public async Task ReadAsync(Func<IReadOnlyList<TiIndicator>, Task> onPage, CancellationToken cancellationToken)
    {
        Uri? next = _api.Url($"api/indicators?$top={ReadPage}");
        while (next != null)
        {
            var url = next;
            var page = await _calls.SendAsync(RateLimit.DefenderList,
                token => _api.GetPageAsync<JsonElement>(url, token, RetryMode.None), cancellationToken).ConfigureAwait(false);
            await onPage(page.Value.Select(DefenderIndicatorMapping.FromDefender).ToList()).ConfigureAwait(false);
            next = page.NextLink != null ? new Uri(page.NextLink) : null;
        }
    }

    public async Task<IReadOnlyList<TiItemOutcome>> WriteAsync(IReadOnlyList<IDictionary<string, object>> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0) return Array.Empty<TiItemOutcome>();
        if (items.Count > ImportBatch) throw new ArgumentException($"An import carries at most {ImportBatch} indicators.");
        var body = new Dictionary<string, object> { ["Indicators"] = items.ToList() };
        var answer = await _calls.SendAsync(RateLimit.DefenderImport,
            token => _api.SendAsync<ODataPage<JsonElement>>(HttpMethod.Post, _api.Url("api/indicators/import"), body, token, retry: RetryMode.None), cancellationToken).ConfigureAwait(false);
        if (answer == null || answer.Value.Count != items.Count)
            throw new JsonException($"The import answered {answer?.Value.Count ?? 0} results for {items.Count} indicators.");
        return answer.Value.Select(item =>
        {
            var failed = item.TryGetProperty("isFailed", out var f) && f.ValueKind == JsonValueKind.True;
            var reason = item.TryGetProperty("failureReason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var id = item.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            return failed ? TiItemOutcome.Failure(400, reason ?? "The import refused the indicator without a reason.") : TiItemOutcome.Success(new TiIndicator { Id = id, Target = Target });
        }).ToList();
    }

    /// <summary>
    /// BatchDelete refuses the whole batch when one id is gone (404: e.g. it expired meanwhile) or not
    /// the caller's (403); the batch is then deleted one by one, an id already gone counting as removed.
    /// </summary>
    public async Task<IReadOnlyList<TiItemOutcome>> RemoveAsync(IReadOnlyList<TiIndicator> indicators, CancellationToken cancellationToken)
    {
        if (indicators.Count == 0) return Array.Empty<TiItemOutcome>();
        var body = new Dictionary<string, object> { ["IndicatorIds"] = indicators.Select(i => i.Id).ToList() };
        try
        {
            await _calls.SendAsync(RateLimit.DefenderBatchDelete,
                token => _api.SendAsync<object>(HttpMethod.Post, _api.Url("api/indicators/BatchDelete"), body, token, retry: RetryMode.None), cancellationToken).ConfigureAwait(false);
            return indicators.Select(_ => TiItemOutcome.Success(null)).ToList();
        }
        catch (ServiceErrorException ex) when (ex.StatusCode == HttpStatusCode.NotFound || ex.StatusCode == HttpStatusCode.Forbidden)
        {
            var outcomes = new List<TiItemOutcome>();
            foreach (var indicator in indicators) outcomes.Add(await DeleteOneAsync(indicator.Id ?? "", cancellationToken).ConfigureAwait(false));
            return outcomes;
        }
    }

    private async Task<TiItemOutcome> DeleteOneAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _calls.SendAsync(RateLimit.DefenderDelete,
                token => _api.SendAsync<object>(HttpMethod.Delete, _api.Url("api/indicators/" + Uri.EscapeDataString(id)), null, token, retry: RetryMode.None), cancellationToken).ConfigureAwait(false);
            return TiItemOutcome.Success(null);
        }
        catch (ServiceErrorException ex) when (ex.StatusCode == HttpStatusCode.NotFound) { return TiItemOutcome.Success(null, "already gone"); }
        catch (ServiceErrorException ex) when (ex.StatusCode == HttpStatusCode.Forbidden) { return TiItemOutcome.Failure(403, ex.ServiceMessage ?? ex.Message); }
    }

    /// <summary>
    /// One indicator by id. The API has no GET by id and does not filter on id (§1.6), so the
    /// indicators the caller can see are read (one or two pages) and the id looked for among them.
    /// </summary>
    public async Task<TiIndicator> GetAsync(string id, CancellationToken cancellationToken)
    {
        TiIndicator? found = null;
        await ReadAsync(page =>
        {
            found = found ?? page.FirstOrDefault(i => string.Equals(i.Id, id, StringComparison.Ordinal));
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return found ?? throw new ServiceErrorException(HttpStatusCode.NotFound, "ResourceNotFound",
            $"Indicator {id} was not found (an app with only Ti.ReadWrite sees the indicators it created).",
            null, null, null, null, "GET", _api.Url("api/indicators"), SecurityApi.DefenderForEndpoint);
    }
}
