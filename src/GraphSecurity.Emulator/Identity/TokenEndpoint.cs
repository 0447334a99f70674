using System.Security.Cryptography;
using System.Text;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Identity.Consent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// POST /{tenant}/oauth2/v2.0/token — client credentials grant with a client secret (form or HTTP Basic)
/// or a certificate-signed client assertion.
/// </summary>
public sealed class TokenEndpoint
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private readonly TokenIssuer _issuer;
    private readonly TenantDirectory _directory;
    private readonly UserGrants _userGrants;
    private readonly ServicePrincipalGrants _principals;

    public TokenEndpoint(TokenIssuer issuer, TenantDirectory directory, UserGrants userGrants, ServicePrincipalGrants principals)
    {
        _issuer = issuer;
        _directory = directory;
        _userGrants = userGrants;
        _principals = principals;
    }

    public static string BaseUrl(HttpRequest r) => $"{r.Scheme}://{r.Host}";

    public async Task HandleAsync(HttpContext context, string tenantSegment)
    {
        var baseUrl = BaseUrl(context.Request);
        var (status, error, body) = await ProcessAsync(context, tenantSegment);
        if (error != null)
        {
            await error.WriteAsync(context, baseUrl);
            return;
        }
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store, no-cache";
        context.Response.Headers.Pragma = "no-cache";
        await context.Response.WriteAsJsonAsync(body);
    }

    private async Task<(int, AadError, object)> ProcessAsync(HttpContext context, string tenantSegment)
    {
        var tenant = _directory.Find(tenantSegment);
        if (tenant == null) return (0, AadError.TenantNotFound(tenantSegment), null);

        IFormCollection form = FormCollection.Empty;
        if (context.Request.HasFormContentType)
            form = await context.Request.ReadFormAsync();
        string Get(string name) { var v = form[name].ToString(); return string.IsNullOrEmpty(v) ? null : v; }

        var grantType = Get("grant_type");
        if (grantType == null) return (0, AadError.MissingParameter("grant_type"), null);
        if (grantType != "client_credentials") return _userGrants.Redeem(context, tenant, grantType, Get);

        var clientId = Get("client_id");
        var secret = Get("client_secret");
        var basic = ParseBasic(context.Request.Headers.Authorization.ToString());
        if (basic != null)
        {
            clientId ??= basic.Value.Id;
            secret ??= basic.Value.Secret;
        }
        if (clientId == null) return (0, AadError.MissingParameter("client_id"), null);
        var scope = Get("scope");
        if (scope == null) return (0, AadError.MissingParameter("scope"), null);

        // A multi-tenant app is known in a customer tenant only once consented there (its service principal).
        var app = _principals.Resolve(tenant, clientId);
        if (app == null) return (0, AadError.UnknownClient(clientId, tenant.Domain), null);

        var api = ApiResources.ForDefaultScope(scope);
        var apiApp = api == null ? PartnerApiOf(scope) : null;
        if (api == null && apiApp == null) return (0, AadError.InvalidScope(scope), null);

        string authMethod;
        var assertion = Get("client_assertion");
        var assertionType = Get("client_assertion_type");
        if (assertion != null || assertionType != null)
        {
            if (assertionType != AssertionType)
                return (0, new AadError(400, "invalid_request", 700023,
                    $"Client assertion type is not supported. Expected '{AssertionType}'."), null);
            if (assertion == null) return (0, AadError.MissingParameter("client_assertion"), null);
            var failure = await ValidateAssertionAsync(assertion, app, tenant, BaseUrl(context.Request));
            if (failure != null) return (0, failure, null);
            authMethod = "2";
        }
        else if (secret != null)
        {
            if (app.Secret == null || !FixedTimeEquals(app.Secret, secret))
                return (0, AadError.InvalidSecret(app.ClientId), null);
            authMethod = "1";
        }
        else
        {
            return (0, AadError.MissingCredential(), null);
        }

        string token;
        if (apiApp != null)
        {
            var resource = ScopeResource(scope);
            if (!_principals.IsConsented(tenant.Id, apiApp.ClientId)) return (0, ConsentErrors.ResourceNotFound(resource, tenant), null);
            token = _issuer.Issue(tenant, app, authMethod, audience: resource,
                roles: _principals.GrantedRoles(tenant.Id, app.ClientId, apiApp.ApiKey));
        }
        else
        {
            token = _issuer.Issue(tenant, app, authMethod, audience: Audience(api, scope));
        }
        return (200, null, new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = _issuer.Lifetime,
            ["ext_expires_in"] = _issuer.Lifetime,
            ["access_token"] = token,
        });
    }

    /// <summary>The multi-tenant app whose API a single "&lt;app-id URI or client id&gt;/.default" scope names, or null.</summary>
    private AppRegistration PartnerApiOf(string scope)
    {
        var parts = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 1 || !parts[0].EndsWith("/.default", StringComparison.OrdinalIgnoreCase)) return null;
        return _principals.FindApiApp(ScopeResource(scope));
    }

    private static string ScopeResource(string scope) => scope.Trim()[..^"/.default".Length].TrimEnd('/');

    /// <summary>
    /// The audience of a token asked for with "&lt;resource&gt;/.default": the resource as the client spelled
    /// it (without a trailing slash), or the API's own audience when it was named by its app id.
    /// </summary>
    public static string Audience(ApiResource api, string scope)
    {
        var resource = ScopeResource(scope);
        return string.Equals(resource, api.AppId, StringComparison.OrdinalIgnoreCase) ? api.Audience : resource;
    }

    private static (string Id, string Secret)? ParseBasic(string header)
    {
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = text.IndexOf(':');
            if (colon < 0) return null;
            return (Uri.UnescapeDataString(text[..colon]), Uri.UnescapeDataString(text[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Validates a client assertion; returns null when valid, else the AADSTS700027 error.</summary>
    private async Task<AadError> ValidateAssertionAsync(string assertion, AppRegistration app, Tenant tenant, string baseUrl)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(assertion);
        }
        catch (Exception)
        {
            return AadError.BadAssertion("Client assertion is not a well-formed JWT.");
        }
        if (jwt.Alg != SecurityAlgorithms.RsaSha256 && jwt.Alg != SecurityAlgorithms.RsaSsaPssSha256)
            return AadError.BadAssertion($"Client assertion uses unsupported algorithm '{jwt.Alg}'. Use RS256 or PS256.");
        jwt.TryGetHeaderValue("x5t", out string x5t);
        jwt.TryGetHeaderValue("x5t#S256", out string x5tS256);
        var thumb = x5tS256 ?? x5t;
        if (thumb == null)
            return AadError.BadAssertion("Client assertion header must contain 'x5t' or 'x5t#S256'.");
        if (app.Certificates.Count == 0)
            return AadError.BadAssertion(
                $"Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '{ThumbHex(thumb)}', Please check the certificates configured for app Id '{app.ClientId}'.]");

        // Prefer the certificate the header names; fall back to every registered one.
        var matching = app.Certificates.Where(c =>
            (x5t != null && Base64UrlEncoder.Encode(SHA1.HashData(c.RawData)) == x5t) ||
            (x5tS256 != null && Base64UrlEncoder.Encode(SHA256.HashData(c.RawData)) == x5tS256)).ToList();
        var candidates = matching.Concat(app.Certificates.Except(matching)).ToList();

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = candidates.Select(c => (SecurityKey)new X509SecurityKey(c)).ToList(),
            TryAllIssuerSigningKeys = true,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromMinutes(5),
            ValidAlgorithms = new[] { SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256 },
        };
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, parameters);
        if (!result.IsValid)
        {
            if (result.Exception is SecurityTokenExpiredException)
                return AadError.BadAssertion("Client assertion is not within its valid time range: the token is expired.");
            if (result.Exception is SecurityTokenNoExpirationException)
                return AadError.BadAssertion("Client assertion must contain an 'exp' claim.");
            if (result.Exception is SecurityTokenNotYetValidException)
                return AadError.BadAssertion("Client assertion is not within its valid time range: the token is not yet valid.");
            return AadError.BadAssertion(
                $"Client assertion contains an invalid signature. [Reason - The key was not found or the signature does not verify., Thumbprint of key used by client: '{ThumbHex(thumb)}', Please check the certificates configured for app Id '{app.ClientId}'.]");
        }
        jwt.TryGetPayloadValue("iss", out string iss);
        jwt.TryGetPayloadValue("sub", out string sub);
        if (!string.Equals(iss, app.ClientId, StringComparison.OrdinalIgnoreCase) || !string.Equals(sub, app.ClientId, StringComparison.OrdinalIgnoreCase))
            return AadError.BadAssertion($"Client assertion 'iss' and 'sub' must both equal the client_id '{app.ClientId}'.");
        var audiences = jwt.Audiences.ToList();
        bool AudOk(string aud)
        {
            var a = aud.TrimEnd('/');
            return new[] { tenant.Id, tenant.Domain }.Any(t =>
                string.Equals(a, $"{baseUrl}/{t}/oauth2/v2.0/token", StringComparison.OrdinalIgnoreCase));
        }
        if (!audiences.Any(AudOk))
            return AadError.BadAssertion(
                $"Client assertion audience claim does not match the token endpoint. Expected '{baseUrl}/{tenant.Id}/oauth2/v2.0/token', got '{string.Join(",", audiences)}'.");
        return null;
    }

    private static string ThumbHex(string base64Url)
    {
        try { return Convert.ToHexString(Base64UrlEncoder.DecodeBytes(base64Url)); }
        catch (Exception) { return base64Url; }
    }
}
