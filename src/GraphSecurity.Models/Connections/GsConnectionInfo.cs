using System;

namespace GraphSecurity;

/// <summary>How a connection authenticates.</summary>
public enum AuthenticationKind
{
    /// <summary>App-only, with a client secret.</summary>
    ClientSecret,
    /// <summary>App-only, with a certificate's private key.</summary>
    Certificate,
    /// <summary>App-only, with a client assertion read from a file (workload identity federation).</summary>
    FederatedToken,
    /// <summary>App-only, as an Azure managed identity.</summary>
    ManagedIdentity,
    /// <summary>Delegated (a user), signed in with a device code.</summary>
    DeviceCode,
    /// <summary>Delegated (a user), signed in through the browser.</summary>
    Interactive,
    /// <summary>A token obtained elsewhere.</summary>
    AccessToken,
}

/// <summary>
/// What Get-GsConnection shows of a connection: everything about it except its credentials.
/// </summary>
public class GsConnectionInfo
{
    public string? Name { get; set; }
    public string? TenantId { get; set; }
    public string? ClientId { get; set; }
    public AuthenticationKind AuthenticationKind { get; set; }
    /// <summary>True when the connection acts for a signed-in user (device code, interactive).</summary>
    public bool IsDelegated { get; set; }
    /// <summary>The signed-in user, or the managed identity used.</summary>
    public string? Account { get; set; }
    /// <summary>The Sentinel workspace threat-indicator commands use when they name none (Connect-GsTenant -WorkspaceId).</summary>
    public string? SentinelWorkspace { get; set; }
    /// <summary>The scopes asked for (delegated) or the .default scope (app-only).</summary>
    public ValueList<string> Scopes { get; set; } = ValueList<string>.Empty;
    public string? Environment { get; set; }
    public Uri? GraphEndpoint { get; set; }
    public Uri? LoginEndpoint { get; set; }
    public string? CertificateThumbprint { get; set; }
    /// <summary>The User-Agent its requests carry: a partner's product tokens (Connect-GsTenant -UserAgent), then the module's.</summary>
    public string? UserAgent { get; set; }
    public DateTimeOffset ConnectedAt { get; set; }
    /// <summary>When the most recent Microsoft Graph access token expires (null before the first request for a passed-in token).</summary>
    public DateTimeOffset? TokenExpiresOn { get; set; }
    /// <summary>Each API of the connection's cloud: its base URL, and once used, its token's expiry and permissions.</summary>
    public ValueList<GsApiAccess> Apis { get; set; } = ValueList<GsApiAccess>.Empty;
    public bool IsCurrent { get; set; }

    public override string? ToString() => Name;
}
