using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Json;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators
{
    /// <summary>
    /// <para type="synopsis">Creates threat indicators from the pipeline (a CSV, a feed, another cmdlet) in batches, without duplicates on re-runs.</para>
    /// </summary>
    /// <remarks>
    /// Field parameters are strings (dates and flags: objects) on purpose: a bad cell in one CSV row
    /// must become an error record for that row, with its line, instead of a parameter-binding
    /// failure that drops the row before the command sees it.
    /// </remarks>
    [Cmdlet(VerbsCommon.New, "GsTiIndicator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [GraphPermission("tiIndicators (beta)", "ThreatIndicators.ReadWrite.OwnedBy", NotServedIn = new[] { "USGov", "USGovDoD", "China" })]
    [OutputType(typeof(TiIndicatorResult))]
    public sealed class NewGsTiIndicatorCommand : GsConnectedCmdlet
    {
        /// <summary>The piped object itself; a plain string is taken as the indicator.</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject InputObject { get; set; }

        /// <summary>An observable whose kind is recognised from its value (IP address, hash, URL, e-mail address or domain).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Value", "IOC", "Observable", "IndicatorValue")]
        public string Indicator { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TiValueCompleter))]
        public string TargetProduct { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TiValueCompleter))]
        public string Action { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TiValueCompleter))]
        public string ThreatType { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TiValueCompleter))]
        [Alias("Tlp")]
        public string TlpLevel { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Description { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Expiration", "ExpiresOn", "ValidUntil")]
        public object ExpirationDateTime { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string ExternalId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)] public string AdditionalInformation { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string AzureTenantId { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string Confidence { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string Severity { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public object IsActive { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public object PassiveOnly { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public object LastReportedDateTime { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string KnownFalsePositives { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [ArgumentCompleter(typeof(TiValueCompleter))] public string DiamondModel { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [ArgumentCompleter(typeof(TiValueCompleter))] public string[] KillChain { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string[] ActivityGroupNames { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string[] MalwareFamilyNames { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("Tag")] public string[] Tags { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)] public string EmailEncoding { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string EmailLanguage { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string EmailRecipient { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("Email", "EmailAddress", "Sender")] public string EmailSenderAddress { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string EmailSenderName { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string EmailSourceDomain { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string EmailSourceIpAddress { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string EmailSubject { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string EmailXMailer { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)] public object FileCompileDateTime { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public object FileCreatedDateTime { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [ArgumentCompleter(typeof(TiValueCompleter))] public string FileHashType { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("Hash", "FileHash", "SHA256", "SHA1", "MD5")] public string FileHashValue { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string FileMutexName { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string FileName { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string FilePacker { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string FilePath { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string FileSize { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string FileType { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("Domain", "Hostname", "FQDN")] public string DomainName { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkCidrBlock { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkDestinationAsn { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkDestinationCidrBlock { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("IP", "IPAddress", "IPv4", "DestinationIP")] public string NetworkDestinationIPv4 { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("IPv6")] public string NetworkDestinationIPv6 { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkDestinationPort { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkIPv4 { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkIPv6 { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkPort { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkProtocol { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkSourceAsn { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkSourceCidrBlock { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkSourceIPv4 { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkSourceIPv6 { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string NetworkSourcePort { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("URI", "Link")] public string Url { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string UserAgent { get; set; }

        /// <summary>expirationDateTime of inputs that do not give one: now plus this (default 30 days).</summary>
        [Parameter]
        public TimeSpan ValidFor { get; set; } = TimeSpan.FromDays(30);

        /// <summary>Indicators per submitTiIndicators request (1–100).</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int BatchSize { get; set; } = 100;

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
            var draft = TiIndicatorValidator.Validate(ReadFields(), _defaults, DateTimeOffset.Now, out var problems);
            if (draft == null)
            {
                _rejected++;
                var rejected = new TiIndicatorResult
                {
                    Line = _line, Status = TiIndicatorResultStatus.Failed, Error = string.Join(" ", problems),
                    ExternalId = ExternalId, InputObject = InputObject, ConnectionName = _connection.Name,
                };
                WriteError(ErrorRecords.ForItem(new ArgumentException(rejected.Error), "InvalidTiIndicator", ErrorCategory.InvalidData, rejected,
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
        }

        protected override void EndProcessing()
        {
            if (_declined) return;
            if (_planOnly) { ShouldProcess(Plan(), null, null); return; }
            foreach (var target in _buffers.Keys.ToList()) Flush(target);
            WriteProgress(new ProgressRecord(1, "Submitting threat indicators", "Done") { RecordType = ProgressRecordType.Completed });
            WriteVerbose($"{_line} inputs: {Count(TiIndicatorResultStatus.Created)} created, {Count(TiIndicatorResultStatus.Skipped)} skipped (already there), " +
                $"{Count(TiIndicatorResultStatus.Failed) - _rejected} failed at the service, {_rejected} rejected by validation, in {_clock.Elapsed.TotalSeconds:0.0} s.");
        }

        private Dictionary<string, object> ReadFields()
        {
            var fields = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            var row = InputObject != null && !(InputObject.BaseObject is string) ? InputObject : null;
            foreach (var parameter in FieldParameters)
            {
                var value = parameter.Property.GetValue(this);
                // PowerShell binds a parameter from the first column matching one of its names, even when
                // that cell is empty (a feed with sha256 and md5 columns): then look at the other columns.
                if (IsBlank(value) && row != null && parameter.Aliases.Length > 0)
                    value = parameter.Aliases.Select(a => row.Properties[a]?.Value).FirstOrDefault(v => !IsBlank(v));
                if (value is PSObject wrapped) value = wrapped.BaseObject;
                if (value != null) fields[parameter.Field] = value;
            }
            // A plain string piped in (e.g. from Get-Content) is the indicator itself.
            if (InputObject?.BaseObject is string text && !fields.ContainsKey(TiIndicatorValidator.GenericIndicator))
                fields[TiIndicatorValidator.GenericIndicator] = text;
            return fields;
        }

        private static bool IsBlank(object value) => value == null || (value is string text && text.Trim().Length == 0) ||
            (value is PSObject wrapped && IsBlank(wrapped.BaseObject));

        private void Flush(string targetProduct)
        {
            var batch = _buffers[targetProduct];
            if (batch.Count == 0) return;
            _buffers[targetProduct] = new List<TiUploadItem>(BatchSize);
            if (!_uploaders.TryGetValue(targetProduct, out var uploader))
                _uploaders[targetProduct] = uploader = new TiIndicatorUploader(TiIndicatorBackends.For(_connection.Graph, targetProduct), new TransientRetry());

            IReadOnlyList<TiIndicatorResult> results;
            try { results = Run(token => uploader.SubmitAsync(batch, token)); }
            catch (PipelineStoppedException) { throw; }
            catch (Exception ex) { ThrowTerminatingError(CreateErrorRecord(ex, batch.Select(b => b.Input).ToArray(), _connection)); return; }

            foreach (var result in results)
            {
                result.ConnectionName = _connection.Name;
                Emit(result);
                if (result.Status == TiIndicatorResultStatus.Failed)
                    WriteError(ErrorRecords.ForItem(new InvalidOperationException(result.Error), "TiIndicatorNotCreated", ErrorCategory.InvalidResult, result,
                        $"Line {result.Line}: {result.Indicator} was not created: {result.Error}",
                        "Check the message; running the same input again sends only what is missing."));
            }
            ReportProgress();
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
}
