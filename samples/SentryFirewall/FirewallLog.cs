using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SentryFirewall;

/// <summary>One line of the firewall's event log.</summary>
/// <param name="Stamp">The time exactly as written in the line (part of the alert ids, so ids do not move when seeded times shift).</param>
public sealed record FirewallEvent(
    DateTimeOffset Time, string Stamp, string TenantId, string Firewall, string Action, string Protocol,
    string SourceIp, string SourcePort, string DestinationIp, string DestinationPort, string Host, string Service, string User);

/// <summary>
/// Reads log lines of the form
/// <c>2026-01-07T21:14:03Z tenant=ID fw=nw-fw01 action=DENY proto=tcp src=198.51.100.23:51123 dst=10.20.0.5:22 host=web01 [service=ssh user=admin]</c>.
/// IPv6 endpoints are written <c>[2001:db8::5]:443</c>. Blank lines and lines starting with # are skipped.
/// </summary>
public static class FirewallLog
{
    public static readonly IReadOnlyList<string> Actions = new[] { "ALLOW", "DENY", "AUTHFAIL", "AUTHOK" };
    private static readonly string[] Keys = { "tenant", "fw", "action", "proto", "src", "dst", "host", "service", "user" };

    public static bool IsContent(string line) => !string.IsNullOrWhiteSpace(line) && !line.TrimStart().StartsWith('#');

    /// <summary>Parses one line; <paramref name="error"/> says why when it returns null.</summary>
    public static FirewallEvent Parse(string line, string defaultTenant, TimeSpan shift, out string error)
    {
        error = null;
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || !DateTimeOffset.TryParseExact(words[0], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var time))
        {
            error = "a line starts with a UTC time such as 2026-01-07T21:14:03Z";
            return null;
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in words.Skip(1))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            var key = eq > 0 ? word[..eq] : null;
            if (key == null || !Keys.Contains(key)) { error = $"'{word}' is not one of {string.Join(", ", Keys.Select(k => k + "=..."))}"; return null; }
            if (!fields.TryAdd(key, word[(eq + 1)..])) { error = $"'{key}' appears twice"; return null; }
        }
        if (!fields.TryGetValue("action", out var action) || !Actions.Contains(action)) { error = $"action= must be one of {string.Join(", ", Actions)}"; return null; }
        if (!TryEndpoint(fields.GetValueOrDefault("src"), out var srcIp, out var srcPort)) { error = "src= must be ip:port ([ipv6]:port)"; return null; }
        if (!TryEndpoint(fields.GetValueOrDefault("dst"), out var dstIp, out var dstPort)) { error = "dst= must be ip:port ([ipv6]:port)"; return null; }
        var tenant = fields.GetValueOrDefault("tenant") ?? defaultTenant;
        if (!Guid.TryParse(tenant, out var tenantId)) { error = "tenant= must be a tenant id"; return null; }
        var proto = fields.GetValueOrDefault("proto") ?? "tcp";
        if (proto is not ("tcp" or "udp" or "icmp")) { error = "proto= must be tcp, udp or icmp"; return null; }
        return new FirewallEvent(time.Add(shift), words[0], tenantId.ToString(), fields.GetValueOrDefault("fw"), action, proto,
            srcIp, srcPort, dstIp, dstPort, fields.GetValueOrDefault("host"), fields.GetValueOrDefault("service"), fields.GetValueOrDefault("user"));
    }

    /// <summary>The shift that moves a seeded log's <c># base:</c> time to the current hour (zero without one).</summary>
    public static TimeSpan SeedShift(IEnumerable<string> lines, DateTimeOffset now)
    {
        var header = lines.TakeWhile(l => !IsContent(l)).FirstOrDefault(l => l.StartsWith("# base:", StringComparison.Ordinal));
        if (header == null || !DateTimeOffset.TryParse(header["# base:".Length..].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var seedBase))
            return TimeSpan.Zero;
        var hour = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, now.UtcDateTime.Day, now.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        return hour - seedBase;
    }

    private static bool TryEndpoint(string text, out string ip, out string port)
    {
        ip = port = null;
        if (string.IsNullOrEmpty(text)) return false;
        string host;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0) return false;
            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0) return false;
            host = text[..colon];
            port = text[(colon + 1)..];
        }
        ip = Addresses.Normalize(host);
        return ip != null && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535;
    }
}

/// <summary>IP address checks shared by the log reader and the block actions.</summary>
public static class Addresses
{
    /// <summary>
    /// The canonical text of an IPv4 address in dotted-quad form or an IPv6 address, or null. Shorthand that
    /// <see cref="IPAddress.TryParse(string, out IPAddress)"/> would accept (such as "10.1" or "1") is refused.
    /// </summary>
    public static string Normalize(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 45 || !IPAddress.TryParse(text, out var address)) return null;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var parts = text.Split('.');
            if (parts.Length != 4 || parts.Any(p => p.Length == 0 || p.Length > 3 || !p.All(char.IsAsciiDigit))) return null;
            return address.ToString();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal))
            return address.ToString();
        return null;
    }
}
