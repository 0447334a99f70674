using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.Hunting;
using GraphSecurity.Emulator.Graph.Hunting.Kql;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>
/// Sentinel's STIX tables in advanced hunting (successor-apis.md §3.5, §7): ThreatIntelIndicators (one row
/// per indicator) and ThreatIntelObjects (the other object types), over every workspace of the tenant,
/// rows filtered on TimeGenerated. Deleted indicators stay as rows with IsDeleted true.
/// </summary>
public sealed class ThreatIntelTables : IHuntingTableSource
{
    private static readonly KqlColumn[] IndicatorColumns =
    {
        new("TenantId", KqlType.String), new("TimeGenerated", KqlType.DateTime), new("WorkspaceId", KqlType.String), new("Id", KqlType.String),
        new("SourceSystem", KqlType.String), new("Created", KqlType.DateTime), new("Modified", KqlType.DateTime), new("Confidence", KqlType.Int64),
        new("IsActive", KqlType.Boolean), new("IsDeleted", KqlType.Boolean), new("LastUpdateMethod", KqlType.String), new("ObservableKey", KqlType.String),
        new("ObservableValue", KqlType.String), new("Pattern", KqlType.String), new("PatternType", KqlType.String), new("ValidFrom", KqlType.DateTime),
        new("ValidUntil", KqlType.DateTime), new("Tags", KqlType.Dynamic), new("Data", KqlType.Dynamic), new("Type", KqlType.String),
    };

    private static readonly KqlColumn[] ObjectColumns =
    {
        new("TenantId", KqlType.String), new("TimeGenerated", KqlType.DateTime), new("WorkspaceId", KqlType.String), new("Id", KqlType.String),
        new("StixType", KqlType.String), new("SourceSystem", KqlType.String), new("Created", KqlType.DateTime), new("Modified", KqlType.DateTime),
        new("IsDeleted", KqlType.Boolean), new("LastUpdateMethod", KqlType.String), new("Data", KqlType.Dynamic), new("Type", KqlType.String),
    };

    private readonly ThreatIntelStore _store;
    public ThreatIntelTables(ThreatIntelStore store) => _store = store;

    public KqlTable Build(string name, string tenantId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        if (name is not ("ThreatIntelIndicators" or "ThreatIntelObjects")) return null;
        var rows = _store.Snapshot(tenantId).Where(o => o.TimeGenerated >= from && o.TimeGenerated <= to);
        return name == "ThreatIntelIndicators"
            ? new KqlTable(IndicatorColumns, rows.Where(o => o.Type == "indicator").Select(o => IndicatorRow(o, now)).ToList())
            : new KqlTable(ObjectColumns, rows.Where(o => o.Type != "indicator").Select(ObjectRow).ToList());
    }

    private static object[] IndicatorRow(ThreatIntelObject o, DateTimeOffset now)
    {
        var observable = ArmIndicators.ParsedPattern(o.Text("pattern")).FirstOrDefault() as JsonObject;
        var first = (observable?["patternTypeValues"] as JsonArray)?.FirstOrDefault();
        var until = o.Time("valid_until");
        return new object[]
        {
            o.TenantId, o.TimeGenerated, o.WorkspaceId, o.Id, o.SourceSystem, o.Created, o.Modified, (long?)o.Confidence,
            !o.Revoked && !o.Deleted && (until == null || until > now), o.Deleted, o.LastUpdateMethod,
            observable == null ? "" : $"{observable["patternTypeKey"]}:{first?["valueType"]}", (string)first?["value"] ?? "",
            o.Text("pattern") ?? "", o.Text("pattern_type") ?? "", o.Time("valid_from"), until,
            o.Data["labels"]?.DeepClone() ?? new JsonArray(), o.Data.DeepClone(), "ThreatIntelIndicators",
        };
    }

    private static object[] ObjectRow(ThreatIntelObject o) => new object[]
    {
        o.TenantId, o.TimeGenerated, o.WorkspaceId, o.Id, o.Type, o.SourceSystem, o.Created, o.Modified, o.Deleted, o.LastUpdateMethod,
        o.Data.DeepClone(), "ThreatIntelObjects",
    };
}
