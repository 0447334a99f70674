using System;
using System.Collections.Generic;
using System.Linq;

namespace GraphSecurity.Engine.Authentication;

/// <summary>
/// Where one API lives in one cloud: its base URL and the resource (token audience) its tokens are
/// for. An API whose hosts are per customer (a Logs Ingestion data collection endpoint) has no base
/// URL but a host suffix its hosts end with.
/// </summary>
public sealed class ApiEndpoint
{
    public ApiEndpoint(SecurityApi api, Uri? baseUrl, string resource, string? hostSuffix = null)
    {
        Api = api;
        BaseUrl = baseUrl == null ? null : WithSlash(baseUrl);
        Resource = resource.TrimEnd('/');
        HostSuffix = hostSuffix;
    }

    public SecurityApi Api { get; }
    public Uri? BaseUrl { get; }
    public string Resource { get; }
    /// <summary>Hosts of this API end with this (e.g. ".ingest.monitor.azure.com"); null when <see cref="BaseUrl"/> says it all.</summary>
    public string? HostSuffix { get; }
    /// <summary>The scope app-only flows ask for: the resource's ".default".</summary>
    public string DefaultScope => Resource + "/.default";

    /// <summary>How many characters of the URL's path this API claims (-1: not this API's URL); the longest claim wins.</summary>
    internal int Claim(Uri url)
    {
        if (BaseUrl == null)
            return HostSuffix != null && url.Scheme == Uri.UriSchemeHttps && url.Host.EndsWith(HostSuffix, StringComparison.OrdinalIgnoreCase) ? 0 : -1;
        if (!string.Equals(url.GetLeftPart(UriPartial.Authority), BaseUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)) return -1;
        var root = BaseUrl.AbsolutePath;
        return (url.AbsolutePath + "/").StartsWith(root, StringComparison.OrdinalIgnoreCase) ? root.Length : -1;
    }

    internal static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? uri : new Uri(uri.AbsoluteUri + "/");
}

/// <summary>The login host of one cloud and where each API lives in it (reference: successor-apis.md §1.1, §3.2).</summary>
public sealed class CloudEnvironment
{
    private readonly Dictionary<SecurityApi, ApiEndpoint> _apis;

    public CloudEnvironment(string name, Uri loginEndpoint, IEnumerable<ApiEndpoint> apis)
    {
        Name = name;
        LoginEndpoint = ApiEndpoint.WithSlash(loginEndpoint);
        _apis = apis.ToDictionary(a => a.Api);
    }

    public string Name { get; }
    public Uri LoginEndpoint { get; }
    public bool IsEmulator => Name == "Emulator";
    /// <summary>Clouds that are not one of Microsoft's (emulator, custom endpoints) are assumed to serve every API they list.</summary>
    public bool IsMicrosoftCloud => Named.ContainsKey(Name);

    /// <summary>The APIs this cloud has, in declaration order.</summary>
    public IEnumerable<ApiEndpoint> Apis => _apis.Values.OrderBy(a => a.Api);

    public bool Serves(SecurityApi api) => _apis.ContainsKey(api);

    /// <summary>Where the API lives here; an <see cref="ApiNotInCloudException"/> when this cloud does not have it.</summary>
    public ApiEndpoint Endpoint(SecurityApi api) =>
        _apis.TryGetValue(api, out var endpoint) ? endpoint : throw new ApiNotInCloudException(api, Name);

    /// <summary>The API a URL belongs to (the one whose base URL claims the longest part of it), or null for a URL of none of them.</summary>
    public ApiEndpoint? ApiOf(Uri? url) =>
        url == null || !url.IsAbsoluteUri ? null :
        _apis.Values.Select(a => (Api: a, Claim: a.Claim(url))).Where(c => c.Claim >= 0).OrderByDescending(c => c.Claim).Select(c => c.Api).FirstOrDefault();

    public Uri? GraphEndpoint => Endpoint(SecurityApi.Graph).BaseUrl;
    public string GraphResource => Endpoint(SecurityApi.Graph).Resource;
    public string DefaultScope => Endpoint(SecurityApi.Graph).DefaultScope;

    /// <summary>Endpoints given by the caller, e.g. for a proxy or a sovereign cloud this module does not list: Graph only.</summary>
    public static CloudEnvironment Custom(Uri loginEndpoint, Uri graphEndpoint, string? graphResource) =>
        new CloudEnvironment("Custom", loginEndpoint, new[] { new ApiEndpoint(SecurityApi.Graph, graphEndpoint, graphResource ?? graphEndpoint.GetLeftPart(UriPartial.Authority)) });

    // Resources of the global cloud; the emulator's tokens are for these too.
    private const string GraphGlobal = "https://graph.microsoft.com";
    private const string DefenderGlobal = "https://api.securitycenter.microsoft.com";
    private const string ArmGlobal = "https://management.azure.com";
    private const string MonitorGlobal = "https://monitor.azure.com";

    public static readonly CloudEnvironment Global = new CloudEnvironment("Global", new Uri("https://login.microsoftonline.com/"), new[]
    {
        new ApiEndpoint(SecurityApi.Graph, new Uri("https://graph.microsoft.com/"), GraphGlobal),
        new ApiEndpoint(SecurityApi.DefenderForEndpoint, new Uri("https://api.security.microsoft.com/"), DefenderGlobal),
        new ApiEndpoint(SecurityApi.AzureResourceManager, new Uri("https://management.azure.com/"), ArmGlobal),
        new ApiEndpoint(SecurityApi.SentinelThreatIntelligence, new Uri("https://api.ti.sentinel.azure.com/"), ArmGlobal),
        new ApiEndpoint(SecurityApi.LogsIngestion, null, MonitorGlobal, ".ingest.monitor.azure.com"),
    });

    /// <summary>GCC High: the US Government cloud (Fairfax).</summary>
    public static readonly CloudEnvironment USGov = new CloudEnvironment("USGov", new Uri("https://login.microsoftonline.us/"), new[]
    {
        new ApiEndpoint(SecurityApi.Graph, new Uri("https://graph.microsoft.us/"), "https://graph.microsoft.us"),
        new ApiEndpoint(SecurityApi.DefenderForEndpoint, new Uri("https://api-gov.securitycenter.microsoft.us/"), "https://api-gov.securitycenter.microsoft.us"),
        new ApiEndpoint(SecurityApi.AzureResourceManager, new Uri("https://management.usgovcloudapi.net/"), "https://management.usgovcloudapi.net"),
        new ApiEndpoint(SecurityApi.SentinelThreatIntelligence, new Uri("https://api.ti.sentinel.azure.us/"), "https://management.usgovcloudapi.net"),
        new ApiEndpoint(SecurityApi.LogsIngestion, null, "https://monitor.azure.us", ".ingest.monitor.azure.us"),
    });

    public static readonly CloudEnvironment USGovDoD = new CloudEnvironment("USGovDoD", new Uri("https://login.microsoftonline.us/"), new[]
    {
        new ApiEndpoint(SecurityApi.Graph, new Uri("https://dod-graph.microsoft.us/"), "https://dod-graph.microsoft.us"),
        new ApiEndpoint(SecurityApi.DefenderForEndpoint, new Uri("https://api-gov.securitycenter.microsoft.us/"), "https://api-gov.securitycenter.microsoft.us"),
        new ApiEndpoint(SecurityApi.AzureResourceManager, new Uri("https://management.usgovcloudapi.net/"), "https://management.usgovcloudapi.net"),
        new ApiEndpoint(SecurityApi.SentinelThreatIntelligence, new Uri("https://api.ti.sentinel.azure.us/"), "https://management.usgovcloudapi.net"),
        new ApiEndpoint(SecurityApi.LogsIngestion, null, "https://monitor.azure.us", ".ingest.monitor.azure.us"),
    });

    /// <summary>Operated by 21Vianet. Defender for Endpoint's API is not offered there.</summary>
    public static readonly CloudEnvironment China = new CloudEnvironment("China", new Uri("https://login.chinacloudapi.cn/"), new[]
    {
        new ApiEndpoint(SecurityApi.Graph, new Uri("https://microsoftgraph.chinacloudapi.cn/"), "https://microsoftgraph.chinacloudapi.cn"),
        new ApiEndpoint(SecurityApi.AzureResourceManager, new Uri("https://management.chinacloudapi.cn/"), "https://management.chinacloudapi.cn"),
        new ApiEndpoint(SecurityApi.SentinelThreatIntelligence, new Uri("https://api.ti.sentinel.azure.cn/"), "https://management.chinacloudapi.cn"),
        new ApiEndpoint(SecurityApi.LogsIngestion, null, "https://monitor.azure.cn", ".ingest.monitor.azure.cn"),
    });

    /// <summary>The path root of each API on the emulator's one listener (Graph keeps the root, as on graph.microsoft.com).</summary>
    public static readonly IReadOnlyDictionary<SecurityApi, string> EmulatorRoots = new Dictionary<SecurityApi, string>
    {
        [SecurityApi.Graph] = "",
        [SecurityApi.DefenderForEndpoint] = "defender/",
        [SecurityApi.AzureResourceManager] = "arm/",
        [SecurityApi.SentinelThreatIntelligence] = "sentinel-ti/",
        [SecurityApi.LogsIngestion] = "ingest/",
    };

    /// <summary>A local emulator serves the login and every API on one listener, each under its root; its tokens are for the global resources.</summary>
    public static CloudEnvironment Emulator(Uri emulatorUrl)
    {
        var root = ApiEndpoint.WithSlash(emulatorUrl);
        return new CloudEnvironment("Emulator", root, Global.Apis.Select(api =>
            new ApiEndpoint(api.Api, new Uri(root, EmulatorRoots[api.Api]), api.Resource)));
    }

    private static readonly Dictionary<string, CloudEnvironment> Named = new Dictionary<string, CloudEnvironment>(StringComparer.OrdinalIgnoreCase)
    {
        ["Global"] = Global,
        ["USGov"] = USGov,
        ["USGovDoD"] = USGovDoD,
        ["China"] = China,
    };

    public static CloudEnvironment FromName(string name) =>
        Named.TryGetValue(name, out var cloud) ? cloud : throw new ArgumentException($"Unknown environment '{name}'. Known: Global, USGov, USGovDoD, China, Emulator.");
}

/// <summary>An API this cloud does not have (e.g. Defender for Endpoint in China): nothing was sent.</summary>
public sealed class ApiNotInCloudException : NotSupportedException
{
    public ApiNotInCloudException(SecurityApi api, string cloud)
        : base($"The {cloud} cloud has no {api} API, so nothing was sent.")
    {
        Api = api;
        Cloud = cloud;
    }

    public SecurityApi Api { get; }
    public string Cloud { get; }
}
