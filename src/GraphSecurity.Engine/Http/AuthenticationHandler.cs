using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;

namespace GraphSecurity.Engine.Http;

/// <summary>
/// Puts the bearer token of one API on each request, and only on requests to that API: a URL of
/// another host or API (a next-page link pointing elsewhere, a mistyped absolute URL) is refused
/// before anything is sent, so a token never reaches a service it was not issued for. It is asked
/// for on every attempt, so a retry after a long Retry-After wait gets a renewed token.
/// </summary>
internal sealed class AuthenticationHandler : DelegatingHandler
{
    private readonly ITokenSource _tokens;
    private readonly CloudEnvironment _cloud;
    private readonly ApiEndpoint _api;
    private readonly Action<AccessToken> _onToken;

    public AuthenticationHandler(ITokenSource tokens, CloudEnvironment cloud, ApiEndpoint api, Action<AccessToken> onToken)
    {
        _tokens = tokens;
        _cloud = cloud;
        _api = api;
        _onToken = onToken;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_cloud.ApiOf(request.RequestUri)?.Api != _api.Api)
            throw new TokenDestinationException(request.RequestUri, _api.Api);
        var token = await _tokens.GetTokenAsync(_api.Resource, cancellationToken).ConfigureAwait(false);
        _onToken?.Invoke(token);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A request to a URL that is not the API's: refused, nothing was sent.</summary>
public sealed class TokenDestinationException : InvalidOperationException
{
    public TokenDestinationException(Uri? url, SecurityApi api)
        : base($"{url?.GetLeftPart(UriPartial.Path)} is not a URL of {SecurityApis.DisplayName(api)} in this connection's cloud; the request was not sent, so its token went nowhere else.")
    {
        Url = url;
        Api = api;
    }

    public Uri? Url { get; }
    public SecurityApi Api { get; }
}
