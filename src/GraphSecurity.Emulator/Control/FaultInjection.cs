using System.Text.RegularExpressions;
using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Control;

/// <summary>
/// One fault rule. <see cref="Route"/> is a glob on the request path (<c>*</c> = any characters, case-insensitive),
/// e.g. <c>/v1.0/security/alerts_v2*</c>. Per matching request one seeded random draw picks at most one of:
/// drop, throttle (429), error (<see cref="ErrorStatuses"/>), truncate, in that order of the rates; latency applies
/// to every matching request. <see cref="Retired"/> answers every matching request as a removed API does.
/// </summary>
public sealed class FaultRule
{
    public string Route { get; set; } = "*";
    /// <summary>HTTP methods the rule applies to; null or empty = all.</summary>
    public List<string> Methods { get; set; }
    public int LatencyMs { get; set; }
    public int JitterMs { get; set; }
    public double DropRate { get; set; }
    public double ThrottleRate { get; set; }
    public int RetryAfterSeconds { get; set; } = 1;
    public double ErrorRate { get; set; }
    public List<int> ErrorStatuses { get; set; } = new() { 500, 503, 504 };
    public double TruncateRate { get; set; }
    /// <summary>Every matching request gets the answer of a removed API (400 "Resource not found for the segment").</summary>
    public bool Retired { get; set; }
    /// <summary>The rule applies to this many matching requests, then to none (null: to all), e.g. 1 for "one 500".</summary>
    public int? Times { get; set; }

    /// <summary>The statuses <see cref="ErrorStatuses"/> may hold, each answered with Graph's body for it.</summary>
    public static readonly int[] AllowedErrorStatuses = { 400, 404, 410, 500, 502, 503, 504 };

    public void Validate()
    {
        var rates = new[] { DropRate, ThrottleRate, ErrorRate, TruncateRate };
        if (rates.Any(r => r < 0 || r > 1) || rates.Sum() > 1 + 1e-9)
            throw new ArgumentException($"Fault rule '{Route}': rates must be between 0 and 1 and add up to at most 1.");
        if (Times is < 0) throw new ArgumentException($"Fault rule '{Route}': times must not be negative.");
        if (LatencyMs < 0 || JitterMs < 0 || RetryAfterSeconds < 0)
            throw new ArgumentException($"Fault rule '{Route}': latencyMs, jitterMs and retryAfterSeconds must not be negative.");
        if (ErrorRate > 0 && (ErrorStatuses == null || ErrorStatuses.Count == 0 || ErrorStatuses.Any(s => !AllowedErrorStatuses.Contains(s))))
            throw new ArgumentException($"Fault rule '{Route}': errorStatuses may only hold {string.Join(", ", AllowedErrorStatuses)}.");
    }

    public bool Matches(HttpRequest request)
    {
        if (Methods is { Count: > 0 } && !Methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase)) return false;
        var pattern = "^" + string.Join(".*", (Route ?? "*").Split('*').Select(Regex.Escape)) + "$";
        return Regex.IsMatch(request.Path.Value ?? "", pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}

/// <summary>Fault injection configuration (config file key <c>faults</c>, control endpoint <c>/_emulator/faults</c>).</summary>
public sealed class FaultSettings
{
    /// <summary>Seed of the random draws; null = the emulator's data seed.</summary>
    public int? Seed { get; set; }
    public List<FaultRule> Rules { get; set; } = new();

    public void Validate()
    {
        Rules ??= new List<FaultRule>();
        foreach (var r in Rules) r.Validate();
    }
}

public enum FaultKind { None, Drop, Throttle, Error, Truncate, Retired }

/// <summary>Holds the active fault rules and draws their outcomes from one seeded random sequence.</summary>
public sealed class FaultInjector
{
    private readonly object _lock = new();
    private readonly int _defaultSeed;
    private FaultSettings _settings;
    private Random _random;

    public FaultInjector(Hosting.EmulatorOptions options)
    {
        _defaultSeed = options.Seed;
        Configure(options.Faults);
    }

    public FaultSettings Settings { get { lock (_lock) return _settings; } }

    /// <summary>Replaces the rules and restarts the random sequence, so the same rules and requests give the same faults.</summary>
    public void Configure(FaultSettings settings)
    {
        settings ??= new FaultSettings();
        settings.Validate();
        lock (_lock)
        {
            _settings = settings;
            _random = new Random(settings.Seed ?? _defaultSeed);
        }
    }

    /// <summary>The first rule matching the request and what it does to it.</summary>
    public (FaultRule Rule, FaultKind Kind, int Status, TimeSpan Delay) Draw(HttpRequest request)
    {
        lock (_lock)
        {
            var rule = _settings.Rules.FirstOrDefault(r => r.Times != 0 && r.Matches(request));
            if (rule == null) return (null, FaultKind.None, 0, TimeSpan.Zero);
            if (rule.Times.HasValue) rule.Times--;
            var delay = TimeSpan.FromMilliseconds(rule.LatencyMs + (rule.JitterMs > 0 ? _random.Next(rule.JitterMs + 1) : 0));
            if (rule.Retired) return (rule, FaultKind.Retired, 400, delay);
            var roll = _random.NextDouble();
            var kind = FaultKind.None;
            var status = 0;
            if ((roll -= rule.DropRate) < 0) kind = FaultKind.Drop;
            else if ((roll -= rule.ThrottleRate) < 0) (kind, status) = (FaultKind.Throttle, 429);
            else if ((roll -= rule.ErrorRate) < 0) (kind, status) = (FaultKind.Error, rule.ErrorStatuses[_random.Next(rule.ErrorStatuses.Count)]);
            else if (roll - rule.TruncateRate < 0) kind = FaultKind.Truncate;
            return (rule, kind, status, delay);
        }
    }
}

/// <summary>
/// Applies <see cref="FaultInjector"/> to every request outside <c>/_emulator/</c>: waits, aborts the connection,
/// answers 429/5xx with the real bodies, or sends only half of the real response before aborting.
/// </summary>
public sealed class FaultInjectionMiddleware
{
    private readonly RequestDelegate _next;
    public FaultInjectionMiddleware(RequestDelegate next) => _next = next;

    public async Task InvokeAsync(HttpContext context, FaultInjector faults)
    {
        if (ControlEndpoints.IsControlPath(context.Request.Path))
        {
            await _next(context);
            return;
        }
        var (rule, kind, status, delay) = faults.Draw(context.Request);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, context.RequestAborted);
        switch (kind)
        {
            case FaultKind.Drop:
                context.Abort();
                return;
            case FaultKind.Throttle:
            case FaultKind.Error:
                await WriteFaultAsync(context, status, rule.RetryAfterSeconds);
                return;
            case FaultKind.Truncate:
                await TruncatedAsync(context);
                return;
            case FaultKind.Retired:
                await RetiredApis.Answer(RetiredSegment(context.Request.Path)).WriteAsync(context);
                return;
            default:
                await _next(context);
                return;
        }
    }

    /// <summary>
    /// The real service's body for an injected status, in the shape of the API whose path it is, chosen by path
    /// root as the error middlewares choose it: Graph's on Graph paths, the other APIs' (Defender's with its
    /// <c>target</c>, ARM's on <c>/arm</c> and <c>/sentinel-ti</c>) on theirs, the token service's elsewhere.
    /// </summary>
    private static async Task WriteFaultAsync(HttpContext context, int status, int retryAfter)
    {
        var path = context.Request.Path;
        if (GraphErrorMiddleware.IsGraphPath(path) || ApiErrorMiddleware.IsApiPath(path))
        {
            var error = status switch
            {
                429 => GraphError.TooManyRequests(retryAfter),
                400 => GraphError.BadRequest("Invalid request."),
                404 => GraphError.NotFound("The requested resource does not exist."),
                410 => new GraphError(410, "Gone", "The requested resource is no longer available."),
                502 => new GraphError(502, "BadGateway", "The gateway did not receive a valid response."),
                503 => new GraphError(503, "ServiceNotAvailable", "The service is temporarily unavailable. Please retry later.") { RetryAfterSeconds = retryAfter },
                504 => new GraphError(504, "GatewayTimeout", "The operation timed out."),
                _ => new GraphError(500, "UnknownError", ""),
            };
            await (GraphErrorMiddleware.IsGraphPath(path) ? error.WriteAsync(context) : ApiError.From(error).WriteAsync(context));
            return;
        }
        var aad = status switch
        {
            429 => new AadError(429, "temporarily_unavailable", 50196, "The server terminated an operation because it encountered a client request loop. Please retry later."),
            503 or 504 => new AadError(status, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again."),
            < 500 => new AadError(status, "invalid_request", 90023, "The request is not valid."),
            _ => new AadError(status, "server_error", 90033, "A transient error has occurred. Please try again."),
        };
        if (status is 429 or 503) context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await aad.WriteAsync(context, Identity.TokenEndpoint.BaseUrl(context.Request));
    }

    /// <summary>The segment a retired API names in its answer: the collection after "security/", else the last segment.</summary>
    private static string RetiredSegment(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var security = Array.FindIndex(segments, s => string.Equals(s, "security", StringComparison.OrdinalIgnoreCase));
        return security >= 0 && security + 1 < segments.Length ? segments[security + 1] : segments.LastOrDefault() ?? "";
    }

    /// <summary>Runs the request into a buffer, announces the full length, sends the first half and aborts.</summary>
    private async Task TruncatedAsync(HttpContext context)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await _next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        context.Response.ContentLength = buffer.Length;
        await original.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)(buffer.Length / 2)));
        await original.FlushAsync();
        context.Abort();
    }
}
