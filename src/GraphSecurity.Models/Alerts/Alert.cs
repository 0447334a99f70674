using System;
using System.Linq;

namespace GraphSecurity;

/// <summary>An alert of the alerts_v2 API (microsoft.graph.security.alert).</summary>
public class Alert : IConnectionBound, ICommented
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public AlertSeverity Severity { get; set; }
    public AlertStatus Status { get; set; }
    public AlertClassification? Classification { get; set; }
    public AlertDetermination? Determination { get; set; }
    public ServiceSource ServiceSource { get; set; }
    public DetectionSource? DetectionSource { get; set; }
    public string? AssignedTo { get; set; }
    public string? Category { get; set; }
    public ValueList<string> Categories { get; set; } = ValueList<string>.Empty;
    public string? Description { get; set; }
    public string? RecommendedActions { get; set; }
    public ValueList<string> MitreTechniques { get; set; } = ValueList<string>.Empty;
    public string? IncidentId { get; set; }
    public string? ProviderAlertId { get; set; }
    public string? DetectorId { get; set; }
    public string? ProductName { get; set; }
    public string? AlertPolicyId { get; set; }
    public string? ActorDisplayName { get; set; }
    public string? ThreatDisplayName { get; set; }
    public string? ThreatFamilyName { get; set; }
    public string? InvestigationState { get; set; }
    public string? TenantId { get; set; }
    /// <summary>The name of the connection this alert was read through; Set-GsAlert uses it to route the change back.</summary>
    public string? ConnectionName { get; set; }
    public string? AlertWebUrl { get; set; }
    public string? IncidentWebUrl { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public DateTimeOffset? LastUpdateDateTime { get; set; }
    public DateTimeOffset? FirstActivityDateTime { get; set; }
    public DateTimeOffset? LastActivityDateTime { get; set; }
    public DateTimeOffset? ResolvedDateTime { get; set; }
    public ValueList<string> SystemTags { get; set; } = ValueList<string>.Empty;
    public ValueList<AlertComment> Comments { get; set; } = ValueList<AlertComment>.Empty;
    public ValueList<AlertEvidence> Evidence { get; set; } = ValueList<AlertEvidence>.Empty;
    /// <summary>The alert's additionalData; of its keys the module reads isExcludedFromCorrelation.</summary>
    public AlertAdditionalData? AdditionalData { get; set; }

    /// <summary>User principal names found in the user, mailbox and process evidence.</summary>
    public ValueList<string> UserPrincipalNames => ValueLists.DistinctText(Evidence.SelectMany(e => e.UserPrincipalNames()));

    /// <summary>Device DNS names (or host names) found in the device evidence.</summary>
    public ValueList<string> DeviceNames => ValueLists.DistinctText(Evidence.OfType<DeviceEvidence>().Select(d => d.DeviceDnsName ?? d.HostName));

    /// <summary>IP addresses found in the IP evidence.</summary>
    public ValueList<string> IpAddresses => ValueLists.DistinctText(Evidence.OfType<IpEvidence>().Select(i => i.IpAddress));

    /// <summary>URLs found in the URL evidence.</summary>
    public ValueList<string> Urls => ValueLists.DistinctText(Evidence.OfType<UrlEvidence>().Select(u => u.Url));

    public override string? ToString() => Id;
}

/// <summary>The keys of an alert's additionalData that the module reads (the service may send others).</summary>
public class AlertAdditionalData
{
    /// <summary>Set by the creator of the alert (e.g. a partner's createAlert): Defender leaves it out of its correlation.</summary>
    public bool? IsExcludedFromCorrelation { get; set; }

    public override string ToString() => IsExcludedFromCorrelation == true ? "excluded from correlation" : "";
}

/// <summary>A comment on an alert or incident (microsoft.graph.security.alertComment).</summary>
public class AlertComment
{
    public string? Comment { get; set; }
    public string? CreatedByDisplayName { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }

    public override string ToString() => $"{CreatedDateTime:u} {CreatedByDisplayName}: {Comment}";
}
