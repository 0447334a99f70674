using System.Diagnostics;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>
/// The emulator's notion of "now": the anchor time the data was seeded at, advancing with the
/// wall clock from process start. Mutations (PATCH, comments) are stamped with it.
/// </summary>
public sealed class EmulatorClock
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    public DateTimeOffset Anchor { get; }

    public EmulatorClock(DateTimeOffset anchor) => Anchor = anchor;

    private long _advancedTicks;

    public DateTimeOffset UtcNow => Anchor + _elapsed.Elapsed + TimeSpan.FromTicks(Interlocked.Read(ref _advancedTicks));

    /// <summary>Moves "now" forward without waiting (tests use it to drive time-based lifecycles).</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _advancedTicks, by.Ticks);
}
