using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Connections;

/// <summary>
/// A signed-in connection to one tenant: one sign-in (one token source), and a client per API of
/// its cloud, made on first use, each getting tokens for its own resource.
/// </summary>
public sealed class GraphConnection : IDisposable
{
    private readonly TransportFactory _transport;
    private readonly ConcurrentDictionary<SecurityApi, ApiClient> _clients = new ConcurrentDictionary<SecurityApi, ApiClient>();
    /// <summary>The latest token of each resource (for Get-GsConnection: expiry and permissions; never shown itself).</summary>
    private readonly ConcurrentDictionary<string, AccessToken> _latestTokens = new ConcurrentDictionary<string, AccessToken>(StringComparer.OrdinalIgnoreCase);
    private string? _account;

    private GraphConnection(ConnectionRequest request, ITokenSource tokens, TransportFactory transport)
    {
        Name = request.Name ?? throw new ArgumentException("A connection request needs a name.", nameof(request));
        TenantId = request.TenantId;
        ClientId = request.ClientId;
        Kind = request.Kind;
        Cloud = request.Cloud;
        CertificateThumbprint = request.Certificate?.Thumbprint;
        UserAgent = request.UserAgent;
        Scopes = request.IsDelegated && request.Scopes != null && request.Scopes.Count > 0
            ? new List<string>(request.Scopes) : new List<string> { request.Cloud.DefaultScope };
        ConnectedAt = DateTimeOffset.UtcNow;
        Tokens = tokens;
        _transport = transport;
        _account = request.Kind == AuthenticationKind.ManagedIdentity ? request.ManagedIdentity.ToString() : null;
    }

    public string Name { get; }
    public string? TenantId { get; }
    public string? ClientId { get; }
    public AuthenticationKind Kind { get; }
    public bool IsDelegated => Kind == AuthenticationKind.DeviceCode || Kind == AuthenticationKind.Interactive;
    public CloudEnvironment Cloud { get; }
    public string? CertificateThumbprint { get; }
    /// <summary>The partner's product tokens the connection was made with (null: the module's own User-Agent only).</summary>
    public string? UserAgent { get; }
    public IReadOnlyList<string> Scopes { get; }
    public DateTimeOffset ConnectedAt { get; }
    public ITokenSource Tokens { get; }

    /// <summary>
    /// The Sentinel workspace threat indicators go to when a command names none: its id (the Log
    /// Analytics customerId GUID) or its ARM resource id.
    /// </summary>
    public string? SentinelWorkspace { get; set; }

    private readonly ConcurrentDictionary<string, RatePacer> _pacers = new ConcurrentDictionary<string, RatePacer>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The pacer of a documented rate limit, shared by every command of this connection (the services
    /// count per app and tenant, or per caller). Null when there is nothing to pace: an emulator whose
    /// throttling is switched off. An emulator that throttles runs its windows <c>timeScale</c> times
    /// faster, and so does the pacer.
    /// </summary>
    public async Task<RatePacer?> PacerForAsync(RateLimit limit, CancellationToken cancellationToken)
    {
        var scale = 1.0;
        if (Cloud.IsEmulator)
        {
            var emulated = await EmulatorTimeScaleAsync(cancellationToken).ConfigureAwait(false);
            if (emulated == null) return null;
            scale = emulated.Value;
        }
        return _pacers.AddOrUpdate(limit.Name, _ => new RatePacer(limit, scale),
            (_, existing) => existing.TimeScale == scale ? existing : new RatePacer(limit, scale));
    }

    /// <summary>The emulator's throttling timeScale, or null when its throttling is off (GET /_emulator/throttling, no token sent).</summary>
    private async Task<double?> EmulatorTimeScaleAsync(CancellationToken cancellationToken)
    {
        using (var client = new System.Net.Http.HttpClient(_transport.CreateHandler()) { Timeout = TimeSpan.FromSeconds(10) })
        using (var response = await client.GetAsync(new Uri(Cloud.LoginEndpoint, "_emulator/throttling"), cancellationToken).ConfigureAwait(false))
        {
            if (!response.IsSuccessStatusCode) return null;
            using (var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false)))
            {
                var root = json.RootElement;
                if (!root.TryGetProperty("enabled", out var enabled) || enabled.ValueKind != System.Text.Json.JsonValueKind.True) return null;
                return root.TryGetProperty("timeScale", out var scale) && scale.TryGetDouble(out var value) && value > 0 ? value : 1;
            }
        }
    }

    /// <summary>
    /// Downloads a short-lived link an API handed out (an investigation package, a live response
    /// result): the link carries its own signature, so no token is sent with it (a token goes only to
    /// the API it was issued for). Answers the bytes written.
    /// </summary>
    public async Task<long> DownloadAsync(Uri link, System.IO.Stream destination, CancellationToken cancellationToken)
    {
        if (link.Scheme != Uri.UriSchemeHttps) throw new ArgumentException($"Refusing to download from a link that is not https: {link.GetLeftPart(UriPartial.Path)}.");
        using (var client = new System.Net.Http.HttpClient(_transport.CreateHandler()) { Timeout = TimeSpan.FromMinutes(30) })
        using (var response = await client.GetAsync(link, System.Net.Http.HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
        {
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"The download from {link.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}; " +
                                                    "its link lasts a short time: ask for a new one by running the command again.");
            var before = destination.CanSeek ? destination.Position : 0;
            using (var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                await body.CopyToAsync(destination, 81920, cancellationToken).ConfigureAwait(false);
            return destination.CanSeek ? destination.Position - before : -1;
        }
    }

    /// <summary>The client of an API; an <see cref="ApiNotInCloudException"/> when the connection's cloud does not have it.</summary>
    public ApiClient ClientFor(SecurityApi api) =>
        _clients.GetOrAdd(api, a =>
        {
            var endpoint = Cloud.Endpoint(a);
            return new ApiClient(Cloud, a, Tokens, _transport, token => _latestTokens[endpoint.Resource] = token, Http.UserAgent.For(UserAgent));
        });

    /// <summary>The Microsoft Graph client.</summary>
    public ApiClient Graph => ClientFor(SecurityApi.Graph);

    /// <summary>A token for an API's resource (the same one its client would send).</summary>
    public async Task<AccessToken> TokenForAsync(SecurityApi api, CancellationToken cancellationToken)
    {
        var resource = Cloud.Endpoint(api).Resource;
        var token = await Tokens.GetTokenAsync(resource, cancellationToken).ConfigureAwait(false);
        _latestTokens[resource] = token;
        return token;
    }

    /// <summary>
    /// The names the service may record as this connection's caller (e.g. as a comment's
    /// createdByDisplayName): the signed-in user's UPN and name, or the app's display name and id,
    /// read from the Graph access token.
    /// </summary>
    public async Task<IReadOnlyCollection<string>> CallerNamesAsync(CancellationToken cancellationToken)
    {
        var token = await TokenForAsync(SecurityApi.Graph, cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        foreach (var claim in new[] { "upn", "preferred_username", "unique_name", "name", "app_displayname", "appid", "azp" })
        {
            var value = JwtClaims.TryReadString(token.Value, claim);
            if (!Strings.IsNullOrEmpty(value) && !names.Contains(value)) names.Add(value);
        }
        if (!Strings.IsNullOrEmpty(_account) && !names.Contains(_account)) names.Add(_account);
        return names;
    }

    /// <summary>What the connection holds for each API of its cloud: where it is and, once used, its token's expiry and permissions.</summary>
    public IReadOnlyList<GsApiAccess> ApiAccess() => Cloud.Apis.Select(endpoint =>
    {
        var access = new GsApiAccess { Api = endpoint.Api, BaseUrl = endpoint.BaseUrl, Resource = endpoint.Resource };
        if (_latestTokens.TryGetValue(endpoint.Resource, out var token))
        {
            access.HasToken = true;
            access.TokenExpiresOn = token.ExpiresOn;
            access.Permissions = new ValueList<string>(JwtClaims.Permissions(token.Value));
        }
        return access;
    }).ToList();

    public GsConnectionInfo ToInfo(bool isCurrent)
    {
        _latestTokens.TryGetValue(Cloud.GraphResource, out var graphToken);
        return new GsConnectionInfo
        {
            Name = Name,
            TenantId = TenantId,
            ClientId = ClientId,
            AuthenticationKind = Kind,
            IsDelegated = IsDelegated,
            Account = _account,
            SentinelWorkspace = SentinelWorkspace,
            Scopes = new ValueList<string>(new List<string>(Scopes)),
            Environment = Cloud.Name,
            GraphEndpoint = Cloud.GraphEndpoint,
            LoginEndpoint = Cloud.LoginEndpoint,
            CertificateThumbprint = CertificateThumbprint,
            UserAgent = Http.UserAgent.For(UserAgent),
            ConnectedAt = ConnectedAt,
            TokenExpiresOn = graphToken?.ExpiresOn,
            Apis = new ValueList<GsApiAccess>(ApiAccess().ToList()),
            IsCurrent = isCurrent,
        };
    }

    /// <summary>
    /// Tokens of another app of this connection's tenant and cloud, signing in with its client secret over the
    /// same transport (so an emulator's pinned certificate still applies). Nothing is asked for until it is used.
    /// </summary>
    public Task<ITokenSource> AppTokensAsync(string clientId, System.Security.SecureString secret) =>
        TokenSources.CreateAsync(new ConnectionRequest
        {
            Name = Name + "/" + clientId, Kind = AuthenticationKind.ClientSecret, TenantId = TenantId, ClientId = clientId, ClientSecret = secret, Cloud = Cloud,
        }, _transport);

    /// <summary>
    /// Builds the connection and signs in once (for Microsoft Graph), so a wrong credential fails
    /// here with a clear message rather than on the first call. The other APIs' tokens are asked for
    /// when first used. A connection given tokens (-AccessToken) signs in with the first of them.
    /// </summary>
    public static async Task<GraphConnection> ConnectAsync(ConnectionRequest request, CancellationToken cancellationToken)
    {
        var transport = new TransportFactory(request.PinnedServerThumbprint);
        var tokens = await TokenSources.CreateAsync(request, transport).ConfigureAwait(false);
        var connection = new GraphConnection(request, tokens, transport);
        if (tokens is PublicClientTokenSource user)
        {
            connection._latestTokens[request.Cloud.GraphResource] = await user.SignInAsync(cancellationToken).ConfigureAwait(false);
            connection._account = user.Account;
        }
        else if (request.Kind == AuthenticationKind.AccessToken)
        {
            foreach (var api in request.AccessTokens.Keys) await connection.TokenForAsync(api, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await connection.TokenForAsync(SecurityApi.Graph, cancellationToken).ConfigureAwait(false);
        }
        return connection;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
    }
}
