using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// <para type="synopsis">Creates threat indicators from the pipeline (a CSV, a feed, another cmdlet) in batches, without duplicates on re-runs.</para>
/// </summary>
/// <remarks>
/// The field parameters are not bound from the pipeline by PowerShell: the command reads each piped
/// object's properties itself (<see cref="ReadFields"/>), in one pass over the properties the object
/// has. Binding ~60 parameters by property name costs PowerShell a lookup per parameter and alias for
/// every row, which made binding the slowest part of a large import; and a cell that does not convert
/// becomes an error record for that row, with its line, instead of a binding failure that drops it.
/// </remarks>
[Cmdlet(VerbsCommon.New, "GsTiIndicator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("tiIndicators (beta)", "ThreatIndicators.ReadWrite.OwnedBy", NotServedIn = new[] { "USGov", "USGovDoD", "China" })]
[OutputType(typeof(TiIndicatorResult))]
public sealed class NewGsTiIndicatorCommand : GsConnectedCmdlet
{
    /// <summary>
    /// The piped object: a plain string is the indicator; any other object (a CSV row, a feed entry,
    /// an indicator) gives the fields its properties name, by the field parameters' names and aliases.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject InputObject { get; set; }

    /// <summary>An observable whose kind is recognised from its value (IP address, hash, URL, e-mail address or domain).</summary>
    [Parameter(Position = 0)]
    [Alias("Value", "IOC", "Observable", "IndicatorValue")]
    public string Indicator { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(TiValueCompleter))]
    public string TargetProduct { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(TiValueCompleter))]
    public string Action { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(TiValueCompleter))]
    public string ThreatType { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(TiValueCompleter))]
    [Alias("Tlp")]
    public string TlpLevel { get; set; }

    [Parameter]
    public string Description { get; set; }

    [Parameter]
    [Alias("Expiration", "ExpiresOn", "ValidUntil")]
    public object ExpirationDateTime { get; set; }

    [Parameter]
    public string ExternalId { get; set; }

    [Parameter] public string AdditionalInformation { get; set; }
    [Parameter] public string AzureTenantId { get; set; }
    [Parameter] public string Confidence { get; set; }
    [Parameter] public string Severity { get; set; }
    [Parameter] public object IsActive { get; set; }
    [Parameter] public object PassiveOnly { get; set; }
    [Parameter] public object LastReportedDateTime { get; set; }
    [Parameter] public string KnownFalsePositives { get; set; }
    [Parameter][ArgumentCompleter(typeof(TiValueCompleter))] public string DiamondModel { get; set; }
    [Parameter][ArgumentCompleter(typeof(TiValueCompleter))] public string[] KillChain { get; set; }
    [Parameter] public string[] ActivityGroupNames { get; set; }
    [Parameter] public string[] MalwareFamilyNames { get; set; }
    [Parameter][Alias("Tag")] public string[] Tags { get; set; }

    [Parameter] public string EmailEncoding { get; set; }
    [Parameter] public string EmailLanguage { get; set; }
    [Parameter] public string EmailRecipient { get; set; }
    [Parameter][Alias("Email", "EmailAddress", "Sender")] public string EmailSenderAddress { get; set; }
    [Parameter] public string EmailSenderName { get; set; }
    [Parameter] public string EmailSourceDomain { get; set; }
    [Parameter] public string EmailSourceIpAddress { get; set; }
    [Parameter] public string EmailSubject { get; set; }
    [Parameter] public string EmailXMailer { get; set; }

    [Parameter] public object FileCompileDateTime { get; set; }
    [Parameter] public object FileCreatedDateTime { get; set; }
    [Parameter][ArgumentCompleter(typeof(TiValueCompleter))] public string FileHashType { get; set; }
    [Parameter][Alias("Hash", "FileHash", "SHA256", "SHA1", "MD5")] public string FileHashValue { get; set; }
    [Parameter] public string FileMutexName { get; set; }
    [Parameter] public string FileName { get; set; }
    [Parameter] public string FilePacker { get; set; }
    [Parameter] public string FilePath { get; set; }
    [Parameter] public string FileSize { get; set; }
    [Parameter] public string FileType { get; set; }

    [Parameter][Alias("Domain", "Hostname", "FQDN")] public string DomainName { get; set; }
    [Parameter] public string NetworkCidrBlock { get; set; }
    [Parameter] public string NetworkDestinationAsn { get; set; }
    [Parameter] public string NetworkDestinationCidrBlock { get; set; }
    [Parameter][Alias("IP", "IPAddress", "IPv4", "DestinationIP")] public string NetworkDestinationIPv4 { get; set; }
    [Parameter][Alias("IPv6")] public string NetworkDestinationIPv6 { get; set; }
    [Parameter] public string NetworkDestinationPort { get; set; }
    [Parameter] public string NetworkIPv4 { get; set; }
    [Parameter] public string NetworkIPv6 { get; set; }
    [Parameter] public string NetworkPort { get; set; }
    [Parameter] public string NetworkProtocol { get; set; }
    [Parameter] public string NetworkSourceAsn { get; set; }
    [Parameter] public string NetworkSourceCidrBlock { get; set; }
    [Parameter] public string NetworkSourceIPv4 { get; set; }
    [Parameter] public string NetworkSourceIPv6 { get; set; }
    [Parameter] public string NetworkSourcePort { get; set; }
    [Parameter][Alias("URI", "Link")] public string Url { get; set; }
    [Parameter] public string UserAgent { get; set; }

    /// <summary>expirationDateTime of inputs that do not give one: now plus this (default 30 days).</summary>
    [Parameter]
    [ValidateDuration(1, 3650 * 86400)]
    public TimeSpan ValidFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Indicators per submitTiIndicators request (1–100).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int BatchSize { get; set; } = 100;

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

    /// <summary>A field parameter: its tiIndicator field name and the column names it is read from.</summary>
    private sealed class FieldParameter
    {
        public FieldParameter(PropertyInfo property)
        {
            Property = property;
            Field = GraphJson.CamelCase(property.Name);
            Aliases = property.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames).ToArray();
        }
        public PropertyInfo Property { get; }
        public string Field { get; }
        public string[] Aliases { get; }
    }

    private static readonly IReadOnlyList<FieldParameter> FieldParameters =
        typeof(NewGsTiIndicatorCommand).GetProperties()
            .Where(p => TiIndicatorFields.ByName.ContainsKey(p.Name) || p.Name == nameof(Indicator))
            .Select(p => new FieldParameter(p))
            .ToList();

    private GraphConnection _connection;
    private TiIndicatorDefaults _defaults;
    private bool _planOnly;
    private bool _declined;
    private long _line;
    private readonly Dictionary<string, List<TiUploadItem>> _buffers = new Dictionary<string, List<TiUploadItem>>();
    private readonly Dictionary<string, TiIndicatorUploader> _uploaders = new Dictionary<string, TiIndicatorUploader>();
    /// <summary>Shared by every batch: once the service is found unreachable, the rest of the run is reported as not sent.</summary>
    private readonly UnreachableServiceGuard _unreachable = new UnreachableServiceGuard();
    private OrderedBackgroundWork<SubmittedBatch> _submitting;
    private readonly SortedDictionary<string, long> _planned = new SortedDictionary<string, long>();
    private readonly Dictionary<TiIndicatorResultStatus, long> _counts = new Dictionary<TiIndicatorResultStatus, long>();
    private long _rejected;
    private readonly Stopwatch _clock = new Stopwatch();

    protected override void BeginProcessing()
    {
        _connection = GraphConnection;
        _planOnly = IsWhatIf();
        if (!_planOnly && !ShouldProcess($"connection '{_connection.Name}'", "Submit threat indicators from the pipeline"))
            _declined = true;
        _defaults = new TiIndicatorDefaults { ValidFor = ValidFor };
        if (!_declined)
            _defaults.AzureTenantId = Run(token => TenantIds.OfConnectionAsync(_connection, token));
        _clock.Start();
    }

    protected override void ProcessRecord()
    {
        if (_declined) return;
        _line++;
        var unreadable = new List<string>();
        var fields = ReadFields(unreadable);
        var draft = TiIndicatorValidator.Validate(fields, _defaults, DateTimeOffset.Now, out var problems);
        if (draft == null || unreadable.Count > 0)
        {
            _rejected++;
            var rejected = new TiIndicatorResult
            {
                Line = _line,
                Status = TiIndicatorResultStatus.Failed,
                Error = string.Join(" ", unreadable.Concat(problems ?? Enumerable.Empty<string>())),
                ExternalId = fields.TryGetValue("externalId", out var externalId) ? externalId as string : null,
                InputObject = InputObject,
                ConnectionName = _connection.Name,
            };
            WriteError(ErrorRecords.Create(new ArgumentException(rejected.Error), ErrorIds.InvalidTiIndicator, ErrorCategory.InvalidData, rejected,
                $"Line {_line}: {rejected.Error}", "Correct the input and run the command again; indicators already created are skipped."));
            if (!_planOnly) Emit(rejected);
            return;
        }

        if (_planOnly)
        {
            _planned[draft.TargetProduct] = (_planned.TryGetValue(draft.TargetProduct, out var n) ? n : 0) + 1;
            return;
        }
        if (!_buffers.TryGetValue(draft.TargetProduct, out var buffer)) _buffers[draft.TargetProduct] = buffer = new List<TiUploadItem>(BatchSize);
        buffer.Add(new TiUploadItem(_line, draft, InputObject));
        if (buffer.Count >= BatchSize) Flush(draft.TargetProduct);
        else if (_submitting != null) EmitResults(_submitting.Collect(int.MaxValue));
    }

    protected override void EndProcessing()
    {
        if (_declined) return;
        if (_planOnly) { ShouldProcess(Plan(), null, null); return; }
        foreach (var target in _buffers.Keys.ToList()) Flush(target);
        if (_submitting != null) EmitResults(_submitting.Collect(0));
        WriteProgress(new ProgressRecord(1, "Submitting threat indicators", "Done") { RecordType = ProgressRecordType.Completed });
        WriteVerbose($"{_line} inputs: {Count(TiIndicatorResultStatus.Created)} created, {Count(TiIndicatorResultStatus.Skipped)} skipped (already there), " +
            $"{Count(TiIndicatorResultStatus.Failed) - _rejected} failed at the service, {_rejected} rejected by validation, in {_clock.Elapsed.TotalSeconds:0.0} s.");
    }

    private static readonly HashSet<string> HashColumns = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "SHA256", "SHA1", "MD5" };

    /// <summary>Field parameters by every name a property of a piped object may carry (the parameter's name, then its aliases).</summary>
    private static readonly Dictionary<string, (FieldParameter Parameter, int Rank)> FieldsByPropertyName = IndexByPropertyName();

    private static Dictionary<string, (FieldParameter, int)> IndexByPropertyName()
    {
        var index = new Dictionary<string, (FieldParameter, int)>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in FieldParameters)
        {
            index[parameter.Property.Name] = (parameter, 0);
            for (var i = 0; i < parameter.Aliases.Length; i++) index[parameter.Aliases[i]] = (parameter, i + 1);
        }
        return index;
    }

    /// <summary>
    /// The input's fields: parameters given on the command line win; the others come from the piped
    /// object's properties, the parameter's own name first, then its aliases in order, skipping empty
    /// cells (a feed with both sha256 and md5 columns fills one per row).
    /// </summary>
    private Dictionary<string, object> ReadFields(List<string> problems)
    {
        var fields = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        var ranks = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var bound = MyInvocation.BoundParameters;
        var row = InputObject != null && !(InputObject.BaseObject is string) ? InputObject : null;
        if (row != null)
        {
            foreach (var property in row.Properties)
            {
                if (!FieldsByPropertyName.TryGetValue(property.Name, out var match) || bound.ContainsKey(match.Parameter.Property.Name)) continue;
                if (ranks.TryGetValue(match.Parameter.Field, out var rank) && rank <= match.Rank) continue;
                object value;
                try { value = property.Value; }
                catch (GetValueException) { continue; } // a property whose getter fails is no field
                if (IsBlank(value)) continue;
                try { fields[match.Parameter.Field] = AsParameterType(value, match.Parameter.Property.PropertyType); }
                catch (PSInvalidCastException ex)
                {
                    problems.Add($"{property.Name}: {ex.Message}");
                    continue;
                }
                ranks[match.Parameter.Field] = match.Rank;
                columns[match.Parameter.Field] = property.Name;
            }
        }
        // A sha256, sha1 or md5 column says which hash it holds, so a wrong length is reported as such.
        if (columns.TryGetValue("fileHashValue", out var hashColumn) && HashColumns.Contains(hashColumn) && !fields.ContainsKey("fileHashType") &&
            !bound.ContainsKey(nameof(FileHashValue)))
            fields["fileHashType"] = hashColumn.ToLowerInvariant();
        foreach (var parameter in FieldParameters)
            if (bound.TryGetValue(parameter.Property.Name, out var value) && !IsBlank(value))
                fields[parameter.Field] = value is PSObject wrapped ? wrapped.BaseObject : value;
        // A plain string piped in (e.g. from Get-Content) is the indicator itself.
        if (InputObject?.BaseObject is string text && !fields.ContainsKey(TiIndicatorValidator.GenericIndicator))
            fields[TiIndicatorValidator.GenericIndicator] = text;
        return fields;
    }

    /// <summary>A property value as the parameter's type would take it (string, string[]; objects as they are).</summary>
    private static object AsParameterType(object value, Type parameterType)
    {
        if (value is PSObject wrapped) value = wrapped.BaseObject;
        return parameterType == typeof(object) ? value : LanguagePrimitives.ConvertTo(value, parameterType, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsBlank(object value) => value == null || (value is string text && text.Trim().Length == 0) ||
        (value is PSObject wrapped && IsBlank(wrapped.BaseObject));

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
        _buffers[targetProduct] = new List<TiUploadItem>(BatchSize);
        if (!_uploaders.TryGetValue(targetProduct, out var uploader))
            _uploaders[targetProduct] = uploader = new TiIndicatorUploader(TiIndicatorBackends.For(_connection, targetProduct), new RetryPolicy(), _unreachable);

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
        var lines = new List<string> { $"Submit threat indicators to connection '{_connection.Name}' ({_line} inputs):" };
        foreach (var target in _planned)
        {
            var batches = (target.Value + BatchSize - 1) / BatchSize;
            var last = target.Value - (batches - 1) * BatchSize;
            lines.Add($"  {target.Key}: {target.Value} indicators in {batches} submitTiIndicators request(s) of {Math.Min(BatchSize, target.Value)}{(last != BatchSize && batches > 1 ? $" (the last of {last})" : "")}");
        }
        if (_planned.Count == 0) lines.Add("  nothing to submit");
        lines.Add($"  {_rejected} input(s) rejected by validation (see the errors)");
        lines.Add("  Indicators whose externalId already exists are skipped when the command runs; that check is not made here.");
        return string.Join(Environment.NewLine, lines);
    }

    private bool IsWhatIf()
    {
        if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)) return ((SwitchParameter)bound).IsPresent;
        return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
