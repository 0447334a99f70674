using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Alerts;

/// <summary>Where the evidence filters of Get-GsAlert are evaluated.</summary>
public enum EvidenceMatchMode
{
    /// <summary>Server-side for user principal names and device names (the lambda forms Microsoft documents), client-side for the rest.</summary>
    Auto,
    /// <summary>Always as an evidence/any(...) lambda in $filter.</summary>
    Server,
    /// <summary>Always by reading the alerts and matching their evidence here.</summary>
    Client,
}

/// <summary>
/// "Alerts about this user, device or address": values of one kind are or-ed, kinds are and-ed.
/// The same definition is used for the server-side $filter lambda and for the client-side match,
/// so both select the same alerts:
/// <list type="bullet">
/// <item>a user (UPN or Entra object id) is the userAccount of user, process or mailbox evidence, a mailbox's UPN, or a message's recipient;</item>
/// <item>a device (DNS name, host name or MDE device id) is device evidence, or the MDE device of process and file evidence;</item>
/// <item>an IP address is IP evidence, or a device's last internal or external address.</item>
/// </list>
/// </summary>
public sealed class EvidenceCriteria
{
    private const string Ns = "microsoft.graph.security.";
    private static readonly Regex Guid = new Regex("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$", RegexOptions.Compiled);
    private static readonly Regex MdeId = new Regex("^[0-9a-fA-F]{40}$", RegexOptions.Compiled);

    public IList<string> Users { get; set; } = new List<string>();
    public IList<string> Devices { get; set; } = new List<string>();
    public IList<string> IpAddresses { get; set; } = new List<string>();

    public bool IsEmpty => Users.Count == 0 && Devices.Count == 0 && IpAddresses.Count == 0;

    public static bool IsObjectId(string user) => Guid.IsMatch(user);
    public static bool IsMdeDeviceId(string device) => MdeId.IsMatch(device);

    /// <summary>Auto: the server can take it when every value has a documented lambda form (UPN, device DNS name).</summary>
    public bool ServerSide(EvidenceMatchMode mode) =>
        mode == EvidenceMatchMode.Server ||
        (mode == EvidenceMatchMode.Auto && IpAddresses.Count == 0 &&
         !Users.Any(IsObjectId) && !Devices.Any(IsMdeDeviceId));

    /// <summary>One "evidence/any(...)" clause per kind, for CollectionQuery.Add.</summary>
    public IEnumerable<string> FilterClauses()
    {
        if (Users.Count > 0) yield return Lambda(Users.SelectMany(UserPaths));
        if (Devices.Count > 0) yield return Lambda(Devices.SelectMany(DevicePaths));
        if (IpAddresses.Count > 0) yield return Lambda(IpAddresses.SelectMany(IpPaths));
    }

    /// <summary>The client-side equivalent of <see cref="FilterClauses"/>.</summary>
    public bool Matches(Alert alert)
    {
        var evidence = alert.Evidence ?? ValueList<AlertEvidence>.Empty;
        return (Users.Count == 0 || evidence.Any(e => UserValues(e).Any(v => Users.Any(u => Same(u, v))))) &&
               (Devices.Count == 0 || evidence.Any(e => DeviceValues(e).Any(v => Devices.Any(d => Same(d, v))))) &&
               (IpAddresses.Count == 0 || evidence.Any(e => IpValues(e).Any(v => IpAddresses.Any(i => Same(i, v)))));
    }

    /// <summary>A plain description for -Verbose, e.g. "user alice@contoso.example; device ws-001".</summary>
    public string Describe() => string.Join("; ", new[]
    {
        Users.Count > 0 ? "user " + string.Join(" or ", Users) : null,
        Devices.Count > 0 ? "device " + string.Join(" or ", Devices) : null,
        IpAddresses.Count > 0 ? "IP address " + string.Join(" or ", IpAddresses) : null,
    }.Where(s => s != null));

    private static string Lambda(IEnumerable<string> comparisons) => "evidence/any(e: " + string.Join(" or ", comparisons) + ")";

    private static string Eq(string path, string value) => $"e/{Ns}{path} eq {ODataFilter.Quote(value)}";

    private static IEnumerable<string> UserPaths(string user)
    {
        var member = IsObjectId(user) ? "azureAdUserId" : "userPrincipalName";
        yield return Eq("userEvidence/userAccount/" + member, user);
        yield return Eq("processEvidence/userAccount/" + member, user);
        yield return Eq("mailboxEvidence/userAccount/" + member, user);
        if (IsObjectId(user)) yield break;
        yield return Eq("mailboxEvidence/upn", user);
        yield return Eq("analyzedMessageEvidence/recipientEmailAddress", user);
    }

    private static IEnumerable<string> DevicePaths(string device)
    {
        if (IsMdeDeviceId(device))
        {
            yield return Eq("deviceEvidence/mdeDeviceId", device);
            yield return Eq("processEvidence/mdeDeviceId", device);
            yield return Eq("fileEvidence/mdeDeviceId", device);
            yield break;
        }
        yield return Eq("deviceEvidence/deviceDnsName", device);
        yield return Eq("deviceEvidence/hostName", device);
    }

    private static IEnumerable<string> IpPaths(string address)
    {
        yield return Eq("ipEvidence/ipAddress", address);
        yield return Eq("deviceEvidence/lastIpAddress", address);
        yield return Eq("deviceEvidence/lastExternalIpAddress", address);
    }

    // The client-side values mirror the paths above one for one.
    private static IEnumerable<string?> UserValues(AlertEvidence evidence)
    {
        switch (evidence)
        {
            case UserEvidence u: return Account(u.UserAccount);
            case ProcessEvidence p: return Account(p.UserAccount);
            case MailboxEvidence m: return Account(m.UserAccount).Concat(new[] { m.Upn });
            case AnalyzedMessageEvidence a: return new[] { a.RecipientEmailAddress };
            default: return Enumerable.Empty<string?>();
        }
    }

    private static IEnumerable<string?> Account(UserAccount? account) =>
        account == null ? Enumerable.Empty<string?>() : new[] { account.UserPrincipalName, account.AzureAdUserId };

    private static IEnumerable<string?> DeviceValues(AlertEvidence evidence)
    {
        switch (evidence)
        {
            case DeviceEvidence d: return new[] { d.DeviceDnsName, d.HostName, d.MdeDeviceId };
            case ProcessEvidence p: return new[] { p.MdeDeviceId };
            case FileEvidence f: return new[] { f.MdeDeviceId };
            default: return Enumerable.Empty<string?>();
        }
    }

    private static IEnumerable<string?> IpValues(AlertEvidence evidence)
    {
        switch (evidence)
        {
            case IpEvidence i: return new[] { i.IpAddress };
            case DeviceEvidence d: return new[] { d.LastIpAddress, d.LastExternalIpAddress };
            default: return Enumerable.Empty<string?>();
        }
    }

    private static bool Same(string wanted, string? actual) =>
        !Strings.IsNullOrEmpty(actual) && string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase);
}
