using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Engine.SecurityActions;

/// <summary>
/// Blocking by indicator (successor-apis.md §0, §1.5): BlockIp, BlockDomain, BlockUrl and BlockFile
/// become one Defender for Endpoint indicator with action Block and an expiry, submitted one by one
/// (an upsert on value and type, so a second block of the same value updates the first); undone by
/// deleting the indicator.
/// </summary>
public sealed class IndicatorBlocks
{
    /// <summary>The indicators' application tag: how Get-GsTiIndicator and a person in the portal see who made them.</summary>
    public const string Application = DefenderIndicatorMapping.DefaultApplication;
    private readonly ApiClient _api;
    private readonly PacedCalls _calls;

    public IndicatorBlocks(GraphConnection connection, RetryPolicy? retry = null)
    {
        _api = connection.ClientFor(SecurityApi.DefenderForEndpoint);
        _calls = new PacedCalls(connection, retry);
    }

    /// <summary>
    /// Defender's indicatorType for a value the action blocks, or null with the reason it cannot be
    /// blocked (a private IP, a malformed hash…): checked before anything is sent.
    /// </summary>
    public static string? IndicatorType(ResponseTargetKind kind, string value, out string? reason)
    {
        reason = null;
        switch (kind)
        {
            case ResponseTargetKind.IpAddress:
                if (!IPAddress.TryParse(value, out var ip) || (ip.AddressFamily != AddressFamily.InterNetwork && ip.AddressFamily != AddressFamily.InterNetworkV6))
                { reason = $"'{value}' is not an IP address."; return null; }
                if (!DefenderIndicatorMapping.IsPublic(value))
                { reason = $"Defender for Endpoint blocks only public IP addresses; {value} is private, loopback, link-local or reserved (isolate the device instead)."; return null; }
                return "IpAddress";
            case ResponseTargetKind.Domain:
                if (Uri.CheckHostName(value) != UriHostNameType.Dns || value.IndexOf('.') < 0)
                { reason = $"'{value}' is not a domain name (e.g. bad.example)."; return null; }
                return "DomainName";
            case ResponseTargetKind.Url:
                if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                { reason = $"'{value}' is not an http or https URL."; return null; }
                return "Url";
            case ResponseTargetKind.File:
                var hex = value.All(Uri.IsHexDigit);
                if (hex && value.Length == 64) return "FileSha256";
                if (hex && value.Length == 40) return "FileSha1";
                if (hex && value.Length == 32) return "FileMd5";
                reason = $"'{value}' is not a file hash: give a SHA-256 (64 hex characters), SHA-1 (40) or MD5 (32).";
                return null;
            default:
                reason = $"A {kind} cannot be blocked by an indicator.";
                return null;
        }
    }

    /// <summary>Submits the Block indicator; the answer is the indicator, its id the action's id.</summary>
    public async Task<SecurityAction> BlockAsync(ResponseAction action, string value, string indicatorType, string comment, DateTimeOffset expires,
        IReadOnlyList<string>? deviceGroups, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object>
        {
            ["indicatorValue"] = indicatorType == "IpAddress" && value.IndexOf(':') >= 0 ? DefenderIndicatorMapping.FullIPv6(value) : value,
            ["indicatorType"] = indicatorType,
            ["action"] = "Block",
            ["title"] = $"{action.Name} {value}",
            ["description"] = comment,
            ["severity"] = "High",
            ["generateAlert"] = true,
            ["application"] = Application,
            ["expirationTime"] = expires.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (deviceGroups != null && deviceGroups.Count > 0) body["rbacGroupNames"] = deviceGroups.ToList();
        var url = _api.Url("api/indicators");
        // An upsert on value and type (§1.5, §1.8): repeating it after a 5xx cannot duplicate it.
        var json = await _calls.SendAsync(RateLimit.DefenderSubmit, token => _api.SendAsync<JsonElement>(HttpMethod.Post, url, body, token, retry: RetryMode.None), cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.TryParse(json.StringOf("creationTimeDateTimeUtc"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) ? c : DateTimeOffset.UtcNow;
        return new SecurityAction
        {
            Id = json.StringOf("id") ?? (json.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetRawText() : null),
            Name = action.Name,
            Api = SecurityActionApi.DefenderIndicators,
            Status = OperationStatus.Completed,
            ApiStatus = "Block",
            TargetType = action.Target.ToString(),
            TargetId = value,
            Target = value,
            Requestor = json.StringOf("createdBy") ?? json.StringOf("createdByDisplayName"),
            Comment = comment,
            CreatedDateTime = created,
            CompletedDateTime = created,
            ExpirationDateTime = expires,
        };
    }

    /// <summary>Deletes the block indicator (204); one already gone (expired, deleted) counts as undone.</summary>
    public async Task<bool> RemoveAsync(string indicatorId, CancellationToken cancellationToken)
    {
        var url = _api.Url("api/indicators/" + Uri.EscapeDataString(indicatorId));
        try
        {
            await _calls.SendAsync(RateLimit.DefenderDelete, token => _api.SendAsync<object>(HttpMethod.Delete, url, null, token, retry: RetryMode.None), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ServiceErrorException ex) when (ex.StatusCode == HttpStatusCode.NotFound) { return false; }
    }
}
