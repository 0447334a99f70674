using System.Collections.Concurrent;

namespace GraphSecurity.Emulator.Control;

/// <summary>Counts requests per method and route pattern (e.g. <c>GET /v1.0/security/alerts_v2/{id}</c>), control routes excluded.</summary>
public sealed class RequestCounters
{
    private readonly ConcurrentDictionary<(string Method, string Route), int> _counts = new();

    public void Add(string method, string route) => _counts.AddOrUpdate((method, route), 1, (_, n) => n + 1);

    public void Reset() => _counts.Clear();

    public object Describe()
    {
        var routes = _counts.OrderBy(kv => kv.Key.Route, StringComparer.Ordinal).ThenBy(kv => kv.Key.Method, StringComparer.Ordinal)
            .Select(kv => new { method = kv.Key.Method, route = kv.Key.Route, count = kv.Value }).ToList();
        return new { total = routes.Sum(r => r.count), routes };
    }
}

/// <summary>Counts each request by the route it matched (runs after routing, before faults and throttling).</summary>
public sealed class RequestCountingMiddleware
{
    private readonly RequestDelegate _next;
    public RequestCountingMiddleware(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context, RequestCounters counters)
    {
        if (!ControlEndpoints.IsControlPath(context.Request.Path))
        {
            // Unmatched requests (and the Graph catch-all route) are counted by their path.
            var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            var route = pattern == null || pattern.Contains("{**", StringComparison.Ordinal) ? context.Request.Path.Value : "/" + pattern.Trim('/');
            counters.Add(context.Request.Method, route);
        }
        return _next(context);
    }
}
