using System.Collections.Concurrent;

namespace GraphSecurity.Emulator.Identity.Consent;

/// <summary>Which multi-tenant apps have a service principal (admin consent) in which customer tenants.</summary>
public sealed class ServicePrincipalGrants
{
    public const string NorthwindSentryClientId = "5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f";
    private readonly ConcurrentDictionary<(string, string), bool> _grants = new();

    public ServicePrincipalGrants() => Grant(TenantDirectory.DefaultTenantId, NorthwindSentryClientId);

    public event Action<string, string, bool> Changed;

    public bool IsConsented(string tenantId, string clientId) =>
        tenantId != null && clientId != null && _grants.ContainsKey((tenantId.ToLowerInvariant(), clientId.ToLowerInvariant()));

    public void Grant(string tenantId, string clientId)
    {
        _grants[(tenantId.ToLowerInvariant(), clientId.ToLowerInvariant())] = true;
        Changed?.Invoke(tenantId, clientId, true);
    }

    public bool Revoke(string tenantId, string clientId)
    {
        var removed = _grants.TryRemove((tenantId.ToLowerInvariant(), clientId.ToLowerInvariant()), out _);
        if (removed) Changed?.Invoke(tenantId, clientId, false);
        return removed;
    }
}
