using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.ThreatIntelligence;

/// <summary>An IP address, domain or URL of an alert's evidence, and the host to look up for it.</summary>
public sealed class EvidenceIndicator
{
    public EvidenceIndicator(string value, string kind, string host)
    {
        Value = value;
        Kind = kind;
        Host = host;
    }

    public string Value { get; }
    /// <summary>IpAddress, Domain or Url.</summary>
    public string Kind { get; }
    public string Host { get; }

    /// <summary>The distinct IP addresses and URLs (with their hosts) of an alert's evidence; unusable values are skipped.</summary>
    public static IEnumerable<EvidenceIndicator> Of(Alert alert)
    {
        foreach (var evidence in alert.Evidence)
        {
            if (evidence is IpEvidence ip && !string.IsNullOrWhiteSpace(ip.IpAddress) && ThreatIntelligenceService.IsIpAddress(ip.IpAddress!.Trim()))
                yield return new EvidenceIndicator(ip.IpAddress.Trim(), "IpAddress", ip.IpAddress.Trim().ToLowerInvariant());
            else if (evidence is UrlEvidence url && FromUrl(url.Url) is { } u)
                yield return u;
        }
    }

    /// <summary>A URL's indicator (its host is looked up), or null when it is not an absolute http(s) URL.</summary>
    public static EvidenceIndicator? FromUrl(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text!.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) return null;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return null;
        return new EvidenceIndicator(text.Trim(), "Url", uri.IdnHost.Trim('[', ']').ToLowerInvariant());
    }

    /// <summary>A domain's or an IP address's indicator.</summary>
    public static EvidenceIndicator ForHost(string host)
    {
        var value = host.Trim().TrimEnd('.');
        return new EvidenceIndicator(value, ThreatIntelligenceService.IsIpAddress(value) ? "IpAddress" : "Domain", value.ToLowerInvariant());
    }
}

/// <summary>
/// Looks up the reputation of each distinct host once, however many alerts and indicators name it
/// (the task is cached, so concurrent callers share one request), and which intel profiles list it
/// (the profiles are read once, on first use). At most <see cref="MaxInFlight"/> lookups run at a time.
/// </summary>
public sealed class IndicatorEnricher : IDisposable
{
    public const int MaxInFlight = 4;

    private readonly Func<string, CancellationToken, Task<HostReputation?>> _reputation;
    private readonly Func<CancellationToken, Task<IReadOnlyDictionary<string, List<string>>>> _profiles;
    private readonly ConcurrentDictionary<string, Lazy<Task<HostReputation?>>> _cache = new ConcurrentDictionary<string, Lazy<Task<HostReputation?>>>(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new SemaphoreSlim(MaxInFlight);
    private readonly object _profileLock = new object();
    private Task<IReadOnlyDictionary<string, List<string>>>? _profileIndex;
    private int _lookups;

    public IndicatorEnricher(Func<string, CancellationToken, Task<HostReputation?>> reputation,
        Func<CancellationToken, Task<IReadOnlyDictionary<string, List<string>>>> profiles)
    {
        _reputation = reputation;
        _profiles = profiles;
    }

    public IndicatorEnricher(ThreatIntelligenceService service) : this(service.GetReputationAsync, service.ProfileIndexAsync) { }

    public void Dispose() => _gate.Dispose();

    /// <summary>How many reputation lookups were sent.</summary>
    public int Lookups => _lookups;

    /// <summary>Starts (or joins) the lookup of <paramref name="host"/>.</summary>
    public Task<HostReputation?> ReputationAsync(string host, CancellationToken cancellationToken) =>
        _cache.GetOrAdd(host, h => new Lazy<Task<HostReputation?>>(() => FetchAsync(h, cancellationToken))).Value;

    private async Task<HostReputation?> FetchAsync(string host, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref _lookups);
            return await _reputation(host, cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
    }

    private Task<IReadOnlyDictionary<string, List<string>>> ProfileIndexAsync(CancellationToken cancellationToken)
    {
        lock (_profileLock) return _profileIndex ??= _profiles(cancellationToken);
    }

    /// <summary>What is known of one indicator; alerts and connection are filled by the caller.</summary>
    public async Task<IndicatorEnrichment> EnrichAsync(EvidenceIndicator indicator, CancellationToken cancellationToken)
    {
        var reputation = await ReputationAsync(indicator.Host, cancellationToken).ConfigureAwait(false);
        var index = await ProfileIndexAsync(cancellationToken).ConfigureAwait(false);
        var profiles = index.TryGetValue(indicator.Host, out var titles) ? titles : new List<string>();
        var classification = reputation?.Classification ?? "unknown";
        return new IndicatorEnrichment
        {
            Indicator = indicator.Value,
            Kind = indicator.Kind,
            Host = indicator.Host,
            Known = reputation != null && (!string.Equals(classification, "unknown", StringComparison.OrdinalIgnoreCase) || profiles.Count > 0),
            Classification = classification,
            Score = reputation?.Score ?? 0,
            Rules = reputation?.Rules ?? ValueList<HostReputationRule>.Empty,
            IntelProfiles = new ValueList<string>(profiles.ToList()),
        };
    }
}
