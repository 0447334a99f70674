using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GraphSecurity.ProviderKit.Models;

namespace SentryFirewall;

/// <summary>What a detection rule found: the alert it raises, without the fields analysts change later.</summary>
public sealed record Detection(string Id, string Rule, int EventCount, DateTimeOffset FirstEvent, DateTimeOffset LastEvent, ProviderAlert Alert);

/// <summary>
/// The firewall's three rules, run over a tenant's events. Events from one source group into an episode while
/// the gap between them stays short; an episode becomes an alert when it crosses a rule's threshold.
/// <list type="bullet">
/// <item>Port scan: denied connections from one source to at least <see cref="ScanPorts"/> ports of one host, gaps up to 60 s.</item>
/// <item>Connection-deny burst: at least <see cref="BurstCount"/> denied connections from one source (fewer ports), gaps up to 60 s.</item>
/// <item>Brute force: at least <see cref="BruteForceCount"/> failed logons from one source to one host, gaps up to 5 min; high when a logon then succeeds.</item>
/// </list>
/// The id hashes tenant, rule, source, target and the first event's time as written, so re-reading the same log gives the same ids.
/// </summary>
public static class Detector
{
    public const int ScanPorts = 10;
    public const int BurstCount = 20;
    public const int BruteForceCount = 5;
    private static readonly TimeSpan DenyGap = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LogonGap = TimeSpan.FromMinutes(5);
    private const int MaxConnections = 10;

    public static IReadOnlyList<Detection> Run(IReadOnlyList<FirewallEvent> events)
    {
        var found = new List<Detection>();
        var ordered = events.OrderBy(e => e.Time).ToList();
        foreach (var episode in Episodes(ordered.Where(e => e.Action == "DENY"), e => (e.TenantId, e.SourceIp), DenyGap))
        {
            var byHost = episode.GroupBy(e => e.DestinationIp).OrderByDescending(g => g.Select(e => e.DestinationPort).Distinct().Count()).First();
            var ports = byHost.Select(e => e.DestinationPort).Distinct().Count();
            if (ports >= ScanPorts) found.Add(PortScan(byHost.ToList(), ports));
            else if (episode.Count >= BurstCount) found.Add(DenyBurst(episode));
        }
        var logons = ordered.Where(e => e.Action is "AUTHFAIL" or "AUTHOK").ToList();
        foreach (var episode in Episodes(logons.Where(e => e.Action == "AUTHFAIL"), e => (e.TenantId, e.SourceIp + ">" + e.DestinationIp), LogonGap))
        {
            if (episode.Count < BruteForceCount) continue;
            var last = episode[^1];
            var success = logons.FirstOrDefault(e => e.Action == "AUTHOK" && e.SourceIp == last.SourceIp && e.DestinationIp == last.DestinationIp &&
                e.Time >= last.Time && e.Time - last.Time <= LogonGap);
            found.Add(BruteForce(episode, success));
        }
        return found;
    }

    private static IEnumerable<List<FirewallEvent>> Episodes(IEnumerable<FirewallEvent> events, Func<FirewallEvent, (string, string)> key, TimeSpan gap)
    {
        foreach (var group in events.GroupBy(key))
        {
            var current = new List<FirewallEvent>();
            foreach (var e in group)
            {
                if (current.Count > 0 && e.Time - current[^1].Time > gap)
                {
                    yield return current;
                    current = new List<FirewallEvent>();
                }
                current.Add(e);
            }
            if (current.Count > 0) yield return current;
        }
    }

    private static Detection PortScan(List<FirewallEvent> events, int ports)
    {
        var first = events[0];
        var portList = string.Join(", ", events.Select(e => e.DestinationPort).Distinct().OrderBy(p => int.Parse(p, CultureInfo.InvariantCulture)));
        var alert = Alert(events, "PortScan", ports >= 15 ? AlertValues.SeverityHigh : AlertValues.SeverityMedium,
            $"Port scan from {first.SourceIp} against {Name(first)} ({ports} ports)",
            $"{first.Firewall ?? "The firewall"} denied {events.Count} connections from {first.SourceIp} to {ports} different ports of {Name(first)} " +
            $"({first.DestinationIp}) between {Time(events[0])} and {Time(events[^1])}. Ports probed: {portList}.");
        alert.NetworkConnections = events.GroupBy(e => e.DestinationPort).Take(MaxConnections).Select(g => Connection(g.First(), "blocked")).ToList();
        return Detection("PortScan", events, alert);
    }

    private static Detection DenyBurst(List<FirewallEvent> events)
    {
        var first = events[0];
        var targets = events.Select(e => e.DestinationIp + ":" + e.DestinationPort).Distinct().ToList();
        var alert = Alert(events, "DenyBurst", events.Count >= 50 ? AlertValues.SeverityMedium : AlertValues.SeverityLow,
            $"Burst of denied connections from {first.SourceIp} ({events.Count} in {Minutes(events)} min)",
            $"{first.Firewall ?? "The firewall"} denied {events.Count} {first.Protocol} connections from {first.SourceIp} to {string.Join(", ", targets.Take(5))} " +
            $"between {Time(events[0])} and {Time(events[^1])}.");
        alert.NetworkConnections = events.GroupBy(e => e.DestinationIp + ":" + e.DestinationPort).Take(MaxConnections).Select(g => Connection(g.First(), "blocked")).ToList();
        return Detection("DenyBurst", events, alert);
    }

    private static Detection BruteForce(List<FirewallEvent> events, FirewallEvent success)
    {
        var first = events[0];
        var service = first.Service ?? "logon";
        var users = events.Select(e => e.User).Where(u => !string.IsNullOrEmpty(u)).Distinct().ToList();
        var title = success == null
            ? $"Brute force against {service} on {Name(first)} from {first.SourceIp}"
            : $"Brute force against {service} on {Name(first)} from {first.SourceIp}, then a successful logon";
        var description = $"{events.Count} failed {service} logons from {first.SourceIp} to {Name(first)} ({first.DestinationIp}) between {Time(events[0])} and {Time(events[^1])}" +
            (users.Count > 0 ? $" for {string.Join(", ", users)}" : "") + "." +
            (success == null ? "" : $" A logon as {success.User ?? "an account"} succeeded at {Time(success)}.");
        var all = success == null ? events : events.Append(success).ToList();
        var alert = Alert(all, "BruteForce", success == null ? AlertValues.SeverityMedium : AlertValues.SeverityHigh, title, description);
        alert.NetworkConnections = new List<NetworkConnection> { Connection(success ?? first, success == null ? "failed" : "succeeded") };
        alert.UserStates = users.Select(u => new UserSecurityState
        {
            AccountName = u,
            LogonIp = first.SourceIp,
            LogonType = "network",
            LogonDateTime = success != null && success.User == u ? success.Time : null,
        }).ToList();
        return Detection("BruteForce", all, alert);
    }

    private static ProviderAlert Alert(IReadOnlyList<FirewallEvent> events, string category, string severity, string title, string description)
    {
        var first = events[0];
        return new ProviderAlert
        {
            AzureTenantId = first.TenantId,
            Title = title,
            Description = description,
            Category = category,
            Severity = severity,
            EventDateTime = first.Time,
            HostStates = new List<HostSecurityState> { new() { NetBiosName = first.Host, PrivateIpAddress = first.DestinationIp } },
            VendorInformation = new VendorInformation
            {
                Vendor = SentryOptions.Vendor,
                Provider = SentryOptions.Provider,
                ProviderVersion = SentryOptions.ProviderVersion,
                SubProvider = first.Firewall,
            },
        };
    }

    private static Detection Detection(string rule, IReadOnlyList<FirewallEvent> events, ProviderAlert alert)
    {
        var first = events[0];
        var key = string.Join("|", first.TenantId, rule, first.SourceIp, rule == "DenyBurst" ? "" : first.DestinationIp, first.Stamp);
        var id = "nws-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
        alert.Id = id;
        return new Detection(id, rule, events.Count, first.Time, events.Max(e => e.Time), alert);
    }

    private static NetworkConnection Connection(FirewallEvent e, string status) => new()
    {
        ApplicationName = e.Service,
        Direction = "inbound",
        Protocol = e.Protocol,
        SourceAddress = e.SourceIp,
        SourcePort = e.SourcePort,
        DestinationAddress = e.DestinationIp,
        DestinationPort = e.DestinationPort,
        Status = status,
    };

    private static string Name(FirewallEvent e) => e.Host ?? e.DestinationIp;

    private static string Time(FirewallEvent e) => e.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static int Minutes(IReadOnlyList<FirewallEvent> events) => Math.Max(1, (int)Math.Ceiling((events[^1].Time - events[0].Time).TotalMinutes));
}
