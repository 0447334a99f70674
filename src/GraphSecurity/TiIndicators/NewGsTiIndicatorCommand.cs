using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// <para type="synopsis">Creates threat indicators from the pipeline (a CSV, a feed, another cmdlet) in Defender for Endpoint, a Sentinel workspace or Graph tiIndicators, in batches, without duplicates on re-runs.</para>
/// </summary>
/// <remarks>
/// Defender for Endpoint gets imports of up to 500 indicators, Sentinel uploads of up to 100 STIX
/// objects, Graph submitTiIndicators of up to 100, each paced at the API's documented rate. Before the
/// first batch the command reads what the target already holds (Defender: every indicator it can see;
/// Sentinel: those of its source system), and an indicator already there, whoever made it, is skipped.
/// </remarks>
[Cmdlet(VerbsCommon.New, "GsTiIndicator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("Defender for Endpoint indicators, Sentinel upload, tiIndicators (beta)", "Ti.ReadWrite.All", "Microsoft Sentinel Contributor", "ThreatIndicators.ReadWrite.OwnedBy")]
[OutputType(typeof(TiIndicatorResult))]
public sealed class NewGsTiIndicatorCommand : TiInputCmdlet
{
    /// <summary>Indicators per request, at most the API's maximum (Defender import 500, Sentinel upload 100, submitTiIndicators 100), which is the default.</summary>
    [Parameter]
    [ValidateRange(1, 500)]
    public int BatchSize { get; set; }

    /// <summary>
    /// Batches on the wire at once (1–16, default 4). Input keeps being read and validated while
    /// they are out; results still come back in input order (per target product).
    /// </summary>
    [Parameter]
    [ValidateRange(1, 16)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>How many inputs are coming, if known: Write-Progress then shows a percentage and the time remaining.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ExpectedCount { get; set; }

    private GraphConnection _connection;
    private bool _planOnly;
    private bool _declined;
    private readonly Dictionary<string, List<TiUploadItem>> _buffers = new Dictionary<string, List<TiUploadItem>>();
    private readonly Dictionary<string, TiIndicatorUploader> _uploaders = new Dictionary<string, TiIndicatorUploader>();
    /// <summary>Shared by every batch: once the service is found unreachable, the rest of the run is reported as not sent.</summary>
    private readonly UnreachableServiceGuard _unreachable = new UnreachableServiceGuard();
    private OrderedBackgroundWork<SubmittedBatch> _submitting;
    private readonly SortedDictionary<string, long> _planned = new SortedDictionary<string, long>();
    private readonly Dictionary<TiIndicatorResultStatus, long> _counts = new Dictionary<TiIndicatorResultStatus, long>();
    private long _rejected;
    private long _expired;
    private readonly Dictionary<string, string> _storeProblems = new Dictionary<string, string>();
    private readonly Stopwatch _clock = new Stopwatch();

    protected override void BeginProcessing()
    {
        _connection = GraphConnection;
        _planOnly = IsWhatIf();
        if (!_planOnly && !ShouldProcess($"connection '{_connection.Name}'", "Submit threat indicators from the pipeline"))
            _declined = true;
        if (TargetGiven && Target == TiTarget.Graph) WriteWarning(TiTargetStores.GraphRetirement);
        if (TargetGiven && Target == TiTarget.Sentinel && WorkspaceId == null && _connection.SentinelWorkspace == null)
            ThrowArgumentError(ErrorIds.InvalidTiIndicator, TiTargetStores.NoWorkspace, Target);
        PrepareDefaults(_connection, signedIn: !_declined);
        _clock.Start();
    }

    protected override void ProcessRecord()
    {
        if (_declined) return;
        foreach (var input in Prepare(DateTimeOffset.Now, asIs: true)) Submit(input);
    }

    private void Submit(TiPreparedInput input)
    {
        var key = input.Target == TiTarget.Graph ? input.Draft?.TargetProduct : input.Target.ToString();
        var rejection = input.Rejection ?? (input.Draft != null && !input.Draft.IsExpired ? StoreProblem(key, input.Target) : null);
        if (rejection != null)
        {
            _rejected++;
            var rejected = ResultOf(input, TiIndicatorResultStatus.Failed, rejection, _connection);
            WriteRejection(rejected);
            if (!_planOnly) Emit(rejected);
            return;
        }
        if (input.Draft.IsExpired)
        {
            _expired++;
            WriteVerbose($"Line {input.Line}: {input.Draft.Indicator} expired at {input.Draft.Body["expirationDateTime"]:u}; not sent.");
            if (!_planOnly) Emit(ResultOf(input, TiIndicatorResultStatus.Expired, "Expired before it was sent; nothing was sent.", _connection));
            return;
        }

        if (_planOnly)
        {
            _planned[key] = (_planned.TryGetValue(key, out var n) ? n : 0) + 1;
            return;
        }
        var draft = input.Draft;
        if (input.TargetBody != null)
        {
            // The successor's body goes out; the observable's key is how the target recognises it.
            draft = new TiIndicatorDraft { ExternalId = input.Draft.ExternalId, TargetProduct = key, IndicatorType = input.Draft.IndicatorType, Indicator = input.Draft.Indicator, LookupKey = input.Observable.Key };
            foreach (var field in input.TargetBody) draft.Body[field.Key] = field.Value;
        }
        if (!_buffers.TryGetValue(key, out var buffer)) _buffers[key] = buffer = new List<TiUploadItem>(BatchSizeOf(key));
        buffer.Add(new TiUploadItem(input.Line, draft, input.Input));
        if (buffer.Count >= BatchSizeOf(key)) Flush(key);
        else if (_submitting != null) EmitResults(_submitting.Collect(int.MaxValue));
    }

    /// <summary>The target of a buffer key: Graph target products, or a successor's name.</summary>
    private static TiTarget TargetOf(string key) => Enum.TryParse<TiTarget>(key, out var target) ? target : TiTarget.Graph;

    private int BatchSizeOf(string key)
    {
        var maximum = TargetOf(key) == TiTarget.DefenderForEndpoint ? DefenderTiStore.ImportBatch : TargetOf(key) == TiTarget.Sentinel ? SentinelTiStore.UploadBatch : 100;
        return BatchSize > 0 ? Math.Min(BatchSize, maximum) : maximum;
    }

    /// <summary>Why inputs for this target cannot be sent at all (a Sentinel row without a workspace), else null; found once per target.</summary>
    private string StoreProblem(string key, TiTarget target)
    {
        if (target == TiTarget.Graph || _uploaders.ContainsKey(key)) return null;
        if (_storeProblems.TryGetValue(key, out var known)) return known;
        try
        {
            _uploaders[key] = new TiIndicatorUploader(new TiTargetSubmitter(TiTargetStores.For(_connection, target, WorkspaceId, Source), key), new RetryPolicy(), _unreachable);
            return null;
        }
        catch (ArgumentException ex) { return _storeProblems[key] = ex.Message; }
    }

    protected override void EndProcessing()
    {
        if (_declined) return;
        if (_planOnly) { ShouldProcess(Plan(), null, null); return; }
        foreach (var target in _buffers.Keys.ToList()) Flush(target);
        if (_submitting != null) EmitResults(_submitting.Collect(0));
        WriteProgress(new ProgressRecord(1, "Submitting threat indicators", "Done") { RecordType = ProgressRecordType.Completed });
        WriteVerbose($"{InputCount} inputs: {Count(TiIndicatorResultStatus.Created)} created, {Count(TiIndicatorResultStatus.Skipped)} skipped (already there), " +
            $"{Count(TiIndicatorResultStatus.Failed) - _rejected} failed at the service, {_rejected} rejected before sending, {_expired} expired, in {_clock.Elapsed.TotalSeconds:0.0} s.");
    }

    /// <summary>A batch handed to the service, and what became of it.</summary>
    private sealed class SubmittedBatch
    {
        public List<TiUploadItem> Items;
        public IReadOnlyList<TiIndicatorResult> Results;
        public Exception Failure;
    }

    /// <summary>Sends the target's buffered inputs in the background; waits only while <see cref="ThrottleLimit"/> batches are out.</summary>
    private void Flush(string targetProduct)
    {
        var batch = _buffers[targetProduct];
        if (batch.Count == 0) return;
        _buffers[targetProduct] = new List<TiUploadItem>(BatchSizeOf(targetProduct));
        if (!_uploaders.TryGetValue(targetProduct, out var uploader))
            _uploaders[targetProduct] = uploader = new TiIndicatorUploader(TiIndicatorBackends.Graph(_connection), new RetryPolicy(), _unreachable);

        _submitting = _submitting ?? new OrderedBackgroundWork<SubmittedBatch>(this, CancellationToken);
        _submitting.Start(async token =>
        {
            var submitted = new SubmittedBatch { Items = batch };
            try { submitted.Results = await uploader.SubmitAsync(batch, token).ConfigureAwait(false); }
            catch (Exception ex) { submitted.Failure = ex; }
            return submitted;
        });
        EmitResults(_submitting.Collect(ThrottleLimit - 1));
    }

    private void EmitResults(IReadOnlyList<SubmittedBatch> batches)
    {
        try { EmitBatches(batches); }
        catch (PipelineStoppedException)
        {
            // A downstream command stopped the pipeline (e.g. Select-Object -First): send nothing more.
            _submitting.Abandon();
            throw;
        }
    }

    private void EmitBatches(IReadOnlyList<SubmittedBatch> batches)
    {
        foreach (var batch in batches)
        {
            if (batch.Failure != null)
            {
                _submitting.Abandon();
                if (batch.Failure is OperationCanceledException && CancellationToken.IsCancellationRequested) throw new PipelineStoppedException();
                ThrowTerminatingError(CreateErrorRecord(batch.Failure, batch.Items.Select(b => b.Input).ToArray(), _connection));
            }
            foreach (var result in batch.Results)
            {
                result.ConnectionName = _connection.Name;
                result.Target = TargetOf(result.TargetProduct ?? "");
                if (result.Target != TiTarget.Graph) result.TargetProduct = result.Target == TiTarget.Sentinel ? TiIndicatorFields.Sentinel : TiIndicatorFields.DefenderAtp;
                Emit(result);
                if (result.Status == TiIndicatorResultStatus.Failed)
                    WriteError(ErrorRecords.Create(new InvalidOperationException(result.Error), ErrorIds.TiIndicatorNotCreated, ErrorCategory.InvalidResult, result,
                        $"Line {result.Line}: {result.Indicator} was not created: {result.Error}",
                        "Check the message; running the same input again sends only what is missing."));
            }
            ReportProgress();
        }
    }

    private void Emit(TiIndicatorResult result)
    {
        _counts[result.Status] = Count(result.Status) + 1;
        WriteObject(result);
    }

    private long Count(TiIndicatorResultStatus status) => _counts.TryGetValue(status, out var n) ? n : 0;

    private void ReportProgress()
    {
        var done = _counts.Values.Sum();
        var status = $"{done} of {(ExpectedCount > 0 ? ExpectedCount.ToString() : "?")} inputs: {Count(TiIndicatorResultStatus.Created)} created, " +
                     $"{Count(TiIndicatorResultStatus.Skipped)} skipped, {Count(TiIndicatorResultStatus.Failed)} failed";
        var progress = new ProgressRecord(1, "Submitting threat indicators", status);
        if (ExpectedCount > 0 && done > 0)
        {
            progress.PercentComplete = (int)Math.Min(100, done * 100 / ExpectedCount);
            progress.SecondsRemaining = (int)Math.Max(0, _clock.Elapsed.TotalSeconds / done * (ExpectedCount - done));
        }
        WriteProgress(progress);
    }

    private string Plan()
    {
        var lines = new List<string> { $"Submit threat indicators to connection '{_connection.Name}' ({InputCount} inputs):" };
        foreach (var target in _planned)
        {
            var size = BatchSizeOf(target.Key);
            var batches = (target.Value + size - 1) / size;
            var last = target.Value - (batches - 1) * size;
            var where = TargetOf(target.Key) == TiTarget.DefenderForEndpoint ? "Defender for Endpoint: {0} indicators in {1} import request(s)"
                : TargetOf(target.Key) == TiTarget.Sentinel ? "Sentinel: {0} STIX indicators in {1} upload request(s)"
                : target.Key + ": {0} indicators in {1} submitTiIndicators request(s)";
            lines.Add("  " + string.Format(System.Globalization.CultureInfo.InvariantCulture, where, target.Value, batches) +
                      $" of {Math.Min(size, target.Value)}{(last != size && batches > 1 ? $" (the last of {last})" : "")}");
        }
        if (_planned.Count == 0) lines.Add("  nothing to submit");
        lines.Add($"  {_rejected} input(s) rejected before sending (see the errors), {_expired} already expired");
        lines.Add("  Indicators already in the target are skipped when the command runs; that check is not made here.");
        return string.Join(Environment.NewLine, lines);
    }
}
