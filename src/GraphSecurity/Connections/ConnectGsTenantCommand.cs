using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Emulator;

namespace GraphSecurity.Commands.Connections
{
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
        private const string CertificateSet = "Certificate";
        private const string TokenSet = "AccessToken";
        private const string EmulatorSet = "Emulator";

        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = TokenSet)]
        [Alias("Tenant")]
        [ValidateNotNullOrEmpty]
        public string TenantId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [Alias("AppId", "ApplicationId")]
        [ValidateNotNullOrEmpty]
        public string ClientId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        public SecureString ClientSecret { get; set; }

        /// <summary>User name: the client id; password: the client secret.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [Credential]
        public PSCredential ClientSecretCredential { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
        [ValidateNotNullOrEmpty]
        public string CertificateThumbprint { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [ValidateNotNull]
        public X509Certificate2 Certificate { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = TokenSet)]
        public SecureString AccessToken { get; set; }

        /// <summary>Connect to the local emulator with its default app, starting the emulator when none is running.</summary>
        [Parameter(Mandatory = true, ParameterSetName = EmulatorSet)]
        public SwitchParameter Emulator { get; set; }

        [Parameter]
        [ValidateSet("Global", "USGov", "USGovDoD", "China", "Emulator", IgnoreCase = true)]
        public string Environment { get; set; } = "Global";

        /// <summary>The emulator's info file, for -Emulator or -Environment Emulator (default: ~/.graphsecurity/emulator.json).</summary>
        [Parameter]
        public string EmulatorInfoPath { get; set; }

        /// <summary>The name to keep the connection under (default: "Emulator" for the emulator, else the tenant).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
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
            ConnectionStore.Add(connection);
            CurrentConnection.Name = connection.Name;
            WriteVerbose($"Connected '{connection.Name}' to tenant {connection.TenantId} ({connection.Cloud.Name}, {connection.Kind}).");
            if (PassThru) WriteObject(connection.ToInfo(isCurrent: true));
        }

        private ConnectionRequest BuildRequest()
        {
            var request = new ConnectionRequest { TenantId = TenantId, ClientId = ClientId };
            var useEmulator = Emulator.IsPresent || string.Equals(Environment, "Emulator", StringComparison.OrdinalIgnoreCase);
            if (useEmulator)
            {
                var info = Emulator.IsPresent ? FindOrStartEmulator() : FindRunningEmulator();
                request.Cloud = CloudEnvironment.Emulator(info.Url);
                request.PinnedServerThumbprint = info.Thumbprint;
            }
            else
            {
                request.Cloud = CloudEnvironment.FromName(Environment);
            }

            switch (ParameterSetName)
            {
                case SecretSet: request.ClientSecret = ClientSecret; break;
                case CredentialSet:
                    request.ClientId = ClientSecretCredential.UserName;
                    request.ClientSecret = ClientSecretCredential.Password;
                    break;
                case ThumbprintSet: request.Certificate = Locate(() => CertificateLocator.FindByThumbprint(CertificateThumbprint)); break;
                case CertificateSet: request.Certificate = Certificate; break;
                case TokenSet: request.AccessToken = AccessToken; break;
                case EmulatorSet:
                    request.TenantId = EmulatorDefaults.TenantId;
                    request.ClientId = EmulatorDefaults.ClientId;
                    request.ClientSecret = ToSecureString(EmulatorDefaults.ClientSecret);
                    break;
            }
            request.Name = Name ?? (useEmulator && ParameterSetName == EmulatorSet ? "Emulator" : request.TenantId ?? "AccessToken");
            return request;
        }

        private X509Certificate2 Locate(Func<X509Certificate2> find)
        {
            try { return find(); }
            catch (AuthenticationFailedException ex) { ThrowTerminatingFor(ex, CertificateThumbprint); return null; }
        }

        private EmulatorInfo FindRunningEmulator()
        {
            var info = EmulatorManager.Find(EmulatorInfoPath);
            if (info != null) return info;
            var message = $"No emulator is running (no live info file at {EmulatorInfoPath ?? EmulatorManager.DefaultInfoPath}).";
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(message), "EmulatorNotRunning", ErrorCategory.ResourceUnavailable, null)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Run Start-GsEmulator, or use Connect-GsTenant -Emulator, which starts one." },
            });
            return null;
        }

        private EmulatorInfo FindOrStartEmulator()
        {
            var info = EmulatorManager.Find(EmulatorInfoPath);
            if (info != null)
            {
                WriteVerbose($"Using the running emulator at {info.Url} (pid {info.Pid}).");
                return info;
            }
            try
            {
                return Run(token => EmulatorManager.StartAsync(new EmulatorStartOptions { InfoPath = EmulatorInfoPath }, Log, token));
            }
            catch (PipelineStoppedException) { throw; }
            catch (Exception ex) { ThrowTerminatingFor(ex, null); return null; }
        }

        private static SecureString ToSecureString(string value)
        {
            var secure = new SecureString();
            foreach (var c in value) secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }
    }
}
