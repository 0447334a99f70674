namespace GraphSecurity.Emulator.Data;

/// <summary>One Secure Score improvement action (a secureScoreControlProfile template).</summary>
public sealed record ControlDef(
    string Id, string Category, string Title, double MaxScore, string Service, string Tier, string UserImpact,
    string ImplementationCost, string ActionType, string[] Threats, string Remediation, string RemediationImpact,
    bool Deprecated = false);

/// <summary>A realistic set of Secure Score controls across the five categories.</summary>
public static class SecureScoreCatalogue
{
    private const string Core = "Core", Depth = "Defense in Depth", Advanced = "Advanced";
    private static readonly string[] Breach = { "Account Breach", "Elevation of Privilege" };
    private static readonly string[] Phish = { "Phishing or Whaling", "Account Breach", "Spoofing" };
    private static readonly string[] DataLoss = { "Data Exfiltration", "Data Spillage", "Malicious Insider" };
    private static readonly string[] Malware = { "Malware", "Account Breach", "Data Deletion" };

    public static readonly IReadOnlyList<ControlDef> Controls = new List<ControlDef>
    {
        // Identity
        new("AdminMFAV2", "Identity", "Ensure multifactor authentication is enabled for all users in administrative roles", 10, "AzureAD", Core, "Low", "Low", "Config", Breach,
            "Create a Conditional Access policy that requires multifactor authentication for directory roles.", "Administrators are prompted for a second factor when they sign in."),
        new("MFARegistrationV2", "Identity", "Ensure all users can complete multifactor authentication", 9, "AzureAD", Core, "Moderate", "Moderate", "Config", Breach,
            "Enable the combined security information registration and require users to register for MFA.", "Users must register authentication methods."),
        new("BlockLegacyAuthentication", "Identity", "Enable Conditional Access policies to block legacy authentication", 8, "AzureAD", Core, "Moderate", "Moderate", "Config", new[] { "Account Breach", "Password Cracking" },
            "Create a Conditional Access policy that blocks other clients and Exchange ActiveSync.", "Clients using basic authentication stop working."),
        new("SigninRiskPolicy", "Identity", "Ensure a sign-in risk policy is enabled", 7, "AzureAD", Depth, "Moderate", "Moderate", "Config", Breach,
            "Create a Conditional Access policy that requires MFA for medium and high sign-in risk.", "Risky sign-ins are challenged."),
        new("UserRiskPolicy", "Identity", "Ensure a user risk policy is enabled", 7, "AzureAD", Depth, "Moderate", "Moderate", "Config", Breach,
            "Create a Conditional Access policy that requires a secure password change for high user risk.", "High-risk users must change their password."),
        new("SelfServicePasswordReset", "Identity", "Enable self-service password reset", 1, "AzureAD", Core, "Low", "Low", "Config", new[] { "Account Breach" },
            "Enable self-service password reset for all users.", "Users can reset their own passwords."),
        new("PWAgePolicyNew", "Identity", "Ensure the password expiration policy is set to never expire", 8, "AzureAD", Core, "Low", "Low", "Config", new[] { "Password Cracking" },
            "Set passwords to never expire in the organization's password policy.", "Users are no longer forced to rotate passwords."),
        new("IntegratedApps", "Identity", "Do not allow users to grant consent to unreliable applications", 4, "AzureAD", Core, "Moderate", "Low", "Config", new[] { "Data Exfiltration", "Account Breach" },
            "Allow user consent only for apps from verified publishers with low-impact permissions.", "Users cannot consent to unverified apps."),
        new("OneAdmin", "Identity", "Designate more than one global admin", 1, "AzureAD", Core, "Low", "Low", "Config", new[] { "Account Breach" },
            "Assign the Global Administrator role to a second, emergency-access account.", "None."),
        new("RoleOverlap", "Identity", "Use least privileged administrative roles", 1, "AzureAD", Core, "Low", "Low", "Review", new[] { "Elevation of Privilege" },
            "Review users in the Global Administrator role and move them to narrower roles.", "Administrators lose permissions they do not need."),
        new("aad_limited_administrative_roles", "Identity", "Ensure Administrative accounts are separate and cloud-only", 3, "AzureAD", Depth, "Moderate", "Moderate", "Config", Breach,
            "Create dedicated cloud-only accounts for administration.", "Administrators use a second account."),
        new("aad_sign_in_freq_session_timeout", "Identity", "Ensure Sign-in frequency is enabled and browser sessions are not persistent for Administrative users", 8, "AzureAD", Depth, "Moderate", "Low", "Config", Breach,
            "Create a Conditional Access policy with sign-in frequency of 4 hours and never-persistent browser sessions for admins.", "Administrators sign in more often."),
        new("aad_password_protection", "Identity", "Ensure custom banned passwords lists are used", 1, "AzureAD", Depth, "Low", "Low", "Config", new[] { "Password Cracking" },
            "Enable Microsoft Entra Password Protection with a custom banned password list.", "Weak passwords are rejected."),
        new("AdminMFA", "Identity", "Require MFA for administrative roles", 10, "AzureAD", Core, "Low", "Low", "Config", Breach,
            "Superseded by AdminMFAV2.", "None.", Deprecated: true),
        // Data
        new("DLPEnabled", "Data", "Turn on Microsoft Purview Data Loss Prevention policies", 10, "SCC", Core, "Moderate", "Moderate", "Config", DataLoss,
            "Create DLP policies for sensitive information types in Exchange, SharePoint and OneDrive.", "Users see policy tips; some sharing is blocked."),
        new("InformationProtectionPolicies", "Data", "Apply sensitivity labels to protect content", 5, "MIP", Depth, "Moderate", "Moderate", "Config", DataLoss,
            "Publish sensitivity labels and a default labelling policy.", "Users label documents and emails."),
        new("CustomerLockBoxEnabled", "Data", "Turn on customer lockbox", 5, "EXO", Advanced, "Low", "Low", "Config", new[] { "Data Exfiltration" },
            "Enable Customer Lockbox in the Microsoft 365 admin center.", "Microsoft support requests need approval."),
        new("spo_external_sharing_managed", "Data", "Ensure SharePoint external sharing is managed through domain allow lists", 3, "SPO", Depth, "Moderate", "Low", "Config", DataLoss,
            "Limit external sharing to specific domains.", "Sharing with other domains is blocked."),
        new("spo_guest_access_expire", "Data", "Ensure guest access to a site or OneDrive will expire automatically", 4, "SPO", Depth, "Low", "Low", "Config", DataLoss,
            "Set guest access to expire after 30 days.", "Guests must be re-invited."),
        new("AuditLogSearch", "Data", "Turn on audit data recording", 10, "SCC", Core, "Low", "Low", "Config", new[] { "Malicious Insider" },
            "Turn on auditing in Microsoft Purview.", "None."),
        // Apps
        new("mdo_safelinksforemail", "Apps", "Ensure Safe Links for Office Applications is Enabled", 9, "MDO", Core, "Low", "Low", "Config", Phish,
            "Create a Safe Links policy that covers email and Office apps.", "URLs are rewritten and checked at click time."),
        new("mdo_safeattachments", "Apps", "Turn on Safe Attachments in block mode", 8, "MDO", Core, "Low", "Low", "Config", Malware,
            "Create a Safe Attachments policy in Block mode for all recipients.", "Attachments are detonated before delivery."),
        new("mdo_antiphishingpolicies", "Apps", "Set the phishing email level threshold at 2 or higher", 9, "MDO", Core, "Low", "Low", "Config", Phish,
            "Raise the advanced phishing threshold in the anti-phishing policy.", "More messages go to quarantine."),
        new("mdo_autoforwardingmode", "Apps", "Ensure all forms of mail forwarding are blocked and/or disabled", 8, "MDO", Core, "Moderate", "Low", "Config", new[] { "Data Exfiltration" },
            "Set automatic forwarding to Off in the outbound spam policy.", "Users cannot forward mail outside the organization."),
        new("mdo_zapspam", "Apps", "Ensure that Zero-hour auto purge for spam is enabled", 9, "MDO", Core, "Low", "Low", "Config", Phish,
            "Turn on ZAP for spam in the anti-spam policy.", "Delivered spam is moved later."),
        new("mdo_zapphish", "Apps", "Ensure that Zero-hour auto purge for phishing is enabled", 9, "MDO", Core, "Low", "Low", "Config", Phish,
            "Turn on ZAP for phishing in the anti-spam policy.", "Delivered phishing is quarantined later."),
        new("exo_mailtipsenabled", "Apps", "Ensure MailTips are enabled for end users", 1, "EXO", Depth, "Low", "Low", "Config", new[] { "Data Spillage" },
            "Enable MailTips, including external recipient tips.", "Users see warnings before sending."),
        new("exo_oauth2clientprofileenabled", "Apps", "Ensure modern authentication for Exchange Online is enabled", 9, "EXO", Core, "Low", "Low", "Config", new[] { "Account Breach" },
            "Set OAuth2ClientProfileEnabled to true.", "Outlook uses modern authentication."),
        new("meeting_restrictanonymousjoin_v1", "Apps", "Only invited users should be automatically admitted to Teams meetings", 1, "Teams", Depth, "Moderate", "Low", "Config", new[] { "Data Exfiltration" },
            "Set who can bypass the lobby to people who were invited.", "Other participants wait in the lobby."),
        new("mcas_connect_apps", "Apps", "Connect your cloud apps to Defender for Cloud Apps", 5, "MCAS", Advanced, "Low", "Moderate", "Config", DataLoss,
            "Connect sanctioned cloud apps with app connectors.", "None."),
        // Device
        new("scid_2010", "Device", "Turn on Microsoft Defender Antivirus PUA protection in block mode", 7, "MDATP", Core, "Low", "Low", "Config", Malware,
            "Set PUA protection to Block through Intune or Group Policy.", "Potentially unwanted apps are blocked."),
        new("scid_2090", "Device", "Turn on Microsoft Defender Antivirus real-time protection", 9, "MDATP", Core, "Low", "Low", "Config", Malware,
            "Enable real-time protection on all devices.", "None."),
        new("scid_2501", "Device", "Enable 'Local Security Authority (LSA) protection'", 8, "MDATP", Depth, "Low", "Moderate", "Config", new[] { "Account Breach", "Elevation of Privilege" },
            "Set RunAsPPL to 1 on all Windows devices.", "Some LSA plug-ins may fail to load."),
        new("scid_91", "Device", "Set 'Minimum password length' to '14 or more characters'", 6, "MDATP", Core, "Moderate", "Low", "Config", new[] { "Password Cracking" },
            "Configure the local password policy through Group Policy or Intune.", "Users choose longer passwords."),
        new("scid_2000", "Device", "Turn on Microsoft Defender Firewall for all profiles", 7, "MDATP", Core, "Low", "Low", "Config", Malware,
            "Enable the firewall for the domain, private and public profiles.", "None."),
        new("scid_6000", "Device", "Update Microsoft Defender Antivirus definitions", 8, "MDATP", Core, "Low", "Low", "Behavior", Malware,
            "Make sure devices receive security intelligence updates daily.", "None."),
        new("IntuneCompliance", "Device", "Require devices to be compliant before they access company data", 6, "Intune", Depth, "Moderate", "Moderate", "Config", new[] { "Account Breach", "Data Exfiltration" },
            "Create device compliance policies and a Conditional Access policy requiring compliant devices.", "Non-compliant devices lose access."),
        // Infrastructure
        new("mdi_sensor_health", "Infrastructure", "Resolve unhealthy Defender for Identity sensors", 5, "MDI", Core, "Low", "Low", "Review", new[] { "Account Breach", "Elevation of Privilege" },
            "Fix the health issues reported for domain controller sensors.", "None."),
        new("mdi_unsecure_kerberos_delegation", "Infrastructure", "Remove unsecure Kerberos delegation", 5, "MDI", Depth, "Moderate", "Moderate", "Review", new[] { "Elevation of Privilege" },
            "Replace unconstrained delegation with constrained or resource-based delegation.", "Services using delegation need reconfiguration."),
        new("mdc_enable_defender_plans", "Infrastructure", "Enable Microsoft Defender for Cloud plans on all subscriptions", 6, "MDC", Advanced, "Low", "High", "Config", Malware,
            "Turn on the Defender for Servers and Defender for Storage plans.", "Additional cost per protected resource."),
    };
}
