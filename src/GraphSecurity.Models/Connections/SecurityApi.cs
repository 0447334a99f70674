using System;

namespace GraphSecurity;

/// <summary>
/// The APIs a connection reaches. Each has its own base URL and token audience per cloud; one
/// sign-in gets a token for each on first use.
/// </summary>
public enum SecurityApi
{
    /// <summary>Microsoft Graph: alerts, incidents, hunting, secure score, threat intelligence.</summary>
    Graph,
    /// <summary>Microsoft Defender for Endpoint (WindowsDefenderATP): indicators, machines, machine actions.</summary>
    DefenderForEndpoint,
    /// <summary>Azure Resource Manager: Microsoft Sentinel workspaces and their threat intelligence.</summary>
    AzureResourceManager,
    /// <summary>The Microsoft Sentinel threat-intelligence upload API (STIX objects; ARM tokens).</summary>
    SentinelThreatIntelligence,
    /// <summary>The Azure Monitor Logs Ingestion API (data collection endpoints and rules).</summary>
    LogsIngestion,
}

/// <summary>What Get-GsConnection shows of one API of a connection: where it is, and the token it holds for it.</summary>
public class GsApiAccess
{
    public SecurityApi Api { get; set; }
    /// <summary>The API's base URL in the connection's cloud (null where it is per customer, e.g. a data collection endpoint).</summary>
    public Uri? BaseUrl { get; set; }
    /// <summary>The resource (audience) its tokens are for.</summary>
    public string? Resource { get; set; }
    /// <summary>True once a token for it was obtained (tokens are asked for on first use).</summary>
    public bool HasToken { get; set; }
    public DateTimeOffset? TokenExpiresOn { get; set; }
    /// <summary>The token's application roles (app-only) or scopes (delegated).</summary>
    public ValueList<string> Permissions { get; set; } = ValueList<string>.Empty;

    public override string ToString() => $"{Api}{(HasToken ? $" (token until {TokenExpiresOn:u})" : "")}";
}
