using System.Collections.Concurrent;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Legacy;

namespace GraphSecurity.Emulator.Control;

/// <summary>
/// The "retired" switches of the seed's retired or never-released APIs (config file key <c>retiredApis</c>,
/// control endpoint <c>/_emulator/retired</c>). Microsoft documents no answer for a removed beta API; the
/// emulator answers the way Graph answers a segment it does not know (400 "Resource not found for the
/// segment"), before authentication, as for v1.0 today. Legacy alerts follow their documented retirement
/// instead: the endpoint stays and returns no data (<see cref="LegacySettings.Retired"/>).
/// </summary>
public sealed class RetiredApis
{
    /// <summary>Switch name → the path root it retires.</summary>
    public static readonly IReadOnlyDictionary<string, string> Roots = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["tiIndicators"] = "/beta/security/tiIndicators",
        ["securityActions"] = "/beta/security/securityActions",
        ["alerts"] = null, // legacy alerts: see LegacySettings
    };

    private readonly ConcurrentDictionary<string, bool> _retired = new(StringComparer.OrdinalIgnoreCase);
    private readonly LegacySettings _legacy;

    public RetiredApis(Hosting.EmulatorOptions options, LegacySettings legacy)
    {
        _legacy = legacy;
        foreach (var api in options.RetiredApis ?? new List<string>()) Set(api, true);
    }

    public static string Canonical(string api) =>
        Roots.Keys.FirstOrDefault(k => string.Equals(k, api, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown API '{api}'. Known: {string.Join(", ", Roots.Keys)}.");

    public void Set(string api, bool retired)
    {
        api = Canonical(api);
        if (api == "alerts") _legacy.Retired = retired;
        else _retired[api] = retired;
    }

    public IReadOnlyList<string> Retired =>
        Roots.Keys.Where(api => api == "alerts" ? _legacy.Retired : _retired.TryGetValue(api, out var r) && r).ToList();

    /// <summary>The segment a retired API answers for this path ("tiIndicators"), or null.</summary>
    public string SegmentFor(PathString path)
    {
        foreach (var (api, root) in Roots)
            if (root != null && _retired.TryGetValue(api, out var retired) && retired && path.StartsWithSegments(root, StringComparison.OrdinalIgnoreCase))
                return api;
        return null;
    }

    public static GraphError Answer(string segment) => GraphError.BadRequest($"Resource not found for the segment '{segment}'.");
}

/// <summary>Answers requests to a retired API before routing, authentication or throttling see them.</summary>
public sealed class RetiredApiMiddleware
{
    private readonly RequestDelegate _next;
    public RetiredApiMiddleware(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context, RetiredApis retired)
    {
        var segment = retired.SegmentFor(context.Request.Path);
        return segment == null ? _next(context) : RetiredApis.Answer(segment).WriteAsync(context);
    }
}
