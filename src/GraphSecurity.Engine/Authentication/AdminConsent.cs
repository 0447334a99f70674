using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Authentication;

/// <summary>What Request-GsAdminConsent was given.</summary>
public sealed class AdminConsentRequest
{
    public CloudEnvironment Cloud { get; set; } = CloudEnvironment.Global;
    /// <summary>The customer tenant whose admin is asked.</summary>
    public string TenantId { get; set; } = "";
    public string ClientId { get; set; } = "";
    /// <summary>Permissions to ask for on the v2 endpoint; null or empty: the v1 endpoint (everything the app's registration asks for).</summary>
    public IList<string>? Permissions { get; set; }
    /// <summary>A loopback http redirect URI registered on the app; null: http://localhost on a free port.</summary>
    public Uri? RedirectUri { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Opens the consent page; null: the system browser.</summary>
    public Func<Uri, CancellationToken, Task>? OpenBrowser { get; set; }
    /// <summary>Set: the consent page is not opened but shown (-NoBrowser), for an admin to open wherever they are.</summary>
    public Action<Uri>? ShowUrl { get; set; }
}

/// <summary>
/// Asks a tenant's admin to consent to an app: builds the admin-consent URL with a random state,
/// opens it (or shows it), waits on loopback for the browser to come back, and reads the answer.
/// </summary>
public static class AdminConsent
{
    public static readonly Uri DefaultRedirectUri = new Uri("http://localhost/");

    /// <summary>Why a redirect URI cannot be listened on here, or null: it must be http on localhost or 127.0.0.1.</summary>
    public static string? RedirectProblem(Uri uri)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttp) return "it is not an http:// URI (the answer is received on this machine's loopback)";
        if (!string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase) && uri.Host != "127.0.0.1")
            return "its host is not localhost or 127.0.0.1";
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0) return "it has a query or fragment";
        return null;
    }

    /// <summary>The v2 scope of the permissions: names without a resource are Microsoft Graph's; ".default" is Graph's .default.</summary>
    public static string Scope(CloudEnvironment cloud, IEnumerable<string> permissions) =>
        string.Join(" ", permissions.Select(p => p.Trim()).Where(p => p.Length > 0).Select(p =>
            p.Contains("/") || OidcScopes.Contains(p, StringComparer.OrdinalIgnoreCase) ? p : cloud.GraphResource + "/" + p));

    private static readonly string[] OidcScopes = { "openid", "profile", "email", "offline_access" };
    private static readonly char[] Space = { ' ' };

    /// <summary>The admin-consent URL: v2 (with scope) when there are permissions, else v1.</summary>
    public static Uri ConsentUrl(AdminConsentRequest request, Uri redirectUri, string state)
    {
        var v2 = request.Permissions != null && request.Permissions.Count > 0;
        var query = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>("client_id", request.ClientId) };
        if (v2) query.Add(new KeyValuePair<string, string>("scope", Scope(request.Cloud, request.Permissions!)));
        query.Add(new KeyValuePair<string, string>("redirect_uri", redirectUri.AbsoluteUri));
        query.Add(new KeyValuePair<string, string>("state", state));
        var path = Uri.EscapeDataString(request.TenantId) + (v2 ? "/v2.0/adminconsent" : "/adminconsent");
        return new Uri(request.Cloud.LoginEndpoint, path + "?" + string.Join("&", query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))));
    }

    public static async Task<GsAdminConsentResult> RequestAsync(AdminConsentRequest request, CancellationToken cancellationToken)
    {
        var requested = request.RedirectUri ?? DefaultRedirectUri;
        var problem = RedirectProblem(requested);
        if (problem != null) throw new ArgumentException($"The redirect URI '{requested}' cannot receive the answer: {problem}.");
        var state = NewState();
        using (var listener = LoopbackRedirectListener.Start(requested))
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(request.Timeout);
            var url = ConsentUrl(request, listener.RedirectUri, state);
            try
            {
                var waiting = listener.WaitAsync(limit.Token);
                if (request.ShowUrl != null) request.ShowUrl(url);
                else if (request.OpenBrowser != null) await request.OpenBrowser(url, limit.Token).ConfigureAwait(false);
                else OpenSystemBrowser(url);
                var query = await waiting.ConfigureAwait(false);
                return Read(request, listener.RedirectUri, state, query);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new AuthenticationFailedException(
                    $"No answer to the admin-consent request came back to {listener.RedirectUri} within {request.Timeout.TotalSeconds:0} s.",
                    "Open the consent page again (Request-GsAdminConsent), sign in as an admin of the tenant and accept; give more -TimeoutSeconds when the admin needs longer.");
            }
        }
    }

    /// <summary>Reads the redirect's parameters: granted only with admin_consent=True, no error, and this request's state.</summary>
    internal static GsAdminConsentResult Read(AdminConsentRequest request, Uri redirectUri, string state, IDictionary<string, string> query)
    {
        string? Get(string name) => query.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        var v2 = request.Permissions != null && request.Permissions.Count > 0;
        var result = new GsAdminConsentResult
        {
            TenantId = request.TenantId,
            ClientId = request.ClientId,
            Endpoint = v2 ? "v2" : "v1",
            RedirectUri = redirectUri,
            StateVerified = string.Equals(Get("state"), state, StringComparison.Ordinal),
            Error = Get("error"),
            ErrorDescription = Get("error_description") is string description ? Strings.FirstLine(description) : null,
        };
        if (!result.StateVerified && result.Error == null)
        {
            result.Error = "state_mismatch";
            result.ErrorDescription = "The answer does not carry this request's state, so it is not the answer to this request and nothing in it is taken as granted.";
        }
        result.Granted = result.Error == null && string.Equals(Get("admin_consent"), "True", StringComparison.OrdinalIgnoreCase);
        if (result.Granted)
        {
            result.GrantedTenantId = Get("tenant");
            var scope = Get("scope");
            result.Permissions = new ValueList<string>(scope != null
                ? scope.Split(Space, StringSplitOptions.RemoveEmptyEntries).ToList()
                : new List<string> { ".default" });
        }
        return result;
    }

    private static string NewState()
    {
        var bytes = new byte[32];
        using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The platform's default browser (.NET opens URLs with the shell on Windows, xdg-open on Linux, open on macOS).</summary>
    private static void OpenSystemBrowser(Uri url)
    {
        try
        {
            using (Process.Start(new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true })) { }
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException)
        {
            throw new AuthenticationFailedException(
                $"No browser could be opened here ({Strings.FirstLine(ex.Message)}).",
                "Run Request-GsAdminConsent -NoBrowser and open the URL it shows in a browser on this machine.");
        }
    }
}
