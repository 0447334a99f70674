using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Identity;
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

/// <summary>Who a <see cref="RateLimit"/> counts apart.</summary>
public enum RateLimitKey
{
    /// <summary>Each app in each tenant, as Graph's buckets.</summary>
    AppPerTenant,
    /// <summary>Each caller in each tenant: the signed-in user for delegated tokens, else the app.</summary>
    Caller,
}

/// <summary>
/// A named limit of an API outside Graph's buckets (e.g. <c>defender.submit</c>): every window a request must
/// stay within, counted per <see cref="Key"/>. Declared by the API's module, held and counted by <see cref="ThrottleService"/>.
/// </summary>
public sealed record RateLimit(string Name, IReadOnlyList<ThrottleLimit> Windows, RateLimitKey Key)
{
    public string KeyOf(CallerPrincipal caller) => Key switch
    {
        RateLimitKey.Caller => $"{caller.Tenant.Id}|{(caller.IsDelegated ? caller.UserPrincipalName : caller.AppId)}",
        _ => $"{caller.Tenant.Id}|{caller.AppId}",
    };
}

/// <summary>A request a <see cref="RateLimit"/> refused: the full window that refused it and the seconds until it has room.</summary>
public sealed record RateLimitRefusal(RateLimit Limit, ThrottleLimit Window, int RetryAfterSeconds);

/// <summary>The outcome of <see cref="ThrottleService.TryEnter(string, string, string)"/>. Dispose it when the request has finished (releases the concurrency slot).</summary>
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
/// Every rate limit of the emulator, with fixed windows that start at their first request: Graph's buckets
/// per app + tenant (used by <see cref="ThrottlingMiddleware"/>, which also runs for every <c>$batch</c> item,
/// the batch dispatcher sending items through the whole pipeline), and the other APIs' named
/// <see cref="RateLimit"/>s. All follow one switch and time scale, and forget their windows together.
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
    private readonly ConcurrentDictionary<string, RateLimit> _limits = new(StringComparer.OrdinalIgnoreCase);
    private volatile ThrottleSettings _settings;

    /// <param name="limits">The named limits the modules declare (registered as <see cref="RateLimit"/> services).</param>
    public ThrottleService(Hosting.EmulatorOptions options, TimeProvider time, IEnumerable<RateLimit> limits = null)
    {
        _time = time;
        _settings = options.Throttling.MergedOverDefaults();
        foreach (var limit in limits ?? Enumerable.Empty<RateLimit>()) Define(limit);
    }

    public ThrottleSettings Settings => _settings;

    public IReadOnlyCollection<RateLimit> Limits => _limits.Values.OrderBy(l => l.Name, StringComparer.Ordinal).ToList();

    /// <summary>The named limit, or an error naming the known ones.</summary>
    public RateLimit Limit(string name) =>
        _limits.TryGetValue(name, out var limit) ? limit : throw new ArgumentException($"Unknown rate limit '{name}'. Known: {string.Join(", ", _limits.Keys)}.");

    /// <summary>Adds or replaces a named limit; replacing forgets its windows.</summary>
    public void Define(RateLimit limit)
    {
        if (limit.Windows is not { Count: > 0 } || limit.Windows.Any(w => w == null || w.Requests <= 0 || w.WindowSeconds <= 0 || w.Concurrency != null))
            throw new ArgumentException($"Rate limit '{limit.Name}' needs windows with positive 'requests' and 'windowSeconds' (and no 'concurrency').");
        _limits[limit.Name] = limit;
        foreach (var key in _windows.Keys.Where(k => k.StartsWith(WindowPrefix(limit.Name), StringComparison.Ordinal))) _windows.TryRemove(key, out _);
    }

    private static string WindowPrefix(string limit) => $"limit|{limit.ToLowerInvariant()}|";

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
        lock (window)
        {
            if (Count(window, limit, settings) is int wait) return new ThrottleDecision(false, wait, null);
            if (limit.Concurrency is int cap)
            {
                if (window.InFlight >= cap) return new ThrottleDecision(false, 1, null);
                window.InFlight++;
                return new ThrottleDecision(true, 0, () => { lock (window) window.InFlight--; });
            }
            return ThrottleDecision.Unthrottled;
        }
    }

    /// <summary>
    /// Counts one request of <paramref name="caller"/> against every window of the named limit; null when each has
    /// room (or throttling is disabled), else the refusal of the window with the longest wait.
    /// </summary>
    public RateLimitRefusal TryEnter(string limitName, CallerPrincipal caller)
    {
        var limit = Limit(limitName);
        var settings = _settings;
        if (!settings.Enabled) return null;
        var prefix = WindowPrefix(limit.Name) + limit.KeyOf(caller).ToLowerInvariant();
        RateLimitRefusal refused = null;
        for (int i = 0; i < limit.Windows.Count; i++)
        {
            // Every window counts the request, refused or not.
            var window = _windows.GetOrAdd($"{prefix}|{i}", _ => new Window { Start = _time.GetUtcNow() });
            int? wait;
            lock (window) wait = Count(window, limit.Windows[i], settings);
            if (wait > (refused?.RetryAfterSeconds ?? 0)) refused = new RateLimitRefusal(limit, limit.Windows[i], wait.Value);
        }
        return refused;
    }

    /// <summary>Counts one request in a window (the caller holds its lock); the seconds to wait when it is over the limit, else null.</summary>
    private int? Count(Window window, ThrottleLimit limit, ThrottleSettings settings)
    {
        var length = TimeSpan.FromSeconds(limit.WindowSeconds / settings.TimeScale);
        var now = _time.GetUtcNow();
        if (now >= window.Start + length)
        {
            window.Start = now;
            window.Count = 0;
        }
        // Throttled requests count too, as on the real service.
        window.Count++;
        return window.Count > limit.Requests ? Math.Max(1, (int)Math.Ceiling((window.Start + length - now).TotalSeconds)) : null;
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

public static class RateLimitEndpoints
{
    /// <summary>
    /// Counts every call of the endpoint against the named limit for the authenticated caller (so it goes after the
    /// permission check); over the limit, sets Retry-After and answers what <paramref name="refuse"/> makes of the
    /// refusal (each API has its own 429 body).
    /// </summary>
    public static TBuilder RateLimited<TBuilder>(this TBuilder builder, string limit, Func<RateLimitRefusal, IResult> refuse) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            if (http.RequestServices.GetRequiredService<ThrottleService>().TryEnter(limit, http.Caller()) is not { } refusal) return await next(ctx);
            http.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return refuse(refusal);
        });
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
