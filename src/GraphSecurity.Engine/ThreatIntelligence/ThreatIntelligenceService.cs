using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.ThreatIntelligence;

/// <summary>Defender Threat Intelligence through Graph v1.0 (/security/threatIntelligence): read-only lookups.</summary>
public sealed class ThreatIntelligenceService
{
    public const string Root = "security/threatIntelligence";
    /// <summary>The largest $top the lists take.</summary>
    public const int MaxPageSize = 100;

    private readonly ApiClient _graph;

    public ThreatIntelligenceService(ApiClient graph) => _graph = graph;

    private Uri Url(string relative) => _graph.Url("v1.0", Root + "/" + relative);

    private static string Segment(string id) => Uri.EscapeDataString(id);

    private Task<T> GetAsync<T>(string relative, CancellationToken cancellationToken) =>
        _graph.SendForItemAsync<T>(HttpMethod.Get, Url(relative), null, cancellationToken);

    /// <summary>GET, with a 404 as null.</summary>
    private async Task<T?> FindAsync<T>(string relative, CancellationToken cancellationToken) where T : class
    {
        try { return await GetAsync<T>(relative, cancellationToken).ConfigureAwait(false); }
        catch (ServiceErrorException ex) when (ex.StatusCode == HttpStatusCode.NotFound) { return null; }
    }

    /// <summary>Every item of a list, following nextLink, at most <paramref name="max"/> (null: all).</summary>
    public async Task<List<T>> ListAsync<T>(string relative, int? max, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        var separator = relative.IndexOf('?') >= 0 ? "&" : "?";
        var top = Math.Min(max ?? MaxPageSize, MaxPageSize);
        Uri? url = Url(relative + separator + "$top=" + top);
        while (url != null && (max == null || items.Count < max))
        {
            var page = await _graph.GetPageAsync<T>(url, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Value);
            url = page.NextLink == null ? null : new Uri(page.NextLink);
        }
        return max == null ? items : items.Take(max.Value).ToList();
    }

    /// <summary>The host, or null when the service has no such host (a malformed id).</summary>
    public async Task<ThreatIntelligenceHost?> GetHostAsync(string id, CancellationToken cancellationToken)
    {
        var host = await FindAsync<ThreatIntelligenceHost>("hosts/" + Segment(id), cancellationToken).ConfigureAwait(false);
        if (host != null) host.Kind = IsIpAddress(id) ? "IpAddress" : "Hostname";
        return host;
    }

    public Task<HostReputation?> GetReputationAsync(string id, CancellationToken cancellationToken) =>
        FindAsync<HostReputation>($"hosts/{Segment(id)}/reputation", cancellationToken);

    public Task<WhoisRecord?> GetWhoisAsync(string id, CancellationToken cancellationToken) =>
        FindAsync<WhoisRecord>($"hosts/{Segment(id)}/whois", cancellationToken);

    public Task<List<PassiveDnsRecord>> GetResolutionsAsync(string id, CancellationToken cancellationToken) =>
        ListAsync<PassiveDnsRecord>($"hosts/{Segment(id)}/passiveDns", null, cancellationToken);

    public Task<List<HostComponent>> GetComponentsAsync(string id, CancellationToken cancellationToken) =>
        ListAsync<HostComponent>($"hosts/{Segment(id)}/components", null, cancellationToken);

    /// <summary>The host with its reputation, WHOIS record, resolutions and components (five requests).</summary>
    public async Task<ThreatIntelligenceHost?> GetHostDetailsAsync(string id, CancellationToken cancellationToken)
    {
        var host = await GetHostAsync(id, cancellationToken).ConfigureAwait(false);
        if (host == null) return null;
        host.Reputation = await GetReputationAsync(id, cancellationToken).ConfigureAwait(false);
        if (host.Kind == "Hostname") host.Whois = await GetWhoisAsync(id, cancellationToken).ConfigureAwait(false);
        host.Resolutions = new ValueList<PassiveDnsRecord>(await GetResolutionsAsync(id, cancellationToken).ConfigureAwait(false));
        host.Components = new ValueList<HostComponent>(await GetComponentsAsync(id, cancellationToken).ConfigureAwait(false));
        return host;
    }

    /// <summary>$search takes one term; it is sent quoted.</summary>
    public static string SearchQuery(string? search) =>
        string.IsNullOrEmpty(search) ? "" : "?$search=" + Uri.EscapeDataString("\"" + search + "\"");

    public Task<List<IntelProfile>> ListProfilesAsync(string? search, int? max, CancellationToken cancellationToken) =>
        ListAsync<IntelProfile>("intelProfiles" + SearchQuery(search), max, cancellationToken);

    public Task<IntelProfile> GetProfileAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<IntelProfile>("intelProfiles/" + Segment(id), cancellationToken);

    public Task<List<ThreatIntelligenceIndicator>> GetProfileIndicatorsAsync(string id, CancellationToken cancellationToken) =>
        ListAsync<ThreatIntelligenceIndicator>($"intelProfiles/{Segment(id)}/indicators", null, cancellationToken);

    public Task<List<ThreatArticle>> ListArticlesAsync(string? search, int? max, CancellationToken cancellationToken) =>
        ListAsync<ThreatArticle>("articles" + SearchQuery(search), max, cancellationToken);

    public Task<ThreatArticle> GetArticleAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<ThreatArticle>("articles/" + Segment(id), cancellationToken);

    public Task<List<ThreatIntelligenceIndicator>> GetArticleIndicatorsAsync(string id, CancellationToken cancellationToken) =>
        ListAsync<ThreatIntelligenceIndicator>($"articles/{Segment(id)}/indicators", null, cancellationToken);

    public Task<ThreatVulnerability> GetVulnerabilityAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<ThreatVulnerability>("vulnerabilities/" + Segment(id), cancellationToken);

    /// <summary>Host id → titles of the profiles listing it: every profile and its indicators, read once.</summary>
    public async Task<IReadOnlyDictionary<string, List<string>>> ProfileIndexAsync(CancellationToken cancellationToken)
    {
        var index = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var profile in await ListProfilesAsync(null, null, cancellationToken).ConfigureAwait(false))
        {
            if (profile.Id == null) continue;
            foreach (var indicator in await GetProfileIndicatorsAsync(profile.Id, cancellationToken).ConfigureAwait(false))
            {
                var host = indicator.Artifact?.Id;
                if (host == null) continue;
                if (!index.TryGetValue(host, out var titles)) index[host] = titles = new List<string>();
                if (profile.Title != null && !titles.Contains(profile.Title)) titles.Add(profile.Title);
            }
        }
        return index;
    }

    public static bool IsIpAddress(string id) =>
        IPAddress.TryParse(id, out var ip) && (ip.AddressFamily == AddressFamily.InterNetwork || ip.AddressFamily == AddressFamily.InterNetworkV6);

    /// <summary>The licence error: a 403 whose message names the missing licence rather than a permission.</summary>
    public static bool IsLicenceError(ServiceErrorException ex) =>
        ex.StatusCode == HttpStatusCode.Forbidden && (ex.ServiceMessage ?? "").IndexOf("licens", StringComparison.OrdinalIgnoreCase) >= 0;
}
