using System;

namespace GraphSecurity
{
    /// <summary>How a connection authenticates.</summary>
    public enum AuthenticationKind { ClientSecret, Certificate, AccessToken }

    /// <summary>
    /// What Get-GsConnection shows of a connection: everything about it except its credentials.
    /// </summary>
    public class GsConnectionInfo
    {
        public string Name { get; set; }
        public string TenantId { get; set; }
        public string ClientId { get; set; }
        public AuthenticationKind AuthenticationKind { get; set; }
        public string Environment { get; set; }
        public Uri GraphEndpoint { get; set; }
        public Uri LoginEndpoint { get; set; }
        public string CertificateThumbprint { get; set; }
        public DateTimeOffset ConnectedAt { get; set; }
        /// <summary>When the most recent access token expires (null before the first request for a passed-in token).</summary>
        public DateTimeOffset? TokenExpiresOn { get; set; }
        public bool IsCurrent { get; set; }

        public override string ToString() => Name;
    }
}
