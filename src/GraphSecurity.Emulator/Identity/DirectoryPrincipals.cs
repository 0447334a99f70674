namespace GraphSecurity.Emulator.Identity;

/// <summary>A user of an emulated tenant, with the Entra directory roles it holds.</summary>
public sealed class UserAccount
{
    public string UserPrincipalName { get; set; }
    public string DisplayName { get; set; }
    /// <summary>Directory role display names, e.g. "Security Reader" (see <see cref="DirectoryRoles"/>).</summary>
    public List<string> Roles { get; set; } = new();

    /// <summary>Deterministic object id of the user in <paramref name="tenantId"/>.</summary>
    public string ObjectId(string tenantId) => AppRegistration.DeterministicGuid("user:" + tenantId + ":" + UserPrincipalName.ToLowerInvariant()).ToString();
}

/// <summary>A managed identity (system- or user-assigned) that can get Graph tokens from the managed-identity endpoints.</summary>
public sealed class ManagedIdentity
{
    /// <summary>The identity's service principal; its client id is the selector value and its roles end up in the token.</summary>
    public AppRegistration App { get; set; }
    public bool SystemAssigned { get; set; }
    /// <summary>ARM resource id (user-assigned only), the <c>msi_res_id</c>/<c>mi_res_id</c> selector.</summary>
    public string ResourceId { get; set; }
}

/// <summary>
/// The Entra built-in roles that matter for the security API, with their (global, well-known) role template ids
/// that Entra puts in the <c>wids</c> claim of user tokens.
/// </summary>
public static class DirectoryRoles
{
    public static readonly IReadOnlyDictionary<string, string> TemplateIds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Global Administrator"] = "62e90394-69f5-4237-9190-012177145e10",
        ["Global Reader"] = "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
        ["Security Administrator"] = "194ae4cb-b126-40b2-bd5b-6091b380977d",
        ["Security Operator"] = "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f",
        ["Security Reader"] = "5d6b6bb7-de71-4623-b4af-96380a352509",
        ["Privileged Role Administrator"] = "e8611ab8-c189-46e8-94e1-60213ab1f814",
        ["Cloud Application Administrator"] = "158c047a-c907-4556-b7ef-446551a6b5f7",
        ["Application Administrator"] = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    };

    /// <summary>Roles that may grant tenant-wide consent to an app, Microsoft Graph application roles included.</summary>
    public static readonly string[] ConsentToAnything = { "Global Administrator", "Privileged Role Administrator" };

    /// <summary>Roles that may grant tenant-wide consent except for Microsoft Graph application roles.</summary>
    public static readonly string[] ConsentExceptGraphRoles = { "Cloud Application Administrator", "Application Administrator" };

    /// <summary>Roles that may change security data (the reference: Security Operator or Security Administrator).</summary>
    public static readonly string[] Writers = { "Global Administrator", "Security Administrator", "Security Operator" };

    public static string NameOf(string templateId) =>
        TemplateIds.FirstOrDefault(kv => string.Equals(kv.Value, templateId, StringComparison.OrdinalIgnoreCase)).Key;
}

/// <summary>Well-known users, public clients and managed identities every emulator starts with.</summary>
public static class DirectorySeed
{
    public const string PowerShellClientId = "c5e1a7b3-2d4f-4e6a-9b8c-0d1e2f3a4b5c";
    public const string ReaderConsoleClientId = "7d3c9e1a-5b2f-4a8d-b6c4-e2f1a0d9c8b7";
    public const string SystemAssignedClientId = "4a9e2b7c-1d3f-4c5e-8a6b-0f1e2d3c4b5a";
    public const string UserAssignedClientId = "e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c5b";
    public const string UserAssignedResourceId =
        "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-secops/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-graphsecurity-reader";
    public const string FabrikamUserAssignedClientId = "2b4d6f8a-0c1e-4a3b-8d5f-7a9c1e3b5d7f";

    /// <summary>Delegated permissions admin-consented for the PowerShell public client.</summary>
    public static readonly string[] PowerShellScopes =
    {
        "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All", "SecurityIncident.Read.All", "SecurityIncident.ReadWrite.All",
        "SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All", "ThreatHunting.Read.All", "ThreatIndicators.ReadWrite.OwnedBy", "User.Read",
        "SecurityIdentitiesAccount.Read.All", "SecurityIdentitiesActions.ReadWrite.All",
        "CustomDetection.ReadWrite.All",
    };

    /// <summary>Delegated permissions admin-consented for the PowerShell public client on the other APIs.</summary>
    public static Dictionary<string, List<string>> PowerShellApiScopes() => new(StringComparer.OrdinalIgnoreCase)
    {
        [ApiResources.DefenderName] = new List<string>
        {
            "Ti.ReadWrite", "Machine.Read", "Machine.Isolate", "Machine.RestrictExecution", "Machine.Scan", "Machine.CollectForensics",
            "Machine.LiveResponse", "Machine.StopAndQuarantine", "Machine.Offboard", "Alert.Read",
        },
        [ApiResources.ArmName] = new List<string> { "user_impersonation" },
        [ApiResources.IngestionName] = new List<string> { "user_impersonation" },
    };

    public static void AddDefaults(Tenant contoso, Tenant fabrikam)
    {
        AddUsers(contoso,
            ("ada@contoso.example", "Ada Lovelace", "Security Administrator"),
            ("grace@contoso.example", "Grace Hopper", "Security Operator"),
            ("alan@contoso.example", "Alan Turing", "Security Reader"),
            ("edgar@contoso.example", "Edgar Codd", null));
        AddUsers(fabrikam, ("margaret@fabrikam.example", "Margaret Hamilton", "Security Administrator"));

        foreach (var tenant in new[] { contoso, fabrikam })
            tenant.Apps.Add(new AppRegistration
            {
                ClientId = PowerShellClientId, DisplayName = "GraphSecurity PowerShell", IsPublicClient = true,
                DelegatedScopes = PowerShellScopes.ToList(),
                ApiDelegatedScopes = PowerShellApiScopes(),
            });
        contoso.Apps.Add(new AppRegistration
        {
            ClientId = ReaderConsoleClientId, DisplayName = "GraphSecurity Reader Console", IsPublicClient = true,
            DelegatedScopes = new List<string> { "SecurityAlert.Read.All", "SecurityIncident.Read.All", "User.Read" },
        });

        contoso.ManagedIdentities.Add(new ManagedIdentity
        {
            SystemAssigned = true,
            App = new AppRegistration { ClientId = SystemAssignedClientId, DisplayName = "vm-secops-runner", Roles = TenantDirectory.FullRoles.ToList(), ApiRoles = TenantDirectory.FullApiRoles() },
        });
        contoso.ManagedIdentities.Add(new ManagedIdentity
        {
            ResourceId = UserAssignedResourceId,
            App = new AppRegistration { ClientId = UserAssignedClientId, DisplayName = "id-graphsecurity-reader", Roles = new List<string> { "SecurityAlert.Read.All" } },
        });
        fabrikam.ManagedIdentities.Add(new ManagedIdentity
        {
            ResourceId = UserAssignedResourceId.Replace("rg-secops", "rg-fabrikam").Replace("id-graphsecurity-reader", "id-fabrikam-automation"),
            App = new AppRegistration { ClientId = FabrikamUserAssignedClientId, DisplayName = "id-fabrikam-automation", Roles = TenantDirectory.FullRoles.ToList(), ApiRoles = TenantDirectory.FullApiRoles() },
        });
    }

    private static void AddUsers(Tenant tenant, params (string Upn, string Name, string Role)[] users)
    {
        foreach (var (upn, name, role) in users)
            tenant.Users.Add(new UserAccount { UserPrincipalName = upn, DisplayName = name, Roles = role == null ? new List<string>() : new List<string> { role } });
    }
}
