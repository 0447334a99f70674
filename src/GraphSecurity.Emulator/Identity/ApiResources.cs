using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// One API the emulator issues tokens for and serves: the audience its tokens carry, the spellings of
/// its resource a client may ask for (the audiences it accepts), its first-party app id, and the path
/// root it is served under on the emulator's one listener.
/// </summary>
public sealed record ApiResource(string Name, string Audience, IReadOnlyList<string> Resources, string AppId, string PathRoot)
{
    /// <summary>True when the value names this API's resource (any accepted spelling, with or without a trailing slash).</summary>
    public bool Names(string resource)
    {
        var r = (resource ?? "").TrimEnd('/');
        return Resources.Any(x => string.Equals(x.TrimEnd('/'), r, StringComparison.OrdinalIgnoreCase)) ||
               string.Equals(AppId, r, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The audiences a token for this API may carry.</summary>
    public IEnumerable<string> AcceptedAudiences => Resources.SelectMany(r => new[] { r.TrimEnd('/'), r.TrimEnd('/') + "/" }).Append(AppId);
}

/// <summary>The APIs of the emulator (successor-apis.md §1.1, §3.2; provider-and-correlation.md for Logs Ingestion).</summary>
public static class ApiResources
{
    public const string GraphName = "Graph";
    public const string DefenderName = "DefenderForEndpoint";
    public const string ArmName = "AzureResourceManager";
    public const string SentinelName = "SentinelThreatIntelligence";
    public const string IngestionName = "LogsIngestion";

    public static readonly ApiResource Graph = new(GraphName, "https://graph.microsoft.com",
        new[] { "https://graph.microsoft.com" }, "00000003-0000-0000-c000-000000000000", "");

    /// <summary>WindowsDefenderATP. Its tokens' audience is the resource the client asked for; both documented spellings work.</summary>
    public static readonly ApiResource DefenderForEndpoint = new(DefenderName, "https://api.securitycenter.microsoft.com",
        new[] { "https://api.securitycenter.microsoft.com", "https://securitycenter.onmicrosoft.com/windowsatpservice" }, "fc780465-2017-40d4-a0c5-307022471b92", "/defender");

    /// <summary>Azure Resource Manager; the Sentinel upload API takes its tokens too.</summary>
    public static readonly ApiResource AzureResourceManager = new(ArmName, "https://management.azure.com/",
        new[] { "https://management.azure.com", "https://management.core.windows.net" }, "797f4846-ba00-4fd7-ba43-dac1f8f63013", "/arm");

    public static readonly ApiResource LogsIngestion = new(IngestionName, "https://monitor.azure.com",
        new[] { "https://monitor.azure.com" }, "0cd196ee-71bf-4fd6-a57c-b491ffd4fb1e", "/ingest");

    /// <summary>The APIs tokens can be asked for (the Sentinel upload API has no token of its own: ARM's).</summary>
    public static readonly IReadOnlyList<ApiResource> All = new[] { Graph, DefenderForEndpoint, AzureResourceManager, LogsIngestion };

    /// <summary>The path root the Sentinel upload API is served under; its tokens are ARM's.</summary>
    public const string SentinelPathRoot = "/sentinel-ti";

    /// <summary>The API whose resource this is, or null.</summary>
    public static ApiResource ForResource(string resource) => All.FirstOrDefault(a => a.Names(resource));

    /// <summary>The API of a "&lt;resource&gt;/.default" scope (exactly one), or null.</summary>
    public static ApiResource ForDefaultScope(string scope)
    {
        var parts = (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 1 || !parts[0].EndsWith("/.default", StringComparison.OrdinalIgnoreCase)) return null;
        return ForResource(parts[0][..^"/.default".Length]);
    }

    public static ApiResource ByName(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown API '{name}'. Known: {string.Join(", ", All.Select(a => a.Name))}.");

    /// <summary>
    /// The application roles well-known apps hold on the APIs other than Graph (Graph's are the app's
    /// <c>Roles</c>); a config file's <c>apiRoles</c> replaces them per API.
    /// </summary>
    public static readonly string[] DefenderFullRoles =
    {
        "Ti.ReadWrite.All", "Machine.Read.All", "Machine.Isolate", "Machine.RestrictExecution", "Machine.Scan",
        "Machine.CollectForensics", "Machine.StopAndQuarantine", "Machine.LiveResponse", "Machine.Offboard", "Alert.Read.All",
    };

    /// <summary>The 401 of an API for a token it does not accept, in that API's error shape.</summary>
    public static Exception Unauthorized(ApiResource api, string message) => api.Name switch
    {
        GraphName => GraphError.Unauthorized(message),
        ArmName => new ApiError(401, "InvalidAuthenticationTokenAudience", message),
        _ => new ApiError(401, "Unauthorized", message),
    };
}
