using System;
using System.Collections.Generic;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Authentication;

/// <summary>Everything Connect-GsTenant was given: one flow and the credential it needs.</summary>
public sealed class ConnectionRequest
{
    /// <summary>The connection's name; a request without one is refused when the connection is made.</summary>
    public string? Name { get; set; }
    public AuthenticationKind Kind { get; set; }
    /// <summary>Null: "organizations" (delegated flows) or the tenant the token says.</summary>
    public string? TenantId { get; set; }
    public string? ClientId { get; set; }
    public SecureString? ClientSecret { get; set; }
    public X509Certificate2? Certificate { get; set; }
    /// <summary>Tokens obtained elsewhere, per API (AuthenticationKind.AccessToken).</summary>
    public IDictionary<SecurityApi, SecureString> AccessTokens { get; set; } = new Dictionary<SecurityApi, SecureString>();
    /// <summary>A file holding a client assertion (a JWT from another identity provider); read again for every token.</summary>
    public string? FederatedTokenFile { get; set; }
    /// <summary>Delegated scopes; app-only flows always use the resource's .default scope.</summary>
    public IList<string>? Scopes { get; set; }
    public ManagedIdentitySelector ManagedIdentity { get; set; } = new ManagedIdentitySelector();
    public CloudEnvironment Cloud { get; set; } = CloudEnvironment.Global;
    /// <summary>Thumbprint of the emulator's self-signed TLS certificate; null for real clouds.</summary>
    public string? PinnedServerThumbprint { get; set; }
    /// <summary>Shows the device-code sign-in message to the user (called while polling goes on).</summary>
    public Action<string>? ShowDeviceCode { get; set; }
    /// <summary>Opens the sign-in page; null: the system browser.</summary>
    public Func<Uri, CancellationToken, Task>? OpenBrowser { get; set; }

    public TokenCacheOptions TokenCache { get; set; } = new TokenCacheOptions();

    /// <summary>A partner's product tokens (e.g. MdePartner-Contoso-Sentry/1.2), sent before the module's on every API request.</summary>
    public string? UserAgent { get; set; }

    public bool IsDelegated => Kind == AuthenticationKind.DeviceCode || Kind == AuthenticationKind.Interactive;
}

/// <summary>Which managed identity: none of the ids set means the system-assigned one.</summary>
public sealed class ManagedIdentitySelector
{
    public string? ClientId { get; set; }
    public string? ObjectId { get; set; }
    public string? ResourceId { get; set; }

    public override string ToString() =>
        ClientId != null ? "client id " + ClientId :
        ObjectId != null ? "object id " + ObjectId :
        ResourceId != null ? "resource id " + ResourceId : "system-assigned";
}
