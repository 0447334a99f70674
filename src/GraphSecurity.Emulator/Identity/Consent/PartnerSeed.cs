namespace GraphSecurity.Emulator.Identity.Consent;

/// <summary>The partner tenant, its multi-tenant app and the admins of the customer tenants who consent to it.</summary>
public static class PartnerSeed
{
    public const string TenantId = TenantDirectory.PartnerTenantId;
    public const string Domain = "northwindsec.example";
    public const string ClientId = "5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f";
    public const string ClientSecret = "gs-emulator-partner-secret";
    public const string AppIdUri = "api://northwind-sentry";
    public const string DisplayName = "Northwind Sentry";

    /// <summary>The Graph roles Contoso granted the app (seeded consent).</summary>
    public static readonly string[] ContosoGraphRoles =
    {
        "SecurityEvents.ReadWrite.All", "SecurityAlert.ReadWrite.All", "SecurityIncident.Read.All", "SecurityActions.ReadWrite.All",
    };

    /// <summary>Global Administrators of the customer tenants, the users the admin-consent endpoint signs in by default.</summary>
    public const string ContosoAdmin = "katherine@contoso.example";
    public const string FabrikamAdmin = "dorothy@fabrikam.example";
    /// <summary>May consent to anything but Microsoft Graph application roles.</summary>
    public const string ContosoAppAdmin = "radia@contoso.example";
    public const string PartnerAdmin = "nora@northwindsec.example";

    public static Tenant CreateTenant()
    {
        var tenant = new Tenant { Id = TenantId, Domain = Domain, DisplayName = "Northwind Security", AlertCount = 0 };
        tenant.Apps.Add(CreateApp());
        tenant.Users.Add(new UserAccount { UserPrincipalName = PartnerAdmin, DisplayName = "Nora Park", Roles = new List<string> { "Global Administrator" } });
        return tenant;
    }

    public static AppRegistration CreateApp() => new()
    {
        ClientId = ClientId,
        DisplayName = DisplayName,
        Secret = ClientSecret,
        SignInAudience = AppRegistration.MultiTenant,
        HomeTenantId = TenantId,
        AppIdUri = AppIdUri,
        // The app holds nothing in its home tenant: it calls Graph there only to send notifications.
        Roles = new List<string>(),
        AppRoles = new List<string> { "Alerts.Read.All", "Alerts.ReadWrite.All", "Actions.ReadWrite.All" },
        RedirectUris = new List<string> { "http://localhost", "https://sentry.northwindsec.example/consent/callback" },
        RequiredResourceAccess = new(StringComparer.OrdinalIgnoreCase)
        {
            [ApiResources.GraphName] = new RequiredAccess
            {
                Roles = ContosoGraphRoles.ToList(),
                Scopes = new List<string> { "SecurityAlert.Read.All", "SecurityIncident.Read.All", "User.Read" },
            },
            [ApiResources.DefenderName] = new RequiredAccess { Roles = new List<string> { "Alert.Read.All", "Machine.Read.All", "Ti.ReadWrite.All" } },
        },
    };

    public static void AddAdmins(Tenant contoso, Tenant fabrikam)
    {
        contoso.Users.Add(new UserAccount { UserPrincipalName = ContosoAdmin, DisplayName = "Katherine Johnson", Roles = new List<string> { "Global Administrator" } });
        contoso.Users.Add(new UserAccount { UserPrincipalName = ContosoAppAdmin, DisplayName = "Radia Perlman", Roles = new List<string> { "Cloud Application Administrator" } });
        fabrikam.Users.Add(new UserAccount { UserPrincipalName = FabrikamAdmin, DisplayName = "Dorothy Vaughan", Roles = new List<string> { "Global Administrator" } });
    }
}
