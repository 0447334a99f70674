using System.Text.Json;

namespace GraphSecurity.Emulator.Errors;

/// <summary>
/// A Microsoft Graph error in the OData v4 shape:
/// {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.
/// Thrown from handlers and rendered by <see cref="GraphErrorMiddleware"/>.
/// </summary>
public sealed class GraphError : Exception
{
    public int Status { get; }
    public string Code { get; }
    /// <summary>When true, an empty "details" array is emitted (the OData query validator's shape).</summary>
    public bool WithDetails { get; init; }
    public string WwwAuthenticate { get; init; }
    /// <summary>Sets the <c>Retry-After</c> header (seconds).</summary>
    public int? RetryAfterSeconds { get; init; }
    /// <summary>When set, innerError also carries <c>code</c> and <c>status</c> (the HTTP status as a string) and this <c>message</c> (the throttling shape).</summary>
    public string InnerMessage { get; init; }

    public GraphError(int status, string code, string message) : base(message)
    {
        Status = status;
        Code = code;
    }

    public const string WwwAuthenticateValue =
        "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"";

    public static GraphError BadRequest(string message) => new(400, "BadRequest", message);

    public static GraphError Unauthorized(string message) =>
        new(401, "InvalidAuthenticationToken", message) { WwwAuthenticate = WwwAuthenticateValue };

    public static GraphError Forbidden(string message) => new(403, "Forbidden", message);

    public static GraphError NotFound(string message) => new(404, "NotFound", message);

    /// <summary>429 in the shape of Microsoft's throttling documentation.</summary>
    public static GraphError TooManyRequests(int retryAfterSeconds) =>
        new(429, "TooManyRequests", "Please retry again later.") { RetryAfterSeconds = retryAfterSeconds, InnerMessage = "Please retry after" };

    public static GraphError MethodNotAllowed() =>
        new(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");

    public async Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = Status;
        GraphHeaders.ApplyContentType(response);
        if (WwwAuthenticate != null) response.Headers.WWWAuthenticate = WwwAuthenticate;
        if (RetryAfterSeconds != null) response.Headers.RetryAfter = RetryAfterSeconds.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var requestId = response.Headers["request-id"].ToString();
        var clientRequestId = response.Headers["client-request-id"].ToString();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", Code);
            w.WriteString("message", Message);
            if (WithDetails)
            {
                w.WriteStartArray("details");
                w.WriteEndArray();
            }
            w.WriteStartObject("innerError");
            if (InnerMessage != null)
            {
                w.WriteString("code", Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("message", InnerMessage);
                w.WriteString("status", Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            w.WriteString("date", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss"));
            w.WriteString("request-id", requestId);
            w.WriteString("client-request-id", clientRequestId);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        await response.Body.WriteAsync(buffer.ToArray());
    }
}

/// <summary>Headers every Graph response carries.</summary>
public static class GraphHeaders
{
    public const string ContentType =
        "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    public const string Diagnostic =
        "{\"ServerInfo\":{\"DataCenter\":\"Emulator\",\"Slice\":\"E\",\"Ring\":\"0\",\"ScaleUnit\":\"000\",\"RoleInstance\":\"EMULATOR\"}}";

    public static void ApplyContentType(HttpResponse response) => response.ContentType = ContentType;

    public static void Apply(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var clientRequestId = context.Request.Headers["client-request-id"].ToString();
        if (string.IsNullOrWhiteSpace(clientRequestId)) clientRequestId = requestId;
        var h = context.Response.Headers;
        h["request-id"] = requestId;
        h["client-request-id"] = clientRequestId;
        h["OData-Version"] = "4.0";
        h.CacheControl = "no-cache";
        h["x-ms-ags-diagnostic"] = Diagnostic;
        h["Strict-Transport-Security"] = "max-age=31536000";
    }
}

/// <summary>
/// Wraps every Graph route (/v1.0, /beta): stamps the standard headers and turns
/// <see cref="GraphError"/> (and unexpected exceptions) into Graph error bodies.
/// </summary>
public sealed class GraphErrorMiddleware
{
    private readonly RequestDelegate _next;
    public GraphErrorMiddleware(RequestDelegate next) => _next = next;

    public static bool IsGraphPath(PathString path) =>
        path.StartsWithSegments("/v1.0") || path.StartsWithSegments("/beta");

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsGraphPath(context.Request.Path))
        {
            await _next(context);
            return;
        }
        GraphHeaders.Apply(context);
        try
        {
            await _next(context);
            if (context.Response.StatusCode == 405 && !context.Response.HasStarted)
                await GraphError.MethodNotAllowed().WriteAsync(context);
        }
        catch (GraphError e) when (!context.Response.HasStarted)
        {
            await e.WriteAsync(context);
        }
        catch (JsonException e) when (!context.Response.HasStarted)
        {
            await GraphError.BadRequest("Invalid JSON in request body: " + e.Message).WriteAsync(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await GraphError.BadRequest(e.Message).WriteAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            await new GraphError(500, "UnknownError", "An unexpected error occurred in the emulator.").WriteAsync(context);
        }
    }
}
