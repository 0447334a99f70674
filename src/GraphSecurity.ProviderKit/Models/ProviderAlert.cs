namespace GraphSecurity.ProviderKit.Models;

/// <summary>
/// One alert in the legacy Graph <c>alert</c> shape, as a provider serves it. Enumerated members
/// (<see cref="Severity"/>, <see cref="Status"/>, <see cref="Feedback"/>) hold the camelCase values of
/// <see cref="AlertValues"/>.
/// </summary>
public sealed class ProviderAlert
{
    public string Id { get; set; }
    public string AzureTenantId { get; set; }
    public string Title { get; set; }
    public string Description { get; set; }
    public string Category { get; set; }
    public string Severity { get; set; } = AlertValues.SeverityUnknown;
    public string Status { get; set; } = AlertValues.StatusNewAlert;
    public string Feedback { get; set; } = AlertValues.FeedbackUnknown;
    public string AssignedTo { get; set; }
    public List<string> Comments { get; set; } = new();
    public List<string> Tags { get; set; } = new();
    public DateTimeOffset? CreatedDateTime { get; set; }
    public DateTimeOffset? EventDateTime { get; set; }
    public DateTimeOffset? LastModifiedDateTime { get; set; }
    public DateTimeOffset? ClosedDateTime { get; set; }
    public List<NetworkConnection> NetworkConnections { get; set; } = new();
    public List<HostSecurityState> HostStates { get; set; } = new();
    public List<UserSecurityState> UserStates { get; set; } = new();
    public List<string> SourceMaterials { get; set; } = new();
    public VendorInformation VendorInformation { get; set; }

    /// <summary>A deep copy, so a caller can change the copy without touching the store.</summary>
    public ProviderAlert Clone()
    {
        var copy = (ProviderAlert)MemberwiseClone();
        copy.Comments = new List<string>(Comments ?? new());
        copy.Tags = new List<string>(Tags ?? new());
        copy.NetworkConnections = (NetworkConnections ?? new()).Select(n => n with { }).ToList();
        copy.HostStates = (HostStates ?? new()).Select(h => h with { }).ToList();
        copy.UserStates = (UserStates ?? new()).Select(u => u with { }).ToList();
        copy.SourceMaterials = new List<string>(SourceMaterials ?? new());
        copy.VendorInformation = VendorInformation == null ? null : VendorInformation with { };
        return copy;
    }
}

/// <summary>The legacy <c>securityVendorInformation</c>: who produced an alert or runs an action.</summary>
public sealed record VendorInformation
{
    public string Provider { get; init; }
    public string ProviderVersion { get; init; }
    public string SubProvider { get; init; }
    public string Vendor { get; init; }
}

/// <summary>The legacy <c>networkConnection</c> (the members a network product fills).</summary>
public sealed record NetworkConnection
{
    public string ApplicationName { get; init; }
    public string DestinationAddress { get; init; }
    public string DestinationDomain { get; init; }
    public string DestinationPort { get; init; }
    public string DestinationUrl { get; init; }
    /// <summary>unknown, inbound or outbound.</summary>
    public string Direction { get; init; }
    /// <summary>A <c>securityNetworkProtocol</c> value such as tcp or udp.</summary>
    public string Protocol { get; init; }
    public string RiskScore { get; init; }
    public string SourceAddress { get; init; }
    public string SourcePort { get; init; }
    /// <summary>unknown, attempted, succeeded, blocked or failed.</summary>
    public string Status { get; init; }
}

/// <summary>The legacy <c>hostSecurityState</c>.</summary>
public sealed record HostSecurityState
{
    public string Fqdn { get; init; }
    public bool? IsAzureAdJoined { get; init; }
    public bool? IsAzureAdRegistered { get; init; }
    public bool? IsHybridAzureDomainJoined { get; init; }
    public string NetBiosName { get; init; }
    public string Os { get; init; }
    public string PrivateIpAddress { get; init; }
    public string PublicIpAddress { get; init; }
    public string RiskScore { get; init; }
}

/// <summary>The legacy <c>userSecurityState</c> (the members a network product can know).</summary>
public sealed record UserSecurityState
{
    public string AccountName { get; init; }
    public string DomainName { get; init; }
    public DateTimeOffset? LogonDateTime { get; init; }
    public string LogonIp { get; init; }
    /// <summary>unknown, interactive, remoteInteractive, network, batch or service.</summary>
    public string LogonType { get; init; }
    public string UserPrincipalName { get; init; }
}
