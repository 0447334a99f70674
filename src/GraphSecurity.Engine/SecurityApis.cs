namespace GraphSecurity.Engine;

/// <summary>How the APIs are named in messages.</summary>
public static class SecurityApis
{
    public static string DisplayName(SecurityApi api)
    {
        switch (api)
        {
            case SecurityApi.Graph: return "Microsoft Graph";
            case SecurityApi.DefenderForEndpoint: return "Defender for Endpoint";
            case SecurityApi.AzureResourceManager: return "Azure Resource Manager";
            case SecurityApi.SentinelThreatIntelligence: return "the Sentinel threat intelligence API";
            default: return "Logs Ingestion";
        }
    }
}
