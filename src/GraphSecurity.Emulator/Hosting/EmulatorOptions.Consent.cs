using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>Settings of multi-tenant apps and the consents customer tenants gave them.</summary>
public sealed partial class EmulatorOptions
{
    /// <summary>Multi-tenant apps of the config file, registered in their home tenants when the emulator starts.</summary>
    public List<AppRegistration> MultiTenantApps { get; set; } = new();

    /// <summary>Service principals the config file creates in customer tenants (besides the seeded one in Contoso).</summary>
    public List<SeededConsent> SeededConsents { get; set; } = new();

    /// <summary>A consent given before the emulator starts: roles and scopes by API name.</summary>
    public sealed record SeededConsent(string TenantId, string ClientId,
        IReadOnlyDictionary<string, IEnumerable<string>> Roles, IReadOnlyDictionary<string, IEnumerable<string>> Scopes);

    private void ApplyConsent(EmulatorConfigFile file)
    {
        if (file == null) return;
        var baseDir = ConfigPath != null ? Path.GetDirectoryName(Path.GetFullPath(ConfigPath)) : Environment.CurrentDirectory;
        foreach (var entry in file.MultiTenantApps ?? new())
            MultiTenantApps.Add(entry.ToApp(baseDir));
        foreach (var c in file.Consents ?? new())
        {
            if (string.IsNullOrWhiteSpace(c.TenantId) || !Guid.TryParse(c.ClientId, out _))
                throw new ArgumentException("Config: every consent needs a 'tenantId' and a 'clientId' (a GUID).");
            SeededConsents.Add(new SeededConsent(c.TenantId, c.ClientId, AsEnumerables(c.Roles), AsEnumerables(c.Scopes)));
        }
    }

    /// <summary>Permissions by API as the registry takes them.</summary>
    internal static Dictionary<string, IEnumerable<string>> AsEnumerables(Dictionary<string, List<string>> byApi) =>
        (byApi ?? new()).ToDictionary(kv => kv.Key, kv => (IEnumerable<string>)(kv.Value ?? new List<string>()), StringComparer.OrdinalIgnoreCase);
}

public sealed partial class EmulatorConfigFile
{
    /// <summary>"multiTenantApps": [{"clientId", "homeTenantId", "secret", "appIdUri", "redirectUris", "requiredResourceAccess": {"Graph": {"roles": [], "scopes": []}}, "appRoles"}]</summary>
    public List<MultiTenantAppEntry> MultiTenantApps { get; set; }

    /// <summary>"consents": [{"tenantId", "clientId", "roles": {"Graph": [...]}, "scopes": {"Graph": [...]}}]</summary>
    public List<ConsentEntry> Consents { get; set; }

    public sealed class MultiTenantAppEntry
    {
        public string ClientId { get; set; }
        public string DisplayName { get; set; }
        public string HomeTenantId { get; set; }
        public string Secret { get; set; }
        [System.Text.Json.Serialization.JsonConverter(typeof(StringOrListConverter))]
        public List<string> Certificates { get; set; }
        public string AppIdUri { get; set; }
        [System.Text.Json.Serialization.JsonConverter(typeof(StringOrListConverter))]
        public List<string> AppRoles { get; set; }
        [System.Text.Json.Serialization.JsonConverter(typeof(StringOrListConverter))]
        public List<string> RedirectUris { get; set; }
        public Dictionary<string, RequiredAccessEntry> RequiredResourceAccess { get; set; }

        public AppRegistration ToApp(string baseDir)
        {
            if (!Guid.TryParse(ClientId, out _) || !Guid.TryParse(HomeTenantId, out _))
                throw new ArgumentException($"Config: a multi-tenant app needs a 'clientId' and a 'homeTenantId' that are GUIDs (got '{ClientId}', '{HomeTenantId}').");
            if (AppIdUri != null && !Uri.TryCreate(AppIdUri, UriKind.Absolute, out _))
                throw new ArgumentException($"Config: the appIdUri '{AppIdUri}' of app '{ClientId}' is not an absolute URI.");
            foreach (var uri in RedirectUris ?? new())
                if (!Uri.TryCreate(uri, UriKind.Absolute, out _))
                    throw new ArgumentException($"Config: the redirect URI '{uri}' of app '{ClientId}' is not an absolute URI.");
            var app = new AppRegistration
            {
                ClientId = ClientId.ToLowerInvariant(),
                DisplayName = DisplayName ?? ClientId,
                Secret = Secret,
                SignInAudience = AppRegistration.MultiTenant,
                HomeTenantId = HomeTenantId.ToLowerInvariant(),
                AppIdUri = AppIdUri,
                AppRoles = AppRoles ?? new(),
                RedirectUris = RedirectUris ?? new(),
                Roles = new(),
            };
            foreach (var (api, access) in RequiredResourceAccess ?? new())
                app.RequiredResourceAccess[api] = new RequiredAccess { Roles = access?.Roles ?? new(), Scopes = access?.Scopes ?? new() };
            foreach (var c in Certificates ?? new())
                app.Certificates.Add(EmulatorOptions.LoadCertificate(c, baseDir));
            return app;
        }
    }

    public sealed class RequiredAccessEntry
    {
        [System.Text.Json.Serialization.JsonConverter(typeof(StringOrListConverter))]
        public List<string> Roles { get; set; }
        [System.Text.Json.Serialization.JsonConverter(typeof(StringOrListConverter))]
        public List<string> Scopes { get; set; }
    }

    public sealed class ConsentEntry
    {
        public string TenantId { get; set; }
        public string ClientId { get; set; }
        public Dictionary<string, List<string>> Roles { get; set; }
        public Dictionary<string, List<string>> Scopes { get; set; }
    }
}
