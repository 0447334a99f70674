using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// The delegated permissions a user flow was granted: the permissions on one API (Graph unless the
/// scopes named another resource) and the OpenID Connect scopes.
/// </summary>
public sealed record ScopeGrant(IReadOnlyList<string> Permissions, IReadOnlyList<string> Oidc)
{
    public static readonly string[] OidcScopes = { "openid", "profile", "email", "offline_access" };

    /// <summary>The API the permissions are on (the access token's audience).</summary>
    public ApiResource Api { get; init; } = ApiResources.Graph;

    /// <summary>The access token's <c>scp</c>: the API's permissions, then openid/profile/email (never offline_access).</summary>
    public IEnumerable<string> Scp => Permissions.Concat(Oidc.Where(s => s != "offline_access"));

    /// <summary>The token response's <c>scope</c>: resource-qualified permissions plus the OIDC scopes.</summary>
    public string ResponseScope => string.Join(" ", Permissions.Select(s => Api.Resources[0] + "/" + s).Concat(Oidc));
}

/// <summary>
/// State of the user (delegated) flows: pending device codes, authorization codes and refresh tokens, and the
/// token-endpoint grants that redeem them (<c>device_code</c>, <c>authorization_code</c>, <c>refresh_token</c>).
/// </summary>
public sealed class UserGrants
{
    public const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
    /// <summary>The short name MSAL.NET sends to Entra authorities; Entra accepts both.</summary>
    public const string DeviceCodeGrantShort = "device_code";
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(90);

    public enum DeviceState { Pending, Approved, Declined }

    public sealed class DeviceCode
    {
        public string Code { get; init; }
        public string UserCode { get; init; }
        public Tenant Tenant { get; init; }
        public AppRegistration App { get; init; }
        public ScopeGrant Scopes { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public int Interval { get; init; }
        public DeviceState State { get; set; }
        public UserAccount User { get; set; }
        public DateTimeOffset? LastPoll { get; set; }
    }

    /// <summary>What an authorization code or refresh token stands for.</summary>
    public sealed record UserGrant(Tenant Tenant, AppRegistration App, UserAccount User, ScopeGrant Scopes, DateTimeOffset ExpiresAt,
        string RedirectUri = null, string CodeChallenge = null);

    private readonly ConcurrentDictionary<string, DeviceCode> _deviceCodes = new();
    private readonly ConcurrentDictionary<string, UserGrant> _codes = new();
    private readonly ConcurrentDictionary<string, bool> _redeemedCodes = new();
    private readonly ConcurrentDictionary<string, UserGrant> _refreshTokens = new();
    private readonly TokenIssuer _issuer;
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Consent.ServicePrincipalGrants _principals;

    public UserGrants(TokenIssuer issuer, EmulatorOptions options, TimeProvider time, Consent.ServicePrincipalGrants principals)
    {
        _issuer = issuer;
        _options = options;
        _time = time;
        _principals = principals;
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Resolves a space-separated scope list for <paramref name="app"/>: OIDC scopes, and permissions of one
    /// API (short Graph names, or resource-qualified names of any API of <see cref="ApiResources"/>), or
    /// <c>/.default</c> (every permission consented on that API). A permission the app has no consent for is
    /// AADSTS65001; a scope of an unknown resource, or of two resources at once, is AADSTS70011.
    /// </summary>
    public static (ScopeGrant Grant, AadError Error) ResolveScopes(AppRegistration app, string scope)
    {
        if (string.IsNullOrWhiteSpace(scope)) return (null, AadError.MissingParameter("scope"));
        var permissions = new List<string>();
        var oidc = new List<string>();
        ApiResource api = null;
        foreach (var item in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var oidcName = ScopeGrant.OidcScopes.FirstOrDefault(o => string.Equals(o, item, StringComparison.OrdinalIgnoreCase));
            if (oidcName != null)
            {
                if (!oidc.Contains(oidcName)) oidc.Add(oidcName);
                continue;
            }
            var name = item;
            var itemApi = ApiResources.Graph;
            var slash = item.LastIndexOf('/');
            if (slash >= 0)
            {
                itemApi = ApiResources.ForResource(item[..slash]);
                if (itemApi == null) return (null, AadError.InvalidUserScope(item));
                name = item[(slash + 1)..];
            }
            if (api != null && api != itemApi) return (null, AadError.InvalidUserScope(item));
            api = itemApi;
            var consented = api == ApiResources.Graph ? app.DelegatedScopes
                : app.ApiDelegatedScopes.TryGetValue(api.Name, out var onApi) ? onApi : new List<string>();
            var granted = name == ".default"
                ? consented
                : consented.Where(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (granted.Count == 0) return (null, AadError.ConsentRequired(app));
            permissions.AddRange(granted.Where(g => !permissions.Contains(g)));
        }
        return (new ScopeGrant(permissions, oidc) { Api = api ?? ApiResources.Graph }, null);
    }

    public static string NewSecret(int bytes) => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));

    // ---- device code ----

    public DeviceCode StartDeviceCode(Tenant tenant, AppRegistration app, ScopeGrant scopes)
    {
        const string alphabet = "BCDFGHJKLMNPQRSTVWXZ23456789"; // no vowels or look-alikes, as real user codes
        var userCode = new string(Enumerable.Range(0, 9).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray());
        var grant = new DeviceCode
        {
            Code = NewSecret(48),
            UserCode = userCode,
            Tenant = tenant,
            App = app,
            Scopes = scopes,
            ExpiresAt = Now.AddSeconds(_options.DeviceCodeExpiresInSeconds),
            Interval = _options.DeviceCodeIntervalSeconds,
        };
        _deviceCodes[grant.Code] = grant;
        return grant;
    }

    /// <summary>Finds a pending device code by its user code (case-insensitive).</summary>
    public DeviceCode FindByUserCode(string userCode) =>
        _deviceCodes.Values.FirstOrDefault(d => string.Equals(d.UserCode, userCode?.Trim(), StringComparison.OrdinalIgnoreCase));

    // ---- authorization code ----

    public string IssueCode(UserGrant grant)
    {
        var code = NewSecret(64);
        _codes[code] = grant;
        return code;
    }

    // ---- token endpoint ----

    /// <summary>Redeems a user grant at the token endpoint. Only public clients may use these grants.</summary>
    public (int, AadError, object) Redeem(HttpContext context, Tenant tenant, string grantType, Func<string, string> get)
    {
        if (grantType is not (DeviceCodeGrant or DeviceCodeGrantShort or "authorization_code" or "refresh_token"))
            return (0, AadError.UnsupportedGrantType(grantType), null);
        var clientId = get("client_id");
        if (clientId == null) return (0, AadError.MissingParameter("client_id"), null);
        var app = _principals.Resolve(tenant, clientId);
        if (app == null) return (0, AadError.UnknownClient(clientId, tenant.Domain), null);
        if (!app.IsPublicClient) return (0, AadError.MissingCredential(), null);

        var (grant, error) = grantType switch
        {
            DeviceCodeGrant or DeviceCodeGrantShort => PollDeviceCode(app, get("device_code")),
            "authorization_code" => RedeemCode(app, get("code"), get("redirect_uri"), get("code_verifier")),
            _ => RedeemRefreshToken(app, get("refresh_token"), get("scope")),
        };
        if (error != null) return (0, error, null);
        return (200, null, TokenResponse(context, grant, get("client_info") == "1"));
    }

    private (UserGrant, AadError) PollDeviceCode(AppRegistration app, string code)
    {
        if (code == null) return (null, AadError.MissingParameter("device_code"));
        if (!_deviceCodes.TryGetValue(code, out var d) || d.App != app) return (null, AadError.BadVerificationCode());
        var now = Now;
        lock (d)
        {
            if (now >= d.ExpiresAt)
            {
                _deviceCodes.TryRemove(code, out _);
                return (null, AadError.ExpiredToken());
            }
            // RFC 8628 slow_down; lenient (half the interval) so clients that wait exactly the interval never see it.
            var tooFast = d.LastPoll is { } last && now - last < TimeSpan.FromSeconds(d.Interval / 2.0);
            d.LastPoll = now;
            if (d.State == DeviceState.Declined) return (null, AadError.AuthorizationDeclined());
            if (tooFast) return (null, AadError.SlowDown());
            if (d.State == DeviceState.Pending) return (null, AadError.AuthorizationPending());
            _deviceCodes.TryRemove(code, out _);
            return (new UserGrant(d.Tenant, d.App, d.User, d.Scopes, now), null);
        }
    }

    private (UserGrant, AadError) RedeemCode(AppRegistration app, string code, string redirectUri, string verifier)
    {
        if (code == null) return (null, AadError.MissingParameter("code"));
        if (_redeemedCodes.ContainsKey(code)) return (null, AadError.CodeRedeemed());
        if (!_codes.TryGetValue(code, out var grant) || grant.App != app) return (null, AadError.InvalidCode());
        if (Now >= grant.ExpiresAt) return (null, AadError.CodeExpired());
        if (!string.Equals(redirectUri, grant.RedirectUri, StringComparison.Ordinal)) return (null, AadError.RedirectMismatch());
        if (grant.CodeChallenge != null && (verifier == null || S256(verifier) != grant.CodeChallenge)) return (null, AadError.PkceMismatch());
        // Single use: only a successful redemption consumes the code.
        if (!_codes.TryRemove(code, out _)) return (null, AadError.CodeRedeemed());
        _redeemedCodes[code] = true;
        return (grant, null);
    }

    private (UserGrant, AadError) RedeemRefreshToken(AppRegistration app, string token, string scope)
    {
        if (token == null) return (null, AadError.MissingParameter("refresh_token"));
        // Rotation: the presented refresh token is used up; the response carries a new one.
        if (!_refreshTokens.TryRemove(token, out var grant)) return (null, AadError.InvalidRefreshToken());
        if (grant.App != app) return (null, AadError.InvalidRefreshToken());
        if (Now >= grant.ExpiresAt) return (null, AadError.CodeExpired());
        var scopes = grant.Scopes;
        if (scope != null)
        {
            var (requested, error) = ResolveScopes(app, scope);
            if (error != null) return (null, error);
            // A refresh keeps offline access even when the client does not repeat offline_access.
            scopes = requested with { Oidc = requested.Oidc.Union(new[] { "offline_access" }).ToList() };
        }
        return (grant with { Scopes = scopes }, null);
    }

    private Dictionary<string, object> TokenResponse(HttpContext context, UserGrant grant, bool clientInfo)
    {
        var iat = Now;
        var body = new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["scope"] = grant.Scopes.ResponseScope,
            ["expires_in"] = _issuer.Lifetime,
            ["ext_expires_in"] = _issuer.Lifetime,
            ["access_token"] = _issuer.IssueDelegated(grant.Tenant, grant.App, grant.User, grant.Scopes.Scp, iat, grant.Scopes.Api.Audience),
        };
        if (grant.Scopes.Oidc.Contains("offline_access"))
        {
            var refresh = NewSecret(96);
            _refreshTokens[refresh] = grant with { ExpiresAt = iat + RefreshTokenLifetime, RedirectUri = null, CodeChallenge = null };
            body["refresh_token"] = refresh;
        }
        if (grant.Scopes.Oidc.Contains("openid"))
            body["id_token"] = _issuer.IssueIdToken(grant.Tenant, grant.App, grant.User, TokenEndpoint.BaseUrl(context.Request), iat);
        if (clientInfo)
        {
            var info = JsonSerializer.Serialize(new { uid = grant.User.ObjectId(grant.Tenant.Id), utid = grant.Tenant.Id });
            body["client_info"] = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(info));
        }
        return body;
    }

    public static string S256(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
