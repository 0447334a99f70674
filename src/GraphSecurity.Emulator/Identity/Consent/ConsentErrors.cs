using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Identity.Consent;

/// <summary>The identity platform's errors of multi-tenant apps: resources without a principal, and the consent refusals.</summary>
public static class ConsentErrors
{
    /// <summary>A token for an API whose app has no service principal in the tenant.</summary>
    public static AadError ResourceNotFound(string resource, Tenant tenant) => new(400, "invalid_resource", 500011,
        $"The resource principal named {resource} was not found in the tenant named {tenant.DisplayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.");

    public static AadError RedirectNotRegistered(string redirectUri, AppRegistration app) => new(400, "invalid_request", 50011,
        $"The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{app.ClientId}'. Make sure the redirect URI sent in the request matches one added to your application registration.");

    public static AadError NoRedirectUri() => new(400, "invalid_request", 900971, "No reply address provided.");

    /// <summary>The signed-in user declined (the consent page's Cancel).</summary>
    public static AadError Declined() => new(400, "access_denied", 65004, "User declined to consent to access the app.");

    /// <summary>A user without an admin role that may consent for the organization.</summary>
    public static AadError AdminRequired(AppRegistration app) => new(400, "access_denied", 90094,
        $"{app.DisplayName} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.");

    /// <summary>An application administrator asked to grant Microsoft Graph application roles.</summary>
    public static AadError NotAuthorizedToGrant(AppRegistration app) => new(400, "access_denied", 90093,
        $"{app.DisplayName} is requesting one or more permissions that you are not authorized to grant. Contact an administrator, who can consent to this application on your behalf.");

    /// <summary>A scope the app's registration does not name for that API.</summary>
    public static AadError ScopeNotOnResource(AppRegistration app, string scope, string resource) => new(400, "invalid_client", 650053,
        $"The application '{app.DisplayName}' asked for scope '{scope}' that doesn't exist on the resource '{resource}'. Contact the app vendor.");

    /// <summary>The app asks for roles on another app's API that has no service principal in the tenant.</summary>
    public static AadError ResourceNotInTenant(AppRegistration app, string resource) => new(400, "invalid_client", 650052,
        $"The app '{app.DisplayName}' needs access to a service ('{resource}') that your organization has not subscribed to or enabled. Contact your IT Admin to review the configuration of your service subscriptions.");
}
