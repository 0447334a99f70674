namespace GraphSecurity;

// Members mirror the service's enumerations (microsoft.graph.security namespace). The JSON
// strings are these names in camelCase. Values the module does not know map to UnknownFutureValue.

public enum AlertSeverity { Unknown, Informational, Low, Medium, High, UnknownFutureValue }

public enum AlertStatus { Unknown, New, InProgress, Resolved, UnknownFutureValue }

public enum AlertClassification { Unknown, FalsePositive, TruePositive, InformationalExpectedActivity, UnknownFutureValue }

public enum AlertDetermination
{
    Unknown, Apt, Malware, SecurityPersonnel, SecurityTesting, UnwantedSoftware, Other, MultiStagedAttack,
    CompromisedAccount, Phishing, MaliciousUserActivity, NotMalicious, NotEnoughDataToValidate,
    ConfirmedActivity, LineOfBusinessApplication, UnknownFutureValue,
}

/// <summary>Members after UnknownFutureValue are evolvable: the service only returns them on request.</summary>
public enum ServiceSource
{
    Unknown, MicrosoftDefenderForEndpoint, MicrosoftDefenderForIdentity, MicrosoftDefenderForCloudApps,
    MicrosoftDefenderForOffice365, Microsoft365Defender, AzureAdIdentityProtection, MicrosoftAppGovernance,
    DataLossPrevention, UnknownFutureValue,
    MicrosoftDefenderForCloud, MicrosoftSentinel, MicrosoftInsiderRiskManagement, MicrosoftThreatIntelligence,
    MicrosoftSecurityForAI,
}

/// <summary>Members after UnknownFutureValue are evolvable: the service only returns them on request.</summary>
public enum DetectionSource
{
    Unknown, MicrosoftDefenderForEndpoint, Antivirus, SmartScreen, CustomTi, MicrosoftDefenderForOffice365,
    AutomatedInvestigation, MicrosoftThreatExperts, CustomDetection, MicrosoftDefenderForIdentity,
    CloudAppSecurity, Microsoft365Defender, AzureAdIdentityProtection, Manual, MicrosoftDataLossPrevention,
    AppGovernancePolicy, AppGovernanceDetection, UnknownFutureValue,
    MicrosoftDefenderForCloud, MicrosoftDefenderForIoT, MicrosoftDefenderForServers, MicrosoftDefenderForStorage,
    MicrosoftDefenderForDNS, MicrosoftDefenderForDatabases, MicrosoftDefenderForContainers,
    MicrosoftDefenderForNetwork, MicrosoftDefenderForAppService, MicrosoftDefenderForKeyVault,
    MicrosoftDefenderForResourceManager, MicrosoftDefenderForApiManagement, NrtAlerts, ScheduledAlerts,
    MicrosoftDefenderThreatIntelligenceAnalytics, BuiltInMl, MicrosoftInsiderRiskManagement,
    MicrosoftThreatIntelligence, MicrosoftDefenderForAIServices, SecurityCopilot, MicrosoftSentinel,
}

public enum EvidenceVerdict { Unknown, Suspicious, Malicious, NoThreatsFound, UnknownFutureValue }

public enum EvidenceRemediationStatus
{
    None, Remediated, Prevented, Blocked, NotFound, UnknownFutureValue,
    Active, PendingApproval, Declined, Unremediated, Running, PartiallyRemediated,
}

public enum EvidenceRole
{
    Unknown, Contextual, Scanned, Source, Destination, Created, Added, Compromised, Edited, Attacked,
    Attacker, CommandAndControl, Loaded, Suspicious, PolicyViolator, UnknownFutureValue,
}
