using System.Text;
using System.Text.Json;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Batch;

/// <summary>
/// Runs a request through the emulator's own middleware pipeline in-process, so a batch item gets
/// exactly what the same request sent on its own would get: authentication, roles, routing, error
/// bodies, and any middleware added to the pipeline (fault injection, throttling) applies per item.
/// </summary>
public sealed class SubRequestDispatcher
{
    private RequestDelegate _pipeline;
    private readonly IServiceProvider _services;

    public SubRequestDispatcher(IServiceProvider services) => _services = services;

    /// <summary>Set once by <c>EmulatorApp.Build</c> after every middleware and route is registered.</summary>
    public void Attach(RequestDelegate pipeline) => _pipeline = pipeline;

    /// <summary><paramref name="Aborted"/>: the pipeline aborted the item (an injected drop or truncation).</summary>
    public sealed record Result(int Status, IHeaderDictionary Headers, byte[] Body, bool Aborted = false);

    /// <summary>Records an abort instead of closing a connection: an item has none of its own.</summary>
    private sealed class ItemLifetime : Microsoft.AspNetCore.Http.Features.IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted { get; set; }
        public bool Aborted { get; private set; }
        public void Abort() => Aborted = true;
    }

    public async Task<Result> SendAsync(HttpContext outer, string method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, byte[] body)
    {
        var q = pathAndQuery.IndexOf('?');
        await using var scope = _services.CreateAsyncScope();
        var ctx = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var lifetime = new ItemLifetime { RequestAborted = outer.RequestAborted };
        ctx.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestLifetimeFeature>(lifetime);
        ctx.Request.Method = method;
        ctx.Request.Scheme = outer.Request.Scheme;
        ctx.Request.Host = outer.Request.Host;
        ctx.Request.Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        ctx.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(pathAndQuery[q..]);
        // Batch items run with the caller's identity: the outer Authorization header applies to every item.
        if (outer.Request.Headers.Authorization.Count > 0) ctx.Request.Headers.Authorization = outer.Request.Headers.Authorization;
        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase)) continue;
            ctx.Request.Headers.Append(name, value);
        }
        ctx.Request.Body = new MemoryStream(body ?? Array.Empty<byte>());
        if (body != null) ctx.Request.ContentLength = body.Length;
        var responseBody = new MemoryStream();
        ctx.Response.Body = responseBody;
        await _pipeline(ctx);
        return new Result(ctx.Response.StatusCode, ctx.Response.Headers, responseBody.ToArray(), lifetime.Aborted);
    }
}

/// <summary>POST /{version}/$batch: JSON batching (reference §9.4).</summary>
public static class BatchEndpoint
{
    public const int MaxRequests = 20;

    /// <summary>Response headers that describe the outer HTTP exchange, not the item, and are left out of item headers.</summary>
    private static readonly HashSet<string> ExchangeHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "request-id", "client-request-id", "x-ms-ags-diagnostic", "Strict-Transport-Security", "Content-Length",
    };

    private sealed record Item(string Id, string Method, string Url, List<KeyValuePair<string, string>> Headers, byte[] Body, List<string> DependsOn);

    public static void Map(IEndpointRouteBuilder app, string version) =>
        app.MapPost($"/{version}/$batch", (HttpContext ctx, SubRequestDispatcher dispatcher) => HandleAsync(ctx, dispatcher, version))
            .Requires(Permissions.GraphCaller); // each item is authorized on its own, as a request of its own

    private static async Task HandleAsync(HttpContext ctx, SubRequestDispatcher dispatcher, string version)
    {
        var items = Parse(await GraphRequest.ReadJsonObjectAsync(ctx));

        // Items without dependsOn start at once; an item with dependsOn waits for its prerequisites
        // (which must come earlier in the list) and gets 424 if any of them did not succeed.
        var tasks = new Dictionary<string, Task<SubRequestDispatcher.Result>>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
            tasks[item.Id] = RunAsync(ctx, dispatcher, version, item, item.DependsOn.Select(d => tasks[d]).ToList());
        await Task.WhenAll(tasks.Values);

        await GraphResponse.WriteAsync(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("responses");
            foreach (var item in items) WriteItem(w, item.Id, tasks[item.Id].Result);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<SubRequestDispatcher.Result> RunAsync(HttpContext ctx, SubRequestDispatcher dispatcher, string version, Item item,
        List<Task<SubRequestDispatcher.Result>> prerequisites)
    {
        var results = await Task.WhenAll(prerequisites);
        if (results.Any(r => r.Status is < 200 or > 299))
            return ErrorResult(424, "FailedDependency", $"The request was not executed because a request it depends on ({string.Join(", ", item.DependsOn)}) failed.");
        var url = item.Url;
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http")) url = absolute.PathAndQuery;
        if (!url.StartsWith('/')) url = "/" + url;
        if (!url.StartsWith("/v1.0/", StringComparison.Ordinal) && !url.StartsWith("/beta/", StringComparison.Ordinal)) url = $"/{version}{url}";
        if (url.Contains("/$batch", StringComparison.OrdinalIgnoreCase))
            return ErrorResult(400, "BadRequest", "A batch request cannot contain another $batch request.");
        var result = await dispatcher.SendAsync(ctx, item.Method, url, item.Headers, item.Body);
        // A dropped or truncated item has no usable response; the batch reports it as the gateway would.
        return result.Aborted ? ErrorResult(504, "GatewayTimeout", "The request was aborted before a complete response was received.") : result;
    }

    private static SubRequestDispatcher.Result ErrorResult(int status, string code, string message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { error = new { code, message } });
        var headers = new HeaderDictionary { ["Content-Type"] = GraphHeaders.ContentType };
        return new SubRequestDispatcher.Result(status, headers, body);
    }

    private static void WriteItem(Utf8JsonWriter w, string id, SubRequestDispatcher.Result r)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteNumber("status", r.Status);
        w.WriteStartObject("headers");
        foreach (var (name, value) in r.Headers)
            if (!ExchangeHeaders.Contains(name)) w.WriteString(name, value.ToString());
        w.WriteEndObject();
        if (r.Body.Length > 0)
        {
            w.WritePropertyName("body");
            var contentType = r.Headers.ContentType.ToString();
            if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                using (var doc = JsonDocument.Parse(r.Body)) doc.RootElement.WriteTo(w);
            else
                w.WriteStringValue(Convert.ToBase64String(r.Body)); // non-JSON bodies are base64, as on Graph
        }
        w.WriteEndObject();
    }

    /// <summary>Validates the whole batch first: any malformed item makes the batch a 400.</summary>
    private static List<Item> Parse(JsonElement root)
    {
        if (!root.TryGetProperty("requests", out var requests) || requests.ValueKind != JsonValueKind.Array)
            throw GraphError.BadRequest("Invalid batch payload format: the body must be {\"requests\": [...]}.");
        var count = requests.GetArrayLength();
        if (count == 0) throw GraphError.BadRequest("Invalid batch payload format: 'requests' is empty.");
        if (count > MaxRequests)
            throw GraphError.BadRequest($"The batch request contains {count} requests; at most {MaxRequests} are allowed.");
        var items = new List<Item>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in requests.EnumerateArray())
        {
            if (r.ValueKind != JsonValueKind.Object) throw GraphError.BadRequest("Invalid batch payload format: every request must be a JSON object.");
            string Text(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString().Length > 0
                ? v.GetString()
                : throw GraphError.BadRequest($"Invalid batch payload format: every request needs a non-empty '{name}'.");
            var id = Text("id");
            if (!seen.Add(id)) throw GraphError.BadRequest($"Batch request ids must be unique; '{id}' is used more than once (ids are compared case-insensitively).");
            var method = Text("method").ToUpperInvariant();
            var url = Text("url");

            var headers = new List<KeyValuePair<string, string>>();
            if (r.TryGetProperty("headers", out var h) && h.ValueKind != JsonValueKind.Null)
            {
                if (h.ValueKind != JsonValueKind.Object) throw GraphError.BadRequest($"Request '{id}': 'headers' must be an object.");
                foreach (var p in h.EnumerateObject())
                    headers.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()));
            }
            byte[] body = null;
            if (r.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null)
            {
                var contentType = headers.FirstOrDefault(x => string.Equals(x.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
                if (string.IsNullOrEmpty(contentType))
                    throw GraphError.BadRequest($"Request '{id}': a request with a body must have a 'Content-Type' header.");
                body = b.ValueKind == JsonValueKind.String && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
                    ? DecodeBase64(b.GetString(), id)
                    : Encoding.UTF8.GetBytes(b.GetRawText());
            }
            var dependsOn = new List<string>();
            if (r.TryGetProperty("dependsOn", out var d) && d.ValueKind != JsonValueKind.Null)
            {
                if (d.ValueKind != JsonValueKind.Array || d.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
                    throw GraphError.BadRequest($"Request '{id}': 'dependsOn' must be an array of request ids.");
                foreach (var dep in d.EnumerateArray().Select(x => x.GetString()))
                {
                    var earlier = items.FirstOrDefault(i => string.Equals(i.Id, dep, StringComparison.OrdinalIgnoreCase))
                        ?? throw GraphError.BadRequest($"Request '{id}' depends on '{dep}', which is not an earlier request in the batch.");
                    dependsOn.Add(earlier.Id);
                }
            }
            items.Add(new Item(id, method, url, headers, body, dependsOn));
        }
        return items;
    }

    private static byte[] DecodeBase64(string text, string id)
    {
        try { return Convert.FromBase64String(text); }
        catch (FormatException) { throw GraphError.BadRequest($"Request '{id}': a string body must be base64 unless Content-Type is JSON."); }
    }
}
