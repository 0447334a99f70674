using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Identity.Consent;

/// <summary>
/// What the emulator's consent page does, since nobody clicks it: which user signs in (unless the
/// request has a <c>login_hint</c>) and whether they accept. Set through <c>/_emulator/adminconsent/responder</c>;
/// <c>POST /_emulator/reset</c> puts back the default (the tenant's first admin, who accepts).
/// </summary>
public sealed class AdminConsentResponder : Control.IControlResettable
{
    private readonly object _gate = new();
    private string _user;
    private bool _accept = true;

    public (string User, bool Accept) Current
    {
        get { lock (_gate) return (_user, _accept); }
    }

    public void Set(string user, bool accept)
    {
        lock (_gate)
        {
            _user = user;
            _accept = accept;
        }
    }

    public void ResetControls() => Set(null, true);
}

/// <summary>
/// <c>GET /{tenant}/adminconsent</c> (v1: everything the app's registration asks for) and
/// <c>GET /{tenant}/v2.0/adminconsent</c> (the scopes named, or <c>/.default</c>): an admin of the
/// tenant signs in and approves, the app's service principal is created there with the granted
/// permissions, and the browser goes back to the app's redirect URI. Like the emulator's authorize
/// endpoint it shows no page: the <see cref="AdminConsentResponder"/> stands in for the person.
/// </summary>
public static class AdminConsentEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/{tenant}/adminconsent", (HttpContext ctx, string tenant) => HandleAsync(ctx, tenant, v2: false));
        app.MapGet("/{tenant}/v2.0/adminconsent", (HttpContext ctx, string tenant) => HandleAsync(ctx, tenant, v2: true));
    }

    /// <summary>What an admin is asked to grant: roles and scopes by API key, and the scope value the answer echoes.</summary>
    public sealed record ConsentRequest(Dictionary<string, IEnumerable<string>> Roles, Dictionary<string, IEnumerable<string>> Scopes, string EchoScope)
    {
        public bool HasGraphRoles => Roles.TryGetValue(ApiResources.GraphName, out var r) && r.Any();
    }

    private static async Task HandleAsync(HttpContext context, string tenantSegment, bool v2)
    {
        var services = context.RequestServices;
        var directory = services.GetRequiredService<TenantDirectory>();
        var principals = services.GetRequiredService<ServicePrincipalGrants>();
        var q = context.Request.Query;
        string Get(string name) => string.IsNullOrEmpty(q[name].ToString()) ? null : q[name].ToString();
        var baseUrl = TokenEndpoint.BaseUrl(context.Request);

        // Until the redirect URI is known to be the app's, errors are a page (the AAD JSON), never a redirect.
        var tenant = directory.Find(tenantSegment);
        var clientId = Get("client_id");
        var redirectUri = Get("redirect_uri");
        AadError pageError = null;
        AppRegistration app = null;
        if (tenant == null) pageError = AadError.TenantNotFound(tenantSegment);
        else if (clientId == null) pageError = AadError.MissingParameter("client_id");
        else
        {
            app = principals.FindMultiTenantApp(clientId) ?? tenant.FindApp(clientId);
            if (app == null) pageError = AadError.UnknownClient(clientId, tenant.Domain);
            else if (redirectUri == null) pageError = ConsentErrors.NoRedirectUri();
            else if (!IsRegisteredRedirect(app, redirectUri)) pageError = ConsentErrors.RedirectNotRegistered(redirectUri, app);
        }
        var user = pageError == null ? SignIn(tenant, Get("login_hint"), services.GetRequiredService<AdminConsentResponder>(), out pageError) : null;
        if (pageError != null)
        {
            await pageError.WriteAsync(context, baseUrl);
            return;
        }

        var state = Get("state");
        var (request, error) = v2 ? ParseScopes(app, Get("scope")) : (AllRequired(app, null), null);
        error ??= Authorize(app, user, request, services.GetRequiredService<AdminConsentResponder>().Current.Accept);
        error ??= CheckResources(principals, tenant, app, request);
        var parameters = new List<KeyValuePair<string, string>>();
        if (error != null)
        {
            parameters.Add(new("error", error.Error));
            parameters.Add(new("error_description", $"AADSTS{error.Code}: {error.Message}"));
            parameters.Add(new("admin_consent", "True"));
        }
        else
        {
            // An app in its own tenant already holds what it was registered with.
            if (!string.Equals(app.HomeTenantId ?? tenant.Id, tenant.Id, StringComparison.OrdinalIgnoreCase))
                principals.Grant(tenant.Id, app.ClientId, request.Roles, request.Scopes, user.UserPrincipalName);
            parameters.Add(new("admin_consent", "True"));
            parameters.Add(new("tenant", tenant.Id));
            if (v2) parameters.Add(new("scope", request.EchoScope));
        }
        if (state != null) parameters.Add(new("state", state));
        var encoded = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        context.Response.Redirect(redirectUri + (redirectUri.Contains('?') ? "&" : "?") + encoded);
    }

    /// <summary>
    /// The user who signs in: the <c>login_hint</c>, else the responder's user, else the tenant's first
    /// user who may consent for it, else its first user (who will be refused).
    /// </summary>
    private static UserAccount SignIn(Tenant tenant, string hint, AdminConsentResponder responder, out AadError error)
    {
        error = null;
        var upn = hint ?? responder.Current.User;
        if (upn != null)
        {
            var named = tenant.FindUser(upn);
            if (named == null) error = AadError.UnknownUser(upn, tenant.Domain);
            return named;
        }
        var admin = tenant.Users.FirstOrDefault(u => MayConsent(u, graphRoles: true)) ?? tenant.Users.FirstOrDefault(u => MayConsent(u, graphRoles: false));
        var user = admin ?? tenant.Users.FirstOrDefault();
        if (user == null) error = AadError.UnknownUser("(none)", tenant.Domain);
        return user;
    }

    private static bool MayConsent(UserAccount user, bool graphRoles) =>
        user.Roles.Any(r => DirectoryRoles.ConsentToAnything.Contains(r, StringComparer.OrdinalIgnoreCase) ||
                            (!graphRoles && DirectoryRoles.ConsentExceptGraphRoles.Contains(r, StringComparer.OrdinalIgnoreCase)));

    /// <summary>The admin's decision: a non-admin is refused, an application admin may not grant Graph application roles.</summary>
    private static AadError Authorize(AppRegistration app, UserAccount user, ConsentRequest request, bool accept)
    {
        if (!MayConsent(user, graphRoles: false)) return ConsentErrors.AdminRequired(app);
        if (request.HasGraphRoles && !MayConsent(user, graphRoles: true)) return ConsentErrors.NotAuthorizedToGrant(app);
        return accept ? null : ConsentErrors.Declined();
    }

    /// <summary>Roles on another app's API need that app's service principal in the tenant.</summary>
    private static AadError CheckResources(ServicePrincipalGrants principals, Tenant tenant, AppRegistration app, ConsentRequest request)
    {
        foreach (var api in request.Roles.Keys.Concat(request.Scopes.Keys))
        {
            var apiApp = ApiResources.All.Any(a => a.Name == api) ? null : principals.FindApiApp(api);
            if (apiApp != null && !principals.IsConsented(tenant.Id, apiApp.ClientId)) return ConsentErrors.ResourceNotInTenant(app, api);
        }
        return null;
    }

    /// <summary>Everything the registration asks for (v1, and v2 with a <c>/.default</c> scope).</summary>
    private static ConsentRequest AllRequired(AppRegistration app, string echo) => new(
        app.RequiredResourceAccess.ToDictionary(kv => kv.Key, kv => (IEnumerable<string>)kv.Value.Roles.ToList(), StringComparer.OrdinalIgnoreCase),
        app.RequiredResourceAccess.ToDictionary(kv => kv.Key, kv => (IEnumerable<string>)kv.Value.Scopes.ToList(), StringComparer.OrdinalIgnoreCase),
        echo);

    /// <summary>
    /// The v2 <c>scope</c>: any <c>/.default</c> stands for every permission the registration asks for
    /// (application roles can only be consented that way); a named scope is a delegated permission the
    /// registration asks for on that API (Graph when unqualified). OIDC scopes are echoed and grant nothing.
    /// </summary>
    public static (ConsentRequest, AadError) ParseScopes(AppRegistration app, string scope)
    {
        if (string.IsNullOrWhiteSpace(scope)) return (null, AadError.MissingParameter("scope"));
        var items = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var echo = string.Join(" ", items);
        if (items.Any(i => i.EndsWith("/.default", StringComparison.OrdinalIgnoreCase)))
        {
            var unknown = items.FirstOrDefault(i => i.EndsWith("/.default", StringComparison.OrdinalIgnoreCase) && ApiOf(app, i[..^"/.default".Length]) == null);
            return unknown != null ? (null, AadError.InvalidUserScope(unknown)) : (AllRequired(app, echo), null);
        }
        var scopes = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            if (ScopeGrant.OidcScopes.Contains(item, StringComparer.OrdinalIgnoreCase)) continue;
            var slash = item.LastIndexOf('/');
            var resource = slash >= 0 ? item[..slash] : ApiResources.Graph.Audience;
            var name = slash >= 0 ? item[(slash + 1)..] : item;
            var api = ApiOf(app, resource);
            if (api == null) return (null, AadError.InvalidUserScope(item));
            var offered = app.RequiredResourceAccess.TryGetValue(api, out var access) ? access.Scopes : new List<string>();
            var match = offered.FirstOrDefault(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));
            if (match == null) return (null, ConsentErrors.ScopeNotOnResource(app, name, resource));
            scopes[api] = (scopes.TryGetValue(api, out var list) ? list : Enumerable.Empty<string>()).Append(match).Distinct().ToList();
        }
        return (new ConsentRequest(new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase), scopes, echo), null);
    }

    /// <summary>The key of the API a scope's resource names in the app's required access: an API name or another app's app-id URI.</summary>
    private static string ApiOf(AppRegistration app, string resource)
    {
        var known = ApiResources.ForResource(resource);
        if (known != null) return known.Name;
        return app.RequiredResourceAccess.Keys.FirstOrDefault(k => string.Equals(k.TrimEnd('/'), resource.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A registered redirect URI, compared exactly, except that a loopback one (http://localhost or
    /// http://127.0.0.1) matches any port, as the platform allows for native apps.
    /// </summary>
    public static bool IsRegisteredRedirect(AppRegistration app, string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var asked)) return false;
        foreach (var registered in app.RedirectUris)
        {
            if (string.Equals(registered, redirectUri, StringComparison.Ordinal)) return true;
            if (!Uri.TryCreate(registered, UriKind.Absolute, out var r)) continue;
            if (IsLoopback(r) && IsLoopback(asked) && string.Equals(r.Host, asked.Host, StringComparison.OrdinalIgnoreCase) &&
                string.Equals(r.AbsolutePath.TrimEnd('/'), asked.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal) && asked.Query.Length == 0)
                return true;
        }
        return false;
    }

    private static bool IsLoopback(Uri uri) => uri.Scheme == Uri.UriSchemeHttp && (uri.Host == "localhost" || uri.Host == "127.0.0.1");
}
