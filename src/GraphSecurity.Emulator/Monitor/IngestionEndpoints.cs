using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Monitor;

/// <summary>
/// The Logs Ingestion API (provider-and-correlation.md §1.4 B):
/// <c>POST /ingest/dataCollectionRules/{dcrImmutableId}/streams/{streamName}?api-version=2023-01-01</c> with a
/// token for https://monitor.azure.com, a JSON array of rows (gzip optional), 204 when they were taken.
/// Errors in the Azure Core shape with <c>x-ms-error-code</c>.
/// </summary>
public static class IngestionEndpoints
{
    public const int MaxBody = 1_048_576;
    /// <summary>A field value above 64 KB is cut to it, as the service does.</summary>
    public const int MaxFieldChars = 64 * 1024;
    /// <summary>A gzip body may not inflate beyond this (not a documented limit: it keeps a hostile body from exhausting memory).</summary>
    public const int MaxInflated = 64 * 1024 * 1024;
    public static readonly string[] ApiVersions = { "2023-01-01", "2021-11-01-preview" };

    /// <summary>Any valid Logs Ingestion token: Monitoring Metrics Publisher on the rule is checked by the route.</summary>
    public static readonly Permission IngestionCaller = new(ApiResources.LogsIngestion, null);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(ApiResources.LogsIngestion.PathRoot + "/dataCollectionRules/{dcrImmutableId}/streams/{streamName}",
            (HttpContext ctx, string dcrImmutableId, string streamName) => IngestAsync(ctx, dcrImmutableId, streamName)).Requires(IngestionCaller);

    private static async Task<IResult> IngestAsync(HttpContext ctx, string immutableId, string streamName)
    {
        var services = ctx.RequestServices;
        var store = services.GetRequiredService<IngestionStore>();
        var now = services.GetRequiredService<EmulatorClock>().UtcNow;
        var gzip = string.Equals(ctx.Request.Headers.ContentEncoding.ToString().Trim(), "gzip", StringComparison.OrdinalIgnoreCase);
        long sent = ctx.Request.ContentLength ?? 0;
        int rows = 0;
        try
        {
            var version = ctx.Request.Query["api-version"].ToString();
            if (!ApiVersions.Contains(version))
                throw new ApiError(400, "UnsupportedApiVersion", $"The api-version '{version}' is not supported. Supported versions: {string.Join(", ", ApiVersions)}.");
            var caller = ctx.Caller();
            var rule = services.GetRequiredService<List<DataCollectionRule>>().FirstOrDefault(r => string.Equals(r.ImmutableId, immutableId, StringComparison.OrdinalIgnoreCase))
                ?? throw new ApiError(404, "NotFound", $"Data collection rule with immutable Id '{immutableId}' not found.");
            if (!rule.MayPublish(caller))
                throw new ApiError(403, "OperationFailed",
                    $"The authentication token provided does not have access to ingest data for the data collection rule with immutable Id '{immutableId}'. " +
                    $"The caller needs the '{DataCollectionRule.PublisherRole}' role on the rule.");
            var body = await ReadBodyAsync(ctx);
            sent = body.Length;
            if (services.GetRequiredService<IngestionLimiter>().TryEnter(rule.ImmutableId, sent) is int wait)
                throw new ApiError(429, "TooManyRequests", $"The data collection rule '{immutableId}' is over its limit of requests or bytes a minute. Retry after {wait} seconds.")
                { RetryAfterSeconds = wait };
            var stream = rule.Stream(streamName)
                ?? throw new ApiError(404, "InvalidStream", $"The stream '{streamName}' is not declared by the data collection rule '{immutableId}'. Declared: {string.Join(", ", rule.Streams.Keys)}.");
            var parsed = Parse(gzip ? Inflate(body) : body, stream);
            rows = parsed.Count;
            store.Append(rule.TenantId, stream.OutputTable, parsed, now);
            store.Log(new IngestRequestRecord(immutableId, streamName, 204, sent, gzip, rows, now));
            return Results.NoContent();
        }
        catch (ApiError e)
        {
            store.Log(new IngestRequestRecord(immutableId, streamName, e.Status, sent, gzip, 0, now));
            throw;
        }
    }

    /// <summary>The body as sent (compressed or not), refused with 413 above 1 MB before more of it is read.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxBody) throw TooLarge(ctx.Request.ContentLength.Value);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBody) throw TooLarge(buffer.Length);
        }
        return buffer.ToArray();
    }

    private static ApiError TooLarge(long size) =>
        new(413, "ContentLengthLimitExceeded", $"Maximum allowed content length: {MaxBody} bytes. Provided content length: {size} bytes.");

    private static byte[] Inflate(byte[] body)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = gzip.Read(chunk, 0, chunk.Length)) > 0)
            {
                output.Write(chunk, 0, n);
                if (output.Length > MaxInflated) throw ApiError.BadRequest($"The gzip body inflates beyond {MaxInflated} bytes.");
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw ApiError.BadRequest("The body is marked 'Content-Encoding: gzip' but is not valid gzip data: " + e.Message);
        }
    }

    /// <summary>
    /// The rows of a JSON array, each as values in the stream's column order. Every row needs TimeGenerated and
    /// values of the declared types; a column the stream does not declare is dropped (the transform never sees it).
    /// One bad row refuses the whole request.
    /// </summary>
    public static List<object[]> Parse(byte[] json, IngestStream stream)
    {
        JsonNode root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw ApiError.BadRequest("The body is not valid JSON: " + e.Message); }
        if (root is not JsonArray array) throw ApiError.BadRequest("The body must be a JSON array of objects, one per row.");
        var rows = new List<object[]>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject item) throw ApiError.BadRequest($"Row {i} is not a JSON object.");
            var values = new object[stream.Columns.Count];
            foreach (var (name, value) in item)
            {
                var at = stream.IndexOf(name);
                if (at < 0) continue;
                values[at] = Convert(value, stream.Columns[at], i);
            }
            var time = stream.IndexOf("TimeGenerated");
            if (values[time] == null) throw ApiError.BadRequest($"Row {i} has no TimeGenerated; every row needs one (a datetime).");
            rows.Add(values);
        }
        return rows;
    }

    private static object Convert(JsonNode value, IngestColumn column, int row)
    {
        if (value == null) return null;
        var kind = value.GetValueKind();
        ApiError Wrong() => ApiError.BadRequest($"Row {row}: the value of '{column.Name}' is not of its column's type '{column.Type}'.");
        switch (column.Type)
        {
            case "string":
                if (kind != JsonValueKind.String) throw Wrong();
                var text = value.GetValue<string>();
                return text.Length > MaxFieldChars ? text[..MaxFieldChars] : text;
            case "int":
            case "long":
                if (kind != JsonValueKind.Number || !((JsonValue)value).TryGetValue(out long l)) throw Wrong();
                if (column.Type == "int" && l is < int.MinValue or > int.MaxValue) throw Wrong();
                return l;
            case "real":
                if (kind != JsonValueKind.Number) throw Wrong();
                return value.GetValue<double>();
            case "boolean":
                if (kind is not (JsonValueKind.True or JsonValueKind.False)) throw Wrong();
                return value.GetValue<bool>();
            case "datetime":
                if (kind != JsonValueKind.String || !DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) throw Wrong();
                return t.ToUniversalTime();
            case "guid":
                if (kind != JsonValueKind.String || !Guid.TryParse(value.GetValue<string>(), out var g)) throw Wrong();
                return g.ToString();
            default:
                return value.DeepClone();
        }
    }
}
