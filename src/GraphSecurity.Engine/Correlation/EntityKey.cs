using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace GraphSecurity.Engine.Correlation;

/// <summary>
/// A normalised entity value, e.g. "ip:198.18.4.7". A weak key (a bare host name) carries the DNS
/// domain it was seen with, if any: it joins only alerts whose domains do not contradict.
/// </summary>
public sealed class EntityKey
{
    internal EntityKey(string kind, string text, bool weak = false, string? domain = null)
    {
        Kind = kind;
        Text = text;
        Weak = weak;
        Domain = domain;
    }

    public string Kind { get; }
    public string Text { get; }
    public bool Weak { get; }
    public string? Domain { get; }

    public override string ToString() => Text;
}

/// <summary>Builds <see cref="EntityKey"/>s from raw values: normalises them and drops the values that join unrelated alerts.</summary>
public static class EntityKeys
{
    // Well-known SIDs (LocalSystem, LocalService, NetworkService, Everyone, Anonymous, Authenticated Users, Nobody).
    private static readonly HashSet<string> NoiseSids = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "S-1-5-18", "S-1-5-19", "S-1-5-20", "S-1-1-0", "S-1-5-7", "S-1-5-11", "S-1-0-0", "S-1-2-0", "S-1-3-0",
    };

    private static readonly HashSet<string> NoiseAccounts = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "system", "local service", "localservice", "network service", "networkservice", "anonymous logon", "anonymous",
    };

    // Hashes of the empty file: SHA-256, SHA-1, MD5.
    private static readonly HashSet<string> NoiseHashes = new HashSet<string>(StringComparer.Ordinal)
    {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "d41d8cd98f00b204e9800998ecf8427e",
    };

    public static void AddUser(List<EntityKey> keys, string? value)
    {
        var v = Clean(value);
        if (v == null) return;
        if (v.StartsWith("S-1-", StringComparison.OrdinalIgnoreCase)) { AddSid(keys, v); return; }
        if (Guid.TryParse(v, out _)) { AddUserId(keys, v); return; }
        if (v.IndexOf('@') > 0) { AddUpn(keys, v); return; }
        var slash = v.IndexOf('\\');
        if (slash > 0) AddAccount(keys, v.Substring(slash + 1), v.Substring(0, slash));
        // A bare account name without a domain names nobody in particular: no key.
    }

    public static void AddUpn(List<EntityKey> keys, string? upn)
    {
        var v = StripMailto(Clean(upn));
        if (v == null || v.IndexOf('@') <= 0) return;
        keys.Add(new EntityKey("user", "user:upn:" + v.ToLowerInvariant()));
    }

    public static void AddUserId(List<EntityKey> keys, string? id) => AddGuid(keys, "user", "user:aad:", id);

    public static void AddSid(List<EntityKey> keys, string? sid)
    {
        var v = Clean(sid);
        if (v == null || !v.StartsWith("S-1-", StringComparison.OrdinalIgnoreCase)) return;
        if (NoiseSids.Contains(v) || v.StartsWith("S-1-5-32-", StringComparison.OrdinalIgnoreCase)) return;
        keys.Add(new EntityKey("user", "user:sid:" + v.ToUpperInvariant()));
    }

    public static void AddAccount(List<EntityKey> keys, string? account, string? domain)
    {
        var a = Clean(account);
        var d = Clean(domain);
        if (a == null || d == null || NoiseAccounts.Contains(a)) return;
        keys.Add(new EntityKey("user", "user:name:" + d.ToLowerInvariant() + "\\" + a.ToLowerInvariant()));
    }

    public static void AddDeviceId(List<EntityKey> keys, string? mdeId, string? aadId)
    {
        var m = Clean(mdeId);
        if (m != null && m.Any(c => c != '0')) keys.Add(new EntityKey("device", "device:mde:" + m.ToLowerInvariant()));
        AddGuid(keys, "device", "device:aad:", aadId);
    }

    /// <summary>A host name: an FQDN gives a strong key and a weak short name that remembers its domain; a bare name only the weak key.</summary>
    public static void AddHost(List<EntityKey> keys, string? name, string? dnsDomain = null)
    {
        var v = Clean(name)?.TrimEnd('.').ToLowerInvariant();
        if (v == null || v.Length == 0) return;
        if (IPAddress.TryParse(v, out _)) { AddIp(keys, v); return; }
        var dot = v.IndexOf('.');
        var shortName = dot < 0 ? v : v.Substring(0, dot);
        var domain = dot < 0 ? Clean(dnsDomain)?.TrimEnd('.').ToLowerInvariant() : v.Substring(dot + 1);
        if (shortName.Length == 0 || shortName == "localhost") return;
        if (!string.IsNullOrEmpty(domain)) keys.Add(new EntityKey("device", "device:fqdn:" + shortName + "." + domain));
        keys.Add(new EntityKey("device", "device:host:" + shortName, weak: true, domain: string.IsNullOrEmpty(domain) ? null : domain));
    }

    public static void AddIp(List<EntityKey> keys, string? value)
    {
        var canonical = CanonicalIp(value);
        if (canonical != null) keys.Add(new EntityKey("ip", "ip:" + canonical));
    }

    /// <summary>The address re-printed (IPv4-mapped IPv6 folded to IPv4), or null for noise and what is not an address.</summary>
    public static string? CanonicalIp(string? value)
    {
        var v = Clean(value);
        if (v == null) return null;
        if (v.StartsWith("[", StringComparison.Ordinal) && v.EndsWith("]", StringComparison.Ordinal)) v = v.Substring(1, v.Length - 2);
        if (!IPAddress.TryParse(v, out var ip)) return null;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily == AddressFamily.InterNetworkV6) ip.ScopeId = 0;
        return IsNoise(ip) ? null : ip.ToString();
    }

    private static bool IsNoise(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return b[0] == 0 || b[0] == 127 || (b[0] == 169 && b[1] == 254) || b[0] >= 224 // this network, loopback, link-local, multicast and reserved/broadcast
                || (b[0] == 192 && b[1] == 0 && b[2] == 2) || (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113); // RFC 5737
        }
        return ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6Loopback) || ip.IsIPv6LinkLocal || ip.IsIPv6Multicast
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8); // RFC 3849
    }

    /// <summary>A hash of any of the three lengths; the kind follows from the length.</summary>
    public static void AddHash(List<EntityKey> keys, string? value)
    {
        var v = Clean(value)?.ToLowerInvariant();
        if (v == null || !v.All(Uri.IsHexDigit) || NoiseHashes.Contains(v) || v.All(c => c == '0')) return;
        var kind = v.Length switch { 64 => "sha256", 40 => "sha1", 32 => "md5", _ => null };
        if (kind != null) keys.Add(new EntityKey("file", "file:" + kind + ":" + v));
    }

    public static void AddUrl(List<EntityKey> keys, string? value)
    {
        var v = Clean(value);
        if (v == null) return;
        if (!Uri.TryCreate(v, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeFtp))
        {
            if (!Uri.TryCreate("http://" + v, UriKind.Absolute, out uri)) return;
        }
        var host = uri.IdnHost.ToLowerInvariant();
        if (host.Length == 0 || host == "localhost") return;
        var port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        keys.Add(new EntityKey("url", "url:" + uri.Scheme.ToLowerInvariant() + "://" + host + port + uri.PathAndQuery));
    }

    public static void AddMailbox(List<EntityKey> keys, string? address)
    {
        var v = StripMailto(Clean(address));
        if (v == null || v.IndexOf('@') <= 0) return;
        keys.Add(new EntityKey("mailbox", "mailbox:" + v.ToLowerInvariant()));
    }

    public static void AddApp(List<EntityKey> keys, string? appId)
    {
        var v = Clean(appId);
        if (v != null) keys.Add(new EntityKey("app", "app:" + (Guid.TryParse(v, out var g) ? g.ToString("D") : v.ToLowerInvariant())));
    }

    public static void AddCloudResource(List<EntityKey> keys, string? resourceId)
    {
        var v = Clean(resourceId)?.TrimEnd('/');
        if (!string.IsNullOrEmpty(v)) keys.Add(new EntityKey("azres", "azres:" + v!.ToLowerInvariant()));
    }

    /// <summary>
    /// The texts a -StopList entry matches: a whole key ("ip:10.1.2.3") as given, and a bare value in
    /// each form it normalises to ("10.1.2.3" and "WEB01" match the keys above).
    /// </summary>
    public static IEnumerable<string> StopTexts(string entry)
    {
        var v = entry.Trim();
        if (v.Length == 0) yield break;
        yield return v.ToLowerInvariant();
        var keys = new List<EntityKey>();
        AddUser(keys, v);
        AddIp(keys, v);
        if (CanonicalIp(v) == null && v.IndexOf('@') < 0 && v.IndexOf('/') < 0) AddHost(keys, v);
        AddHash(keys, v);
        AddMailbox(keys, v);
        if (v.IndexOf("://", StringComparison.Ordinal) > 0) AddUrl(keys, v);
        foreach (var key in keys) yield return key.Text.ToLowerInvariant();
    }

    private static void AddGuid(List<EntityKey> keys, string kind, string prefix, string? value)
    {
        var v = Clean(value);
        if (v == null || !Guid.TryParse(v, out var g) || g == Guid.Empty) return;
        keys.Add(new EntityKey(kind, prefix + g.ToString("D")));
    }

    private static string? Clean(string? value)
    {
        if (value == null) return null;
        var v = value.Trim();
        return v.Length == 0 || v == "-" ? null : v;
    }

    private static string? StripMailto(string? value) =>
        value != null && value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? Clean(value.Substring(7)) : value;
}
