using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace GraphSecurity.Engine.Correlation;

/// <summary>What grouping needs of one alert, whatever it came from: id, time, keys, incident, and the object itself.</summary>
public sealed class CorrelationAlert
{
    public CorrelationAlert(string id, DateTimeOffset time, IEnumerable<EntityKey> keys)
    {
        Id = id;
        Time = time;
        // One key per text: an alert that names the same user twice still counts once for the key.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Keys = keys.Where(k => seen.Add(k.Text)).ToArray();
    }

    public string Id { get; }
    public DateTimeOffset Time { get; }
    public IReadOnlyList<EntityKey> Keys { get; }
    public AlertSeverity Severity { get; set; }
    public string? Source { get; set; }
    public string? IncidentId { get; set; }
    /// <summary>The alert is resolved: its incident counts as closed, and no group holds two closed incidents.</summary>
    public bool Closed { get; set; }
    /// <summary>The alert asked to be left out of correlation: it stays alone.</summary>
    public bool Excluded { get; set; }
    /// <summary>The object the alert came as; groups hand it back.</summary>
    public object? Item { get; set; }

    public static CorrelationAlert From(Alert alert)
    {
        var keys = new List<EntityKey>();
        foreach (var evidence in alert.Evidence) AddEvidence(keys, evidence);
        return new CorrelationAlert(alert.Id ?? "", alert.FirstActivityDateTime ?? alert.CreatedDateTime, keys)
        {
            Severity = alert.Severity,
            Source = alert.ServiceSource.ToString(),
            IncidentId = alert.IncidentId,
            Closed = alert.Status == AlertStatus.Resolved,
            Excluded = alert.AdditionalData?.IsExcludedFromCorrelation == true,
            Item = alert,
        };
    }

    public static CorrelationAlert From(LegacyAlert alert)
    {
        var keys = new List<EntityKey>();
        foreach (var user in alert.UserStates)
        {
            EntityKeys.AddUserId(keys, user.AadUserId);
            EntityKeys.AddSid(keys, user.OnPremisesSecurityIdentifier);
            EntityKeys.AddUpn(keys, user.UserPrincipalName);
            EntityKeys.AddAccount(keys, user.AccountName, user.DomainName);
            EntityKeys.AddIp(keys, user.LogonIp);
        }
        foreach (var host in alert.HostStates)
        {
            EntityKeys.AddHost(keys, host.Fqdn ?? host.NetBiosName);
            EntityKeys.AddIp(keys, host.PublicIpAddress);
            EntityKeys.AddIp(keys, host.PrivateIpAddress);
        }
        foreach (var file in alert.FileStates) EntityKeys.AddHash(keys, file.FileHash?.HashValue);
        foreach (var connection in alert.NetworkConnections)
        {
            // Only the far end: the source of an outbound connection is the device itself, already keyed by its host state.
            EntityKeys.AddIp(keys, connection.DestinationAddress);
            EntityKeys.AddUrl(keys, connection.DestinationUrl);
        }
        return new CorrelationAlert(alert.Id ?? "", alert.EventDateTime ?? alert.CreatedDateTime ?? default, keys)
        {
            Severity = alert.Severity,
            Source = alert.Provider,
            IncidentId = alert.IncidentIds.FirstOrDefault(),
            Closed = alert.Status == LegacyAlertStatus.Resolved || alert.Status == LegacyAlertStatus.Dismissed,
            Item = alert,
        };
    }

    private static void AddEvidence(List<EntityKey> keys, AlertEvidence evidence)
    {
        switch (evidence)
        {
            case UserEvidence user: AddAccount(keys, user.UserAccount); break;
            case DeviceEvidence device:
                EntityKeys.AddDeviceId(keys, device.MdeDeviceId, device.AzureAdDeviceId);
                EntityKeys.AddHost(keys, device.DeviceDnsName ?? device.HostName, device.DnsDomain);
                break;
            case IpEvidence ip: EntityKeys.AddIp(keys, ip.IpAddress); break;
            case UrlEvidence url: EntityKeys.AddUrl(keys, url.Url); break;
            case FileEvidence file: AddFile(keys, file.FileDetails); break;
            case ProcessEvidence process:
                AddFile(keys, process.ImageFile);
                AddAccount(keys, process.UserAccount);
                break;
            case MailboxEvidence mailbox:
                EntityKeys.AddMailbox(keys, mailbox.PrimaryAddress ?? mailbox.Upn);
                AddAccount(keys, mailbox.UserAccount);
                break;
            case AnalyzedMessageEvidence message:
                EntityKeys.AddMailbox(keys, message.RecipientEmailAddress);
                EntityKeys.AddMailbox(keys, message.P1Sender?.EmailAddress);
                EntityKeys.AddIp(keys, message.SenderIp);
                foreach (var url in message.Urls) EntityKeys.AddUrl(keys, url);
                break;
            case OtherEvidence other: AddOther(keys, other); break;
        }
    }

    private static void AddAccount(List<EntityKey> keys, UserAccount? account)
    {
        if (account == null) return;
        EntityKeys.AddUserId(keys, account.AzureAdUserId);
        EntityKeys.AddSid(keys, account.UserSid);
        EntityKeys.AddUpn(keys, account.UserPrincipalName);
        EntityKeys.AddAccount(keys, account.AccountName, account.DomainName);
    }

    private static void AddFile(List<EntityKey> keys, FileDetails? file)
    {
        if (file == null) return;
        EntityKeys.AddHash(keys, file.Sha256);
        EntityKeys.AddHash(keys, file.Sha1);
        EntityKeys.AddHash(keys, file.Md5);
    }

    // Application and cloud-resource evidence have no class of their own: read their ids from the service's JSON.
    private static void AddOther(List<EntityKey> keys, OtherEvidence other)
    {
        if (string.IsNullOrEmpty(other.Json)) return;
        try
        {
            using var json = JsonDocument.Parse(other.Json!);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return;
            EntityKeys.AddApp(keys, Text(root, "appId"));
            EntityKeys.AddCloudResource(keys, Text(root, "resourceId") ?? Text(root, "amazonResourceId") ?? Text(root, "fullResourceName"));
        }
        catch (JsonException)
        {
            // Evidence the service sent but this module cannot read adds no key.
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// An alert of another tool, as property name → value (a CSV row or any object). The names are
    /// those of the help page, matched without case; a value may list several entries split by ';' or ',' (URLs by ';' only).
    /// Throws <see cref="FormatException"/> when the row has no id or no usable time.
    /// </summary>
    public static CorrelationAlert FromRow(IReadOnlyDictionary<string, object?> row)
    {
        var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in row) fields[pair.Key] = pair.Value;
        var id = Values(fields, RowFields.Id).FirstOrDefault()
            ?? throw new FormatException("The row has no id: name it in a property " + string.Join(", ", RowFields.Id) + ".");
        var time = RowTime(fields) ?? throw new FormatException($"Row '{id}' has no time: give one of " + string.Join(", ", RowFields.Time) + ".");
        var keys = new List<EntityKey>();
        foreach (var v in Values(fields, RowFields.User)) EntityKeys.AddUser(keys, v);
        foreach (var v in Values(fields, RowFields.Device)) EntityKeys.AddHost(keys, v);
        foreach (var v in Values(fields, RowFields.DeviceId)) { EntityKeys.AddDeviceId(keys, v, null); EntityKeys.AddDeviceId(keys, null, v); }
        foreach (var v in Values(fields, RowFields.Ip)) EntityKeys.AddIp(keys, v);
        foreach (var v in Values(fields, RowFields.Hash)) EntityKeys.AddHash(keys, v);
        foreach (var v in Values(fields, RowFields.Url, commas: false)) EntityKeys.AddUrl(keys, v);
        foreach (var v in Values(fields, RowFields.Mailbox)) EntityKeys.AddMailbox(keys, v);
        foreach (var v in Values(fields, RowFields.App)) EntityKeys.AddApp(keys, v);
        foreach (var v in Values(fields, RowFields.Resource)) EntityKeys.AddCloudResource(keys, v);
        var severity = Values(fields, RowFields.Severity).FirstOrDefault();
        var status = Values(fields, RowFields.Status).FirstOrDefault();
        return new CorrelationAlert(id, time, keys)
        {
            Severity = severity != null && Enum.TryParse<AlertSeverity>(severity, true, out var s) && s != AlertSeverity.UnknownFutureValue ? s : AlertSeverity.Unknown,
            Source = Values(fields, RowFields.Source).FirstOrDefault(),
            IncidentId = Values(fields, RowFields.Incident).FirstOrDefault(),
            Closed = status != null && (status.Equals("resolved", StringComparison.OrdinalIgnoreCase) || status.Equals("closed", StringComparison.OrdinalIgnoreCase)),
            Excluded = Values(fields, RowFields.Excluded).Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase) || v == "1"),
        };
    }

    private static DateTimeOffset? RowTime(Dictionary<string, object?> fields)
    {
        foreach (var name in RowFields.Time)
        {
            if (!fields.TryGetValue(name, out var value) || value == null) continue;
            switch (value)
            {
                case DateTimeOffset moment: return moment;
                case DateTime date: return date.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(date, TimeSpan.Zero) : new DateTimeOffset(date);
            }
            var text = Convert.ToString(value, CultureInfo.InvariantCulture);
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return parsed;
        }
        return null;
    }

    // A URL may hold commas, so URL values are split at ';' only.
    private static IEnumerable<string> Values(Dictionary<string, object?> fields, IEnumerable<string> names, bool commas = true)
    {
        foreach (var name in names)
        {
            if (!fields.TryGetValue(name, out var value) || value == null) continue;
            var items = value is string || !(value is IEnumerable list) ? new[] { value } : list.Cast<object?>();
            foreach (var item in items)
            {
                var text = Convert.ToString(item, CultureInfo.InvariantCulture);
                if (string.IsNullOrWhiteSpace(text)) continue;
                foreach (var part in commas ? text!.Split(';', ',') : text!.Split(';'))
                {
                    if (part.Trim().Length > 0) yield return part.Trim();
                }
            }
        }
    }
}

/// <summary>The property names read from rows of other tools (documented on Group-GsAlert's help page).</summary>
public static class RowFields
{
    public static readonly string[] Id = { "Id", "AlertId", "SystemAlertId", "EventId" };
    public static readonly string[] Time = { "FirstActivityDateTime", "CreatedDateTime", "TimeGenerated", "Time", "Timestamp", "EventDateTime", "StartTime" };
    public static readonly string[] Severity = { "Severity", "AlertSeverity" };
    public static readonly string[] Source = { "Source", "Provider", "ProductName", "Vendor" };
    public static readonly string[] Status = { "Status" };
    public static readonly string[] Incident = { "IncidentId" };
    public static readonly string[] Excluded = { "IsExcludedFromCorrelation", "ExcludedFromCorrelation" };
    public static readonly string[] User = { "User", "UserPrincipalName", "Upn", "Account", "UserName", "UserId", "UserSid" };
    public static readonly string[] Device = { "Device", "HostName", "Host", "DeviceName", "Computer", "Fqdn" };
    public static readonly string[] DeviceId = { "DeviceId", "MdeDeviceId", "AzureAdDeviceId" };
    public static readonly string[] Ip = { "IpAddress", "Ip", "SourceIp", "DestinationIp", "ClientIp", "RemoteIp" };
    public static readonly string[] Hash = { "FileHash", "Sha256", "Sha1", "Md5", "Hash" };
    public static readonly string[] Url = { "Url", "RequestUrl" };
    public static readonly string[] Mailbox = { "Mailbox", "Email", "EmailAddress", "Recipient", "Sender" };
    public static readonly string[] App = { "AppId", "ApplicationId" };
    public static readonly string[] Resource = { "ResourceId", "AzureResourceId", "CloudResourceId" };
}
