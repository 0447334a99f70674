using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// New-GsTiIndicator's way into a successor API: the uploader's lookups are answered from one read of
/// what the target holds (made before the first batch), keyed by observable, so an indicator that is
/// already there, whoever made it, is skipped and never touched; writes go to the store.
/// </summary>
public sealed class TiTargetSubmitter : ITiIndicatorSubmitter
{
    private readonly ITiTargetStore _store;
    private readonly string _targetProduct;
    /// <summary>Observable key → id, of what the target held when the run began; read once, by the first lookup.</summary>
    private Task<Dictionary<string, string>>? _existing;
    private readonly object _lock = new object();

    /// <param name="targetProduct">The target product the command's drafts for this store carry.</param>
    public TiTargetSubmitter(ITiTargetStore store, string targetProduct)
    {
        _store = store;
        _targetProduct = targetProduct;
    }

    public int MaxBatchSize => _store.MaxBatchSize;

    public Task<IReadOnlyList<TiItemOutcome>> SubmitAsync(IReadOnlyList<IDictionary<string, object>> indicators, CancellationToken cancellationToken) =>
        _store.WriteAsync(indicators, cancellationToken);

    public async Task<IReadOnlyList<TiIndicator>> FindByExternalIdsAsync(IReadOnlyCollection<string> externalIds, CancellationToken cancellationToken)
    {
        var existing = await ExistingAsync(cancellationToken).ConfigureAwait(false);
        return externalIds.Where(existing.ContainsKey)
            .Select(key => new TiIndicator { Id = existing[key], ExternalId = key, TargetProduct = _targetProduct, Target = _store.Target }).ToList();
    }

    private Task<Dictionary<string, string>> ExistingAsync(CancellationToken cancellationToken)
    {
        lock (_lock) return _existing ??= ReadExistingAsync(cancellationToken);
    }

    private async Task<Dictionary<string, string>> ReadExistingAsync(CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, string>(StringComparer.Ordinal);
        await _store.ReadAsync(page =>
        {
            foreach (var indicator in page.Where(i => i.Revoked != true))
                existing[TiTargetStores.ObservableOf(indicator).Key] = indicator.Id ?? "";
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return existing;
    }
}
