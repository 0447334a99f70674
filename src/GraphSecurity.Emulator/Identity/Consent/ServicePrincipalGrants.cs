using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Identity.Consent;

/// <summary>
/// A multi-tenant app's service principal in a customer tenant: what the tenant's admin granted it.
/// <see cref="View"/> is the app as the flows of that tenant see it (its home registration's
/// credentials, the granted roles and scopes), one object for the principal's whole life, so the
/// grants that compare apps by reference keep working.
/// </summary>
public sealed class ServicePrincipal
{
    internal ServicePrincipal(string tenantId, AppRegistration registration, DateTimeOffset createdAt)
    {
        TenantId = tenantId;
        Registration = registration;
        CreatedAt = createdAt;
        View = new AppRegistration
        {
            ClientId = registration.ClientId,
            DisplayName = registration.DisplayName,
            Secret = registration.Secret,
            IsPublicClient = registration.IsPublicClient,
            SignInAudience = registration.SignInAudience,
            HomeTenantId = registration.HomeTenantId,
            AppIdUri = registration.AppIdUri,
            AppRoles = registration.AppRoles,
            RedirectUris = registration.RedirectUris,
            RequiredResourceAccess = registration.RequiredResourceAccess,
            Roles = new List<string>(),
        };
        View.Certificates.AddRange(registration.Certificates);
    }

    public string TenantId { get; }
    /// <summary>The app registration in its home tenant.</summary>
    public AppRegistration Registration { get; }
    public AppRegistration View { get; }
    public DateTimeOffset CreatedAt { get; }
    /// <summary>The admin who consented last (null for seeded or control-API grants).</summary>
    public string ConsentedBy { get; internal set; }
    public string ObjectId => View.ObjectId(TenantId);
}

/// <summary>
/// The service principals of multi-tenant apps in the tenants that consented to them (admin
/// consent, the control API, or the config file). An app always has one in its home tenant.
/// Revoking removes the principal: token requests for that tenant fail again as before consent.
/// </summary>
public sealed class ServicePrincipalGrants
{
    private readonly TenantDirectory _directory;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<(string Tenant, string Client), ServicePrincipal> _principals = new();

    /// <summary>Raised after a grant (<c>granted</c> true) or a revocation (false), outside the registry's lock.</summary>
    public event Action<string, string, bool> Changed;

    public ServicePrincipalGrants(TenantDirectory directory, EmulatorOptions options, TimeProvider time = null)
    {
        _directory = directory;
        _time = time ?? TimeProvider.System;
        foreach (var entry in options.MultiTenantApps) AddApp(entry);
        Grant(TenantDirectory.DefaultTenantId, PartnerSeed.ClientId,
            new Dictionary<string, IEnumerable<string>> { [ApiResources.GraphName] = PartnerSeed.ContosoGraphRoles }, null);
        foreach (var seeded in options.SeededConsents) Grant(seeded.TenantId, seeded.ClientId, seeded.Roles, seeded.Scopes);
    }

    /// <summary>Every multi-tenant app registered in any tenant.</summary>
    public IEnumerable<AppRegistration> MultiTenantApps =>
        _directory.Tenants.SelectMany(t => t.Apps).Where(a => a.IsMultiTenant);

    public AppRegistration FindMultiTenantApp(string clientId) =>
        MultiTenantApps.FirstOrDefault(a => string.Equals(a.ClientId, clientId, StringComparison.OrdinalIgnoreCase));

    /// <summary>The multi-tenant app whose API a scope's resource part names (its app-id URI or client id), or null.</summary>
    public AppRegistration FindApiApp(string resource) => MultiTenantApps.FirstOrDefault(a => a.NamesApi(resource));

    /// <summary>True when the app has a service principal in the tenant: its home tenant, or one that consented.</summary>
    public bool IsConsented(string tenantId, string clientId)
    {
        var tenant = _directory.Find(tenantId);
        var app = FindMultiTenantApp(clientId);
        if (tenant == null || app == null) return false;
        if (IsHome(tenant, app)) return true;
        lock (_gate) return _principals.ContainsKey(Key(tenant.Id, app.ClientId));
    }

    /// <summary>
    /// The application roles the app was granted in the tenant on one API: an <see cref="ApiResources"/>
    /// name ("Graph", "DefenderForEndpoint"…), or another app's app-id URI or client id. Empty when none.
    /// </summary>
    public IReadOnlyList<string> GrantedRoles(string tenantId, string clientId, string apiName) =>
        Granted(tenantId, clientId, apiName, app => app.Roles, app => app.ApiRoles);

    /// <summary>The delegated scopes granted tenant-wide on one API (see <see cref="GrantedRoles"/> for the API names).</summary>
    public IReadOnlyList<string> GrantedScopes(string tenantId, string clientId, string apiName) =>
        Granted(tenantId, clientId, apiName, app => app.DelegatedScopes, app => app.ApiDelegatedScopes);

    private IReadOnlyList<string> Granted(string tenantId, string clientId, string apiName,
        Func<AppRegistration, List<string>> onGraph, Func<AppRegistration, Dictionary<string, List<string>>> onOthers)
    {
        var app = Resolve(_directory.Find(tenantId), clientId);
        if (app == null) return Array.Empty<string>();
        var key = ApiKey(apiName);
        lock (_gate)
            return key == ApiResources.GraphName ? onGraph(app).ToList()
                : onOthers(app).TryGetValue(key, out var values) ? values.ToList() : Array.Empty<string>();
    }

    /// <summary>
    /// The app as a tenant's flows see it: the tenant's own registration of that client id, else the
    /// consented view of a multi-tenant app, else null (no service principal: AADSTS700016).
    /// </summary>
    public AppRegistration Resolve(Tenant tenant, string clientId)
    {
        if (tenant == null || clientId == null) return null;
        var own = tenant.FindApp(clientId);
        if (own != null) return own;
        lock (_gate) return _principals.TryGetValue(Key(tenant.Id, clientId), out var sp) ? sp.View : null;
    }

    /// <summary>
    /// Creates the app's service principal in the tenant, or adds to what it holds: roles and scopes by
    /// API name (see <see cref="GrantedRoles"/>). Roles on another app's API must be ones it exposes.
    /// </summary>
    public ServicePrincipal Grant(string tenantId, string clientId, IReadOnlyDictionary<string, IEnumerable<string>> roles,
        IReadOnlyDictionary<string, IEnumerable<string>> scopes, string consentedBy = null)
    {
        var tenant = _directory.Find(tenantId) ?? throw new ArgumentException($"Tenant '{tenantId}' not found.");
        var app = FindMultiTenantApp(clientId) ?? throw new ArgumentException($"No multi-tenant app has the client id '{clientId}'.");
        if (IsHome(tenant, app)) throw new ArgumentException($"'{app.DisplayName}' is registered in tenant '{tenant.Domain}': its own tenant needs no consent.");
        var resolvedRoles = Resolved(roles, forRoles: true);
        var resolvedScopes = Resolved(scopes, forRoles: false);
        ServicePrincipal sp;
        lock (_gate)
        {
            var key = Key(tenant.Id, app.ClientId);
            if (!_principals.TryGetValue(key, out sp))
            {
                sp = new ServicePrincipal(tenant.Id, app, _time.GetUtcNow());
                _principals[key] = sp;
            }
            // Copy on write: token requests read the view's lists without the lock.
            foreach (var (api, values) in resolvedRoles)
            {
                if (api == ApiResources.GraphName) sp.View.Roles = Union(sp.View.Roles, values);
                else sp.View.ApiRoles = With(sp.View.ApiRoles, api, values);
            }
            foreach (var (api, values) in resolvedScopes)
            {
                if (api == ApiResources.GraphName) sp.View.DelegatedScopes = Union(sp.View.DelegatedScopes, values);
                else sp.View.ApiDelegatedScopes = With(sp.View.ApiDelegatedScopes, api, values);
            }
            if (consentedBy != null) sp.ConsentedBy = consentedBy;
        }
        Changed?.Invoke(tenant.Id, app.ClientId, true);
        return sp;
    }

    /// <summary>Removes the app's service principal from the tenant; false when it had none there.</summary>
    public bool Revoke(string tenantId, string clientId)
    {
        var tenant = _directory.Find(tenantId);
        if (tenant == null || clientId == null) return false;
        string client;
        lock (_gate)
        {
            var key = Key(tenant.Id, clientId);
            if (!_principals.Remove(key, out var sp)) return false;
            client = sp.Registration.ClientId;
        }
        Changed?.Invoke(tenant.Id, client, false);
        return true;
    }

    /// <summary>The consented multi-tenant apps' service principals in a tenant (home tenants excluded).</summary>
    public IReadOnlyList<ServicePrincipal> InTenant(string tenantId)
    {
        var tenant = _directory.Find(tenantId);
        if (tenant == null) return Array.Empty<ServicePrincipal>();
        lock (_gate) return _principals.Values.Where(p => p.TenantId == tenant.Id).OrderBy(p => p.Registration.DisplayName, StringComparer.Ordinal).ToList();
    }

    /// <summary>A copy of what a principal holds, taken under the lock (for the control API).</summary>
    public (Dictionary<string, List<string>> Roles, Dictionary<string, List<string>> Scopes) Snapshot(ServicePrincipal sp)
    {
        lock (_gate)
        {
            var roles = sp.View.ApiRoles.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.OrdinalIgnoreCase);
            roles[ApiResources.GraphName] = sp.View.Roles.ToList();
            var scopes = sp.View.ApiDelegatedScopes.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.OrdinalIgnoreCase);
            scopes[ApiResources.GraphName] = sp.View.DelegatedScopes.ToList();
            return (roles, scopes);
        }
    }

    private static bool IsHome(Tenant tenant, AppRegistration app) => string.Equals(tenant.Id, app.HomeTenantId, StringComparison.OrdinalIgnoreCase);

    private static (string, string) Key(string tenantId, string clientId) => (tenantId.ToLowerInvariant(), clientId.ToLowerInvariant());

    /// <summary>The key an API's permissions are kept under: an <see cref="ApiResources"/> name, or the API app's <see cref="AppRegistration.ApiKey"/>.</summary>
    private string ApiKey(string apiName)
    {
        var known = ApiResources.All.FirstOrDefault(a => string.Equals(a.Name, apiName, StringComparison.OrdinalIgnoreCase) || a.Names(apiName));
        if (known != null) return known.Name;
        return FindApiApp(apiName)?.ApiKey ?? apiName;
    }

    private Dictionary<string, List<string>> Resolved(IReadOnlyDictionary<string, IEnumerable<string>> byApi, bool forRoles)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (apiName, values) in byApi ?? new Dictionary<string, IEnumerable<string>>())
        {
            var list = (values ?? Array.Empty<string>()).Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
            var known = ApiResources.All.FirstOrDefault(a => string.Equals(a.Name, apiName, StringComparison.OrdinalIgnoreCase) || a.Names(apiName));
            if (known != null)
            {
                result[known.Name] = list;
                continue;
            }
            var apiApp = FindApiApp(apiName) ?? throw new ArgumentException(
                $"Unknown API '{apiName}'. Known: {string.Join(", ", ApiResources.All.Select(a => a.Name).Concat(MultiTenantApps.Where(a => a.AppIdUri != null).Select(a => a.AppIdUri)))}.");
            if (forRoles)
            {
                var unknown = list.Where(r => !apiApp.AppRoles.Contains(r, StringComparer.Ordinal)).ToList();
                if (unknown.Count > 0)
                    throw new ArgumentException($"'{apiApp.DisplayName}' exposes no app role {string.Join(", ", unknown)}. Its roles: {string.Join(", ", apiApp.AppRoles)}.");
            }
            result[apiApp.ApiKey] = list;
        }
        return result;
    }

    private static List<string> Union(List<string> current, IEnumerable<string> values) =>
        current.Concat(values).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static Dictionary<string, List<string>> With(Dictionary<string, List<string>> byApi, string api, IEnumerable<string> values)
    {
        var copy = new Dictionary<string, List<string>>(byApi, StringComparer.OrdinalIgnoreCase);
        copy[api] = Union(byApi.TryGetValue(api, out var current) ? current : new List<string>(), values);
        return copy;
    }

    /// <summary>Registers a multi-tenant app of the config file in its home tenant (replacing one with the same client id).</summary>
    private void AddApp(AppRegistration app)
    {
        var home = _directory.Find(app.HomeTenantId) ?? throw new ArgumentException(
            $"Config: the home tenant '{app.HomeTenantId}' of multi-tenant app '{app.ClientId}' is not a tenant of the emulator; add it under 'tenants'.");
        app.HomeTenantId = home.Id;
        foreach (var other in _directory.Tenants)
            other.Apps.RemoveAll(a => string.Equals(a.ClientId, app.ClientId, StringComparison.OrdinalIgnoreCase));
        home.Apps.Add(app);
    }
}
