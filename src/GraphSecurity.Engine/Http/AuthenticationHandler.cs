using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;

namespace GraphSecurity.Engine.Http
{
    /// <summary>
    /// Puts a bearer token on each request. It sits inside the retry handler, so a retry after a
    /// long Retry-After wait asks MSAL again and gets a renewed token if the old one expired.
    /// </summary>
    internal sealed class AuthenticationHandler : DelegatingHandler
    {
        private readonly ITokenSource _tokens;
        private readonly Action<AccessToken> _onToken;

        public AuthenticationHandler(ITokenSource tokens, Action<AccessToken> onToken)
        {
            _tokens = tokens;
            _onToken = onToken;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            _onToken?.Invoke(token);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
