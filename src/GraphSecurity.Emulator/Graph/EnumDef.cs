namespace GraphSecurity.Emulator.Graph;

/// <summary>
/// A Graph enum type: its members in schema order. Members after <c>unknownFutureValue</c> are
/// "evolvable": they are only shown to callers that send <c>Prefer: include-unknown-enum-members</c>.
/// </summary>
public sealed class EnumDef
{
    public const string UnknownFutureValue = "unknownFutureValue";
    public string Name { get; }
    public IReadOnlyList<string> Members { get; }
    private readonly int _sentinel;
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The OData namespace of the type; legacy (v1 security) and beta enums such as tiIndicator's live in microsoft.graph.</summary>
    public string Namespace { get; init; } = "microsoft.graph.security";

    public EnumDef(string name, params string[] members)
    {
        Name = name;
        Members = members;
        for (int i = 0; i < members.Length; i++) _index[members[i]] = i;
        _sentinel = Array.IndexOf(members, UnknownFutureValue);
    }

    public string FullName => Namespace + "." + Name;

    /// <summary>The canonical (camelCase) member for a case-insensitive input, or null when it is not a member.</summary>
    public string Parse(string value) => value != null && _index.TryGetValue(value, out var i) ? Members[i] : null;

    public int Ordinal(string member) => member != null && _index.TryGetValue(member, out var i) ? i : -1;

    public bool IsEvolvable(string member) => _sentinel >= 0 && Ordinal(member) > _sentinel;

    /// <summary>The value as the caller may see it.</summary>
    public string Visible(string member, bool includeUnknownMembers) =>
        member != null && !includeUnknownMembers && IsEvolvable(member) ? UnknownFutureValue : member;

    public const string PreferHeaderValue = "include-unknown-enum-members";

    public static bool IncludeUnknownMembers(HttpRequest request) => GraphRequest.Prefers(request, PreferHeaderValue);
}

/// <summary>Enum types of the microsoft.graph.security namespace (CSDL v1.0 member order).</summary>
public static class SecurityEnums
{
    public static readonly EnumDef AlertStatus = new("alertStatus", "unknown", "new", "inProgress", "resolved", "unknownFutureValue");
    public static readonly EnumDef AlertSeverity = new("alertSeverity", "unknown", "informational", "low", "medium", "high", "unknownFutureValue");
    public static readonly EnumDef AlertClassification = new("alertClassification", "unknown", "falsePositive", "truePositive", "informationalExpectedActivity", "unknownFutureValue");
    public static readonly EnumDef AlertDetermination = new("alertDetermination", "unknown", "apt", "malware", "securityPersonnel", "securityTesting",
        "unwantedSoftware", "other", "multiStagedAttack", "compromisedAccount", "phishing", "maliciousUserActivity", "notMalicious",
        "notEnoughDataToValidate", "confirmedActivity", "lineOfBusinessApplication", "unknownFutureValue");
    public static readonly EnumDef ServiceSource = new("serviceSource", "unknown", "microsoftDefenderForEndpoint", "microsoftDefenderForIdentity",
        "microsoftDefenderForCloudApps", "microsoftDefenderForOffice365", "microsoft365Defender", "azureAdIdentityProtection",
        "microsoftAppGovernance", "dataLossPrevention", "unknownFutureValue", "microsoftDefenderForCloud", "microsoftSentinel",
        "microsoftInsiderRiskManagement", "microsoftThreatIntelligence", "microsoftSecurityForAI");
    public static readonly EnumDef DetectionSource = new("detectionSource", "unknown", "microsoftDefenderForEndpoint", "antivirus", "smartScreen",
        "customTi", "microsoftDefenderForOffice365", "automatedInvestigation", "microsoftThreatExperts", "customDetection",
        "microsoftDefenderForIdentity", "cloudAppSecurity", "microsoft365Defender", "azureAdIdentityProtection", "manual",
        "microsoftDataLossPrevention", "appGovernancePolicy", "appGovernanceDetection", "unknownFutureValue",
        "microsoftDefenderForCloud", "microsoftDefenderForIoT", "microsoftDefenderForServers", "microsoftDefenderForStorage",
        "microsoftDefenderForDNS", "microsoftDefenderForDatabases", "microsoftDefenderForContainers", "microsoftDefenderForNetwork",
        "microsoftDefenderForAppService", "microsoftDefenderForKeyVault", "microsoftDefenderForResourceManager",
        "microsoftDefenderForApiManagement", "nrtAlerts", "scheduledAlerts", "microsoftDefenderThreatIntelligenceAnalytics", "builtInMl",
        "microsoftInsiderRiskManagement", "microsoftThreatIntelligence", "microsoftDefenderForAIServices", "securityCopilot", "microsoftSentinel");
    public static readonly EnumDef InvestigationState = new("investigationState", "unknown", "terminated", "successfullyRemediated", "benign",
        "failed", "partiallyRemediated", "running", "pendingApproval", "pendingResource", "queued", "innerFailure", "preexistingAlert",
        "unsupportedOs", "unsupportedAlertType", "suppressedAlert", "partiallyInvestigated", "terminatedByUser", "terminatedBySystem",
        "unknownFutureValue");
    public static readonly EnumDef EvidenceRemediationStatus = new("evidenceRemediationStatus", "none", "remediated", "prevented", "blocked",
        "notFound", "unknownFutureValue", "active", "pendingApproval", "declined", "unremediated", "running", "partiallyRemediated");
}
