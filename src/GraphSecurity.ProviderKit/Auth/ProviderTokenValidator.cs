using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GraphSecurity.ProviderKit.Auth;

/// <summary>Who called: the customer tenant the token was issued in and the calling app.</summary>
public sealed record ProviderCaller(string TenantId, string AppId, string Audience);

/// <summary>
/// Validates the broker's bearer tokens: RS256 signed by a key of the authority's JWKS (fetched, cached and
/// fetched again when a token names a key it has not seen, e.g. after the authority restarted), issuer
/// <c>https://sts.windows.net/{tid}/</c> matching the token's own <c>tid</c>, the provider's audience and a
/// lifetime that has not ended. Failures are 401 <see cref="ProviderException"/>s that never repeat the token.
/// </summary>
public sealed class ProviderTokenValidator
{
    private static readonly TimeSpan RefetchInterval = TimeSpan.FromSeconds(5);

    private readonly GsProviderOptions _options;
    private readonly HttpClient _http;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SemaphoreSlim _fetchLock = new(1, 1);
    private IReadOnlyList<SecurityKey> _keys = Array.Empty<SecurityKey>();
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public ProviderTokenValidator(GsProviderOptions options, HttpClient http)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _http = http ?? throw new ArgumentNullException(nameof(http));
    }

    public static string IssuerFor(string tenantId) => $"https://sts.windows.net/{tenantId}/";

    /// <summary>Validates the value of an Authorization header.</summary>
    public async Task<ProviderCaller> ValidateAsync(string authorization, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(authorization))
            throw ProviderException.Unauthorized("The request has no bearer token.");
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw ProviderException.Unauthorized("The Authorization header must be 'Bearer <token>'.");
        var token = authorization["Bearer ".Length..].Trim();
        JsonWebToken jwt;
        try
        {
            jwt = _handler.CanReadToken(token) ? _handler.ReadJsonWebToken(token) : null;
        }
        catch (ArgumentException)
        {
            // Three dot-separated parts that are not base64url JSON.
            jwt = null;
        }
        if (jwt == null)
            throw ProviderException.Unauthorized("The bearer token is not a JWT.");
        if (jwt.Alg != SecurityAlgorithms.RsaSha256)
            throw ProviderException.Unauthorized($"The token is signed with '{jwt.Alg}'; only RS256 is accepted.");

        var keys = await KeysAsync(jwt.Kid, cancellationToken).ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(token, Parameters(keys)).ConfigureAwait(false);
        if (!result.IsValid)
            throw ProviderException.Unauthorized(Explain(result.Exception, jwt));

        var valid = (JsonWebToken)result.SecurityToken;
        valid.TryGetPayloadValue("tid", out string tid);
        valid.TryGetPayloadValue("appid", out string appId);
        if (string.IsNullOrEmpty(appId)) valid.TryGetPayloadValue("azp", out appId);
        return new ProviderCaller(tid, appId, valid.Audiences.FirstOrDefault());
    }

    private TokenValidationParameters Parameters(IReadOnlyList<SecurityKey> keys) => new()
    {
        IssuerSigningKeys = keys,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        ValidAlgorithms = new[] { SecurityAlgorithms.RsaSha256 },
        ValidAudiences = _options.AcceptedAudiences,
        ValidateIssuer = true,
        IssuerValidator = (issuer, token, parameters) =>
        {
            // The issuer names the tenant; it must be the same tenant the token is for.
            string tid = null;
            if (token is JsonWebToken jwt && jwt.TryGetPayloadValue("tid", out string claim)) tid = claim;
            if (string.IsNullOrEmpty(tid) || !Guid.TryParse(tid, out _) || issuer != IssuerFor(tid))
                throw new SecurityTokenInvalidIssuerException("The token's issuer does not match its tenant.");
            return issuer;
        },
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = _options.ClockSkew,
    };

    private static string Explain(Exception error, JsonWebToken jwt) => error switch
    {
        SecurityTokenExpiredException => "The token is expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidAudienceException => $"The token's audience '{jwt.Audiences.FirstOrDefault()}' is not this provider's.",
        SecurityTokenInvalidIssuerException => $"The token's issuer '{jwt.Issuer}' is not the authority's issuer for its tenant.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature does not verify with the authority's keys.",
        _ => "The token is not valid.",
    };

    private async Task<IReadOnlyList<SecurityKey>> KeysAsync(string kid, CancellationToken cancellationToken)
    {
        if (Known(kid) || DateTimeOffset.UtcNow - _fetchedAt < RefetchInterval) return _keys;
        await _fetchLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Known(kid) || DateTimeOffset.UtcNow - _fetchedAt < RefetchInterval) return _keys;
            var url = PinnedHttp.Combine(_options.Authority, "common/discovery/v2.0/keys");
            string json;
            try
            {
                json = await _http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new ProviderException(ProviderErrorCodes.InternalServerError, $"The provider cannot read the authority's signing keys: {e.Message}");
            }
            _keys = new JsonWebKeySet(json).GetSigningKeys().ToList();
            _fetchedAt = DateTimeOffset.UtcNow;
            return _keys;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    private bool Known(string kid) => _keys.Count > 0 && (string.IsNullOrEmpty(kid) || _keys.Any(k => k.KeyId == kid));
}
