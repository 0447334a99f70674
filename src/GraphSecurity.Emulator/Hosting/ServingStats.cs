using System.Diagnostics;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>
/// Counts what the emulator serves (requests and response bytes) for <c>GET /_emulator/stats</c>, so
/// load tests can read the emulator's own serving rate. Batch items are counted as requests too.
/// </summary>
public sealed class ServingStats
{
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private long _requests;
    private long _bytes;
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    /// <summary>Time spent building the seeded data before the app was ready.</summary>
    public TimeSpan SeedDuration { get; set; }

    public void Record(long bytes)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, bytes);
    }

    public object Snapshot()
    {
        var seconds = Math.Max(_uptime.Elapsed.TotalSeconds, 0.001);
        var requests = Interlocked.Read(ref _requests);
        var bytes = Interlocked.Read(ref _bytes);
        return new
        {
            startedAt = StartedAt,
            uptimeSeconds = Math.Round(seconds, 3),
            seedMilliseconds = (long)SeedDuration.TotalMilliseconds,
            requests,
            bytes,
            requestsPerSecond = Math.Round(requests / seconds, 2),
            bytesPerSecond = Math.Round(bytes / seconds, 0),
        };
    }

    /// <param name="app">The control group (<c>/_emulator</c>).</param>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/stats", (ServingStats stats) => Results.Json(stats.Snapshot()));
}

/// <summary>Feeds <see cref="ServingStats"/>; the stats endpoint itself is not counted.</summary>
public sealed class ServingStatsMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ServingStats _stats;

    public ServingStatsMiddleware(RequestDelegate next, ServingStats stats)
    {
        _next = next;
        _stats = stats;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        await _next(context);
        if (!context.Request.Path.StartsWithSegments("/_emulator/stats"))
            _stats.Record(context.Response.ContentLength ?? 0);
    }
}
