using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using GraphSecurity.Emulator.Errors;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Control;

/// <summary>One throttling bucket: <see cref="Requests"/> per <see cref="WindowSeconds"/>, optionally a concurrency cap.</summary>
public sealed class ThrottleLimit
{
    public int Requests { get; set; }
    public int WindowSeconds { get; set; } = 60;
    /// <summary>Most requests of one app+tenant in flight at once; null = no cap.</summary>
    public int? Concurrency { get; set; }
}

/// <summary>Throttling configuration (config file key <c>throttling</c>, control endpoint <c>/_emulator/throttling</c>).</summary>
public sealed class ThrottleSettings
{
    /// <summary>Off by default so tests and demos are never throttled by accident.</summary>
    public bool Enabled { get; set; }
    /// <summary>Windows and Retry-After values are divided by this factor (60 turns a minute into a second).</summary>
    public double TimeScale { get; set; } = 1;
    public Dictionary<string, ThrottleLimit> Buckets { get; set; } = Defaults();

    /// <summary>The reference's limits (§9.3) per app per tenant.</summary>
    public static Dictionary<string, ThrottleLimit> Defaults() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["alerts"] = new() { Requests = 150 },
        ["alerts_v2"] = new() { Requests = 150 },
        ["incidents"] = new() { Requests = 150 },
        ["securityActions"] = new() { Requests = 150 },
        ["secureScore"] = new() { Requests = 150, Concurrency = 4 },
        ["tiIndicators"] = new() { Requests = 1000 },
        ["hunting"] = new() { Requests = 45 },
    };

    /// <summary>These settings with every bucket they do not name taken from <see cref="Defaults"/>; validated.</summary>
    public ThrottleSettings MergedOverDefaults()
    {
        if (!(TimeScale > 0)) throw new ArgumentException("Throttling: 'timeScale' must be greater than 0.");
        var merged = Defaults();
        foreach (var (name, limit) in Buckets ?? new())
        {
            if (!merged.ContainsKey(name))
                throw new ArgumentException($"Throttling: unknown bucket '{name}'. Known buckets: {string.Join(", ", merged.Keys)}.");
            if (limit.Requests <= 0 || limit.WindowSeconds <= 0 || limit.Concurrency <= 0)
                throw new ArgumentException($"Throttling: bucket '{name}' needs positive 'requests', 'windowSeconds' and 'concurrency'.");
            merged[name] = limit;
        }
        return new ThrottleSettings { Enabled = Enabled, TimeScale = TimeScale, Buckets = merged };
    }
}

/// <summary>The outcome of <see cref="ThrottleService.TryEnter"/>. Dispose it when the request has finished (releases the concurrency slot).</summary>
public sealed class ThrottleDecision : IDisposable
{
    public static readonly ThrottleDecision Unthrottled = new(true, 0, null);
    private Action _release;

    public bool Allowed { get; }
    public int RetryAfterSeconds { get; }

    public ThrottleDecision(bool allowed, int retryAfterSeconds, Action release)
    {
        Allowed = allowed;
        RetryAfterSeconds = retryAfterSeconds;
        _release = release;
    }

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}

/// <summary>
/// Per app + tenant + bucket throttling with fixed windows that start at the bucket's first request.
/// Used by <see cref="ThrottlingMiddleware"/>, which also runs for every <c>$batch</c> item (the batch
/// dispatcher sends items through the whole pipeline).
/// </summary>
public sealed class ThrottleService
{
    private static readonly Regex Resource = new(
        @"^/(?:v1\.0|beta)/security/(alerts_v2|alerts|incidents|securityActions|secureScores|secureScoreControlProfiles|tiIndicators|runHuntingQuery)(?=/|\(|\?|$)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private sealed class Window
    {
        public DateTimeOffset Start;
        public int Count;
        public int InFlight;
    }

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Window> _windows = new();
    private volatile ThrottleSettings _settings;

    public ThrottleService(Hosting.EmulatorOptions options, TimeProvider time)
    {
        _time = time;
        _settings = options.Throttling.MergedOverDefaults();
    }

    public ThrottleSettings Settings => _settings;

    /// <summary>Replaces the settings and forgets every window.</summary>
    public void Configure(ThrottleSettings settings)
    {
        _settings = settings.MergedOverDefaults();
        _windows.Clear();
    }

    public void Reset() => _windows.Clear();

    /// <summary>The bucket a Graph path belongs to (e.g. <c>/v1.0/security/incidents/7</c> → incidents), or null.</summary>
    public static string Classify(string path)
    {
        var m = Resource.Match(path ?? "");
        if (!m.Success) return null;
        var name = m.Groups[1].Value.ToLowerInvariant();
        return name switch
        {
            "securescores" or "securescorecontrolprofiles" => "secureScore",
            "runhuntingquery" => "hunting",
            "securityactions" => "securityActions",
            "tiindicators" => "tiIndicators",
            _ => name,
        };
    }

    /// <summary>
    /// Counts one request of <paramref name="appId"/> in <paramref name="tenantId"/> to <paramref name="path"/>
    /// (a Graph path with its version, e.g. <c>/v1.0/security/alerts_v2?$top=5</c>). Paths outside every bucket,
    /// and everything while throttling is disabled, are allowed.
    /// </summary>
    public ThrottleDecision TryEnter(string tenantId, string appId, string path)
    {
        var settings = _settings;
        var bucket = Classify(path);
        if (!settings.Enabled || bucket == null || tenantId == null || appId == null) return ThrottleDecision.Unthrottled;
        var limit = settings.Buckets[bucket];
        var window = _windows.GetOrAdd($"{tenantId}|{appId}|{bucket}".ToLowerInvariant(), _ => new Window { Start = _time.GetUtcNow() });
        var length = TimeSpan.FromSeconds(limit.WindowSeconds / settings.TimeScale);
        lock (window)
        {
            var now = _time.GetUtcNow();
            if (now >= window.Start + length)
            {
                window.Start = now;
                window.Count = 0;
            }
            // Throttled requests count too, as on the real service.
            window.Count++;
            if (window.Count > limit.Requests)
                return new ThrottleDecision(false, Math.Max(1, (int)Math.Ceiling((window.Start + length - now).TotalSeconds)), null);
            if (limit.Concurrency is int cap)
            {
                if (window.InFlight >= cap) return new ThrottleDecision(false, 1, null);
                window.InFlight++;
                return new ThrottleDecision(true, 0, () => { lock (window) window.InFlight--; });
            }
            return ThrottleDecision.Unthrottled;
        }
    }

    /// <summary>Tenant and app id from a bearer token, read without validation (the endpoint validates it later).</summary>
    public static (string TenantId, string AppId) Caller(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return (null, null);
        try
        {
            var jwt = new JsonWebToken(header[7..].Trim());
            jwt.TryGetPayloadValue("tid", out string tid);
            jwt.TryGetPayloadValue("appid", out string appId);
            return (tid, appId);
        }
        catch (ArgumentException)
        {
            return (null, null);
        }
    }
}

/// <summary>Answers 429 + Retry-After for Graph requests over their bucket's limit (see <see cref="ThrottleService"/>).</summary>
public sealed class ThrottlingMiddleware
{
    private readonly RequestDelegate _next;
    public ThrottlingMiddleware(RequestDelegate next) => _next = next;

    public async Task InvokeAsync(HttpContext context, ThrottleService throttle)
    {
        var (tenantId, appId) = ThrottleService.Caller(context.Request);
        using var decision = throttle.TryEnter(tenantId, appId, context.Request.Path);
        if (!decision.Allowed) throw GraphError.TooManyRequests(decision.RetryAfterSeconds);
        await _next(context);
    }
}
