using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Errors;

/// <summary>
/// An error of the APIs other than Graph, in their shared shape <c>{"error":{"code","message"}}</c>;
/// Defender for Endpoint adds <c>target</c>, a correlation id per request (successor-apis.md §1.10).
/// Thrown from handlers and rendered by <see cref="ApiErrorMiddleware"/>.
/// </summary>
public sealed class ApiError : Exception
{
    public ApiError(int status, string code, string message) : base(message)
    {
        Status = status;
        Code = code;
    }

    public int Status { get; }
    public string Code { get; }
    /// <summary>Sets the <c>Retry-After</c> header (seconds).</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);
    public static ApiError NotFound(string message) => new(404, "NotFound", message);
    public static ApiError Forbidden(string message) => new(403, "Forbidden", message);

    /// <summary>A Graph error in these APIs' shape: shared code (the permission check, query parsing, fault injection) speaks Graph.</summary>
    public static ApiError From(GraphError e) => new(e.Status, e.Status == 403 ? "Forbidden" : e.Code, e.Message) { RetryAfterSeconds = e.RetryAfterSeconds };

    public async Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = Status;
        response.ContentType = "application/json; charset=utf-8";
        // Azure Core services (Logs Ingestion) repeat the code in a header.
        if (context.Request.Path.StartsWithSegments(ApiResources.LogsIngestion.PathRoot)) response.Headers["x-ms-error-code"] = Code;
        if (RetryAfterSeconds != null) response.Headers.RetryAfter = RetryAfterSeconds.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var error = new Dictionary<string, object> { ["code"] = Code, ["message"] = Message };
        if (context.Request.Path.StartsWithSegments(ApiResources.DefenderForEndpoint.PathRoot)) error["target"] = response.Headers["x-ms-request-id"].ToString();
        await response.WriteAsync(JsonSerializer.Serialize(new { error }));
    }
}

/// <summary>
/// Wraps the routes of the APIs other than Graph: stamps a request id and turns <see cref="ApiError"/>
/// (and unexpected exceptions) into their error bodies.
/// </summary>
public sealed class ApiErrorMiddleware
{
    private readonly RequestDelegate _next;
    public ApiErrorMiddleware(RequestDelegate next) => _next = next;

    public static bool IsApiPath(PathString path) =>
        ApiResources.All.Any(a => a.PathRoot.Length > 0 && path.StartsWithSegments(a.PathRoot)) || path.StartsWithSegments(ApiResources.SentinelPathRoot);

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsApiPath(context.Request.Path))
        {
            await _next(context);
            return;
        }
        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        try
        {
            await _next(context);
        }
        catch (ApiError e) when (!context.Response.HasStarted)
        {
            await e.WriteAsync(context);
        }
        catch (GraphError e) when (!context.Response.HasStarted)
        {
            await ApiError.From(e).WriteAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is JsonException or BadHttpRequestException)
        {
            await ApiError.BadRequest("The request body is not valid: " + e.Message).WriteAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            await new ApiError(500, "InternalServerError", "An unexpected error occurred in the emulator.").WriteAsync(context);
        }
    }
}
