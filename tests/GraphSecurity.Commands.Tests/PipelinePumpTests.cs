using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using Xunit;

namespace GraphSecurity.Commands.Tests;

/// <summary>The pump itself, driven from the test thread as the pipeline thread.</summary>
public class PipelinePumpTests
{
    private static PipelinePump NewPump() => new PipelinePump(new InvokeTestPumpCommand());

    [Fact]
    public void Posted_actions_run_on_the_pipeline_thread_in_the_order_they_were_posted()
    {
        var pipelineThread = Environment.CurrentManagedThreadId;
        var pump = NewPump();
        var ran = new List<(int Item, int Thread)>();
        var result = pump.Run(async token =>
        {
            for (var i = 0; i < 20; i++)
            {
                var n = i;
                pump.Post(() => ran.Add((n, Environment.CurrentManagedThreadId)));
                await Task.Yield();
            }
            return "finished";
        }, new CancellationTokenSource());

        Assert.Equal("finished", result);
        Assert.Equal(Enumerable.Range(0, 20), ran.Select(r => r.Item));
        Assert.All(ran, r => Assert.Equal(pipelineThread, r.Thread));
    }

    [Fact]
    public void A_post_from_the_pipeline_thread_runs_at_once()
    {
        var pump = NewPump();
        var ran = false;
        pump.Post(() => ran = true);
        Assert.True(ran);
    }

    [Fact]
    public void The_work_s_own_exception_comes_out_of_Run_unwrapped()
    {
        var pump = NewPump();
        var thrown = Assert.Throws<InvalidOperationException>(() => pump.Run<int>(async token =>
        {
            await Task.Yield();
            throw new InvalidOperationException("the work failed");
        }, new CancellationTokenSource()));
        Assert.Equal("the work failed", thrown.Message);
    }

    [Fact]
    public async Task An_action_that_fails_cancels_the_work_and_its_exception_comes_out_of_Run()
    {
        var pump = NewPump();
        var cancellation = new CancellationTokenSource();
        var workSawCancellation = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thrown = Assert.Throws<PipelineStoppedException>(() => pump.Run(async token =>
        {
            pump.Post(() => throw new PipelineStoppedException());
            try { await Task.Delay(TimeSpan.FromSeconds(30), token); }
            catch (OperationCanceledException) { workSawCancellation.TrySetResult(true); throw; }
            return 0;
        }, cancellation));

        Assert.NotNull(thrown);
        Assert.True(cancellation.IsCancellationRequested);
        Assert.True(await workSawCancellation.Task.WaitAsync(TimeSpan.FromSeconds(10)), "the work was not cancelled");
    }

    [Fact]
    public void A_post_after_the_pump_has_finished_is_dropped_without_an_error()
    {
        var pump = NewPump();
        pump.Run(token => Task.FromResult(0), new CancellationTokenSource());
        var ran = false;
        Exception failure = null;
        // Another thread than the pipeline's: a post from the pipeline thread itself would run at once.
        var late = new Thread(() =>
        {
            try { pump.Post(() => ran = true); }
            catch (Exception ex) { failure = ex; }
        });
        late.Start();
        Assert.True(late.Join(TimeSpan.FromSeconds(10)));
        Assert.Null(failure);
        Assert.False(ran);
    }
}

/// <summary>The pump as cmdlets use it: <see cref="GsCmdlet"/>'s Run, Post and ForInput inside a real pipeline.</summary>
public class GsCmdletPipelineTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession _session;

    public GsCmdletPipelineTests(PowerShellSession session) { _session = session; }

    [Fact]
    public void Objects_posted_by_the_work_come_before_its_result_and_inputs_keep_their_order()
    {
        var outcome = _session.Invoke("'a', 'b', 'c' | Invoke-TestPump");
        Assert.Null(outcome.Terminating);
        Assert.Equal(new[] { "a:posted", "a:done", "b:posted", "b:done", "c:posted", "c:done" }, outcome.Strings);
    }

    [Fact]
    public void The_engine_log_of_the_work_becomes_the_cmdlet_s_verbose_and_warning_records()
    {
        var outcome = _session.Invoke("'a', 'b' | Invoke-TestPump -Verbose -WarningAction Continue");
        Assert.Equal(new[] { "working on a", "working on b" }, outcome.Verbose);
        Assert.Equal(new[] { "a is a test", "b is a test" }, outcome.Warnings);
    }

    [Fact]
    public void A_failing_input_becomes_a_non_terminating_error_for_that_input_and_the_next_inputs_still_run()
    {
        var outcome = _session.Invoke("'a', 'fail-b', 'c' | Invoke-TestPump");

        Assert.Null(outcome.Terminating);
        Assert.Equal(new[] { "a:posted", "a:done", "c:posted", "c:done" }, outcome.Strings);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal("fail-b", error.TargetObject);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.StartsWith(ErrorIds.InvalidArgument + ",", error.FullyQualifiedErrorId);
        Assert.Equal("fail-b cannot be done", error.ErrorDetails.Message);
    }

    [Fact]
    public void A_downstream_command_that_has_enough_stops_the_work_before_it_posts_everything()
    {
        var probe = new WorkProbe();
        var outcome = _session.Invoke("param($Probe) Invoke-TestPump -Stream 5000 -Probe $Probe | Select-Object -First 3",
            new System.Collections.Hashtable { ["Probe"] = probe });

        Assert.Equal(new object[] { 0, 1, 2 }, outcome.Output);
        Assert.True(probe.Cancelled.Wait(TimeSpan.FromSeconds(10)), "the work went on after the pipeline stopped");
        Assert.True(probe.Posted < 5000, $"the work posted all {probe.Posted} objects");
    }

    [Fact]
    public void Stopping_the_pipeline_cancels_the_work_s_token_and_ends_the_command()
    {
        var probe = new WorkProbe();
        using (var shell = PowerShell.Create())
        {
            shell.Runspace = _session.Runspace;
            shell.AddCommand("Invoke-TestPump").AddParameter("Hang").AddParameter("Probe", probe);
            var running = shell.BeginInvoke();
            Assert.True(probe.Started.Wait(TimeSpan.FromSeconds(10)), "the work did not start");

            shell.Stop();

            Assert.True(running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)), "the command did not end");
            Assert.True(probe.Cancelled.IsSet);
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        }
    }
}
