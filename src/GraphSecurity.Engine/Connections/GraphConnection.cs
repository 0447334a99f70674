using System;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Http;
using Microsoft.Identity.Client;

namespace GraphSecurity.Engine.Connections
{
    /// <summary>A signed-in connection to one tenant: its token source and its Graph client.</summary>
    public sealed class GraphConnection : IDisposable
    {
        private DateTimeOffset? _tokenExpiresOn;

        private GraphConnection(ConnectionRequest request, AuthenticationKind kind, ITokenSource tokens, TransportFactory transport)
        {
            Name = request.Name;
            TenantId = request.TenantId;
            ClientId = request.ClientId;
            Kind = kind;
            Cloud = request.Cloud;
            CertificateThumbprint = request.Certificate?.Thumbprint;
            ConnectedAt = DateTimeOffset.UtcNow;
            Tokens = tokens;
            Graph = new GraphClient(request.Cloud.GraphEndpoint, tokens, transport, token => _tokenExpiresOn = token.ExpiresOn);
        }

        public string Name { get; }
        public string TenantId { get; }
        public string ClientId { get; }
        public AuthenticationKind Kind { get; }
        public CloudEnvironment Cloud { get; }
        public string CertificateThumbprint { get; }
        public DateTimeOffset ConnectedAt { get; }
        public ITokenSource Tokens { get; }
        public GraphClient Graph { get; }

        public GsConnectionInfo ToInfo(bool isCurrent) => new GsConnectionInfo
        {
            Name = Name,
            TenantId = TenantId,
            ClientId = ClientId,
            AuthenticationKind = Kind,
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
            AuthenticationKind kind;
            ITokenSource tokens;
            if (request.AccessToken != null)
            {
                kind = AuthenticationKind.AccessToken;
                tokens = new StaticTokenSource(request.AccessToken);
            }
            else
            {
                var builder = ConfidentialClientApplicationBuilder.Create(request.ClientId)
                    .WithAuthority(new Uri(request.Cloud.LoginEndpoint, request.TenantId).ToString())
                    .WithHttpClientFactory(transport)
                    .WithLogging((level, message, pii) => { }, LogLevel.Error, enablePiiLogging: false, enableDefaultPlatformLogging: false);
                if (request.Cloud.Name == "Emulator")
                    builder = builder.WithInstanceDiscovery(false);

                if (request.Certificate != null)
                {
                    CertificateLocator.RequirePrivateKey(request.Certificate, "the -Certificate object");
                    builder = builder.WithCertificate(request.Certificate);
                    kind = AuthenticationKind.Certificate;
                }
                else if (request.ClientSecret != null)
                {
                    builder = builder.WithClientSecret(SecureStrings.ToPlain(request.ClientSecret));
                    kind = AuthenticationKind.ClientSecret;
                }
                else
                {
                    throw new ArgumentException("A client secret, a certificate or an access token is required.");
                }
                tokens = new MsalTokenSource(builder.Build(), request.Cloud.DefaultScope);
            }

            var connection = new GraphConnection(request, kind, tokens, transport);
            var token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            connection._tokenExpiresOn = token.ExpiresOn;
            return connection;
        }

        public void Dispose() => Graph.Dispose();
    }
}
