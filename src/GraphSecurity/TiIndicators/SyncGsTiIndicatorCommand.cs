using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// <para type="synopsis">Makes Defender for Endpoint or a Sentinel workspace hold exactly a feed's indicators: adds what is new, updates expiry and action, removes what the feed dropped, and leaves everybody else's indicators alone.</para>
/// </summary>
/// <remarks>
/// The whole feed is read first, then what the target holds (Defender: every indicator the app can
/// see; Sentinel: those of the -Source system), and the plan is made from the two alone, so -WhatIf
/// shows what a run then does. Removals go first (Defender BatchDelete; Sentinel uploads the
/// indicator again revoked), then updates, then creations, each batch at the API's maximum and paced
/// at its documented rate. Under Defender's tenant cap the feed's best indicators are kept (confidence,
/// then recency) and the rest reported as Excluded.
/// </remarks>
[Cmdlet(VerbsData.Sync, "GsTiIndicator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("Defender for Endpoint indicators, Sentinel upload", "Ti.ReadWrite.All", "Microsoft Sentinel Contributor")]
[OutputType(typeof(TiIndicatorResult))]
public sealed class SyncGsTiIndicatorCommand : TiInputCmdlet
{
    /// <summary>Defender for Endpoint's indicators per tenant (15,000; increases are not supported). Lower it to leave room for others.</summary>
    [Parameter]
    [ValidateRange(1, 15_000)]
    public int IndicatorCap { get; set; } = 15_000;

    /// <summary>How many rows of each action -WhatIf lists (default 3).</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int PlanExamples { get; set; } = 3;

    /// <summary>Sync even an empty feed (no input at all), which removes every indicator of -Source from the target.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private GraphConnection _connection;
    private readonly List<TiFeedRow> _feed = new List<TiFeedRow>();
    private readonly Stopwatch _clock = new Stopwatch();
    private long _rejected;
    private DateTimeOffset _now;

    protected override void BeginProcessing()
    {
        _connection = GraphConnection;
        if (TargetGiven && Target == TiTarget.Graph)
            ThrowArgumentError(ErrorIds.InvalidTiIndicator, "Sync-GsTiIndicator works on Defender for Endpoint and Sentinel; Graph tiIndicators has been retired. " + TiTargetStores.GraphRetirement, Target);
        PrepareDefaults(_connection, signedIn: true);
        _now = DateTimeOffset.Now;
        _clock.Start();
    }

    protected override void ProcessRecord()
    {
        foreach (var input in Prepare(_now, asIs: false)) Collect(input);
    }

    private void Collect(TiPreparedInput input)
    {
        if (input.Target != EffectiveTarget && input.Rejection == null)
            input.Rejection = $"The row's targetProduct routes it to {input.Target}, but this sync is of {EffectiveTarget}; give -Target for the feed, or run one sync per target.";
        if (input.Rejection != null)
        {
            _rejected++;
            var rejected = ResultOf(input, TiIndicatorResultStatus.Failed, input.Rejection, _connection);
            WriteRejection(rejected);
            if (!IsWhatIf()) WriteObject(rejected);
            return;
        }
        var body = input.Draft.Body;
        _feed.Add(new TiFeedRow
        {
            Line = input.Line,
            Input = input.Input,
            Observable = input.Observable,
            Body = input.TargetBody,
            Expiration = body.TryGetValue("expirationDateTime", out var expires) ? (DateTimeOffset?)expires : null,
            Lifetime = input.ExpirationGiven || expires == null ? (TimeSpan?)null : (DateTimeOffset)expires - _now,
            Action = input.TargetBody.TryGetValue("action", out var action) ? action as string : null,
            Confidence = body.TryGetValue("confidence", out var confidence) && confidence is int c ? c : 0,
            Reported = body.TryGetValue("lastReportedDateTime", out var reported) && reported is DateTimeOffset r ? r : (DateTimeOffset?)null,
            Revoked = body.TryGetValue("isActive", out var active) && active is bool isActive && !isActive,
            Expired = input.Draft.IsExpired,
            IndicatorType = input.Draft.IndicatorType,
            Indicator = input.Draft.Indicator,
        });
    }

    /// <summary>The sync's one target: -Target, else Defender for Endpoint.</summary>
    private TiTarget EffectiveTarget => TargetGiven ? Target : TiTarget.DefenderForEndpoint;

    protected override void EndProcessing()
    {
        if (InputCount == 0 && !Force)
            ThrowArgumentError(ErrorIds.InvalidArgument, $"The feed is empty: a sync would remove every indicator of the source '{Source}'. If that is what you want, add -Force.", Source);
        ITiTargetStore store;
        try { store = TiTargetStores.For(_connection, EffectiveTarget, WorkspaceId, Source); }
        catch (ArgumentException ex) { ThrowArgumentError(ErrorIds.InvalidTiIndicator, ex.Message, WorkspaceId); return; }

        var existing = new List<TiIndicator>();
        WriteProgress(new ProgressRecord(1, "Synchronising threat indicators", $"Reading what {store.Describe()} holds"));
        Run(token => store.ReadAsync(page => { existing.AddRange(page); return System.Threading.Tasks.Task.CompletedTask; }, token));
        var plan = TiSyncPlan.Create(store.Target, _feed, existing, Source, store.Target == TiTarget.DefenderForEndpoint ? IndicatorCap : (int?)null, DateTimeOffset.UtcNow);
        var description = plan.Describe($"{store.Describe()} (connection '{_connection.Name}', {InputCount} inputs, {_rejected} rejected before sending)", PlanExamples);
        WriteVerbose(description);
        if (!ShouldProcess(description, null, null)) return;

        var changes = plan.Changes.Count();
        var done = 0;
        foreach (var batch in TiSyncRunner.Batches(plan, store.MaxBatchSize))
        {
            IReadOnlyList<TiItemOutcome> outcomes;
            try { outcomes = Run(token => TiSyncRunner.RunAsync(store, batch, DateTimeOffset.UtcNow, token)); }
            catch (PipelineStoppedException) { throw; }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // One batch that keeps failing is reported item by item; the rest of the plan goes on.
                outcomes = batch.Select(_ => TiItemOutcome.Failure(500, ex.Message)).ToList();
            }
            for (var i = 0; i < batch.Count; i++) Emit(batch[i], outcomes[i], store.Target);
            done += batch.Count;
            var progress = new ProgressRecord(1, "Synchronising threat indicators", $"{done} of {changes} changes sent");
            progress.PercentComplete = changes == 0 ? 100 : done * 100 / changes;
            progress.SecondsRemaining = done == 0 ? -1 : (int)(_clock.Elapsed.TotalSeconds / done * (changes - done));
            WriteProgress(progress);
        }
        foreach (var step in plan.Steps.Where(s => s.Action != TiSyncAction.Remove && s.Action != TiSyncAction.Update && s.Action != TiSyncAction.Create))
            Emit(step, null, store.Target);
        WriteProgress(new ProgressRecord(1, "Synchronising threat indicators", "Done") { RecordType = ProgressRecordType.Completed });
        WriteVerbose($"Synchronised {store.Describe()} in {_clock.Elapsed.TotalSeconds:0.0} s.");
    }

    private void Emit(TiSyncStep step, TiItemOutcome outcome, TiTarget target)
    {
        TiIndicatorResultStatus status;
        switch (step.Action)
        {
            case TiSyncAction.Create: status = TiIndicatorResultStatus.Created; break;
            case TiSyncAction.Update: status = TiIndicatorResultStatus.Updated; break;
            case TiSyncAction.Remove: status = TiIndicatorResultStatus.Removed; break;
            case TiSyncAction.Excluded: status = TiIndicatorResultStatus.Excluded; break;
            case TiSyncAction.Expired: status = TiIndicatorResultStatus.Expired; break;
            default: status = TiIndicatorResultStatus.Skipped; break;
        }
        var failed = outcome != null && !outcome.Succeeded;
        var result = new TiIndicatorResult
        {
            Line = step.Row?.Line ?? 0,
            Status = failed ? TiIndicatorResultStatus.Failed : status,
            Id = outcome?.Indicator?.Id ?? step.Existing?.Id,
            Target = target,
            TargetProduct = target == TiTarget.Sentinel ? TiIndicatorFields.Sentinel : TiIndicatorFields.DefenderAtp,
            IndicatorType = step.Row?.IndicatorType,
            Indicator = step.Indicator,
            Error = failed ? outcome.Message : step.Reason,
            InputObject = step.Row?.Input,
            ConnectionName = _connection.Name,
        };
        WriteObject(result);
        if (failed)
            WriteError(ErrorRecords.Create(new InvalidOperationException(outcome.Message), ErrorIds.TiIndicatorNotCreated, ErrorCategory.InvalidResult, result,
                $"{(result.Line > 0 ? $"Line {result.Line}: " : "")}{step.Action} of {result.Indicator} failed: {outcome.Message}",
                "Check the message; running the same sync again does only what is still missing."));
    }
}
