using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;

namespace GraphSecurity.Engine.Authentication
{
    /// <summary>App-only tokens from MSAL's confidential client; MSAL caches them and renews them before expiry.</summary>
    internal sealed class MsalTokenSource : ITokenSource
    {
        private readonly IConfidentialClientApplication _app;
        private readonly string[] _scopes;

        public MsalTokenSource(IConfidentialClientApplication app, string scope)
        {
            _app = app;
            _scopes = new[] { scope };
        }

        public async Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken)
        {
            try
            {
                var result = await _app.AcquireTokenForClient(_scopes).ExecuteAsync(cancellationToken).ConfigureAwait(false);
                if (result.AuthenticationResultMetadata?.TokenSource == TokenSource.IdentityProvider)
                    EngineLogScope.Current.Verbose($"Acquired a token for app {_app.AppConfig.ClientId} from the identity provider (expires {result.ExpiresOn:u}).");
                return new AccessToken(result.AccessToken, result.ExpiresOn);
            }
            catch (MsalException ex)
            {
                throw AuthenticationFailedException.From(ex);
            }
        }
    }

    /// <summary>A token obtained elsewhere and passed in; it is used until it expires, then the caller must connect again.</summary>
    internal sealed class StaticTokenSource : ITokenSource
    {
        private readonly System.Security.SecureString _token;
        private readonly DateTimeOffset? _expiresOn;

        public StaticTokenSource(System.Security.SecureString token)
        {
            _token = token.Copy();
            _token.MakeReadOnly();
            _expiresOn = JwtClaims.TryReadExpiry(SecureStrings.ToPlain(_token));
        }

        public DateTimeOffset? ExpiresOn => _expiresOn;

        public Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken)
        {
            if (_expiresOn.HasValue && _expiresOn.Value <= DateTimeOffset.UtcNow)
                throw new AuthenticationFailedException(
                    $"The access token passed to Connect-GsTenant expired at {_expiresOn.Value:u}.",
                    "Get a new token and run Connect-GsTenant -AccessToken again, or connect with a credential that can renew itself.");
            return Task.FromResult(new AccessToken(SecureStrings.ToPlain(_token), _expiresOn));
        }
    }
}
