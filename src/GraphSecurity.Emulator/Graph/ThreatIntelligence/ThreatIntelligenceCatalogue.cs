using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.ThreatIntelligence;

/// <summary>A known-bad host of the catalogue: its reputation and the profile that names it.</summary>
public sealed record KnownHost(string Id, string Classification, int Score, string RuleName, string Severity, string ProfileId);

/// <summary>An intelligence profile (actor or tool) of the catalogue.</summary>
public sealed record IntelProfileEntry(string Id, string Title, string Kind, string[] Aliases, string[] Countries, string Summary, string[] Targets, DateTimeOffset FirstActive);

/// <summary>A threat article of the catalogue; its indicators are the hosts of <see cref="ProfileIds"/>.</summary>
public sealed record ArticleEntry(string Id, string Title, string Summary, string[] Tags, bool IsFeatured, DateTimeOffset Created, string[] ProfileIds);

/// <summary>A vulnerability (CVE) of the catalogue.</summary>
public sealed record VulnerabilityEntry(string Id, string Severity, int PriorityScore, bool ActiveExploits, bool ExploitsAvailable, string Description, DateTimeOffset Published);

/// <summary>
/// The threat-intelligence data the emulator serves, fixed and consistent with the seeded alerts'
/// evidence: the alert seeder draws URL hosts from four names and external IPs from 198.51.100.0/24
/// and 203.0.113.0/24, so three of those names and one address in eight of each range are known bad
/// here and every other host is unknown.
/// </summary>
public static class ThreatIntelligenceCatalogue
{
    public const string AmberLantern = "b1f7c2d4-3a5e-4f60-8d71-9e2a3b4c5d60";
    public const string CopperFox = "c2e8d3f5-4b6f-4a71-9e82-0f3b4c5d6e71";
    public const string GlassKey = "d3f9e4a6-5c7a-4b82-8f93-1a4c5d6e7f82";

    public static readonly DateTimeOffset Epoch = new(2025, 11, 3, 0, 0, 0, TimeSpan.Zero);

    public static readonly IReadOnlyList<IntelProfileEntry> Profiles = new IntelProfileEntry[]
    {
        new(AmberLantern, "Amber Lantern", "actor", new[] { "AL-17", "Lantern Spider" }, new[] { "XX" },
            "A financially motivated group that phishes finance staff with look-alike sign-in pages.", new[] { "Finance", "Retail" }, Epoch.AddYears(-3)),
        new(CopperFox, "Copper Fox", "actor", new[] { "CF-04" }, new[] { "XY" },
            "An intrusion set that brute-forces exposed SSH and RDP services from rented servers.", new[] { "Manufacturing", "Hosting" }, Epoch.AddYears(-2)),
        new(GlassKey, "GlassKey loader", "tool", new[] { "GlassKey" }, Array.Empty<string>(),
            "A loader delivered from fake update sites that fetches credential stealers.", new[] { "Any" }, Epoch.AddYears(-1)),
    };

    public static readonly IReadOnlyList<ArticleEntry> Articles = new ArticleEntry[]
    {
        new("a1000001", "Amber Lantern returns with invoice lures", "New look-alike sign-in and invoice domains used against finance teams.",
            new[] { "phishing", "Amber Lantern" }, true, Epoch.AddDays(10), new[] { AmberLantern }),
        new("a1000002", "SSH brute force from rented servers", "Copper Fox infrastructure in two documentation ranges keeps scanning.",
            new[] { "brute force", "Copper Fox" }, false, Epoch.AddDays(20), new[] { CopperFox }),
        new("a1000003", "Fake update sites deliver GlassKey", "A campaign serving the GlassKey loader from update look-alikes.",
            new[] { "malware", "GlassKey" }, true, Epoch.AddDays(30), new[] { GlassKey }),
        new("a1000004", "Quarterly threat landscape", "A summary of the actors and tools seen this quarter.",
            new[] { "report" }, false, Epoch.AddDays(40), new[] { AmberLantern, CopperFox, GlassKey }),
    };

    public static readonly IReadOnlyList<VulnerabilityEntry> Vulnerabilities = new VulnerabilityEntry[]
    {
        new("CVE-2025-10001", "critical", 95, true, true, "Remote code execution in an example web server's request parser.", Epoch.AddDays(-60)),
        new("CVE-2025-10002", "high", 70, false, true, "Privilege escalation in an example VPN client service.", Epoch.AddDays(-30)),
        new("CVE-2025-10003", "medium", 35, false, false, "Information disclosure in an example mail gateway.", Epoch.AddDays(-10)),
    };

    private static readonly KnownHost[] Domains =
    {
        new("login-micros0ft.example", "malicious", 95, "Phishing infrastructure", "high", AmberLantern),
        new("invoice-portal.example", "suspicious", 62, "Newly registered look-alike domain", "medium", AmberLantern),
        new("cdn-update.example", "malicious", 88, "Malware distribution", "high", GlassKey),
    };

    /// <summary>The known-bad host with this id (a domain or an address of the seeded ranges), or null.</summary>
    public static KnownHost Find(string id)
    {
        var domain = Domains.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase));
        if (domain != null) return domain;
        if (!IPAddress.TryParse(id, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork) return null;
        var b = ip.GetAddressBytes();
        if (b[0] == 198 && b[1] == 51 && b[2] == 100 && b[3] % 8 == 3)
            return new(ip.ToString(), "malicious", 80 + b[3] % 15, "Brute-force source", "high", CopperFox);
        if (b[0] == 203 && b[1] == 0 && b[2] == 113 && b[3] % 8 == 5)
            return new(ip.ToString(), "suspicious", 50 + b[3] % 20, "Scanning activity", "medium", CopperFox);
        return null;
    }

    /// <summary>Every known-bad host, domains first.</summary>
    public static IEnumerable<KnownHost> AllKnown() =>
        Domains.Concat(Enumerable.Range(1, 254).Select(i => Find("198.51.100." + i.ToString(CultureInfo.InvariantCulture)))
            .Concat(Enumerable.Range(1, 254).Select(i => Find("203.0.113." + i.ToString(CultureInfo.InvariantCulture)))).Where(h => h != null));

    /// <summary>An IPv4/IPv6 address or a DNS name (at least two labels of letters, digits and hyphens).</summary>
    public static bool IsHostId(string id, out bool isIp)
    {
        isIp = IPAddress.TryParse(id, out _);
        if (isIp) return true;
        if (id.Length > 253) return false;
        var labels = id.Split('.');
        return labels.Length >= 2 && labels.All(l => l.Length is > 0 and <= 63 && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && l[0] != '-' && l[^1] != '-');
    }

    public static string IndicatorId(string profileOrArticle, string hostId) =>
        profileOrArticle + "-" + hostId.Replace('.', '-').Replace(':', '-');

    /// <summary>The hosts a profile names as indicators.</summary>
    public static IEnumerable<KnownHost> ProfileHosts(string profileId) => AllKnown().Where(h => h.ProfileId == profileId);

    public static JsonObject Formatted(string text) => new() { ["content"] = text, ["format"] = "text" };

    public static JsonObject Artifact(string hostId)
    {
        IsHostId(hostId, out var isIp);
        return new JsonObject { ["@odata.type"] = isIp ? "#microsoft.graph.security.ipAddress" : "#microsoft.graph.security.hostname", ["id"] = hostId };
    }
}
