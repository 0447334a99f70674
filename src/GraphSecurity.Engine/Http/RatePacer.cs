using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Http;

/// <summary>One documented window of a call's rate limit: at most <see cref="Requests"/> per <see cref="Window"/>.</summary>
public sealed class RateWindow
{
    public RateWindow(int requests, TimeSpan window) { Requests = requests; Window = window; }
    public int Requests { get; }
    public TimeSpan Window { get; }
}

/// <summary>
/// The documented limits the module paces itself at (successor-apis.md §1.5–§1.9, §3.4), per call.
/// Defender for Endpoint counts per app and tenant, the Sentinel upload API per caller: a connection
/// is one of either, so each connection holds one pacer per limit.
/// </summary>
public sealed class RateLimit
{
    private RateLimit(string name, params RateWindow[] windows) { Name = name; Windows = windows; }

    public string Name { get; }
    public IReadOnlyList<RateWindow> Windows { get; }

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public static readonly RateLimit DefenderImport = new RateLimit("defender.import", new RateWindow(30, Minute));
    public static readonly RateLimit DefenderBatchDelete = new RateLimit("defender.batchDelete", new RateWindow(30, Minute), new RateWindow(1500, Hour));
    public static readonly RateLimit DefenderList = new RateLimit("defender.list", new RateWindow(100, Minute), new RateWindow(1500, Hour));
    public static readonly RateLimit DefenderSubmit = new RateLimit("defender.submit", new RateWindow(100, Minute), new RateWindow(1500, Hour));
    public static readonly RateLimit DefenderDelete = new RateLimit("defender.delete", new RateWindow(100, Minute), new RateWindow(1500, Hour));
    /// <summary>Every machine action verb (isolate, scan…) and cancel: 100/min and 1,500/h (§2.1).</summary>
    public static readonly RateLimit DefenderMachineAction = new RateLimit("defender.machineAction", new RateWindow(100, Minute), new RateWindow(1500, Hour));
    /// <summary>Machine lookup and machine action reads: 100/min and 1,500/h (§2.5, §2.7).</summary>
    public static readonly RateLimit DefenderMachineRead = new RateLimit("defender.machineRead", new RateWindow(100, Minute), new RateWindow(1500, Hour));
    /// <summary>GetPackageUri: 2/min and 120/h (§2.3).</summary>
    public static readonly RateLimit DefenderPackageUri = new RateLimit("defender.packageUri", new RateWindow(2, Minute), new RateWindow(120, Hour));
    /// <summary>Live response: 10/min (§2.4).</summary>
    public static readonly RateLimit DefenderLiveResponse = new RateLimit("defender.liveResponse", new RateWindow(10, Minute));
    public static readonly RateLimit SentinelUpload = new RateLimit("sentinel.upload", new RateWindow(100, Minute));

    /// <summary>The fewest seconds <paramref name="calls"/> calls can take under these windows, starting with none used.</summary>
    public TimeSpan MinimumDuration(int calls, double timeScale = 1) =>
        calls <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(Windows.Max(w => (calls - 1) / w.Requests * w.Window.Ticks) / timeScale));
}

/// <summary>
/// Spaces calls so that no window of a <see cref="RateLimit"/> is ever exceeded, instead of sending
/// until the service answers 429: a call waits until it is the n-th of the last n+1 sends to leave the
/// window. It remembers the send times of each window (a sliding log), so it is at least as strict as
/// the service's fixed windows; a small margin covers the difference between the send time here and
/// the arrival time there. One pacer is shared by every command of a connection.
/// </summary>
public sealed class RatePacer
{
    private readonly RateLimit _limit;
    private readonly double _timeScale;
    private readonly Func<DateTimeOffset> _now;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    /// <summary>Per window, the send times of the last calls (at most its request count), oldest first; some may lie ahead (reserved).</summary>
    private readonly List<DateTimeOffset>[] _sent;
    private readonly object _lock = new object();
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
    private long _waitedTicks;

    /// <param name="timeScale">Divides the windows (an emulator running its limits faster); 1 for real services.</param>
    public RatePacer(RateLimit limit, double timeScale = 1, Func<DateTimeOffset>? now = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        if (timeScale <= 0) throw new ArgumentOutOfRangeException(nameof(timeScale));
        _limit = limit;
        _timeScale = timeScale;
        _now = now ?? (() => DateTimeOffset.UtcNow);
        _delay = delay ?? ((wait, token) => Task.Delay(wait, token));
        _sent = limit.Windows.Select(_ => new List<DateTimeOffset>()).ToArray();
    }

    public RateLimit Limit => _limit;
    public double TimeScale => _timeScale;

    /// <summary>How long the pacer has made callers wait, in all.</summary>
    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

    /// <summary>The margin kept past each window's end: 1% of it, at least 20 ms.</summary>
    private static TimeSpan Margin(TimeSpan window) => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(20).Ticks, window.Ticks / 100));

    /// <summary>
    /// Reserves the earliest time one more call fits every window (and no earlier than the calls
    /// reserved before it: callers go in turn), then waits for it. Answers the reserved time, which
    /// <see cref="Completed"/> then moves to when the answer came.
    /// </summary>
    public async Task<DateTimeOffset> WaitTurnAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset at;
        var now = _now();
        lock (_lock)
        {
            at = now > _blockedUntil ? now : _blockedUntil;
            for (var i = 0; i < _sent.Length; i++)
            {
                var sent = _sent[i];
                if (sent.Count > 0 && sent[sent.Count - 1] > at) at = sent[sent.Count - 1];
                var requests = _limit.Windows[i].Requests;
                if (sent.Count < requests) continue;
                var window = TimeSpan.FromTicks((long)(_limit.Windows[i].Window.Ticks / _timeScale));
                var free = sent[sent.Count - requests] + window + Margin(window);
                if (free > at) at = free;
            }
            foreach (var sent in _sent)
            {
                sent.Add(at);
                if (sent.Count > 2 * _limit.Windows.Max(w => w.Requests)) sent.RemoveRange(0, sent.Count / 2);
            }
        }
        var wait = at - now;
        if (wait <= TimeSpan.Zero) return at;
        Interlocked.Add(ref _waitedTicks, wait.Ticks);
        await _delay(wait, cancellationToken).ConfigureAwait(false);
        return at;
    }

    /// <summary>
    /// Counts the call reserved at <paramref name="reserved"/> from now on, when its answer came: the
    /// service counted it on arrival, somewhere between the two, and its windows start with the first
    /// arrival (a first request also opens the connection, so it arrives late). Counting from the
    /// answer keeps every window of the service at or under its limit, at the cost of one round trip a window.
    /// </summary>
    public void Completed(DateTimeOffset reserved)
    {
        var now = _now();
        if (now <= reserved) return;
        lock (_lock)
            foreach (var sent in _sent)
            {
                var at = sent.LastIndexOf(reserved);
                if (at < 0) continue;
                sent[at] = now;
                sent.Sort();
            }
    }

    /// <summary>
    /// Holds every call back until the service's Retry-After has passed (a 429 despite the pacing:
    /// another client shares the limit, or the service counted differently).
    /// </summary>
    public void Throttled(TimeSpan retryAfter)
    {
        var until = _now() + retryAfter;
        lock (_lock) if (until > _blockedUntil) _blockedUntil = until;
    }
}
