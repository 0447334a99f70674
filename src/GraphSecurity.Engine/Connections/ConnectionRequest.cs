using System.Security;
using System.Security.Cryptography.X509Certificates;
using GraphSecurity.Engine.Authentication;

namespace GraphSecurity.Engine.Connections
{
    /// <summary>Everything Connect-GsTenant was given. Exactly one credential is set.</summary>
    public sealed class ConnectionRequest
    {
        public string Name { get; set; }
        public string TenantId { get; set; }
        public string ClientId { get; set; }
        public SecureString ClientSecret { get; set; }
        public X509Certificate2 Certificate { get; set; }
        public SecureString AccessToken { get; set; }
        public CloudEnvironment Cloud { get; set; } = CloudEnvironment.Global;
        /// <summary>Thumbprint of the emulator's self-signed TLS certificate; null for real clouds.</summary>
        public string PinnedServerThumbprint { get; set; }
    }
}
