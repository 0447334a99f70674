using GraphSecurity.Emulator.Graph.Hunting;
using GraphSecurity.Emulator.Graph.Hunting.Kql;

namespace GraphSecurity.Emulator.Monitor;

/// <summary>The ingested tables in advanced hunting: a tenant's table has the columns its streams declare plus Type, rows filtered on TimeGenerated.</summary>
public sealed class IngestionTables : IHuntingTableSource
{
    private readonly List<DataCollectionRule> _rules;
    private readonly IngestionStore _store;

    public IngestionTables(List<DataCollectionRule> rules, IngestionStore store)
    {
        _rules = rules;
        _store = store;
    }

    public KqlTable Build(string name, string tenantId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var stream = _rules.Where(r => string.Equals(r.TenantId, tenantId, StringComparison.OrdinalIgnoreCase))
            .SelectMany(r => r.Streams.Values).FirstOrDefault(s => string.Equals(s.OutputTable, name, StringComparison.OrdinalIgnoreCase));
        if (stream == null) return null;
        var columns = stream.Columns.Select(c => new KqlColumn(c.Name, TypeOf(c.Type))).Append(new KqlColumn("Type", KqlType.String)).ToList();
        var time = stream.IndexOf("TimeGenerated");
        var rows = _store.Rows(tenantId, stream.OutputTable)
            .Where(r => r.Values[time] is DateTimeOffset t && t >= from && t <= to)
            .Select(r => r.Values.Append(stream.OutputTable).ToArray()).ToList();
        return new KqlTable(columns, rows);
    }

    private static KqlType TypeOf(string type) => type switch
    {
        "int" or "long" => KqlType.Int64,
        "real" => KqlType.Double,
        "boolean" => KqlType.Boolean,
        "datetime" => KqlType.DateTime,
        "dynamic" => KqlType.Dynamic,
        _ => KqlType.String,
    };
}
