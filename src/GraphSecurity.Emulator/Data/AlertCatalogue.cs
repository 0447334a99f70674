namespace GraphSecurity.Emulator.Data;

/// <summary>Kinds of evidence a catalogue entry attaches.</summary>
[Flags]
public enum EvidenceKinds
{
    None = 0, Device = 1, User = 2, Process = 4, File = 8, Ip = 16, Url = 32, Mailbox = 64, Message = 128, TwoIps = 256,
}

/// <summary>One kind of alert a source raises: title, MITRE mapping, texts and evidence shape.</summary>
public sealed record CatalogueEntry(
    string ServiceSource,
    string DetectionSource,
    string Title,
    string Category,
    string[] Mitre,
    string[] Severities,
    EvidenceKinds Evidence,
    string Description,
    string RecommendedActions,
    string ThreatDisplayName = null,
    string ThreatFamilyName = null);

/// <summary>A realistic catalogue of alerts per service source, and the source mix.</summary>
public static class AlertCatalogue
{
    private const string Mde = "microsoftDefenderForEndpoint";
    private const string Mdo = "microsoftDefenderForOffice365";
    private const string Mdi = "microsoftDefenderForIdentity";
    private const string Mdca = "microsoftDefenderForCloudApps";
    private const string Aadip = "azureAdIdentityProtection";
    private const string M365d = "microsoft365Defender";
    private const string Dlp = "dataLossPrevention";
    private const string Mdc = "microsoftDefenderForCloud";
    private const string Sentinel = "microsoftSentinel";

    private static readonly string[] LowMed = { "low", "medium" };
    private static readonly string[] MedHigh = { "medium", "high" };
    private static readonly string[] High = { "high" };
    private static readonly string[] InfoLow = { "informational", "low" };
    private static readonly string[] Any = { "informational", "low", "medium", "high" };

    /// <summary>Relative weight of each service source in generated data.</summary>
    public static readonly (string Source, int Weight)[] SourceWeights =
    {
        (Mde, 40), (Mdo, 18), (Mdi, 10), (Mdca, 8), (Aadip, 9), (M365d, 6), (Dlp, 5), (Mdc, 2), (Sentinel, 2),
    };

    public static readonly Dictionary<string, string> ProductNames = new()
    {
        [Mde] = "Microsoft Defender for Endpoint",
        [Mdo] = "Microsoft Defender for Office 365",
        [Mdi] = "Microsoft Defender for Identity",
        [Mdca] = "Microsoft Defender for Cloud Apps",
        [Aadip] = "Microsoft Entra ID Protection",
        [M365d] = "Microsoft Defender XDR",
        [Dlp] = "Microsoft Data Loss Prevention",
        [Mdc] = "Microsoft Defender for Cloud",
        [Sentinel] = "Microsoft Sentinel",
    };

    /// <summary>Two-letter id prefix per source (MDE ids are built differently).</summary>
    public static readonly Dictionary<string, string> IdPrefixes = new()
    {
        [Mdo] = "fa", [Mdi] = "aa", [Mdca] = "ca", [Aadip] = "ad", [M365d] = "ed", [Dlp] = "dl", [Mdc] = "dc", [Sentinel] = "sn",
    };

    public static readonly CatalogueEntry[] Entries =
    {
        // Defender for Endpoint
        new(Mde, "microsoftDefenderForEndpoint", "Suspicious PowerShell command line", "Execution", new[] { "T1059.001" }, MedHigh,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Process,
            "A suspicious PowerShell command line was observed on the device. The command used encoded or obfuscated content that is commonly used by attackers to download and run code.",
            "1. Examine the process tree and the full command line.\n2. Check the device timeline for related network connections.\n3. If the activity is unexpected, isolate the device and run a full antivirus scan."),
        new(Mde, "microsoftDefenderForEndpoint", "Ransomware behavior detected", "Impact", new[] { "T1486" }, High,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Process | EvidenceKinds.File,
            "A process on the device encrypted many files and dropped ransom notes. This behavior is typical of human-operated ransomware.",
            "1. Isolate the device immediately.\n2. Identify the initial access vector and the affected accounts.\n3. Reset credentials of accounts used on the device.\n4. Restore encrypted files from backup.",
            "Ransom:Win32/LockBit.A", "LockBit"),
        new(Mde, "antivirus", "'Wacatac' malware was detected", "Malware", Array.Empty<string>(), LowMed,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.File,
            "Microsoft Defender Antivirus detected and quarantined a file associated with the Wacatac trojan family.",
            "1. Confirm the file was quarantined.\n2. Run a full scan on the device.\n3. Check how the file arrived (download, email attachment, removable media).",
            "Trojan:Win32/Wacatac.B!ml", "Wacatac"),
        new(Mde, "antivirus", "An active 'Mimikatz' credential theft tool was detected", "CredentialAccess", new[] { "T1003.001" }, High,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Process | EvidenceKinds.File,
            "A known credential theft tool was detected while running on the device. Attackers use it to dump credentials from LSASS memory.",
            "1. Isolate the device.\n2. Reset the passwords of every account that signed in to the device.\n3. Hunt for lateral movement from the device.",
            "HackTool:Win32/Mimikatz", "Mimikatz"),
        new(Mde, "microsoftDefenderForEndpoint", "Suspicious process injection observed", "DefenseEvasion", new[] { "T1055" }, MedHigh,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Process,
            "A process injected code into another process. This technique is used to evade defenses and elevate privileges.",
            "1. Review the injecting and target processes.\n2. Collect an investigation package from the device.\n3. Submit suspicious files for deep analysis."),
        new(Mde, "microsoftDefenderForEndpoint", "Suspicious scheduled task", "Persistence", new[] { "T1053.005" }, LowMed,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Process,
            "A scheduled task was created that runs a script from a user-writable folder at logon.",
            "1. Review the task definition and the script it runs.\n2. Remove the task if it is not authorized."),
        new(Mde, "microsoftDefenderForEndpoint", "Hidden file attribute set on executable", "DefenseEvasion", new[] { "T1564.001" }, InfoLow,
            EvidenceKinds.Device | EvidenceKinds.Process | EvidenceKinds.File,
            "The hidden attribute was set on an executable file, a technique used to conceal malicious files.",
            "1. Inspect the file and its origin.\n2. Remove it if it is not part of a known application."),
        new(Mde, "smartScreen", "Connection to a known malicious URL blocked", "CommandAndControl", new[] { "T1071.001" }, InfoLow,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Url | EvidenceKinds.Ip,
            "Microsoft Defender SmartScreen blocked a connection to a URL known to host malware.",
            "1. Verify the connection was blocked.\n2. Check the device for other connections to the same domain."),
        new(Mde, "customDetection", "Possible lateral movement using PsExec", "LateralMovement", new[] { "T1021.002", "T1569.002" }, MedHigh,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Process | EvidenceKinds.Ip,
            "PsExec was used to start a remote service on another device. This can be legitimate administration or lateral movement.",
            "1. Confirm whether the administrator activity was planned.\n2. Review remote sessions from the source device."),

        // Defender for Office 365
        new(Mdo, "microsoftDefenderForOffice365", "Email messages containing malicious URL removed after delivery", "InitialAccess", new[] { "T1566.002" }, InfoLow,
            EvidenceKinds.Mailbox | EvidenceKinds.Message | EvidenceKinds.Url | EvidenceKinds.User,
            "Email messages containing a malicious URL were delivered and later removed by zero-hour auto purge.",
            "1. Review whether any recipient clicked the URL.\n2. Block the sender domain if the campaign continues."),
        new(Mdo, "microsoftDefenderForOffice365", "A potentially malicious URL click was detected", "InitialAccess", new[] { "T1566.002" }, MedHigh,
            EvidenceKinds.Mailbox | EvidenceKinds.Message | EvidenceKinds.Url | EvidenceKinds.User | EvidenceKinds.Ip,
            "A user clicked a URL that was later identified as malicious.",
            "1. Reset the user's password and revoke sessions.\n2. Check the user's sign-ins after the click.\n3. Scan the user's device."),
        new(Mdo, "microsoftDefenderForOffice365", "Email messages containing malware removed after delivery", "InitialAccess", new[] { "T1566.001" }, LowMed,
            EvidenceKinds.Mailbox | EvidenceKinds.Message | EvidenceKinds.File | EvidenceKinds.User,
            "Email messages with a malicious attachment were delivered and later removed.",
            "1. Confirm the attachment was not opened.\n2. Search for the same attachment hash across the organization."),
        new(Mdo, "microsoftDefenderForOffice365", "Suspicious email sending patterns detected", "Exfiltration", new[] { "T1114.003" }, MedHigh,
            EvidenceKinds.Mailbox | EvidenceKinds.User | EvidenceKinds.Ip,
            "The mailbox sent an unusual number of messages to external recipients, which can indicate a compromised account.",
            "1. Check inbox rules and forwarding settings.\n2. Reset the account's credentials."),

        // Defender for Identity
        new(Mdi, "microsoftDefenderForIdentity", "Suspected DCSync attack (replication of directory services)", "CredentialAccess", new[] { "T1003.006" }, High,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Ip,
            "A replication request was sent to a domain controller from a device that is not a domain controller.",
            "1. Validate the source device.\n2. If unexpected, reset the KRBTGT password twice and investigate the account."),
        new(Mdi, "microsoftDefenderForIdentity", "Suspected brute-force attack (Kerberos, NTLM)", "CredentialAccess", new[] { "T1110" }, LowMed,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Ip,
            "Many authentication failures were detected from one device against several accounts.",
            "1. Determine whether the device is a known scanner.\n2. Enforce strong passwords and lockout policies."),
        new(Mdi, "microsoftDefenderForIdentity", "Account enumeration reconnaissance", "Discovery", new[] { "T1087.002" }, InfoLow,
            EvidenceKinds.Device | EvidenceKinds.User,
            "An actor on a device performed account enumeration against the domain.",
            "1. Identify the process that ran the enumeration.\n2. Check for follow-up activity."),
        new(Mdi, "microsoftDefenderForIdentity", "Suspected pass-the-ticket attack", "LateralMovement", new[] { "T1550.003" }, High,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Ip,
            "A Kerberos ticket issued to one device was used from another device.",
            "1. Reset the affected account's password.\n2. Investigate both devices."),

        // Defender for Cloud Apps
        new(Mdca, "cloudAppSecurity", "Mass download by a single user", "Exfiltration", new[] { "T1530" }, LowMed,
            EvidenceKinds.User | EvidenceKinds.Ip,
            "A user downloaded an unusually large number of files from SharePoint Online within a short period.",
            "1. Confirm with the user whether the download was expected.\n2. Review the downloaded files' sensitivity."),
        new(Mdca, "cloudAppSecurity", "Suspicious inbox forwarding rule", "Collection", new[] { "T1114.003" }, MedHigh,
            EvidenceKinds.User | EvidenceKinds.Ip | EvidenceKinds.Mailbox,
            "A user created an inbox rule that forwards all messages to an external address.",
            "1. Remove the rule.\n2. Reset the user's credentials and revoke sessions."),
        new(Mdca, "cloudAppSecurity", "Activity from infrequent country", "InitialAccess", new[] { "T1078" }, InfoLow,
            EvidenceKinds.User | EvidenceKinds.Ip,
            "A user performed activity from a country that nobody in the organization used recently.",
            "1. Contact the user to confirm the travel.\n2. Require MFA for the next sign-in."),

        // Entra ID Protection
        new(Aadip, "azureAdIdentityProtection", "Impossible travel activity", "InitialAccess", new[] { "T1078" }, LowMed,
            EvidenceKinds.User | EvidenceKinds.TwoIps,
            "Two sign-ins of the same user came from locations too far apart to travel between in the time elapsed.",
            "1. Confirm whether the user uses a VPN.\n2. If not, reset the password and revoke refresh tokens."),
        new(Aadip, "azureAdIdentityProtection", "Anonymous IP address", "InitialAccess", new[] { "T1090.003" }, InfoLow,
            EvidenceKinds.User | EvidenceKinds.Ip,
            "A sign-in came from an anonymous proxy IP address such as a Tor exit node.",
            "1. Check the sign-in's success and the apps accessed.\n2. Require MFA."),
        new(Aadip, "azureAdIdentityProtection", "Leaked credentials", "CredentialAccess", new[] { "T1589.001" }, High,
            EvidenceKinds.User,
            "The user's valid credentials were found in a public leak.",
            "1. Force a password reset.\n2. Review sign-ins since the leak date."),
        new(Aadip, "azureAdIdentityProtection", "Unfamiliar sign-in properties", "InitialAccess", new[] { "T1078.004" }, LowMed,
            EvidenceKinds.User | EvidenceKinds.Ip,
            "The sign-in had properties (IP, ASN, browser) that were not seen recently for the user.",
            "1. Confirm the sign-in with the user.\n2. Remediate the user risk if confirmed compromised."),

        // Defender XDR
        new(M365d, "microsoft365Defender", "Suspicious sequence of exploration activities", "Discovery", new[] { "T1087", "T1069", "T1018" }, LowMed,
            EvidenceKinds.Device | EvidenceKinds.User | EvidenceKinds.Process,
            "A sequence of discovery commands was run by one account across several devices.",
            "1. Review the commands.\n2. Check whether the account is an administrator running an approved inventory."),
        new(M365d, "microsoft365Defender", "User compromised via a known AiTM phishing kit", "CredentialAccess", new[] { "T1557", "T1539" }, High,
            EvidenceKinds.User | EvidenceKinds.Ip | EvidenceKinds.Url,
            "A session cookie of the user was stolen through an adversary-in-the-middle phishing site and replayed.",
            "1. Revoke the user's sessions.\n2. Reset the password.\n3. Review mailbox rules created after the sign-in."),

        // Data loss prevention
        new(Dlp, "microsoftDataLossPrevention", "DLP policy match for document containing credit card numbers", "Exfiltration", new[] { "T1567" }, LowMed,
            EvidenceKinds.User | EvidenceKinds.File,
            "A document containing credit card numbers was shared with an external recipient.",
            "1. Review the shared document.\n2. Revoke the sharing link if inappropriate."),
        new(Dlp, "microsoftDataLossPrevention", "DLP policy match: sensitive data sent by email", "Exfiltration", new[] { "T1048" }, InfoLow,
            EvidenceKinds.User | EvidenceKinds.Mailbox,
            "An email containing personal data was sent outside the organization.",
            "1. Contact the sender.\n2. Adjust the DLP policy if this is a business process."),

        // Defender for Cloud (evolvable source)
        new(Mdc, "microsoftDefenderForServers", "Suspicious SSH brute force attempt on a virtual machine", "CredentialAccess", new[] { "T1110.001" }, LowMed,
            EvidenceKinds.Device | EvidenceKinds.Ip,
            "Many failed SSH logins were observed on a Linux virtual machine from one external IP address.",
            "1. Restrict SSH to known addresses with just-in-time access.\n2. Use key-based authentication."),
        new(Mdc, "microsoftDefenderForCloud", "Communication with suspicious domain identified by threat intelligence", "CommandAndControl", new[] { "T1071" }, MedHigh,
            EvidenceKinds.Device | EvidenceKinds.Ip | EvidenceKinds.Url,
            "A virtual machine communicated with a domain that threat intelligence associates with malware.",
            "1. Investigate the process that made the connection.\n2. Block the domain at the firewall."),

        // Sentinel (evolvable source)
        new(Sentinel, "scheduledAlerts", "Rare application consent granted", "Persistence", new[] { "T1098.003" }, LowMed,
            EvidenceKinds.User | EvidenceKinds.Ip,
            "A user granted consent to an application that is rarely consented to in the organization.",
            "1. Review the application's permissions.\n2. Revoke the consent if the app is unknown."),
        new(Sentinel, "nrtAlerts", "Multiple failed sign-ins followed by a success", "CredentialAccess", new[] { "T1110.003" }, MedHigh,
            EvidenceKinds.User | EvidenceKinds.Ip,
            "A password spray pattern ended with a successful sign-in.",
            "1. Reset the account's password.\n2. Block the source IP addresses."),
    };
}
