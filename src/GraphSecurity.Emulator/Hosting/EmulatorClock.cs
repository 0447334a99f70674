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

    public DateTimeOffset UtcNow => Anchor + _elapsed.Elapsed;
}
