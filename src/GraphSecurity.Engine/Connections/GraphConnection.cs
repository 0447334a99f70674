using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Connections
{
    /// <summary>A signed-in connection to one tenant: its token source and its Graph client.</summary>
    public sealed class GraphConnection : IDisposable
    {
        private DateTimeOffset? _tokenExpiresOn;
        private string _account;

        private GraphConnection(ConnectionRequest request, ITokenSource tokens, TransportFactory transport)
        {
            Name = request.Name;
            TenantId = request.TenantId;
            ClientId = request.ClientId;
            Kind = request.Kind;
            Cloud = request.Cloud;
            CertificateThumbprint = request.Certificate?.Thumbprint;
            Scopes = request.IsDelegated && request.Scopes != null && request.Scopes.Count > 0
                ? new List<string>(request.Scopes) : new List<string> { request.Cloud.DefaultScope };
            ConnectedAt = DateTimeOffset.UtcNow;
            Tokens = tokens;
            _account = request.Kind == AuthenticationKind.ManagedIdentity ? request.ManagedIdentity.ToString() : null;
            Graph = new GraphClient(request.Cloud.GraphEndpoint, tokens, transport, token => _tokenExpiresOn = token.ExpiresOn);
        }

        public string Name { get; }
        public string TenantId { get; }
        public string ClientId { get; }
        public AuthenticationKind Kind { get; }
        public bool IsDelegated => Kind == AuthenticationKind.DeviceCode || Kind == AuthenticationKind.Interactive;
        public CloudEnvironment Cloud { get; }
        public string CertificateThumbprint { get; }
        public IReadOnlyList<string> Scopes { get; }
        public DateTimeOffset ConnectedAt { get; }
        public ITokenSource Tokens { get; }
        public GraphClient Graph { get; }

        /// <summary>
        /// The names the service may record as this connection's caller (e.g. as a comment's
        /// createdByDisplayName): the signed-in user's UPN and name, or the app's display name and id,
        /// read from the access token.
        /// </summary>
        public async Task<IReadOnlyCollection<string>> CallerNamesAsync(CancellationToken cancellationToken)
        {
            var token = await Tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            var names = new List<string>();
            foreach (var claim in new[] { "upn", "preferred_username", "unique_name", "name", "app_displayname", "appid", "azp" })
            {
                var value = JwtClaims.TryReadString(token.Value, claim);
                if (!string.IsNullOrEmpty(value) && !names.Contains(value)) names.Add(value);
            }
            if (!string.IsNullOrEmpty(_account) && !names.Contains(_account)) names.Add(_account);
            return names;
        }

        public GsConnectionInfo ToInfo(bool isCurrent) => new GsConnectionInfo
        {
            Name = Name,
            TenantId = TenantId,
            ClientId = ClientId,
            AuthenticationKind = Kind,
            IsDelegated = IsDelegated,
            Account = _account,
            Scopes = new ValueList<string>(new List<string>(Scopes)),
            Environment = Cloud.Name,
            GraphEndpoint = Cloud.GraphEndpoint,
            LoginEndpoint = Cloud.LoginEndpoint,
            CertificateThumbprint = CertificateThumbprint,
            ConnectedAt = ConnectedAt,
            TokenExpiresOn = _tokenExpiresOn,
            IsCurrent = isCurrent,
        };

        /// <summary>
        /// Builds the connection and signs in once, so a wrong credential fails here with a clear
        /// message rather than on the first Graph call.
        /// </summary>
        public static async Task<GraphConnection> ConnectAsync(ConnectionRequest request, CancellationToken cancellationToken)
        {
            var transport = new TransportFactory(request.PinnedServerThumbprint);
            var tokens = await TokenSources.CreateAsync(request, transport).ConfigureAwait(false);
            var connection = new GraphConnection(request, tokens, transport);
            AccessToken token;
            if (tokens is PublicClientTokenSource user)
            {
                token = await user.SignInAsync(cancellationToken).ConfigureAwait(false);
                connection._account = user.Account;
            }
            else
            {
                token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            }
            connection._tokenExpiresOn = token.ExpiresOn;
            return connection;
        }

        public void Dispose() => Graph.Dispose();
    }
}
