namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// The permissions an app registration asks for on one API (its <c>requiredResourceAccess</c> entry):
/// application roles and delegated scopes. Admin consent grants these.
/// </summary>
public sealed class RequiredAccess
{
    public List<string> Roles { get; set; } = new();
    public List<string> Scopes { get; set; } = new();
}

public sealed partial class AppRegistration
{
    public const string SingleTenant = "AzureADMyOrg";
    public const string MultiTenant = "AzureADMultipleOrgs";

    /// <summary><c>AzureADMyOrg</c> (default) or <c>AzureADMultipleOrgs</c>: may other tenants consent to it.</summary>
    public string SignInAudience { get; set; } = SingleTenant;

    public bool IsMultiTenant => SignInAudience == MultiTenant;

    /// <summary>The tenant the app is registered in (set for multi-tenant apps).</summary>
    public string HomeTenantId { get; set; }

    /// <summary>The app-id URI of the API the app exposes (e.g. <c>api://northwind-sentry</c>); null when it exposes none.</summary>
    public string AppIdUri { get; set; }

    /// <summary>The application roles its API exposes (what other apps may be granted on it).</summary>
    public List<string> AppRoles { get; set; } = new();

    /// <summary>Registered redirect URIs (admin consent sends the browser back to one of them).</summary>
    public List<string> RedirectUris { get; set; } = new();

    /// <summary>What the app asks for, by API: an <see cref="ApiResources"/> name, or another app's app-id URI.</summary>
    public Dictionary<string, RequiredAccess> RequiredResourceAccess { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The key its API's roles are kept under in other apps' <see cref="ApiRoles"/>: its app-id URI, else its client id.</summary>
    public string ApiKey => AppIdUri ?? ClientId;

    /// <summary>True when <paramref name="resource"/> (as a scope's resource part) names this app's API.</summary>
    public bool NamesApi(string resource)
    {
        var r = (resource ?? "").TrimEnd('/');
        return (AppIdUri != null && string.Equals(AppIdUri.TrimEnd('/'), r, StringComparison.OrdinalIgnoreCase)) ||
               string.Equals(ClientId, r, StringComparison.OrdinalIgnoreCase);
    }
}
