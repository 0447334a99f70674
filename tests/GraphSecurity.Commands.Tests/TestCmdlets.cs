using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Commands.Tests;

/// <summary>What a test cmdlet's background work did, for the test to look at afterwards.</summary>
public sealed class WorkProbe
{
    private int _posted;
    public ManualResetEventSlim Started { get; } = new ManualResetEventSlim();
    public ManualResetEventSlim Cancelled { get; } = new ManualResetEventSlim();
    public int Posted => Volatile.Read(ref _posted);
    internal void CountPost() => Interlocked.Increment(ref _posted);
}

/// <summary>
/// Each piped input is one piece of async work run through <see cref="GsCmdlet"/>'s pump: it logs a
/// verbose line and a warning through the engine log, posts an object, and returns one. An input
/// starting with "fail" throws; -Stream posts that many objects one by one; -Hang waits for Ctrl+C.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "TestPump")]
public sealed class InvokeTestPumpCommand : GsCmdlet
{
    [Parameter(ValueFromPipeline = true)]
    public string Item { get; set; }

    [Parameter]
    public int Stream { get; set; }

    [Parameter]
    public SwitchParameter Hang { get; set; }

    [Parameter]
    public WorkProbe Probe { get; set; } = new WorkProbe();

    protected override void ProcessRecord()
    {
        if (Hang) { RunHanging(); return; }
        if (Stream > 0) { RunStream(); return; }
        ForInput(Item, null, () => WriteObject(Run(async token =>
        {
            await Task.Yield();
            EngineLogScope.Current.Verbose($"working on {Item}");
            if (Item.StartsWith("fail", StringComparison.Ordinal)) throw new ArgumentException($"{Item} cannot be done");
            EngineLogScope.Current.Warning($"{Item} is a test");
            Post(() => WriteObject($"{Item}:posted"));
            return $"{Item}:done";
        })));
    }

    private void RunHanging() => Run(async token =>
    {
        Probe.Started.Set();
        try { await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false); }
        finally { if (token.IsCancellationRequested) Probe.Cancelled.Set(); }
    });

    private void RunStream() => Run(async token =>
    {
        try
        {
            for (var i = 0; i < Stream; i++)
            {
                token.ThrowIfCancellationRequested();
                var n = i;
                Probe.CountPost();
                Post(() => WriteObject(n));
                await Task.Delay(1, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { Probe.Cancelled.Set(); throw; }
    });
}

/// <summary>
/// Starts one piece of <see cref="OrderedBackgroundWork{T}"/> per -DelayMs value (each logs a verbose
/// line when it finishes), keeps at most -ThrottleLimit running, and writes the results as they are collected.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "TestOrderedWork")]
public sealed class InvokeTestOrderedWorkCommand : GsCmdlet
{
    [Parameter(Mandatory = true)]
    public int[] DelayMs { get; set; }

    [Parameter]
    public int ThrottleLimit { get; set; } = 3;

    protected override void EndProcessing()
    {
        var work = new OrderedBackgroundWork<int>(this, CancellationToken);
        for (var i = 0; i < DelayMs.Length; i++)
        {
            var n = i;
            work.Start(async token =>
            {
                await Task.Delay(DelayMs[n], token).ConfigureAwait(false);
                EngineLogScope.Current.Verbose($"work {n} finished");
                return n;
            });
            foreach (var result in work.Collect(ThrottleLimit - 1)) WriteObject(result);
        }
        foreach (var result in work.Collect(0)) WriteObject(result);
    }
}

/// <summary>
/// A connected cmdlet that changes something: resolves its one connection and reports a service
/// error answer with -Status (else writes the connection's name).
/// </summary>
[Cmdlet(VerbsCommon.Set, "TestConnected")]
[GraphPermission("alerts_v2", "SecurityAlert.ReadWrite.All", "SecurityAlert.Read.All", NotServedIn = new[] { "China" })]
public sealed class SetTestConnectedCommand : GsConnectedCmdlet
{
    [Parameter]
    public int Status { get; set; }

    protected override void ProcessRecord()
    {
        var connection = GraphConnection;
        if (Status == 0) { WriteObject(connection.Name); return; }
        var answer = new ServiceErrorException((HttpStatusCode)Status, "Forbidden", "Missing role permissions on the request.", "req-1", "client-1",
            null, null, "PATCH", new Uri("https://graph.microsoft.com/v1.0/security/alerts_v2/a1"));
        WriteErrorFor(answer, "a1", connection);
    }
}
