using System;
using System.Collections.Generic;
using System.Linq;

namespace GraphSecurity.Engine.SecurityActions;

/// <summary>One thing an action is taken on, and where it came from (for -WhatIf, -Verbose and the result).</summary>
public sealed class ResponseTarget
{
    public ResponseTarget(string value, string source, string? alertId = null, string? alertTitle = null, string? fileSha1 = null)
    {
        Value = value; Source = source; AlertId = alertId; AlertTitle = alertTitle; FileSha1 = fileSha1;
    }

    /// <summary>The device id or name, the address, domain, URL or hash, the user's UPN or object id.</summary>
    public string Value { get; }
    /// <summary>Where the value came from, e.g. "the deviceEvidence of alert da63…".</summary>
    public string Source { get; }
    public string? AlertId { get; }
    public string? AlertTitle { get; }
    /// <summary>StopAndQuarantineFile from an alert: the SHA-1 of the alert's file evidence on that device.</summary>
    public string? FileSha1 { get; }
    public override string ToString() => Value;
}

/// <summary>
/// Finds what an action is taken on in a piped alert or piece of evidence: the device of the alert's
/// device evidence, the addresses, domains, URLs and hashes the alert found suspicious, the user of
/// its user evidence. Evidence the alert judged harmless (noThreatsFound) is passed over.
/// </summary>
public static class ResponseTargets
{
    /// <summary>
    /// The targets of <paramref name="input"/> (an alert, one piece of evidence, or a plain value) for
    /// <paramref name="action"/>; an <see cref="ArgumentException"/> saying what is missing when there is none,
    /// or when an alert names more than one device (the command never guesses which device to contain).
    /// </summary>
    public static IReadOnlyList<ResponseTarget> From(object input, ResponseAction action)
    {
        switch (input)
        {
            case Alert alert: return FromAlert(alert, action);
            case AlertEvidence evidence:
                var value = ValueOf(evidence, action.Target);
                return value != null ? new[] { new ResponseTarget(value, $"the piped {evidence.EvidenceType}", fileSha1: Sha1Of(evidence)) }
                    : throw new ArgumentException($"A {evidence.EvidenceType} names no {Noun(action.Target)} for {action.Name}; pipe {EvidenceFor(action.Target)} or the alert.");
            case string text when !string.IsNullOrWhiteSpace(text): return new[] { new ResponseTarget(text.Trim(), "the input") };
            default:
                throw new ArgumentException($"{action.Name} takes an alert, a piece of its evidence or a {Noun(action.Target)}; a {input?.GetType().Name ?? "null"} is none of these.");
        }
    }

    private static IReadOnlyList<ResponseTarget> FromAlert(Alert alert, ResponseAction action)
    {
        var source = $"alert {alert.Id}";
        if (action.Target == ResponseTargetKind.Device)
        {
            var devices = alert.Evidence.OfType<DeviceEvidence>()
                .GroupBy(d => d.MdeDeviceId ?? d.DeviceDnsName ?? d.HostName, StringComparer.OrdinalIgnoreCase)
                .Where(g => g.Key != null).Select(g => g.First()).ToList();
            if (devices.Count == 0) throw new ArgumentException($"Alert {alert.Id} has no device evidence for {action.Name}; give the device with -Device.");
            if (devices.Count > 1)
                throw new ArgumentException($"Alert {alert.Id} names {devices.Count} devices ({string.Join(", ", devices.Select(d => d.DisplayValue))}); " +
                                            $"choose one with -Device, or pipe the alert's device evidence to act on each.");
            var device = devices[0];
            var sha1 = action.Name == "StopAndQuarantineFile"
                ? alert.Evidence.OfType<FileEvidence>().Where(f => f.MdeDeviceId == null || string.Equals(f.MdeDeviceId, device.MdeDeviceId, StringComparison.OrdinalIgnoreCase))
                    .Select(f => f.FileDetails?.Sha1).FirstOrDefault(h => h != null)
                : null;
            return new[] { new ResponseTarget(device.MdeDeviceId ?? device.DisplayValue!, $"the deviceEvidence {device.DisplayValue} of {source}", alert.Id, alert.Title, sha1) };
        }
        var suspicious = alert.Evidence.Where(e => e.Verdict != EvidenceVerdict.NoThreatsFound).ToList();
        var targets = suspicious.Select(e => (Evidence: e, Value: ValueOf(e, action.Target)))
            .Where(t => t.Value != null)
            .GroupBy(t => t.Value!, StringComparer.OrdinalIgnoreCase)
            .Select(g => new ResponseTarget(g.Key, $"the {g.First().Evidence.EvidenceType} of {source}", alert.Id, alert.Title))
            .ToList();
        if (targets.Count == 0)
            throw new ArgumentException($"Alert {alert.Id} has no {EvidenceFor(action.Target)} it found suspicious for {action.Name}; give the {Noun(action.Target)} with {ParameterFor(action.Target)}.");
        return targets;
    }

    /// <summary>What a piece of evidence names for an action's kind of target, or null.</summary>
    private static string? ValueOf(AlertEvidence evidence, ResponseTargetKind kind)
    {
        switch (kind)
        {
            case ResponseTargetKind.Device:
                return evidence is DeviceEvidence d ? d.MdeDeviceId ?? d.DeviceDnsName ?? d.HostName : null;
            case ResponseTargetKind.IpAddress:
                return (evidence as IpEvidence)?.IpAddress;
            case ResponseTargetKind.Url:
                return (evidence as UrlEvidence)?.Url;
            case ResponseTargetKind.Domain:
                return evidence is UrlEvidence u && Uri.TryCreate(u.Url, UriKind.Absolute, out var url) ? url.Host : null;
            case ResponseTargetKind.File:
                return evidence is FileEvidence f ? f.FileDetails?.Sha256 ?? f.FileDetails?.Sha1 : null;
            default:
                return evidence is UserEvidence user ? user.UserAccount?.UserPrincipalName ?? user.UserAccount?.AzureAdUserId : null;
        }
    }

    private static string? Sha1Of(AlertEvidence evidence) => (evidence as FileEvidence)?.FileDetails?.Sha1;

    private static string Noun(ResponseTargetKind kind) =>
        kind == ResponseTargetKind.IpAddress ? "IP address" : kind == ResponseTargetKind.File ? "file hash" : kind.ToString().ToLowerInvariant();

    private static string EvidenceFor(ResponseTargetKind kind)
    {
        switch (kind)
        {
            case ResponseTargetKind.Device: return "device evidence";
            case ResponseTargetKind.IpAddress: return "IP evidence";
            case ResponseTargetKind.Url: case ResponseTargetKind.Domain: return "URL evidence";
            case ResponseTargetKind.File: return "file evidence";
            default: return "user evidence";
        }
    }

    /// <summary>The parameter of Invoke-GsSecurityAction that names such a target.</summary>
    public static string ParameterFor(ResponseTargetKind kind) =>
        kind == ResponseTargetKind.Device ? "-Device" : kind == ResponseTargetKind.User ? "-User" : kind == ResponseTargetKind.IpAddress ? "-IpAddress" : "-Indicator";
}
