using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class RatePacerTests
{
    private static readonly DateTimeOffset Start = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A clock that only moves when the pacer waits (or a test moves it), and the send time of every call.</summary>
    private sealed class FakeClock
    {
        public DateTimeOffset Now { get; set; } = Start;
        public List<DateTimeOffset> Sends { get; } = new List<DateTimeOffset>();
        public List<TimeSpan> Waits { get; } = new List<TimeSpan>();
        public bool Advances { get; set; } = true;

        public Task Delay(TimeSpan wait, CancellationToken cancellationToken)
        {
            Waits.Add(wait);
            if (Advances) Now += wait;
            return Task.CompletedTask;
        }

        public RatePacer Pacer(RateLimit limit, double timeScale = 1) => new RatePacer(limit, timeScale, () => Now, Delay);

        public async Task CallAsync(RatePacer pacer, int times = 1)
        {
            for (var i = 0; i < times; i++)
            {
                await pacer.WaitTurnAsync(CancellationToken.None);
                Sends.Add(Now);
            }
        }
    }

    [Fact]
    public async Task Thirty_calls_a_minute_go_at_once_and_the_31st_waits_for_the_first_to_leave_the_window()
    {
        var clock = new FakeClock();
        var pacer = clock.Pacer(RateLimit.DefenderImport);

        await clock.CallAsync(pacer, 30);
        Assert.Empty(clock.Waits);
        Assert.All(clock.Sends, s => Assert.Equal(Start, s));
        Assert.Equal(TimeSpan.Zero, pacer.Waited);

        await clock.CallAsync(pacer);
        // The window (60 s) and its margin: 1% of it, 600 ms.
        Assert.Equal(Start + TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(600), clock.Sends[30]);
        Assert.Equal(TimeSpan.FromMilliseconds(60_600), pacer.Waited);
    }

    [Fact]
    public async Task A_call_counts_from_when_its_answer_came_so_a_slow_first_answer_delays_the_next_window()
    {
        var clock = new FakeClock();
        var pacer = clock.Pacer(RateLimit.DefenderImport);
        var first = await pacer.WaitTurnAsync(CancellationToken.None);
        clock.Now += TimeSpan.FromSeconds(2); // the first answer takes two seconds (a new connection)
        pacer.Completed(first);
        for (var i = 0; i < 29; i++) pacer.Completed(await pacer.WaitTurnAsync(CancellationToken.None));

        await clock.CallAsync(pacer);
        // The 31st waits for the last of the 30 to leave the window: each counted when it was answered.
        Assert.Equal(Start + TimeSpan.FromSeconds(62) + TimeSpan.FromMilliseconds(600), clock.Sends[0]);
        pacer.Completed(Start); // a reservation the pacer never gave changes nothing
    }

    [Fact]
    public async Task Calls_spread_over_time_wait_only_as_long_as_the_oldest_in_the_window_needs()
    {
        var clock = new FakeClock();
        var pacer = clock.Pacer(RateLimit.DefenderImport);
        for (var i = 0; i < 30; i++)
        {
            clock.Now = Start + TimeSpan.FromSeconds(i);
            await clock.CallAsync(pacer);
        }
        Assert.Empty(clock.Waits);

        clock.Now = Start + TimeSpan.FromSeconds(45);
        await clock.CallAsync(pacer);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(60_600), clock.Sends[30]);

        // The second call of the window was sent at +1 s: the next may go at +61.6 s.
        await clock.CallAsync(pacer);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(61_600), clock.Sends[31]);

        // Long after, the window is empty again: no wait.
        clock.Now = Start + TimeSpan.FromMinutes(5);
        var waitsBefore = clock.Waits.Count;
        await clock.CallAsync(pacer, 30);
        Assert.Equal(waitsBefore, clock.Waits.Count);
    }

    [Fact]
    public async Task A_minute_and_an_hour_window_are_both_respected_over_thousands_of_calls()
    {
        var clock = new FakeClock();
        var pacer = clock.Pacer(RateLimit.DefenderList);
        // More than twice the hour's 1,500 so the pacer's log is trimmed on the way.
        const int Calls = 3_200;
        await clock.CallAsync(pacer, Calls);

        var sends = clock.Sends;
        for (var i = 1; i < Calls; i++) Assert.True(sends[i] >= sends[i - 1], $"call {i} was sent before call {i - 1}");
        var minute = TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(600);
        var hour = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(36);
        // At most n calls in any window: the (i+n)-th call is at least a window (and its margin) after the i-th.
        for (var i = 0; i + 100 < Calls; i++)
            Assert.True(sends[i + 100] - sends[i] >= minute, $"calls {i} and {i + 100} are {sends[i + 100] - sends[i]} apart");
        for (var i = 0; i + 1500 < Calls; i++)
            Assert.True(sends[i + 1500] - sends[i] >= hour, $"calls {i} and {i + 1500} are {sends[i + 1500] - sends[i]} apart");

        // Counted as the service counts: no 60 s span holds more than 100 calls, no hour more than 1,500.
        for (var i = 0; i < Calls; i++)
        {
            var from = sends[i];
            Assert.True(sends.Skip(i).TakeWhile(s => s < from + TimeSpan.FromMinutes(1)).Count() <= 100);
        }
        Assert.True(sends.Count(s => s < Start + TimeSpan.FromHours(1)) <= 1500);

        // And no slower than needed: bursts of 100 a minute until the hour's 1,500 are used.
        Assert.Equal(Start, sends[99]);
        Assert.Equal(Start + minute, sends[100]);
        Assert.Equal(Start + 14 * minute, sends[1499]);
        Assert.Equal(Start + hour, sends[1500]);
        Assert.Equal(Start + hour, sends[1599]);
    }

    [Fact]
    public async Task Calls_arriving_together_reserve_their_turns_one_after_another()
    {
        // The clock stands still: every call asks at the same moment, as concurrent callers do.
        var clock = new FakeClock { Advances = false };
        var pacer = clock.Pacer(RateLimit.DefenderImport);
        for (var i = 0; i < 61; i++) await pacer.WaitTurnAsync(CancellationToken.None);

        var window = TimeSpan.FromMilliseconds(60_600);
        Assert.Equal(31, clock.Waits.Count);
        Assert.All(clock.Waits.Take(30), w => Assert.Equal(window, w));
        Assert.Equal(2 * window, clock.Waits[30]);
    }

    [Fact]
    public async Task A_time_scale_of_60_makes_a_minute_one_second()
    {
        var clock = new FakeClock();
        var pacer = clock.Pacer(RateLimit.DefenderImport, timeScale: 60);
        Assert.Equal(60, pacer.TimeScale);
        await clock.CallAsync(pacer, 31);
        // One second, and the margin's floor of 20 ms (1% of a second is less).
        Assert.Equal(Start + TimeSpan.FromMilliseconds(1_020), clock.Sends[30]);
    }

    [Fact]
    public async Task Throttled_holds_the_next_call_until_retry_after_has_passed()
    {
        var clock = new FakeClock();
        var pacer = clock.Pacer(RateLimit.SentinelUpload);
        await clock.CallAsync(pacer);

        pacer.Throttled(TimeSpan.FromSeconds(5));
        pacer.Throttled(TimeSpan.FromSeconds(2)); // a shorter Retry-After does not shorten the hold
        await clock.CallAsync(pacer);
        Assert.Equal(Start + TimeSpan.FromSeconds(5), clock.Sends[1]);

        // Once past, calls go again without waiting (the window has room).
        await clock.CallAsync(pacer);
        Assert.Equal(Start + TimeSpan.FromSeconds(5), clock.Sends[2]);
        Assert.Equal(TimeSpan.FromSeconds(5), pacer.Waited);
    }

    [Fact]
    public void A_time_scale_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RatePacer(RateLimit.DefenderImport, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RatePacer(RateLimit.DefenderImport, -1));
    }

    [Fact]
    public void The_minimum_duration_counts_the_windows_a_number_of_calls_needs()
    {
        Assert.Equal(TimeSpan.FromMinutes(4), RateLimit.DefenderList.MinimumDuration(500));
        Assert.Equal(TimeSpan.Zero, RateLimit.DefenderImport.MinimumDuration(30));
        Assert.Equal(TimeSpan.FromMinutes(1), RateLimit.DefenderImport.MinimumDuration(31));
        Assert.Equal(TimeSpan.Zero, RateLimit.DefenderImport.MinimumDuration(0));
        // The hour window decides past 1,500 calls.
        Assert.Equal(TimeSpan.FromHours(1), RateLimit.DefenderSubmit.MinimumDuration(1501));
        Assert.Equal(TimeSpan.FromSeconds(4), RateLimit.DefenderList.MinimumDuration(500, timeScale: 60));
    }

    [Fact]
    public void The_documented_limits_are_the_ones_paced_at()
    {
        string Describe(RateLimit limit) => string.Join(", ", limit.Windows.Select(w => $"{w.Requests}/{w.Window.TotalMinutes}min"));
        Assert.Equal("30/1min", Describe(RateLimit.DefenderImport));
        Assert.Equal("30/1min, 1500/60min", Describe(RateLimit.DefenderBatchDelete));
        Assert.Equal("100/1min, 1500/60min", Describe(RateLimit.DefenderList));
        Assert.Equal("100/1min, 1500/60min", Describe(RateLimit.DefenderSubmit));
        Assert.Equal("100/1min, 1500/60min", Describe(RateLimit.DefenderDelete));
        Assert.Equal("100/1min", Describe(RateLimit.SentinelUpload));
    }
}
