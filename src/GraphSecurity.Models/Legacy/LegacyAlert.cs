using System;
using System.Linq;

namespace GraphSecurity;

// The legacy API's enumerations (microsoft.graph namespace); the wire strings are these names in camelCase.
public enum LegacyAlertStatus { Unknown, NewAlert, InProgress, Resolved, Dismissed, UnknownFutureValue }

public enum LegacyAlertFeedback { Unknown, TruePositive, FalsePositive, BenignPositive, UnknownFutureValue }

/// <summary>Which product an alert of the legacy API comes from; PATCH must name it to route the update.</summary>
public class SecurityVendorInformation
{
    public string? Provider { get; set; }
    public string? Vendor { get; set; }
    public string? SubProvider { get; set; }
    public string? ProviderVersion { get; set; }

    public override string? ToString() => string.IsNullOrEmpty(Vendor) ? Provider : $"{Vendor}/{Provider}";
}

public class LegacyUserState
{
    public string? UserPrincipalName { get; set; }
    public string? AccountName { get; set; }
    public string? DomainName { get; set; }
    public string? AadUserId { get; set; }
    public string? OnPremisesSecurityIdentifier { get; set; }
    public string? LogonIp { get; set; }
    public string? LogonLocation { get; set; }
    public override string? ToString() => UserPrincipalName ?? AccountName;
}

public class LegacyHostState
{
    public string? Fqdn { get; set; }
    public string? NetBiosName { get; set; }
    public string? Os { get; set; }
    public string? PrivateIpAddress { get; set; }
    public string? PublicIpAddress { get; set; }
    public override string? ToString() => Fqdn ?? NetBiosName;
}

public class LegacyFileHash
{
    public string? HashType { get; set; }
    public string? HashValue { get; set; }
    public override string? ToString() => HashValue;
}

public class LegacyFileState
{
    public string? Name { get; set; }
    public string? Path { get; set; }
    public string? RiskScore { get; set; }
    public LegacyFileHash? FileHash { get; set; }
    public override string? ToString() => Name ?? FileHash?.HashValue;
}

public class LegacyNetworkConnection
{
    public string? SourceAddress { get; set; }
    public string? DestinationAddress { get; set; }
    public string? DestinationDomain { get; set; }
    public string? DestinationPort { get; set; }
    public string? DestinationUrl { get; set; }
    public string? Direction { get; set; }
    public override string? ToString() => DestinationUrl ?? DestinationDomain ?? DestinationAddress;
}

/// <summary>
/// An alert of the deprecated, federated legacy API (microsoft.graph.alert at /security/alerts).
/// Set-GsAlert sends its VendorInformation back with each change, as the API requires.
/// </summary>
public class LegacyAlert : IConnectionBound
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Category { get; set; }
    public string? Description { get; set; }
    public AlertSeverity Severity { get; set; }
    public LegacyAlertStatus Status { get; set; }
    public LegacyAlertFeedback? Feedback { get; set; }
    public string? AssignedTo { get; set; }
    public int? Confidence { get; set; }
    public SecurityVendorInformation? VendorInformation { get; set; }
    /// <summary>The provider (product) that raised the alert, e.g. IPC or Microsoft Defender ATP.</summary>
    public string? Provider => VendorInformation?.Provider;
    public string? AzureTenantId { get; set; }
    public DateTimeOffset? CreatedDateTime { get; set; }
    public DateTimeOffset? EventDateTime { get; set; }
    public DateTimeOffset? LastEventDateTime { get; set; }
    public DateTimeOffset? LastModifiedDateTime { get; set; }
    public DateTimeOffset? ClosedDateTime { get; set; }
    public ValueList<string> Comments { get; set; } = ValueList<string>.Empty;
    public ValueList<string> Tags { get; set; } = ValueList<string>.Empty;
    public ValueList<string> IncidentIds { get; set; } = ValueList<string>.Empty;
    public ValueList<string> RecommendedActions { get; set; } = ValueList<string>.Empty;
    public ValueList<string> SourceMaterials { get; set; } = ValueList<string>.Empty;
    public ValueList<LegacyUserState> UserStates { get; set; } = ValueList<LegacyUserState>.Empty;
    public ValueList<LegacyHostState> HostStates { get; set; } = ValueList<LegacyHostState>.Empty;
    public ValueList<LegacyFileState> FileStates { get; set; } = ValueList<LegacyFileState>.Empty;
    public ValueList<LegacyNetworkConnection> NetworkConnections { get; set; } = ValueList<LegacyNetworkConnection>.Empty;
    /// <summary>The user principal names of UserStates.</summary>
    public ValueList<string> UserPrincipalNames => ValueLists.DistinctText(UserStates.Select(u => u.UserPrincipalName));
    /// <summary>The FQDNs (else NetBIOS names) of HostStates.</summary>
    public ValueList<string> HostNames => ValueLists.DistinctText(HostStates.Select(h => h.Fqdn ?? h.NetBiosName));
    public string? ConnectionName { get; set; }

    public override string? ToString() => Id;
}
