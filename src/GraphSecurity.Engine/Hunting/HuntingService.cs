using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Hunting;

/// <summary>A column of a hunting result: its name and the service's type name (String, Int64, DateTime…).</summary>
public sealed class HuntingColumn
{
    public HuntingColumn(string name, string type) { Name = name; Type = type; }
    public string Name { get; }
    public string Type { get; }
}

/// <summary>The rows of an advanced hunting query, each value converted to its column's .NET type.</summary>
public sealed class HuntingResult
{
    public IReadOnlyList<HuntingColumn> Schema { get; set; } = Array.Empty<HuntingColumn>();
    /// <summary>Each row's values in schema order (null for an empty cell).</summary>
    public IReadOnlyList<object?[]> Rows { get; set; } = Array.Empty<object?[]>();
}

/// <summary>POST /security/runHuntingQuery (v1.0). A 429 is retried per Retry-After by the HTTP pipeline.</summary>
public sealed class HuntingService
{
    private readonly ApiClient _graph;

    public HuntingService(ApiClient graph) { _graph = graph; }

    public async Task<HuntingResult> RunAsync(string query, string? timespan, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object?> { ["Query"] = query };
        if (!Strings.IsNullOrEmpty(timespan)) body["Timespan"] = timespan;
        var json = await _graph.SendAsync<JsonElement>(HttpMethod.Post, _graph.Url("v1.0", "security/runHuntingQuery"), body, cancellationToken,
            retry: RetryMode.Repeatable /* a query changes nothing */).ConfigureAwait(false);
        return Parse(json);
    }

    /// <summary>An ISO 8601 duration ("P7D", "PT12H") for a TimeSpan, as Timespan expects.</summary>
    public static string Duration(TimeSpan span) => XmlConvert.ToString(span);

    /// <summary>"start/end" in UTC, either end optional (a start alone means "until now").</summary>
    public static string? Interval(DateTimeOffset? since, DateTimeOffset? until, TimeSpan? span)
    {
        string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (since.HasValue && until.HasValue) return Iso(since.Value) + "/" + Iso(until.Value);
        if (since.HasValue) return span.HasValue ? Iso(since.Value) + "/" + Duration(span.Value) : Iso(since.Value);
        if (until.HasValue) return Duration(span ?? TimeSpan.FromDays(30)) + "/" + Iso(until.Value);
        return span.HasValue ? Duration(span.Value) : null;
    }

    public static HuntingResult Parse(JsonElement root)
    {
        var schema = new List<HuntingColumn>();
        if (root.TryGetProperty("schema", out var columns) && columns.ValueKind == JsonValueKind.Array)
            foreach (var column in columns.EnumerateArray())
                schema.Add(new HuntingColumn(Member(column, "name") ?? "", Member(column, "type") ?? "String"));

        var rows = new List<object?[]>();
        if (root.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
            foreach (var row in results.EnumerateArray())
                rows.Add(schema.Select(c => row.TryGetProperty(c.Name, out var value) ? Convert(value, c.Type) : null).ToArray());
        return new HuntingResult { Schema = schema, Rows = rows };
    }

    // The CSDL spells the members name/type; one documentation example uses Name/Type.
    private static string? Member(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                return property.Value.GetString();
        return null;
    }

    /// <summary>A cell as the column's type: Int64/Int32 → long/int, Double → double, DateTime → UTC DateTime, TimeSpan, Boolean, Dynamic → arrays and dictionaries.</summary>
    public static object? Convert(JsonElement value, string? type)
    {
        if (value.ValueKind == JsonValueKind.Null || value.ValueKind == JsonValueKind.Undefined) return null;
        switch ((type ?? "").ToLowerInvariant())
        {
            case "int64":
            case "long":
                return value.ValueKind == JsonValueKind.Number ? value.GetInt64() : long.Parse(value.GetString(), CultureInfo.InvariantCulture);
            case "int32":
            case "int":
                return value.ValueKind == JsonValueKind.Number ? value.GetInt32() : int.Parse(value.GetString(), CultureInfo.InvariantCulture);
            case "double":
            case "real":
            case "decimal":
                return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.Parse(value.GetString(), CultureInfo.InvariantCulture);
            case "boolean":
            case "bool":
                return value.ValueKind == JsonValueKind.True || value.ValueKind == JsonValueKind.False ? value.GetBoolean() : bool.Parse(value.GetString());
            case "datetime":
                return DateTimeOffset.Parse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime;
            case "timespan":
                return TimeSpan.Parse(value.GetString(), CultureInfo.InvariantCulture);
            case "dynamic":
                return Dynamic(value);
            default:
                return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        }
    }

    private static object? Dynamic(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in value.EnumerateObject()) members[property.Name] = Dynamic(property.Value);
                return members;
            case JsonValueKind.Array: return value.EnumerateArray().Select(Dynamic).ToArray();
            case JsonValueKind.String: return value.GetString();
            case JsonValueKind.Number: return value.TryGetInt64(out var l) ? (object)l : value.GetDouble();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            default: return null;
        }
    }
}
