#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.ThreatIntelligence;
using Xunit;

namespace GraphSecurity.Engine.Tests;

/// <summary>Enrichment from alert evidence: indicators found, one reputation lookup per distinct host, unknowns reported as such.</summary>
public class ThreatIntelligenceEnricherTests
{
    private static Alert AlertWith(string id, params AlertEvidence[] evidence) =>
        new Alert { Id = id, Evidence = new ValueList<AlertEvidence>(evidence) };

    [Fact]
    public void Indicators_are_the_ip_and_url_evidence_with_the_urls_host_and_bad_values_are_skipped()
    {
        var alert = AlertWith("a1", new IpEvidence { IpAddress = " 198.51.100.3 " }, new IpEvidence { IpAddress = "not-an-ip" },
            new UrlEvidence { Url = "https://Login-Micros0ft.example/x/index.html" }, new UrlEvidence { Url = "ftp://files.example/a" },
            new UrlEvidence { Url = "relative/path" }, new UserEvidence());
        var found = EvidenceIndicator.Of(alert).ToList();
        Assert.Equal(new[] { ("198.51.100.3", "IpAddress", "198.51.100.3"), ("https://Login-Micros0ft.example/x/index.html", "Url", "login-micros0ft.example") },
            found.Select(i => (i.Value, i.Kind, i.Host)));
        Assert.Equal("Domain", EvidenceIndicator.ForHost("cdn-update.example.").Kind);
        Assert.Equal("cdn-update.example", EvidenceIndicator.ForHost("CDN-update.example.").Host);
    }

    [Fact]
    public async Task Each_distinct_host_is_looked_up_once_even_concurrently_and_profiles_are_read_once()
    {
        var calls = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int profileReads = 0;
        async Task<HostReputation?> Reputation(string host, CancellationToken token)
        {
            lock (calls) calls[host] = calls.TryGetValue(host, out var n) ? n + 1 : 1;
            await Task.Delay(5, token);
            return host == "198.51.100.3" ? new HostReputation { Classification = "malicious", Score = 90 }
                : host == "gone.example" ? null
                : new HostReputation { Classification = "unknown", Score = 0 };
        }
        Task<IReadOnlyDictionary<string, List<string>>> Profiles(CancellationToken token)
        {
            Interlocked.Increment(ref profileReads);
            return Task.FromResult<IReadOnlyDictionary<string, List<string>>>(new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["198.51.100.3"] = new List<string> { "Copper Fox" },
            });
        }
        using var enricher = new IndicatorEnricher(Reputation, Profiles);
        var hosts = new[] { "198.51.100.3", "198.51.100.4", "gone.example", "198.51.100.3" };
        var indicators = Enumerable.Range(0, 1000).Select(i => EvidenceIndicator.ForHost(hosts[i % hosts.Length])).ToList();
        var results = await Task.WhenAll(indicators.Select(i => enricher.EnrichAsync(i, CancellationToken.None)));

        Assert.Equal(3, enricher.Lookups);
        Assert.All(calls.Values, n => Assert.Equal(1, n));
        Assert.Equal(1, profileReads);
        var bad = results.First(r => r.Host == "198.51.100.3");
        Assert.True(bad.Known);
        Assert.Equal("malicious", bad.Classification);
        Assert.Equal(new[] { "Copper Fox" }, bad.IntelProfiles);
        var unknown = results.First(r => r.Host == "198.51.100.4");
        Assert.False(unknown.Known);
        Assert.Empty(unknown.IntelProfiles);
        var missing = results.First(r => r.Host == "gone.example");
        Assert.False(missing.Known);
        Assert.Equal("unknown", missing.Classification);
    }
}
