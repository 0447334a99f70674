using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace GraphSecurity.Emulator.Identity;

/// <summary>An application registration (service principal) in an emulated tenant.</summary>
public sealed partial class AppRegistration
{
    public string ClientId { get; set; }
    public string DisplayName { get; set; }
    /// <summary>Client secret; null when the app only has certificates.</summary>
    public string Secret { get; set; }
    public List<X509Certificate2> Certificates { get; } = new();
    public List<string> Roles { get; set; } = new();
    /// <summary>A public client (device code, interactive) has no credential and may only use delegated flows.</summary>
    public bool IsPublicClient { get; set; }
    /// <summary>Delegated Graph permissions admin-consented for the app (what a user token's <c>scp</c> may hold).</summary>
    public List<string> DelegatedScopes { get; set; } = new();
    /// <summary>Application roles on the APIs other than Graph, by API name (<see cref="ApiResources"/>).</summary>
    public Dictionary<string, List<string>> ApiRoles { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Delegated permissions on the APIs other than Graph, by API name.</summary>
    public Dictionary<string, List<string>> ApiDelegatedScopes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Deterministic object id of the app's service principal in <paramref name="tenantId"/>.</summary>
    public string ObjectId(string tenantId) => DeterministicGuid("sp:" + tenantId + ":" + ClientId).ToString();

    public static Guid DeterministicGuid(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}

/// <summary>An emulated Entra tenant.</summary>
public sealed class Tenant
{
    public string Id { get; set; }
    public string Domain { get; set; }
    public string DisplayName { get; set; }
    public int AlertCount { get; set; }
    public List<AppRegistration> Apps { get; } = new();
    public List<UserAccount> Users { get; } = new();
    public List<ManagedIdentity> ManagedIdentities { get; } = new();

    public UserAccount FindUser(string upn) =>
        Users.FirstOrDefault(u => string.Equals(u.UserPrincipalName, upn, StringComparison.OrdinalIgnoreCase));

    public AppRegistration FindApp(string clientId) =>
        Apps.FirstOrDefault(a => string.Equals(a.ClientId, clientId, StringComparison.OrdinalIgnoreCase));
}

/// <summary>All tenants known to the emulator; lookup by id or verified domain.</summary>
public sealed class TenantDirectory
{
    public const string DefaultTenantId = "b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c";
    public const string FabrikamTenantId = "d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a";
    public const string DefaultClientId = "6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20";
    public const string DefaultClientSecret = "gs-emulator-default-secret";
    public const string ReaderClientId = "0b8e4d2f-7a61-4c3b-8e95-1d2c3b4a5f60";
    public const string ReaderClientSecret = "gs-emulator-reader-secret";
    /// <summary>An app that may scan but not isolate: the response actions' permission checks have a caller to refuse.</summary>
    public const string ResponderClientId = "8e4f2a6c-1b3d-4e5f-9a7b-2c4d6e8f0a13";
    public const string ResponderClientSecret = "gs-emulator-responder-secret";
    public const string NoRolesClientId = "9c2d1e0f-3b4a-4c5d-8e6f-7a8b9c0d1e2f";
    public const string NoRolesClientSecret = "gs-emulator-noroles-secret";
    public const string FabrikamClientId = "3f2e1d0c-9b8a-4765-a4b3-c2d1e0f9a8b7";
    public const string FabrikamClientSecret = "gs-emulator-fabrikam-secret";

    /// <summary>The partner tenant whose multi-tenant app customers consent to (see <see cref="Consent.PartnerSeed"/>).</summary>
    public const string PartnerTenantId = "7a1c9e3b-5d2f-4a8e-b6c4-0e9f8d7c6b5a";

    public static readonly string[] FullRoles =
    {
        "SecurityAlert.ReadWrite.All", "SecurityIncident.ReadWrite.All", "SecurityEvents.ReadWrite.All",
        "ThreatIndicators.ReadWrite.OwnedBy", "SecurityActions.ReadWrite.All", "ThreatHunting.Read.All",
        "SecurityIdentitiesAccount.Read.All", "SecurityIdentitiesActions.ReadWrite.All",
        "CustomDetection.ReadWrite.All",
        "ThreatIntelligence.Read.All",
    };

    /// <summary>The roles of the well-known full apps on the APIs other than Graph (ARM and Logs Ingestion authorize by Azure RBAC, not roles).</summary>
    public static Dictionary<string, List<string>> FullApiRoles() => new(StringComparer.OrdinalIgnoreCase)
    {
        [ApiResources.DefenderName] = ApiResources.DefenderFullRoles.ToList(),
    };

    public List<Tenant> Tenants { get; } = new();

    public Tenant Find(string idOrDomain)
    {
        if (string.IsNullOrEmpty(idOrDomain)) return null;
        return Tenants.FirstOrDefault(t =>
            string.Equals(t.Id, idOrDomain, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(t.Domain, idOrDomain, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The well-known identities every emulator starts with.</summary>
    public static TenantDirectory CreateDefault(int defaultAlertCount)
    {
        var dir = new TenantDirectory();
        var contoso = new Tenant { Id = DefaultTenantId, Domain = "contoso.example", DisplayName = "Contoso (emulator)", AlertCount = defaultAlertCount };
        contoso.Apps.Add(new AppRegistration { ClientId = DefaultClientId, DisplayName = "GraphSecurity Emulator", Secret = DefaultClientSecret, Roles = FullRoles.ToList(), ApiRoles = FullApiRoles() });
        contoso.Apps.Add(new AppRegistration
        {
            ClientId = ReaderClientId, DisplayName = "GraphSecurity Reader", Secret = ReaderClientSecret, Roles = new List<string> { "SecurityAlert.Read.All" },
            ApiRoles = new(StringComparer.OrdinalIgnoreCase) { [ApiResources.DefenderName] = new List<string> { "Machine.Read.All", "Alert.Read.All" } },
        });
        contoso.Apps.Add(new AppRegistration
        {
            ClientId = ResponderClientId, DisplayName = "GraphSecurity Responder (no isolate)", Secret = ResponderClientSecret, Roles = new List<string> { "SecurityAlert.Read.All" },
            ApiRoles = new(StringComparer.OrdinalIgnoreCase) { [ApiResources.DefenderName] = new List<string> { "Machine.Read.All", "Machine.Scan", "Ti.ReadWrite" } },
        });
        contoso.Apps.Add(new AppRegistration { ClientId = NoRolesClientId, DisplayName = "GraphSecurity No Roles", Secret = NoRolesClientSecret, Roles = new List<string>() });
        var fabrikam = new Tenant { Id = FabrikamTenantId, Domain = "fabrikam.example", DisplayName = "Fabrikam (emulator)", AlertCount = 150 };
        fabrikam.Apps.Add(new AppRegistration { ClientId = FabrikamClientId, DisplayName = "Fabrikam Automation", Secret = FabrikamClientSecret, Roles = FullRoles.ToList(), ApiRoles = FullApiRoles() });
        DirectorySeed.AddDefaults(contoso, fabrikam);
        dir.Tenants.Add(contoso);
        dir.Tenants.Add(fabrikam);
        // Last, so the customer tenants' seeded data stays what it was.
        dir.Tenants.Add(Consent.PartnerSeed.CreateTenant());
        Consent.PartnerSeed.AddAdmins(contoso, fabrikam);
        return dir;
    }
}
