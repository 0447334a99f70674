using System;

namespace GraphSecurity;

/// <summary>Alerts that Group-GsAlert found related through shared entities within its time window.</summary>
public class AlertGroup
{
    /// <summary>Derived from the member alerts' ids, so the same alerts always give the same id.</summary>
    public string Id { get; set; } = "";
    /// <summary>The alerts as they were piped in (alerts_v2, legacy alerts or rows of another tool), oldest first.</summary>
    public ValueList<object> Alerts { get; set; } = ValueList<object>.Empty;
    public ValueList<string> AlertIds { get; set; } = ValueList<string>.Empty;
    public int AlertCount => AlertIds.Count;
    /// <summary>The normalised entity keys of the member alerts, e.g. "user:upn:adele@contoso.com".</summary>
    public ValueList<string> Entities { get; set; } = ValueList<string>.Empty;
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public AlertSeverity HighestSeverity { get; set; }
    public ValueList<string> Sources { get; set; } = ValueList<string>.Empty;
    /// <summary>The links that formed the group: which alert joined which, and through which key.</summary>
    public ValueList<AlertGroupEdge> Edges { get; set; } = ValueList<AlertGroupEdge>.Empty;
    public ValueList<string> IncidentIds { get; set; } = ValueList<string>.Empty;
    /// <summary>Keys the member alerts carry that were seen in too many alerts to join anything.</summary>
    public ValueList<SuppressedEntityKey> SuppressedKeys { get; set; } = ValueList<SuppressedEntityKey>.Empty;

    /// <summary>With Group-GsAlert -Apply: the Defender incident the group's alerts_v2 alerts are in now.</summary>
    public string? AppliedIncidentId { get; set; }

    public override string ToString() => Id;
}

/// <summary>One link of a group: alert <see cref="AlertB"/> joined the group of <see cref="AlertA"/> through <see cref="Key"/>.</summary>
public class AlertGroupEdge
{
    public string AlertA { get; set; } = "";
    public string AlertB { get; set; } = "";
    public string Key { get; set; } = "";
    /// <summary>user, device, ip, file, url, mailbox, app, azres, or incident (kept together by -RespectIncident).</summary>
    public string Kind { get; set; } = "";
    /// <summary>The Defender correlationReason the link stands for: sameAsset or sharedIndicators.</summary>
    public string? Reason { get; set; }

    public override string ToString() => $"{AlertA} - {AlertB}: {Key}";
}

/// <summary>A key seen in more alerts than -MaxKeyAlerts: it joins nothing (a proxy, a scanner, a service account).</summary>
public class SuppressedEntityKey
{
    public string Key { get; set; } = "";
    public string Kind { get; set; } = "";
    public int AlertCount { get; set; }

    public override string ToString() => $"{Key} ({AlertCount} alerts)";
}
