using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;

namespace GraphSecurity.Engine.Authentication;

/// <summary>App-only tokens from MSAL's confidential client, per resource; MSAL caches them and renews them before expiry.</summary>
internal sealed class MsalTokenSource : ITokenSource
{
    private readonly IConfidentialClientApplication _app;

    public MsalTokenSource(IConfidentialClientApplication app)
    {
        _app = app;
    }

    public async Task<AccessToken> GetTokenAsync(string resource, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _app.AcquireTokenForClient(new[] { resource.TrimEnd('/') + "/.default" }).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            if (result.AuthenticationResultMetadata?.TokenSource == TokenSource.IdentityProvider)
                EngineLogScope.Current.Verbose($"Acquired a token for app {_app.AppConfig.ClientId} and {resource} from the identity provider (expires {result.ExpiresOn:u}).");
            return new AccessToken(result.AccessToken, result.ExpiresOn);
        }
        catch (MsalException ex)
        {
            throw AuthenticationFailedException.From(ex);
        }
    }
}

/// <summary>
/// Tokens obtained elsewhere and passed in, one per resource; each is used until it expires, then
/// the caller must connect again. A resource without a token is an error naming the API.
/// </summary>
internal sealed class StaticTokenSource : ITokenSource
{
    private readonly Dictionary<string, (System.Security.SecureString Token, DateTimeOffset? ExpiresOn, string Api)> _tokens =
        new Dictionary<string, (System.Security.SecureString, DateTimeOffset?, string)>(StringComparer.OrdinalIgnoreCase);

    /// <param name="tokens">Each token with the resource it is for and the API's name (for messages).</param>
    public StaticTokenSource(IEnumerable<(string Resource, string Api, System.Security.SecureString Token)> tokens)
    {
        foreach (var (resource, api, token) in tokens)
        {
            var copy = token.Copy();
            copy.MakeReadOnly();
            _tokens[resource.TrimEnd('/')] = (copy, JwtClaims.TryReadExpiry(SecureStrings.ToPlain(copy)), api);
        }
    }

    /// <summary>When the token for the resource expires (null when unknown or not given).</summary>
    public DateTimeOffset? ExpiresOn(string resource) =>
        _tokens.TryGetValue(resource.TrimEnd('/'), out var entry) ? entry.ExpiresOn : null;

    public IEnumerable<string> Resources => _tokens.Keys;

    public Task<AccessToken> GetTokenAsync(string resource, CancellationToken cancellationToken)
    {
        if (!_tokens.TryGetValue(resource.TrimEnd('/'), out var entry))
            throw new AuthenticationFailedException(
                $"No access token for {resource} was passed to Connect-GsTenant.",
                "Pass one per API: Connect-GsTenant -AccessToken @{ Graph = $graphToken; DefenderForEndpoint = $defenderToken }, or connect with a credential that can get them itself.");
        if (entry.ExpiresOn.HasValue && entry.ExpiresOn.Value <= DateTimeOffset.UtcNow)
            throw new AuthenticationFailedException(
                $"The access token for {entry.Api} passed to Connect-GsTenant expired at {entry.ExpiresOn.Value:u}.",
                "Get a new token and run Connect-GsTenant -AccessToken again, or connect with a credential that can renew itself.");
        return Task.FromResult(new AccessToken(SecureStrings.ToPlain(entry.Token), entry.ExpiresOn));
    }
}
