using System.Security.Claims;
using System.Security.Cryptography;
using GraphSecurity.Emulator.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// Owns the RSA key the emulator signs access tokens with (generated at start), issues access
/// tokens for every API of <see cref="ApiResources"/> and validates them on each API's side.
/// </summary>
public sealed class TokenIssuer
{
    public const string GraphResource = "https://graph.microsoft.com";
    public const string GraphAppId = "00000003-0000-0000-c000-000000000000";

    /// <summary>The roles an app holds on an API: Graph's are its <c>Roles</c>, the others' its <c>ApiRoles</c>.</summary>
    public static IReadOnlyList<string> RolesOn(AppRegistration app, ApiResource api) =>
        api == ApiResources.Graph ? app.Roles : app.ApiRoles.TryGetValue(api.Name, out var roles) ? roles : Array.Empty<string>();
    public const int LifetimeSeconds = 3599;

    private readonly RSA _rsa;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public RsaSecurityKey Key { get; }
    public string KeyId { get; }
    public TenantDirectory Directory { get; }

    /// <summary>Access-token lifetime in seconds (config <c>tokenLifetimeSeconds</c>; default <see cref="LifetimeSeconds"/>).</summary>
    public int Lifetime { get; }

    public TokenIssuer(TenantDirectory directory, EmulatorOptions options)
    {
        Directory = directory;
        Lifetime = options.TokenLifetimeSeconds;
        _rsa = RSA.Create(2048);
        var p = _rsa.ExportParameters(false);
        KeyId = Base64UrlEncoder.Encode(SHA256.HashData(p.Modulus).AsSpan(0, 15).ToArray());
        Key = new RsaSecurityKey(_rsa) { KeyId = KeyId };
    }

    public static string Issuer(string tenantId) => $"https://sts.windows.net/{tenantId}/";

    /// <summary>
    /// Creates a v1-format app-only access token. Its audience is the resource the client asked for
    /// (default: Graph), and its roles are the app's roles on that resource's API, or
    /// <paramref name="roles"/> when given (the API of a multi-tenant app, which the emulator does not serve).
    /// </summary>
    public string Issue(Tenant tenant, AppRegistration app, string authMethod, DateTimeOffset? issuedAt = null, string audience = GraphResource,
        IReadOnlyList<string> roles = null)
    {
        var claims = CommonClaims(tenant, app, authMethod, issuedAt ?? DateTimeOffset.UtcNow, audience);
        claims["idtyp"] = "app";
        claims["oid"] = app.ObjectId(tenant.Id);
        claims["sub"] = app.ObjectId(tenant.Id);
        var api = ApiResources.ForResource(audience);
        roles ??= api == null ? app.Roles : RolesOn(app, api);
        if (roles.Count > 0) claims["roles"] = roles.ToArray();
        return Sign(claims);
    }

    /// <summary>Microsoft Graph as a caller: what the broker calls partner providers with.</summary>
    private static readonly AppRegistration GraphAsCaller = new() { ClientId = GraphAppId, DisplayName = "Microsoft Graph", Roles = new List<string>() };

    /// <summary>
    /// An app-only token for a tenant and audience with Microsoft Graph (app id <see cref="GraphAppId"/>)
    /// as the calling app, for emulator code that calls a partner provider on a customer's behalf.
    /// Nothing outside the emulator can ask for one.
    /// </summary>
    internal string IssueAsGraph(Tenant tenant, string audience, IReadOnlyList<string> roles = null) =>
        Issue(tenant, GraphAsCaller, "2", audience: audience, roles: roles ?? Array.Empty<string>());

    /// <summary>
    /// Creates a v1-format delegated (user) access token for Microsoft Graph: <c>scp</c> (space separated),
    /// <c>idtyp</c>=user, the user's <c>oid</c>, <c>upn</c>, <c>name</c> and directory roles in <c>wids</c>.
    /// </summary>
    public string IssueDelegated(Tenant tenant, AppRegistration app, UserAccount user, IEnumerable<string> scopes, DateTimeOffset? issuedAt = null,
        string audience = GraphResource)
    {
        var claims = CommonClaims(tenant, app, "0", issuedAt ?? DateTimeOffset.UtcNow, audience);
        claims["idtyp"] = "user";
        claims["acr"] = "1";
        claims["amr"] = new[] { "pwd", "mfa" };
        claims["name"] = user.DisplayName;
        claims["oid"] = user.ObjectId(tenant.Id);
        claims["sub"] = AppRegistration.DeterministicGuid("sub:" + user.ObjectId(tenant.Id) + ":" + app.ClientId).ToString("N");
        claims["scp"] = string.Join(" ", scopes);
        claims["upn"] = user.UserPrincipalName;
        claims["unique_name"] = user.UserPrincipalName;
        var wids = user.Roles.Select(r => DirectoryRoles.TemplateIds.GetValueOrDefault(r)).Where(id => id != null).ToArray();
        if (wids.Length > 0) claims["wids"] = wids;
        return Sign(claims);
    }

    /// <summary>A v2 id token for the client (<c>aud</c> = client id), issued by the emulator's v2 issuer.</summary>
    public string IssueIdToken(Tenant tenant, AppRegistration app, UserAccount user, string baseUrl, DateTimeOffset? issuedAt = null)
    {
        var iat = issuedAt ?? DateTimeOffset.UtcNow;
        return Sign(new Dictionary<string, object>
        {
            ["aud"] = app.ClientId,
            ["iss"] = $"{baseUrl}/{tenant.Id}/v2.0",
            ["iat"] = iat.ToUnixTimeSeconds(),
            ["nbf"] = iat.ToUnixTimeSeconds(),
            ["exp"] = iat.AddSeconds(Lifetime).ToUnixTimeSeconds(),
            ["name"] = user.DisplayName,
            ["oid"] = user.ObjectId(tenant.Id),
            ["preferred_username"] = user.UserPrincipalName,
            ["sub"] = AppRegistration.DeterministicGuid("sub:" + user.ObjectId(tenant.Id) + ":" + app.ClientId).ToString("N"),
            ["tid"] = tenant.Id,
            ["ver"] = "2.0",
        });
    }

    private Dictionary<string, object> CommonClaims(Tenant tenant, AppRegistration app, string authMethod, DateTimeOffset iat, string audience) => new()
    {
        ["aud"] = audience,
        ["iss"] = Issuer(tenant.Id),
        ["iat"] = iat.ToUnixTimeSeconds(),
        ["nbf"] = iat.ToUnixTimeSeconds(),
        ["exp"] = iat.AddSeconds(Lifetime).ToUnixTimeSeconds(),
        ["aio"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24)),
        ["app_displayname"] = app.DisplayName,
        ["appid"] = app.ClientId,
        ["appidacr"] = authMethod,
        ["azp"] = app.ClientId,
        ["azpacr"] = authMethod,
        ["idp"] = Issuer(tenant.Id),
        ["tid"] = tenant.Id,
        ["uti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
        ["ver"] = "1.0",
    };

    private string Sign(Dictionary<string, object> claims) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Claims = claims,
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
        TokenType = "JWT",
    });

    /// <summary>The JWKS document (public key only).</summary>
    public object Jwks()
    {
        var p = _rsa.ExportParameters(false);
        return new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", kid = KeyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) },
            },
        };
    }

    /// <summary>
    /// Validates a bearer token for an API (default: Graph). Returns the principal or throws that API's
    /// 401 (<see cref="ApiResources.Unauthorized"/>) with the message the service uses for the failure; a
    /// token of another API's audience is refused like any invalid token.
    /// </summary>
    public async Task<CallerPrincipal> ValidateAsync(string token, ApiResource api = null)
    {
        api ??= ApiResources.Graph;
        if (string.IsNullOrWhiteSpace(token))
            throw ApiResources.Unauthorized(api, "Access token is empty.");
        if (!_handler.CanReadToken(token))
            throw ApiResources.Unauthorized(api, "Access token validation failure.");
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = Key,
            ValidAudiences = api.AcceptedAudiences.ToArray(),
            ValidateIssuer = true,
            IssuerValidator = (issuer, _, _) =>
            {
                var t = Directory.Tenants.FirstOrDefault(x => Issuer(x.Id) == issuer);
                if (t == null) throw new SecurityTokenInvalidIssuerException("Unknown issuer.");
                return issuer;
            },
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(5),
            ValidAlgorithms = new[] { SecurityAlgorithms.RsaSha256 },
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            var ex = result.Exception;
            if (ex is SecurityTokenExpiredException)
                throw ApiResources.Unauthorized(api, "Lifetime validation failed, the token is expired.");
            if (ex is SecurityTokenInvalidAudienceException)
                throw ApiResources.Unauthorized(api, api == ApiResources.Graph
                    ? "Access token validation failure. Invalid audience."
                    : $"The access token has been obtained for wrong audience or resource '{new JsonWebToken(token).Audiences.FirstOrDefault()}'. It should exactly match one of the allowed audiences {string.Join(", ", api.AcceptedAudiences.Select(a => "'" + a + "'"))}.");
            throw ApiResources.Unauthorized(api, "Access token validation failure.");
        }
        var jwt = (JsonWebToken)result.SecurityToken;
        var tid = jwt.GetClaim("tid").Value;
        var tenant = Directory.Find(tid) ?? throw ApiResources.Unauthorized(api, "Access token validation failure.");
        var roles = jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value).ToList();
        jwt.TryGetPayloadValue("app_displayname", out string displayName);
        jwt.TryGetPayloadValue("appid", out string appId);
        // Delegated tokens carry their permissions in the space-separated 'scp' claim instead of 'roles'.
        jwt.TryGetPayloadValue("scp", out string scp);
        var scopes = (scp ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        jwt.TryGetPayloadValue("idtyp", out string idtyp);
        jwt.TryGetPayloadValue("upn", out string upn);
        var userRoles = jwt.Claims.Where(c => c.Type == "wids").Select(c => DirectoryRoles.NameOf(c.Value)).Where(n => n != null).ToList();
        return new CallerPrincipal(tenant, appId, displayName, roles)
        {
            Api = api,
            Audience = jwt.Audiences.FirstOrDefault(),
            Scopes = scopes,
            IsDelegated = idtyp == "user" || scopes.Length > 0,
            UserPrincipalName = upn,
            UserRoles = userRoles,
        };
    }
}

/// <summary>The caller of a request to one of the APIs, as established from its access token.</summary>
public sealed record CallerPrincipal(Tenant Tenant, string AppId, string AppDisplayName, IReadOnlyList<string> Roles)
{
    /// <summary>The API the token was validated for (its audience).</summary>
    public ApiResource Api { get; init; } = ApiResources.Graph;
    /// <summary>The audience the token carried (one of the API's accepted spellings).</summary>
    public string Audience { get; init; }
    /// <summary>Delegated permissions (the 'scp' claim); empty for app-only tokens.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = Array.Empty<string>();
    /// <summary>True for a user (delegated) token: <c>idtyp</c> is user, or it has an <c>scp</c> claim.</summary>
    public bool IsDelegated { get; init; }
    public string UserPrincipalName { get; init; }
    /// <summary>Directory roles of the signed-in user, from the token's <c>wids</c> (see <see cref="DirectoryRoles"/>).</summary>
    public IReadOnlyList<string> UserRoles { get; init; } = Array.Empty<string>();
    /// <summary>Who the caller is in audit fields such as a comment's author: the user's UPN, else the app's name.</summary>
    public string ActorDisplayName => IsDelegated && UserPrincipalName != null ? UserPrincipalName : AppDisplayName;

    /// <summary>
    /// For APIs that accept delegated and application permissions: a delegated token needs one of the
    /// permissions as a scope, an app-only token as a role. Otherwise the 403 of <see cref="Require"/>.
    /// A delegated write (every accepted permission is a ReadWrite one) also needs the user to hold one of
    /// <see cref="DirectoryRoles.Writers"/>, as the reference says for incident updates.
    /// </summary>
    public void RequireRoleOrScope(string acceptedPermissions)
    {
        if (!IsDelegated)
        {
            Require(acceptedPermissions);
            return;
        }
        var accepted = acceptedPermissions.Split(',');
        if (!Scopes.Any(s => accepted.Contains(s, StringComparer.OrdinalIgnoreCase)))
            throw Errors.GraphError.Forbidden(
                $"Missing scope permissions on the request. API requires one of '{string.Join(", ", accepted)}'. Scopes on the request '{string.Join(", ", Scopes)}'.");
        var write = accepted.All(p => p.Contains(".ReadWrite.", StringComparison.Ordinal));
        if (write && !UserRoles.Any(r => DirectoryRoles.Writers.Contains(r, StringComparer.OrdinalIgnoreCase)))
            throw Errors.GraphError.Forbidden(
                $"The signed-in user '{UserPrincipalName}' does not hold a directory role that allows this operation. Required one of: {string.Join(", ", DirectoryRoles.Writers)}.");
    }

    /// <summary>
    /// Throws the Graph 403 unless the token carries one of <paramref name="acceptedRoles"/> (comma list).
    /// Delegated scopes never count here, so app-only APIs reject a delegated token with the same message.
    /// </summary>
    public void Require(string acceptedRoles)
    {
        var accepted = acceptedRoles.Split(',');
        if (Roles.Any(r => accepted.Contains(r, StringComparer.Ordinal))) return;
        var message = $"Missing application roles. API required roles: {acceptedRoles}, application roles: {string.Join(",", Roles)}.";
        throw Api == ApiResources.Graph ? Errors.GraphError.Forbidden(message) : Errors.ApiError.Forbidden(message);
    }
}
