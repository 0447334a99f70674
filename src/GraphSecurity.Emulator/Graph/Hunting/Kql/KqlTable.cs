using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.Hunting.Kql;

/// <summary>Column types; the names are what the hunting API's "schema" reports.</summary>
public enum KqlType { String, Int64, Double, Boolean, DateTime, TimeSpan, Dynamic }

public sealed record KqlColumn(string Name, KqlType Type);

/// <summary>
/// A table of rows. Values are string, long, double, bool, DateTimeOffset (UTC), TimeSpan or
/// <see cref="JsonNode"/> (Dynamic), or null.
/// </summary>
public sealed class KqlTable
{
    public IReadOnlyList<KqlColumn> Columns { get; }
    public IReadOnlyList<object[]> Rows { get; }

    public KqlTable(IReadOnlyList<KqlColumn> columns, IReadOnlyList<object[]> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public int IndexOf(string name)
    {
        for (int i = 0; i < Columns.Count; i++) if (Columns[i].Name == name) return i;
        return -1;
    }
}
