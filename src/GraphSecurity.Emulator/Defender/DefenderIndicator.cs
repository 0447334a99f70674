using GraphSecurity.Emulator.Graph;
using P = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Defender.DefenderIndicator>;

namespace GraphSecurity.Emulator.Defender;

/// <summary>A Defender for Endpoint indicator (successor-apis.md §1.3). Immutable once stored: changes store a copy.</summary>
public sealed record DefenderIndicator
{
    public string Id { get; init; }
    public string IndicatorValue { get; init; }
    public string IndicatorType { get; init; }
    public string Action { get; init; }
    public string Severity { get; init; }
    public string Application { get; init; }
    public string Title { get; init; }
    public string Description { get; init; }
    public string RecommendedActions { get; init; }
    public string ExternalId { get; init; }
    public string SourceType { get; init; }
    public string CreatedBySource { get; init; }
    /// <summary>The creating app's id (API) or the user's UPN (portal); Ti.ReadWrite callers see only their app's.</summary>
    public string CreatedBy { get; init; }
    public string CreatedByDisplayName { get; init; }
    public string LastUpdatedBy { get; init; }
    public DateTimeOffset CreationTimeDateTimeUtc { get; init; }
    public DateTimeOffset LastUpdateTime { get; init; }
    public DateTimeOffset? ExpirationTime { get; init; }
    public List<string> RbacGroupNames { get; init; } = new();
    public List<string> RbacGroupIds { get; init; } = new();
    public bool GenerateAlert { get; init; }
    /// <summary>The page a Block/Warn URL or domain indicator sends users to.</summary>
    public string EducateUrl { get; init; }
}

/// <summary>The indicator's properties as the API writes and filters them (§1.3, §1.6: the $filter-able ones).</summary>
public static class DefenderIndicatorSchema
{
    public static readonly EnumDef IndicatorType = new("IndicatorType", "FileSha1", "FileSha256", "FileMd5", "CertificateThumbprint", "IpAddress", "DomainName", "Url");
    public static readonly EnumDef Action = new("IndicatorAction", "Warn", "Block", "Audit", "Alert", "AlertAndBlock", "BlockAndRemediate", "Allowed");
    public static readonly EnumDef Severity = new("IndicatorSeverity", "Informational", "Low", "Medium", "High");

    public static readonly EntitySchema Entity = new("Indicator", "Indicators", new[]
    {
        P.S("id", i => i.Id),
        P.S("indicatorValue", i => i.IndicatorValue, filterable: true),
        P.E("indicatorType", IndicatorType, i => i.IndicatorType, filterable: true),
        P.E("action", Action, i => i.Action, filterable: true),
        P.E("severity", Severity, i => i.Severity, filterable: true),
        P.S("application", i => i.Application, filterable: true),
        P.S("title", i => i.Title, filterable: true),
        P.S("description", i => i.Description),
        P.S("recommendedActions", i => i.RecommendedActions),
        P.S("externalId", i => i.ExternalId),
        P.S("sourceType", i => i.SourceType),
        P.S("createdBySource", i => i.CreatedBySource),
        P.S("createdBy", i => i.CreatedBy, filterable: true),
        P.S("createdByDisplayName", i => i.CreatedByDisplayName, filterable: true),
        P.S("lastUpdatedBy", i => i.LastUpdatedBy),
        P.D("creationTimeDateTimeUtc", i => i.CreationTimeDateTimeUtc, filterable: true),
        P.D("lastUpdateTime", i => i.LastUpdateTime),
        P.D("expirationTime", i => i.ExpirationTime, filterable: true),
        P.C("rbacGroupNames", i => i.RbacGroupNames, lambda: true),
        P.C("rbacGroupIds", i => i.RbacGroupIds, lambda: true),
        P.B("generateAlert", i => i.GenerateAlert, filterable: true),
        P.S("educateUrl", i => i.EducateUrl),
        // Seen in real answers though undocumented (§1.3), so clients must tolerate them: always empty here.
        P.S("category", _ => null),
        P.I("bypassDurationHours", _ => null),
        P.S("notificationId", _ => null),
        P.S("notificationBody", _ => null),
        P.S("version", _ => null),
        P.C("mitreTechniques", _ => null),
        P.B("historicalDetection", _ => null),
        P.S("lookBackPeriod", _ => null),
        P.S("additionalInfo", _ => null),
        P.S("certificateInfo", _ => null),
    });
}
