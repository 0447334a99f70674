using System.Text.Json;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Legacy.Providers;

/// <summary>
/// One provider of the legacy, federated alerts API: Microsoft's built-in ones (served from the emulator's
/// store) and partners' (called over gsprov/1). The broker treats them alike, so a failure, a timeout or a
/// bad reply of any of them reaches the caller the same way: a Warning item and a 206.
/// </summary>
public interface IAlertProvider
{
    string Vendor { get; }
    string Provider { get; }

    /// <summary>True when the tenant has this provider: licensed (built in) or consented (partner).</summary>
    bool Serves(string tenantId);

    Task<ProviderReply<ProviderPage>> ListAsync(string tenantId, ProviderQuery query, CancellationToken cancellationToken);

    /// <summary>The alert, or a reply with status 404 when the provider does not hold the id.</summary>
    Task<ProviderReply<LegacyAlert>> GetAsync(string tenantId, string id, CancellationToken cancellationToken);

    /// <summary>Applies an update the broker has already checked (only updatable fields, vendorInformation naming this provider).</summary>
    Task<ProviderReply<LegacyAlert>> UpdateAsync(string tenantId, string id, AlertUpdate update, CancellationToken cancellationToken);
}

/// <summary>A caller's list query as the broker passes it to each provider ($top applies per provider).</summary>
public sealed record ProviderQuery(QueryOptions Options, IQueryCollection Raw, bool IncludeUnknownMembers)
{
    /// <summary>The tenant's stored legacy alerts, read once per request for all the built-in providers (set by the broker).</summary>
    public Lazy<LegacyAlert[]> Stored { get; init; }
}

/// <summary>One provider's page: its alerts, how many match, and whether it has more after them.</summary>
public sealed record ProviderPage(IReadOnlyList<LegacyAlert> Items, int TotalCount, bool More);

/// <summary>A validated update: the request body (for partners) and the changes to apply (for the built-in store).</summary>
public sealed record AlertUpdate(JsonElement Body, IReadOnlyList<Action<LegacyAlert>> Changes, CallerPrincipal Caller);

/// <summary>
/// What a provider answered: a value (2xx), a 404, or a failure (any other status, a timeout or a reply the
/// broker refused) that becomes a Warning item <c>199 - "{Vendor}/{Provider}/{Status}/{LatencyMs}"</c>.
/// </summary>
public sealed record ProviderReply<T>(T Value, int Status, long LatencyMs, string Problem = null)
{
    public bool Succeeded => Status is >= 200 and < 300;
    public bool IsNotFound => Status == 404;
    public bool Failed => !Succeeded && !IsNotFound;

    public static ProviderReply<T> Ok(T value, long latencyMs = 0) => new(value, 200, latencyMs);
    public static ProviderReply<T> NotFound(long latencyMs = 0) => new(default, 404, latencyMs);
    public static ProviderReply<T> Failure(int status, long latencyMs, string problem) => new(default, status, latencyMs, problem);

    public string WarningItem(IAlertProvider provider) => $"199 - \"{provider.Vendor}/{provider.Provider}/{Status}/{LatencyMs}\"";
}
