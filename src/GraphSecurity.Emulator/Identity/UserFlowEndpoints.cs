using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// The user-facing halves of the delegated flows: <c>POST /{tenant}/oauth2/v2.0/devicecode</c> and
/// <c>GET /{tenant}/oauth2/v2.0/authorize</c> (which signs a user in and consents without any UI).
/// </summary>
public static class UserFlowEndpoints
{
    public const string VerificationUri = "https://microsoft.com/devicelogin";

    public static void Map(WebApplication app)
    {
        app.MapPost("/{tenant}/oauth2/v2.0/devicecode", DeviceCodeAsync);
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", AuthorizeAsync);
    }

    private static async Task DeviceCodeAsync(HttpContext context, string tenant, TenantDirectory directory, UserGrants grants, Consent.ServicePrincipalGrants principals)
    {
        var baseUrl = TokenEndpoint.BaseUrl(context.Request);
        var t = directory.Find(tenant);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : FormCollection.Empty;
        var clientId = NullIfEmpty(form["client_id"]);
        var (app, error) = FindPublicClient(t, tenant, clientId, principals);
        ScopeGrant scopes = null;
        if (error == null) (scopes, error) = UserGrants.ResolveScopes(app, NullIfEmpty(form["scope"]));
        if (error != null)
        {
            await error.WriteAsync(context, baseUrl);
            return;
        }
        var code = grants.StartDeviceCode(t, app, scopes);
        var expiresIn = (int)Math.Round((code.ExpiresAt - grants.Now).TotalSeconds);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["user_code"] = code.UserCode,
            ["device_code"] = code.Code,
            ["verification_uri"] = VerificationUri,
            ["expires_in"] = expiresIn,
            ["interval"] = code.Interval,
            ["message"] = $"To sign in, use a web browser to open the page {VerificationUri} and enter the code {code.UserCode} to authenticate.",
        });
    }

    /// <summary>The tenant's app for a user flow, or the AAD error a wrong tenant/client gets.</summary>
    private static (AppRegistration, AadError) FindPublicClient(Tenant tenant, string tenantSegment, string clientId, Consent.ServicePrincipalGrants principals)
    {
        if (tenant == null) return (null, AadError.TenantNotFound(tenantSegment));
        if (clientId == null) return (null, AadError.MissingParameter("client_id"));
        var app = principals.Resolve(tenant, clientId);
        // A multi-tenant app this tenant has not consented to: a user flow would ask for consent, which the emulator does not show.
        var unconsented = app == null ? principals.FindMultiTenantApp(clientId) : null;
        if (unconsented != null) return (null, AadError.ConsentRequired(unconsented));
        if (app == null) return (null, AadError.UnknownClient(clientId, tenant.Domain));
        if (!app.IsPublicClient) return (null, AadError.MissingCredential());
        return (app, null);
    }

    private static async Task AuthorizeAsync(HttpContext context, string tenant, TenantDirectory directory, UserGrants grants, EmulatorOptions options,
        Consent.ServicePrincipalGrants principals)
    {
        var q = context.Request.Query;
        var baseUrl = TokenEndpoint.BaseUrl(context.Request);
        var t = directory.Find(tenant);
        var (app, error) = FindPublicClient(t, tenant, NullIfEmpty(q["client_id"]), principals);
        var redirectUri = NullIfEmpty(q["redirect_uri"]);
        if (error == null && !IsAcceptedRedirect(redirectUri))
            error = new AadError(400, "invalid_request", 50011,
                $"The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{app.ClientId}'. Public clients may use http://localhost or http://127.0.0.1 with any port and path.");
        if (error != null)
        {
            // Without a trustworthy redirect URI the real service shows an error page; the emulator answers with the AAD JSON.
            await error.WriteAsync(context, baseUrl);
            return;
        }

        var state = NullIfEmpty(q["state"]);
        var mode = NullIfEmpty(q["response_mode"]) ?? "query";
        ScopeGrant scopes = null;
        UserAccount user = null;
        var challenge = NullIfEmpty(q["code_challenge"]);
        var method = NullIfEmpty(q["code_challenge_method"]);
        if (q["response_type"] != "code")
            error = new AadError(400, "unsupported_response_type", 700054, $"response_type '{q["response_type"]}' is not enabled for the application.");
        else if (mode is not ("query" or "fragment" or "form_post"))
            error = new AadError(400, "invalid_request", 900144, $"The response_mode '{mode}' is not supported. Use query, fragment or form_post.");
        else if (challenge != null && method != "S256")
            error = new AadError(400, "invalid_request", 501491, "Invalid code_challenge_method. The emulator supports only S256.");
        else
        {
            (scopes, error) = UserGrants.ResolveScopes(app, NullIfEmpty(q["scope"]));
            if (error?.Code == 65001) error = new AadError(400, "consent_required", 65001, error.Message);
        }
        if (error == null)
        {
            var hint = NullIfEmpty(q["login_hint"]) ?? options.InteractiveUser;
            user = hint != null ? t.FindUser(hint) : t.Users.FirstOrDefault();
            if (user == null) error = AadError.UnknownUser(hint ?? "(none)", t.Domain);
        }

        var parameters = new List<KeyValuePair<string, string>>();
        if (error != null)
        {
            parameters.Add(new("error", error.Error));
            parameters.Add(new("error_description", $"AADSTS{error.Code}: {error.Message}"));
        }
        else
        {
            var code = grants.IssueCode(new UserGrants.UserGrant(t, app, user, scopes, grants.Now + UserGrants.CodeLifetime, redirectUri, challenge));
            parameters.Add(new("code", code));
        }
        if (state != null) parameters.Add(new("state", state));
        if (error == null) parameters.Add(new("session_state", AppRegistration.DeterministicGuid("session:" + user.ObjectId(t.Id)).ToString()));

        if (mode == "form_post")
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            var inputs = string.Concat(parameters.Select(p =>
                $"<input type=\"hidden\" name=\"{p.Key}\" value=\"{System.Net.WebUtility.HtmlEncode(p.Value)}\"/>"));
            await context.Response.WriteAsync(
                $"<html><body onload=\"document.forms[0].submit()\"><form method=\"POST\" action=\"{System.Net.WebUtility.HtmlEncode(redirectUri)}\">{inputs}</form></body></html>");
            return;
        }
        var encoded = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var separator = mode == "fragment" ? "#" : redirectUri.Contains('?') ? "&" : "?";
        context.Response.Redirect(redirectUri + separator + encoded);
    }

    /// <summary>Loopback http redirect URIs (any port and path) and the classic native-client URI.</summary>
    public static bool IsAcceptedRedirect(string redirectUri)
    {
        if (redirectUri == null || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)) return false;
        if (redirectUri == "https://login.microsoftonline.com/common/oauth2/nativeclient") return true;
        return uri.Scheme == Uri.UriSchemeHttp && (uri.Host == "localhost" || uri.Host == "127.0.0.1");
    }

    private static string NullIfEmpty(Microsoft.Extensions.Primitives.StringValues v) => string.IsNullOrEmpty(v.ToString()) ? null : v.ToString();
}
