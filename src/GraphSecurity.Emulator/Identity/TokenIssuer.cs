using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// Owns the RSA key the emulator signs access tokens with (generated at start), issues
/// Graph access tokens and validates them on the Graph side.
/// </summary>
public sealed class TokenIssuer
{
    public const string GraphResource = "https://graph.microsoft.com";
    public const string GraphAppId = "00000003-0000-0000-c000-000000000000";
    public const int LifetimeSeconds = 3599;

    private readonly RSA _rsa;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public RsaSecurityKey Key { get; }
    public string KeyId { get; }
    public TenantDirectory Directory { get; }

    public TokenIssuer(TenantDirectory directory)
    {
        Directory = directory;
        _rsa = RSA.Create(2048);
        var p = _rsa.ExportParameters(false);
        KeyId = Base64UrlEncoder.Encode(SHA256.HashData(p.Modulus).AsSpan(0, 15).ToArray());
        Key = new RsaSecurityKey(_rsa) { KeyId = KeyId };
    }

    public static string Issuer(string tenantId) => $"https://sts.windows.net/{tenantId}/";

    /// <summary>Creates a v1-format app-only access token for Microsoft Graph.</summary>
    public string Issue(Tenant tenant, AppRegistration app, string authMethod, DateTimeOffset? issuedAt = null, string audience = GraphResource)
    {
        var iat = issuedAt ?? DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = Issuer(tenant.Id),
            ["iat"] = iat.ToUnixTimeSeconds(),
            ["nbf"] = iat.ToUnixTimeSeconds(),
            ["exp"] = iat.AddSeconds(LifetimeSeconds).ToUnixTimeSeconds(),
            ["aio"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24)),
            ["app_displayname"] = app.DisplayName,
            ["appid"] = app.ClientId,
            ["appidacr"] = authMethod,
            ["azp"] = app.ClientId,
            ["azpacr"] = authMethod,
            ["idp"] = Issuer(tenant.Id),
            ["idtyp"] = "app",
            ["oid"] = app.ObjectId(tenant.Id),
            ["sub"] = app.ObjectId(tenant.Id),
            ["tid"] = tenant.Id,
            ["uti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            ["ver"] = "1.0",
        };
        if (app.Roles.Count > 0) claims["roles"] = app.Roles.ToArray();
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
            TokenType = "JWT",
        };
        return _handler.CreateToken(descriptor);
    }

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
    /// Validates a Graph bearer token. Returns the principal or throws a <see cref="Errors.GraphError"/> 401
    /// with the message Graph uses for the failure.
    /// </summary>
    public async Task<GraphPrincipal> ValidateAsync(string token)
    {
        if (string.IsNullOrWhiteSpace(token))
            throw Errors.GraphError.Unauthorized("Access token is empty.");
        if (!_handler.CanReadToken(token))
            throw Errors.GraphError.Unauthorized("Access token validation failure.");
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = Key,
            ValidAudiences = new[] { GraphResource, GraphResource + "/", GraphAppId },
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
                throw Errors.GraphError.Unauthorized("Lifetime validation failed, the token is expired.");
            if (ex is SecurityTokenInvalidAudienceException)
                throw Errors.GraphError.Unauthorized("Access token validation failure. Invalid audience.");
            throw Errors.GraphError.Unauthorized("Access token validation failure.");
        }
        var jwt = (JsonWebToken)result.SecurityToken;
        var tid = jwt.GetClaim("tid").Value;
        var tenant = Directory.Find(tid) ?? throw Errors.GraphError.Unauthorized("Access token validation failure.");
        var roles = jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value).ToList();
        jwt.TryGetPayloadValue("app_displayname", out string displayName);
        jwt.TryGetPayloadValue("appid", out string appId);
        // Delegated tokens carry their permissions in the space-separated 'scp' claim instead of 'roles'.
        jwt.TryGetPayloadValue("scp", out string scp);
        var scopes = (scp ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new GraphPrincipal(tenant, appId, displayName, roles) { Scopes = scopes };
    }
}

/// <summary>The caller of a Graph request, as established from its access token.</summary>
public sealed record GraphPrincipal(Tenant Tenant, string AppId, string AppDisplayName, IReadOnlyList<string> Roles)
{
    public const string AlertReadRoles = "SecurityAlert.Read.All,SecurityAlert.ReadWrite.All,SecurityIncident.Read.All,SecurityIncident.ReadWrite.All";
    public const string AlertWriteRoles = "SecurityAlert.ReadWrite.All";

    /// <summary>Delegated permissions (the 'scp' claim); empty for app-only tokens.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = Array.Empty<string>();

    /// <summary>
    /// For APIs that accept delegated and application permissions: a delegated token needs one of the
    /// permissions as a scope, an app-only token as a role. Otherwise the 403 of <see cref="Require"/>.
    /// </summary>
    public void RequireRoleOrScope(string acceptedPermissions)
    {
        if (Scopes.Count == 0)
        {
            Require(acceptedPermissions);
            return;
        }
        var accepted = acceptedPermissions.Split(',');
        if (Scopes.Any(s => accepted.Contains(s, StringComparer.OrdinalIgnoreCase))) return;
        throw Errors.GraphError.Forbidden(
            $"Missing scope permissions on the request. API requires one of '{string.Join(", ", accepted)}'. Scopes on the request '{string.Join(", ", Scopes)}'.");
    }

    /// <summary>
    /// Throws the Graph 403 unless the token carries one of <paramref name="acceptedRoles"/> (comma list).
    /// Delegated scopes never count here, so app-only APIs reject a delegated token with the same message.
    /// </summary>
    public void Require(string acceptedRoles)
    {
        var accepted = acceptedRoles.Split(',');
        if (Roles.Any(r => accepted.Contains(r, StringComparer.Ordinal))) return;
        throw Errors.GraphError.Forbidden(
            $"Missing application roles. API required roles: {acceptedRoles}, application roles: {string.Join(",", Roles)}.");
    }
}
