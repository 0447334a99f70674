using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Hunting.Kql;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Hunting;

/// <summary>POST /security/runHuntingQuery (v1.0 and beta): a KQL subset over tables derived from the tenant's alerts.</summary>
public static class HuntingEndpoints
{
    /// <summary>Hunting data covers the last 30 days; that is also the default window.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public static void Map(IEndpointRouteBuilder app, string version)
    {
        RequestDelegate handler = ctx => RunAsync(ctx, version);
        app.MapPost($"/{version}/security/runHuntingQuery", handler).Requires(Permissions.ThreatHunting);
        app.MapPost($"/{version}/security/microsoft.graph.security.runHuntingQuery", handler).Requires(Permissions.ThreatHunting);
    }

    private static async Task RunAsync(HttpContext ctx, string version)
    {
        var principal = ctx.Caller();
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        string query = null, timespan = null;
        foreach (var prop in body.EnumerateObject())
        {
            // The CSDL names are query/timespan; the docs write Query/Timespan. Both are accepted.
            if (prop.Name.Equals("query", StringComparison.OrdinalIgnoreCase)) query = Text(prop);
            else if (prop.Name.Equals("timespan", StringComparison.OrdinalIgnoreCase)) timespan = Text(prop);
            else throw GraphError.BadRequest($"The parameter '{prop.Name}' is not a parameter of 'runHuntingQuery'. Parameters: Query, Timespan.");
        }
        if (string.IsNullOrWhiteSpace(query)) throw GraphError.BadRequest("The parameter 'Query' is required and must not be empty.");

        var services = ctx.RequestServices;
        var now = services.GetRequiredService<EmulatorClock>().UtcNow;
        var (from, to) = Window(timespan, now);
        var alerts = services.GetRequiredService<AlertRepository>().For(principal.Tenant.Id).Snapshot();
        KqlTable result;
        try
        {
            var sources = services.GetServices<IHuntingTableSource>().ToList();
            result = new KqlEngine(name => HuntingTables.Build(name, alerts, from, to) ??
                sources.Select(s => s.Build(name, principal.Tenant.Id, from, to, now)).FirstOrDefault(t => t != null), now).Run(query);
        }
        catch (KqlException e)
        {
            throw GraphError.BadRequest(e.Message);
        }
        var limit = services.GetRequiredService<EmulatorOptions>().HuntingRowLimit;
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        await GraphResponse.WriteAsync(ctx, 200, w => Write(w, root, result, limit));
    }

    private static string Text(JsonProperty prop) => prop.Value.ValueKind switch
    {
        JsonValueKind.String => prop.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw GraphError.BadRequest($"The parameter '{prop.Name}' must be a string."),
    };

    /// <summary>huntingQueryResults: schema (name, type) then results; at most <paramref name="limit"/> rows.</summary>
    public static void Write(Utf8JsonWriter w, string root, KqlTable table, int limit)
    {
        w.WriteStartObject();
        w.WriteString("@odata.context", $"{root}/$metadata#microsoft.graph.security.huntingQueryResults");
        w.WriteStartArray("schema");
        foreach (var c in table.Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("type", c.Type.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("results");
        foreach (var row in table.Rows.Take(limit))
        {
            w.WriteStartObject();
            for (int i = 0; i < table.Columns.Count; i++)
            {
                w.WritePropertyName(table.Columns[i].Name);
                WriteValue(w, row[i]);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, object v)
    {
        switch (v)
        {
            case null: w.WriteNullValue(); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(d); break;
            case bool b: w.WriteBooleanValue(b); break;
            case JsonNode n: n.WriteTo(w); break;
            default: w.WriteStringValue(KqlValues.Format(v)); break;
        }
    }

    /// <summary>
    /// The time window of a Timespan value: "start/end", "duration/end", "start/duration", a plain
    /// ISO 8601 duration (back from now) or a single start time (up to now). Omitted: the last 30 days.
    /// Data older than 30 days is never returned.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(string timespan, DateTimeOffset now)
    {
        DateTimeOffset from = now - Retention, to = now;
        if (!string.IsNullOrWhiteSpace(timespan))
        {
            var parts = timespan.Split('/');
            if (parts.Length > 2) throw BadTimespan(timespan);
            if (parts.Length == 1)
            {
                if (TryDuration(parts[0], out var d)) from = now - d;
                else from = Instant(parts[0], timespan);
            }
            else if (TryDuration(parts[0], out var before))
            {
                to = Instant(parts[1], timespan);
                from = to - before;
            }
            else
            {
                from = Instant(parts[0], timespan);
                to = TryDuration(parts[1], out var after) ? from + after : Instant(parts[1], timespan);
            }
            if (to < from) throw GraphError.BadRequest($"The Timespan '{timespan}' ends before it starts.");
        }
        if (from < now - Retention) from = now - Retention;
        return (from, to);
    }

    private static bool TryDuration(string s, out TimeSpan d)
    {
        d = default;
        s = s.Trim();
        if (!s.StartsWith('P')) return false;
        try { d = XmlConvert.ToTimeSpan(s); return d >= TimeSpan.Zero; }
        catch (FormatException) { return false; }
    }

    private static DateTimeOffset Instant(string s, string whole) =>
        DateTimeOffset.TryParse(s.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)
            ? d.ToUniversalTime()
            : throw BadTimespan(whole);

    private static GraphError BadTimespan(string s) =>
        GraphError.BadRequest($"The Timespan '{s}' is not valid. Use an ISO 8601 duration (P7D), a start time, or start/end, duration/end, start/duration.");
}
