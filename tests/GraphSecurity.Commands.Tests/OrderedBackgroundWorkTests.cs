using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using Xunit;

namespace GraphSecurity.Commands.Tests;

/// <summary>
/// Work whose completion each test decides: item i finishes when <see cref="Finish"/> (or
/// <see cref="Fail"/>) is called for it, so the order of completion is the test's, not the scheduler's.
/// </summary>
internal sealed class ControlledWork
{
    private readonly List<TaskCompletionSource<string>> _items = new List<TaskCompletionSource<string>>();

    public ControlledWork(int count, CancellationToken cancellation = default)
    {
        Work = new OrderedBackgroundWork<string>(new InvokeTestPumpCommand(), cancellation);
        for (var i = 0; i < count; i++)
        {
            var item = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _items.Add(item);
            Work.Start(token => item.Task);
        }
    }

    public OrderedBackgroundWork<string> Work { get; }

    public void Finish(params int[] items)
    {
        foreach (var i in items) _items[i].SetResult("item " + i);
    }

    public void Fail(int item, Exception exception) => _items[item].SetException(exception);

    /// <summary>Collects on another thread (Collect blocks), so the test can finish items meanwhile.</summary>
    public Task<IReadOnlyList<string>> CollectInBackground(int stillRunning) =>
        Task.Factory.StartNew(() => Work.Collect(stillRunning), TaskCreationOptions.LongRunning);
}

public class OrderedBackgroundWorkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void Results_come_back_in_start_order_whatever_order_the_work_finishes_in()
    {
        var work = new ControlledWork(5);
        work.Finish(4, 2, 3, 0, 1);
        Assert.Equal(new[] { "item 0", "item 1", "item 2", "item 3", "item 4" }, work.Work.Collect(0));
    }

    [Fact]
    public async Task Collect_waits_while_more_than_the_allowed_number_are_running_and_returns_only_the_finished_front()
    {
        var work = new ControlledWork(3);
        work.Finish(2);
        var collecting = work.CollectInBackground(stillRunning: 2);
        await Task.WhenAny(collecting, Task.Delay(200));
        Assert.False(collecting.IsCompleted, "Collect returned while three were running");

        work.Finish(0);

        Assert.Equal(new[] { "item 0" }, await collecting.WaitAsync(Patience));
    }

    [Fact]
    public void Collect_with_room_left_returns_nothing_at_once_when_nothing_has_finished()
    {
        var work = new ControlledWork(2);
        Assert.Empty(work.Work.Collect(stillRunning: 2));
        work.Finish(0, 1);
        Assert.Equal(2, work.Work.Collect(0).Count);
    }

    [Fact]
    public async Task A_failing_work_throws_its_own_exception_at_its_turn_and_the_work_after_it_is_still_collected()
    {
        var work = new ControlledWork(3);
        work.Finish(0);
        Assert.Equal(new[] { "item 0" }, await work.CollectInBackground(stillRunning: 2).WaitAsync(Patience));

        work.Fail(1, new InvalidOperationException("batch 1 failed"));
        var failure = Assert.Throws<InvalidOperationException>(() => work.Work.Collect(stillRunning: 1));
        Assert.Equal("batch 1 failed", failure.Message);

        work.Finish(2);
        Assert.Equal(new[] { "item 2" }, work.Work.Collect(0));
    }

    [Fact]
    public void A_result_finished_before_a_failure_is_returned_before_the_failure_is_thrown()
    {
        var work = new ControlledWork(3);
        work.Finish(0);
        work.Fail(1, new InvalidOperationException("batch 1 failed"));

        Assert.Equal(new[] { "item 0" }, work.Work.Collect(stillRunning: 1));
        var failure = Assert.Throws<InvalidOperationException>(() => work.Work.Collect(stillRunning: 1));
        Assert.Equal("batch 1 failed", failure.Message);

        work.Finish(2);
        Assert.Equal(new[] { "item 2" }, work.Work.Collect(0));
    }

    [Fact]
    public async Task Cancelling_the_command_while_Collect_waits_stops_the_pipeline()
    {
        var cancellation = new CancellationTokenSource();
        var work = new ControlledWork(1, cancellation.Token);
        var collecting = work.CollectInBackground(0);

        cancellation.Cancel();

        await Assert.ThrowsAsync<PipelineStoppedException>(() => collecting.WaitAsync(Patience));
    }

    [Fact]
    public async Task Abandon_cancels_the_token_of_the_work_still_running()
    {
        var work = new OrderedBackgroundWork<int>(new InvokeTestPumpCommand(), CancellationToken.None);
        var seen = new TaskCompletionSource<CancellationToken>();
        work.Start(async token => { seen.SetResult(token); await Task.Delay(Timeout.Infinite, token); return 0; });
        var token = await seen.Task.WaitAsync(Patience);

        work.Abandon();

        Assert.True(token.IsCancellationRequested);
        // The abandoned work ends cancelled; collecting it (or waiting for it) ends the command.
        var ended = Record.Exception(() => work.Collect(0));
        Assert.True(ended is OperationCanceledException || ended is PipelineStoppedException, $"Collect ended with {ended?.GetType().Name ?? "no exception"}");
    }
}

/// <summary>The same work inside a cmdlet: results and log lines reach the pipeline.</summary>
public class OrderedBackgroundWorkInCmdletTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession _session;

    public OrderedBackgroundWorkInCmdletTests(PowerShellSession session) { _session = session; }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public void The_command_writes_every_result_in_input_order_whatever_its_throttle_limit(int throttleLimit)
    {
        var outcome = _session.Invoke($"Invoke-TestOrderedWork -DelayMs 120, 10, 60, 0, 30, 5 -ThrottleLimit {throttleLimit}");
        Assert.Null(outcome.Terminating);
        Assert.Equal(new object[] { 0, 1, 2, 3, 4, 5 }, outcome.Output);
    }

    [Fact]
    public void Log_lines_of_the_work_are_written_as_the_command_s_verbose_records()
    {
        var outcome = _session.Invoke("Invoke-TestOrderedWork -DelayMs 0, 0, 0 -Verbose");
        Assert.Equal(new[] { "work 0 finished", "work 1 finished", "work 2 finished" }, outcome.Verbose.OrderBy(v => v, StringComparer.Ordinal));
    }
}
