using System.Globalization;
using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.Hunting.Kql;

/// <summary>Comparison and text form of KQL values.</summary>
public static class KqlValues
{
    public static bool IsNumeric(KqlType t) => t is KqlType.Int64 or KqlType.Double;

    /// <summary>Orders two non-null values of compatible types; null when they cannot be compared.</summary>
    public static int? Compare(object a, object b, bool ignoreCase)
    {
        switch (a)
        {
            case string sa when b is string sb:
                return string.Compare(sa, sb, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
            case long la when b is long lb:
                return la.CompareTo(lb);
            case long or double when b is long or double:
                return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
            case DateTimeOffset da when b is DateTimeOffset db:
                return da.CompareTo(db);
            case TimeSpan ta when b is TimeSpan tb:
                return ta.CompareTo(tb);
            case bool ba when b is bool bb:
                return ba.CompareTo(bb);
            case JsonNode na when b is JsonNode nb:
                return string.CompareOrdinal(na.ToJsonString(), nb.ToJsonString());
            default:
                return null;
        }
    }

    /// <summary>Sort order: nulls lowest (so first ascending and last descending), then by value.</summary>
    public static int CompareForSort(object a, object b)
    {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        return Compare(a, b, ignoreCase: false) ?? 0;
    }

    /// <summary>Text form for results and string functions: ISO 8601 UTC datetimes, d.hh:mm:ss timespans.</summary>
    public static string Format(object v) => v switch
    {
        null => null,
        string s => s,
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        JsonNode n => n.ToJsonString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };

    /// <summary>Kusto's lower-case type names, used in error messages.</summary>
    public static string KustoName(KqlType t) => t switch
    {
        KqlType.Int64 => "long",
        KqlType.Double => "real",
        KqlType.Boolean => "bool",
        _ => t.ToString().ToLowerInvariant(),
    };
}
