using System.Diagnostics;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>
/// The emulator's notion of "now" for writes (PATCH, comments, new alerts). With an explicit anchor
/// (<c>--now</c>/<c>now</c>) it is the anchor advancing with the wall clock from process start, so seeded
/// data and writes share one timeline. Without one it is the real UTC time: the seeding anchor is cut
/// to the minute, and anchor + elapsed would run up to 59 s behind the wall clock.
/// </summary>
public sealed class EmulatorClock
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly bool _explicitAnchor;
    public DateTimeOffset Anchor { get; }

    public EmulatorClock(DateTimeOffset anchor, bool explicitAnchor = true)
    {
        Anchor = anchor;
        _explicitAnchor = explicitAnchor;
    }

    private long _advancedTicks;

    public DateTimeOffset UtcNow =>
        (_explicitAnchor ? Anchor + _elapsed.Elapsed : DateTimeOffset.UtcNow) + TimeSpan.FromTicks(Interlocked.Read(ref _advancedTicks));

    /// <summary>Moves "now" forward without waiting (tests use it to drive time-based lifecycles).</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _advancedTicks, by.Ticks);
}
