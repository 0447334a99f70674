using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.Legacy.Providers;

/// <summary>
/// One of Microsoft's providers (IPC, MCAS, ASC…), answering from the tenant's seeded legacy alerts. Every
/// tenant has them (the emulator licenses everything); a provider switched to failing in <see cref="LegacySettings"/>
/// answers with its configured status and latency instead.
/// </summary>
public sealed class BuiltInAlertProvider : IAlertProvider
{
    private readonly TenantStores<LegacyAlert> _stores;
    private readonly LegacySettings _settings;
    private readonly EmulatorClock _clock;

    public BuiltInAlertProvider(string provider, TenantStores<LegacyAlert> stores, LegacySettings settings, EmulatorClock clock)
    {
        Provider = provider;
        _stores = stores;
        _settings = settings;
        _clock = clock;
    }

    public string Vendor => "Microsoft";
    public string Provider { get; }

    public bool Serves(string tenantId) => true;

    private ProviderFault Fault => _settings.FailingProviders.TryGetValue(Provider, out var f) ? f : null;

    private ProviderReply<T> FaultReply<T>(ProviderFault fault) => ProviderReply<T>.Failure(fault.Status, fault.LatencyMs, "switched to failing");

    public Task<ProviderReply<ProviderPage>> ListAsync(string tenantId, ProviderQuery query, CancellationToken cancellationToken)
    {
        if (Fault is { } fault) return Task.FromResult(FaultReply<ProviderPage>(fault));
        var mine = (query.Stored?.Value ?? _stores.For(tenantId).Snapshot()).Where(a => a.Provider == Provider);
        var page = CollectionQuery.Page(mine, query.Options, LegacyAlertSchema.Rules.PageSize, query.IncludeUnknownMembers,
            CollectionQuery.NewestFirst<LegacyAlert>(a => a.CreatedDateTime), a => a.Id);
        return Task.FromResult(ProviderReply<ProviderPage>.Ok(new ProviderPage(page.Items, page.TotalCount, page.NextSkip != null)));
    }

    public Task<ProviderReply<LegacyAlert>> GetAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var alert = _stores.For(tenantId).Get(id);
        if (alert == null || alert.Provider != Provider) return Task.FromResult(ProviderReply<LegacyAlert>.NotFound());
        if (Fault is { } fault) return Task.FromResult(FaultReply<LegacyAlert>(fault));
        return Task.FromResult(ProviderReply<LegacyAlert>.Ok(alert));
    }

    public Task<ProviderReply<LegacyAlert>> UpdateAsync(string tenantId, string id, AlertUpdate update, CancellationToken cancellationToken)
    {
        var store = _stores.For(tenantId);
        var alert = store.Get(id);
        if (alert == null || alert.Provider != Provider) return Task.FromResult(ProviderReply<LegacyAlert>.NotFound());
        if (Fault is { } fault) return Task.FromResult(FaultReply<LegacyAlert>(fault));
        var updated = store.Update(alert.Id, a =>
        {
            foreach (var change in update.Changes) change(a);
            var now = _clock.UtcNow;
            a.LastModifiedDateTime = now;
            if (a.Status is "resolved" or "dismissed" && a.ClosedDateTime == null) a.ClosedDateTime = now;
            a.HistoryStates.Add(new JsonObject
            {
                ["appId"] = update.Caller.AppId, ["assignedTo"] = a.AssignedTo,
                ["comments"] = new JsonArray(a.Comments.Select(x => (JsonNode)x).ToArray()), ["feedback"] = a.Feedback,
                ["status"] = a.Status, ["updatedDateTime"] = EntitySchema.FormatDate(now), ["user"] = null,
            });
        });
        return Task.FromResult(ProviderReply<LegacyAlert>.Ok(updated));
    }
}
