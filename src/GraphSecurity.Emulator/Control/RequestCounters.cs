using System.Collections.Concurrent;

namespace GraphSecurity.Emulator.Control;

/// <summary>
/// Counts requests per method and route pattern (e.g. <c>GET /v1.0/security/alerts_v2/{id}</c>), control
/// routes excluded, and the accepted tokens per API and audience (which tokens a client really sent where).
/// </summary>
public sealed class RequestCounters
{
    private readonly ConcurrentDictionary<(string Method, string Route), int> _counts = new();
    private readonly ConcurrentDictionary<(string Api, string Audience), int> _tokens = new();
    private readonly ConcurrentDictionary<(string Method, string Route, string UserAgent), int> _userAgents = new();

    public void Add(string method, string route) => _counts.AddOrUpdate((method, route), 1, (_, n) => n + 1);

    /// <summary>The User-Agent a request came with (a partner's product token must reach every API).</summary>
    public void AddUserAgent(string method, string route, string userAgent) =>
        _userAgents.AddOrUpdate((method, route, userAgent ?? ""), 1, (_, n) => n + 1);

    /// <summary>A request whose token an API accepted.</summary>
    public void AddToken(string api, string audience) => _tokens.AddOrUpdate((api, audience ?? ""), 1, (_, n) => n + 1);

    public void Reset()
    {
        _counts.Clear();
        _tokens.Clear();
        _userAgents.Clear();
    }

    public object Describe()
    {
        var routes = _counts.OrderBy(kv => kv.Key.Route, StringComparer.Ordinal).ThenBy(kv => kv.Key.Method, StringComparer.Ordinal)
            .Select(kv => new { method = kv.Key.Method, route = kv.Key.Route, count = kv.Value }).ToList();
        var tokens = _tokens.OrderBy(kv => kv.Key.Api, StringComparer.Ordinal).ThenBy(kv => kv.Key.Audience, StringComparer.Ordinal)
            .Select(kv => new { api = kv.Key.Api, audience = kv.Key.Audience, count = kv.Value }).ToList();
        var userAgents = _userAgents.OrderBy(kv => kv.Key.Route, StringComparer.Ordinal).ThenBy(kv => kv.Key.Method, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.UserAgent, StringComparer.Ordinal)
            .Select(kv => new { method = kv.Key.Method, route = kv.Key.Route, userAgent = kv.Key.UserAgent, count = kv.Value }).ToList();
        return new { total = routes.Sum(r => r.count), routes, tokens, userAgents };
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
            counters.AddUserAgent(context.Request.Method, route, context.Request.Headers.UserAgent.ToString());
        }
        return _next(context);
    }
}
