using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Emulator;

namespace GraphSecurity.Commands.Connections;

/// <summary>
/// <para type="synopsis">Signs in to a tenant (or the local emulator) and keeps the connection under a name.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "GsTenant", DefaultParameterSetName = SecretSet)]
[OutputType(typeof(GsConnectionInfo))]
public sealed class ConnectGsTenantCommand : GsCmdlet
{
    private const string SecretSet = "ClientSecret";
    private const string CredentialSet = "ClientSecretCredential";
    private const string ThumbprintSet = "CertificateThumbprint";
    private const string CertificatePathSet = "CertificatePath";
    private const string CertificateSet = "Certificate";
    private const string FederatedSet = "FederatedToken";
    private const string EnvironmentSet = "EnvironmentVariables";
    private const string ManagedIdentitySet = "ManagedIdentity";
    private const string DeviceCodeSet = "DeviceCode";
    private const string InteractiveSet = "Interactive";
    private const string TokenSet = "AccessToken";
    private const string EmulatorSet = "Emulator";
    /// <summary>An app of the emulator's other than its default one, e.g. a partner's multi-tenant app in a customer tenant.</summary>
    private const string EmulatorSecretSet = "EmulatorClientSecret";

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(Mandatory = true, ParameterSetName = FederatedSet)]
    [Parameter(Mandatory = true, ParameterSetName = EmulatorSecretSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = TokenSet)]
    [Alias("Tenant")]
    [ValidateNotNullOrEmpty]
    [ValidateTenant]
    public string TenantId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(Mandatory = true, ParameterSetName = FederatedSet)]
    [Parameter(Mandatory = true, ParameterSetName = EmulatorSecretSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    [Alias("AppId", "ApplicationId")]
    [ValidateNotNullOrEmpty]
    [ValidateGuid(What = "an application (client) id")]
    public string ClientId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = EmulatorSecretSet)]
    public SecureString ClientSecret { get; set; }

    /// <summary>User name: the client id; password: the client secret.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [Credential]
    public PSCredential ClientSecretCredential { get; set; }

    /// <summary>Looked up in Cert:\CurrentUser\My, then Cert:\LocalMachine\My.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string CertificateThumbprint { get; set; }

    /// <summary>A PFX (PKCS#12) file holding the certificate and its private key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string CertificatePath { get; set; }

    [Parameter(ParameterSetName = CertificatePathSet)]
    public SecureString CertificatePassword { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [ValidateNotNull]
    public X509Certificate2 Certificate { get; set; }

    /// <summary>A file with a client assertion from another identity provider (workload identity federation).</summary>
    [Parameter(Mandatory = true, ParameterSetName = FederatedSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string FederatedTokenFile { get; set; }

    /// <summary>Read the credential from AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET / _CERTIFICATE_PATH / FEDERATED_TOKEN_FILE.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EnvironmentSet)]
    public SwitchParameter FromEnvironment { get; set; }

    /// <summary>Sign in as the Azure managed identity of the machine, App Service, Function or Automation account.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ManagedIdentitySet)]
    [Alias("ManagedIdentity")]
    public SwitchParameter Identity { get; set; }

    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [ValidateNotNullOrEmpty]
    [ValidateGuid(What = "a managed identity's client id")]
    public string IdentityClientId { get; set; }

    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [ValidateNotNullOrEmpty]
    [ValidateGuid(What = "a managed identity's object (principal) id")]
    public string IdentityObjectId { get; set; }

    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string IdentityResourceId { get; set; }

    /// <summary>Sign in as a user with a code entered at the device-login page.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    [Alias("UseDeviceAuthentication")]
    public SwitchParameter DeviceCode { get; set; }

    /// <summary>Sign in as a user in the system browser.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InteractiveSet)]
    public SwitchParameter Interactive { get; set; }

    /// <summary>Delegated permissions to ask for (default: every permission consented to the app).</summary>
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Scopes { get; set; }

    /// <summary>
    /// Tokens obtained elsewhere: one token (SecureString or string) for Microsoft Graph, or a
    /// hashtable with one per API, e.g. @{ Graph = $graphToken; DefenderForEndpoint = $mdeToken }.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = TokenSet)]
    [AccessTokenTransformation]
    public object AccessToken { get; set; }

    /// <summary>
    /// Connect to the local emulator, starting it when none is running: with its default app, or with
    /// -TenantId, -ClientId and -ClientSecret as another app of it (a partner's multi-tenant app in a customer tenant).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = EmulatorSet)]
    [Parameter(Mandatory = true, ParameterSetName = EmulatorSecretSet)]
    public SwitchParameter Emulator { get; set; }

    [Parameter]
    [ValidateSet("Global", "USGov", "USGovDoD", "China", "Emulator", IgnoreCase = true)]
    public string Environment { get; set; } = "Global";

    /// <summary>A login host of your own (with -GraphEndpoint), instead of a named -Environment.</summary>
    [Parameter]
    public Uri LoginEndpoint { get; set; }

    [Parameter]
    public Uri GraphEndpoint { get; set; }

    /// <summary>The emulator's info file, for -Emulator or -Environment Emulator (default: ~/.graphsecurity/emulator.json).</summary>
    [Parameter]
    [ValidateText(SingleLine = true)]
    public string EmulatorInfoPath { get; set; }

    /// <summary>The name to keep the connection under (default: "Emulator" for the emulator, else the tenant).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    [ValidateText(SingleLine = true)]
    public string Name { get; set; }

    /// <summary>Keep MSAL's token cache in a file encrypted by the platform, so later sessions sign in silently.</summary>
    [Parameter]
    public SwitchParameter PersistTokenCache { get; set; }

    /// <summary>With -PersistTokenCache: allow a plain-text cache file where the platform offers no encryption (e.g. Linux without a keyring).</summary>
    [Parameter]
    public SwitchParameter AllowUnencryptedTokenCache { get; set; }

    /// <summary>With -PersistTokenCache: the folder of the cache file (default: ~/.graphsecurity).</summary>
    [Parameter]
    [ValidateText(SingleLine = true)]
    public string TokenCachePath { get; set; }

    /// <summary>
    /// The Sentinel workspace threat-indicator commands use when they name none: its workspace id (GUID)
    /// or its resource id (/subscriptions/…/providers/Microsoft.OperationalInsights/workspaces/…).
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateWorkspace]
    public string WorkspaceId { get; set; }

    /// <summary>
    /// A partner product's User-Agent, e.g. MdePartner-Contoso-Sentry/1.2: sent on every request of the
    /// connection to every API, before the module's own product token.
    /// </summary>
    [Parameter]
    [ValidateUserAgent]
    public string UserAgent { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        if (WorkspaceId != null && GraphSecurity.Engine.TiIndicators.SentinelWorkspace.Parse(WorkspaceId, out var notAWorkspace) == null)
            ThrowArgumentError(ErrorIds.InvalidArgument, notAWorkspace, WorkspaceId);
        var request = BuildRequest();
        GraphConnection connection;
        try
        {
            connection = Run(token => GraphConnection.ConnectAsync(request, token));
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex)
        {
            ThrowTerminatingFor(ex, request.Name);
            return;
        }
        connection.SentinelWorkspace = WorkspaceId;
        ConnectionStore.Add(connection);
        CurrentConnection.Name = connection.Name;
        var info = connection.ToInfo(isCurrent: true);
        WriteVerbose($"Connected '{info.Name}' to tenant {info.TenantId ?? "(from the token)"} ({info.Environment}, {info.AuthenticationKind}{(info.Account != null ? ", " + info.Account : "")}).");
        if (PassThru) WriteObject(info);
    }

    private ConnectionRequest BuildRequest()
    {
        var request = new ConnectionRequest
        {
            TenantId = TenantId,
            ClientId = ClientId,
            Scopes = Scopes,
            UserAgent = UserAgent,
            TokenCache = new TokenCacheOptions
            {
                Persist = PersistTokenCache,
                AllowUnencrypted = AllowUnencryptedTokenCache,
                Directory = TokenCachePath == null ? null : GetUnresolvedProviderPathFromPSPath(TokenCachePath),
            },
        };
        ChooseCloud(request);
        try
        {
            ApplyCredential(request);
        }
        catch (AuthenticationFailedException ex) { ThrowTerminatingFor(ex, null); }

        if (request.IsDelegated && request.ClientId == null)
        {
            if (request.Cloud.IsEmulator) request.ClientId = EmulatorDefaults.PublicClientId;
            else ThrowInvalid("-ClientId is required with -DeviceCode and -Interactive: the id of an app registration that allows public client flows and has the delegated Microsoft Graph permissions.");
        }
        if (request.Kind == AuthenticationKind.DeviceCode)
            request.ShowDeviceCode = message => Post(() => WriteWarning(message));
        if (request.Kind == AuthenticationKind.Interactive && request.Cloud.IsEmulator)
            request.OpenBrowser = (uri, token) => EmulatorBrowser.OpenAsync(uri, request.PinnedServerThumbprint, token);

        request.Name = Name ?? (ParameterSetName == EmulatorSet ? "Emulator" : request.TenantId ?? request.Kind.ToString());
        return request;
    }

    private void ChooseCloud(ConnectionRequest request)
    {
        if (Emulator.IsPresent || string.Equals(Environment, "Emulator", StringComparison.OrdinalIgnoreCase))
        {
            var info = Emulator.IsPresent ? FindOrStartEmulator() : FindRunningEmulator();
            request.Cloud = CloudEnvironment.Emulator(info.Url);
            request.PinnedServerThumbprint = info.Thumbprint;
        }
        else if (LoginEndpoint != null || GraphEndpoint != null)
        {
            if (LoginEndpoint == null || GraphEndpoint == null) ThrowInvalid("-LoginEndpoint and -GraphEndpoint go together.");
            request.Cloud = CloudEnvironment.Custom(LoginEndpoint, GraphEndpoint, null);
        }
        else
        {
            request.Cloud = CloudEnvironment.FromName(Environment);
        }
    }

    private void ApplyCredential(ConnectionRequest request)
    {
        switch (ParameterSetName)
        {
            case SecretSet:
            case EmulatorSecretSet:
                request.Kind = AuthenticationKind.ClientSecret;
                request.ClientSecret = ClientSecret;
                break;
            case CredentialSet:
                request.Kind = AuthenticationKind.ClientSecret;
                request.ClientId = ClientSecretCredential.UserName;
                request.ClientSecret = ClientSecretCredential.Password;
                break;
            case ThumbprintSet:
                request.Kind = AuthenticationKind.Certificate;
                request.Certificate = CertificateLocator.FindByThumbprint(CertificateThumbprint);
                break;
            case CertificatePathSet:
                request.Kind = AuthenticationKind.Certificate;
                request.Certificate = CertificateLocator.LoadFile(GetUnresolvedProviderPathFromPSPath(CertificatePath), CertificatePassword);
                break;
            case CertificateSet:
                request.Kind = AuthenticationKind.Certificate;
                request.Certificate = Certificate;
                break;
            case FederatedSet:
                request.Kind = AuthenticationKind.FederatedToken;
                request.FederatedTokenFile = GetUnresolvedProviderPathFromPSPath(FederatedTokenFile);
                break;
            case EnvironmentSet:
                EnvironmentCredentials.Apply(request, System.Environment.GetEnvironmentVariable);
                break;
            case ManagedIdentitySet:
                if ((IdentityClientId != null ? 1 : 0) + (IdentityObjectId != null ? 1 : 0) + (IdentityResourceId != null ? 1 : 0) > 1)
                    ThrowInvalid("Give at most one of -IdentityClientId, -IdentityObjectId and -IdentityResourceId.");
                request.Kind = AuthenticationKind.ManagedIdentity;
                request.ManagedIdentity = new ManagedIdentitySelector { ClientId = IdentityClientId, ObjectId = IdentityObjectId, ResourceId = IdentityResourceId };
                break;
            case DeviceCodeSet:
                request.Kind = AuthenticationKind.DeviceCode;
                break;
            case InteractiveSet:
                request.Kind = AuthenticationKind.Interactive;
                break;
            case TokenSet:
                request.Kind = AuthenticationKind.AccessToken;
                request.AccessTokens = (IDictionary<SecurityApi, SecureString>)AccessToken;
                break;
            case EmulatorSet:
                request.Kind = AuthenticationKind.ClientSecret;
                request.TenantId = EmulatorDefaults.TenantId;
                request.ClientId = EmulatorDefaults.ClientId;
                request.ClientSecret = SecureStrings.FromPlain(EmulatorDefaults.ClientSecret);
                break;
        }
    }

    private void ThrowInvalid(string message) => ThrowArgumentError(ErrorIds.InvalidConnectParameters, message, null);

    /// <summary>-EmulatorInfoPath resolved against the current PowerShell location.</summary>
    private string InfoPath => EmulatorInfoPath == null ? null : GetUnresolvedProviderPathFromPSPath(EmulatorInfoPath);

    private EmulatorInfo FindRunningEmulator()
    {
        var info = EmulatorManager.Find(InfoPath);
        if (info != null) return info;
        var message = $"No emulator is running (no live info file at {InfoPath ?? EmulatorManager.DefaultInfoPath}).";
        ThrowTerminatingError(ErrorRecords.Create(new InvalidOperationException(message), ErrorIds.EmulatorNotRunning, ErrorCategory.ResourceUnavailable, null, message,
            "Run Start-GsEmulator, or use Connect-GsTenant -Emulator, which starts one."));
        return null;
    }

    private EmulatorInfo FindOrStartEmulator()
    {
        var info = EmulatorManager.Find(InfoPath);
        if (info != null)
        {
            WriteVerbose($"Using the running emulator at {info.Url} (pid {info.Pid}).");
            return info;
        }
        try
        {
            return Run(token => EmulatorManager.StartAsync(new EmulatorStartOptions { InfoPath = InfoPath }, Log, token));
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) { ThrowTerminatingFor(ex, null); return null; }
    }
}
