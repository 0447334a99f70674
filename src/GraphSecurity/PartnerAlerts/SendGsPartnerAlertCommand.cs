using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.PartnerAlerts;

namespace GraphSecurity.Commands.PartnerAlerts;

/// <summary>How Send-GsPartnerAlert delivers alerts.</summary>
public enum PartnerAlertRoute
{
    /// <summary>Graph beta createAlert: one alert per call, answered with the alert.</summary>
    CreateAlert,
    /// <summary>Azure Monitor Logs Ingestion into a data collection rule's stream; a Sentinel analytics rule makes the alerts.</summary>
    LogsIngestion,
}

/// <summary>
/// <para type="synopsis">Sends a partner product's detections so they appear as alerts in alerts_v2 and in incidents, through Graph createAlert or Logs Ingestion.</para>
/// </summary>
/// <remarks>
/// Each input is one detection: the parameters, or the properties of a piped object or hashtable of
/// the same names (parameters given on the command line win). Every detection is checked before
/// anything is sent; a bad one becomes an error record carrying it and the others go on. A detection
/// keeps one id (-AlertId, or a hash of its stable fields), so sending it again creates no second alert.
/// </remarks>
[Cmdlet(VerbsCommunications.Send, "GsPartnerAlert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
// Not NotServedIn China: Logs Ingestion is served there; createAlert's absence is checked per route.
[GraphPermission("alerts_v2 createAlert (beta)", "SecurityAlert.Create.All", "SecurityAlert.ReadWrite.All")]
[OutputType(typeof(Alert))]
[OutputType(typeof(PartnerAlertUpload))]
public sealed class SendGsPartnerAlertCommand : GsConnectedCmdlet
{
    private const string DefaultStream = "Custom-PartnerAlerts";

    /// <summary>A detection record (object or hashtable) whose properties or keys name the fields below.</summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject InputObject { get; set; }

    [Parameter]
    [ValidateSet("CreateAlert", "LogsIngestion", IgnoreCase = true)]
    public PartnerAlertRoute Via { get; set; } = PartnerAlertRoute.CreateAlert;

    [Parameter(Position = 0)]
    [ValidateText]
    public string Title { get; set; }

    [Parameter]
    [ValidateText]
    public string Description { get; set; }

    [Parameter]
    [ValidateKnownValue]
    [ValidateSet("Informational", "Low", "Medium", "High", IgnoreCase = true)]
    public AlertSeverity Severity { get; set; }

    /// <summary>A MITRE ATT&amp;CK tactic.</summary>
    [Parameter]
    [ValidateSet("Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence", "PrivilegeEscalation", "DefenseEvasion",
        "CredentialAccess", "Discovery", "LateralMovement", "Collection", "CommandAndControl", "Exfiltration", "Impact", IgnoreCase = true)]
    [Alias("Tactic")]
    public string Category { get; set; }

    [Parameter]
    [ValidatePattern(@"^T\d{4}(\.\d{3})?$")]
    [Alias("MitreTechniques")]
    public string[] MitreTechnique { get; set; }

    [Parameter]
    [ValidateText]
    [Alias("RecommendedActions")]
    public string RecommendedAction { get; set; }

    /// <summary>Impacted users: UPNs, Entra object ids or SIDs.</summary>
    [Parameter]
    [ValidateText(SingleLine = true)]
    [Alias("UserPrincipalName")]
    public string[] User { get; set; }

    /// <summary>Impacted devices: names, or Defender device ids.</summary>
    [Parameter]
    [ValidateText(SingleLine = true)]
    [Alias("DeviceName")]
    public string[] Device { get; set; }

    [Parameter]
    [ValidateText(SingleLine = true)]
    [Alias("Ip")]
    public string[] IpAddress { get; set; }

    [Parameter]
    [ValidateText(SingleLine = true)]
    public string[] Url { get; set; }

    /// <summary>SHA-256 or SHA-1 hashes of files involved.</summary>
    [Parameter]
    [ValidateText(SingleLine = true)]
    [Alias("Sha256", "Sha1")]
    public string[] FileHash { get; set; }

    [Parameter]
    [ValidateText(SingleLine = true)]
    public string[] Mailbox { get; set; }

    /// <summary>Any other entities, as hashtables with entityType, entityIdentifier, identifierValue and role (impacted or related).</summary>
    [Parameter]
    [Alias("EntityDefinitions")]
    public Hashtable[] Entity { get; set; }

    /// <summary>createAlert: the incident the alert joins (else a new incident).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long LinkToIncident { get; set; }

    [Parameter]
    public SwitchParameter ExcludeFromCorrelation { get; set; }

    /// <summary>The partner's own id of the detection (default: a hash of its stable fields).</summary>
    [Parameter]
    [ValidateText(SingleLine = true)]
    [ValidateLength(1, 128)]
    public string AlertId { get; set; }

    /// <summary>LogsIngestion: the row's TimeGenerated (default: now).</summary>
    [Parameter]
    [ValidateMoment]
    public DateTimeOffset TimeGenerated { get; set; }

    /// <summary>LogsIngestion: the data collection rule's immutable id (dcr-…).</summary>
    [Parameter]
    [ValidatePattern("^dcr-[0-9a-fA-F]{32}$")]
    [Alias("DcrImmutableId")]
    public string DataCollectionRule { get; set; }

    /// <summary>LogsIngestion: the stream the rule declares (default Custom-PartnerAlerts).</summary>
    [Parameter]
    [ValidatePattern("^(Custom|Microsoft)-[A-Za-z0-9_]+$")]
    public string Stream { get; set; } = DefaultStream;

    /// <summary>LogsIngestion: the data collection endpoint or the rule's logsIngestion endpoint (default: the connection's).</summary>
    [Parameter]
    public Uri Endpoint { get; set; }

    /// <summary>LogsIngestion: send the JSON uncompressed (default: gzip).</summary>
    [Parameter]
    public SwitchParameter NoCompression { get; set; }

    /// <summary>CreateAlert: create the alert even when one with its id exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private GraphConnection _connection;
    private CreateAlertSender _creator;
    private bool _existingLoaded;
    private int _skipped;
    private readonly List<(PartnerDetection Detection, object Input, byte[] Row)> _rows = new List<(PartnerDetection, object, byte[])>();
    private int _droppedEntities;

    private GraphConnection Connected => _connection ?? (_connection = GraphConnection);

    protected override void BeginProcessing()
    {
        if (Via == PartnerAlertRoute.LogsIngestion && DataCollectionRule == null)
            ThrowArgumentError(ErrorIds.InvalidArgument, "-Via LogsIngestion needs -DataCollectionRule, the immutable id (dcr-…) of a rule whose stream the app may write to.", null,
                "Give -DataCollectionRule (and -Stream if it is not Custom-PartnerAlerts).");
        if (Via == PartnerAlertRoute.CreateAlert)
            foreach (var name in new[] { nameof(DataCollectionRule), nameof(Endpoint), nameof(NoCompression), nameof(TimeGenerated) })
                if (MyInvocation.BoundParameters.ContainsKey(name))
                    ThrowArgumentError(ErrorIds.InvalidArgument, $"-{name} applies to -Via LogsIngestion only.", null);
        if (Via == PartnerAlertRoute.LogsIngestion)
            foreach (var name in new[] { nameof(LinkToIncident), nameof(ExcludeFromCorrelation), nameof(Force) })
                if (MyInvocation.BoundParameters.ContainsKey(name))
                    ThrowArgumentError(ErrorIds.InvalidArgument, $"-{name} applies to -Via CreateAlert only.", null);
    }

    protected override void ProcessRecord()
    {
        // The error record carries the input as it came: the hashtable, or the object (a PSCustomObject is its PSObject).
        var input = InputObject == null ? BoundInput() : InputObject.BaseObject is PSCustomObject ? InputObject : InputObject.BaseObject;
        var unreadable = new List<string>();
        var detection = Read(InputObject, unreadable);
        var problems = unreadable.Concat(Via == PartnerAlertRoute.CreateAlert ? CreateAlertSender.Problems(detection) : detection.Problems()).ToList();
        if (problems.Count > 0)
        {
            WriteError(ErrorRecords.Argument(ErrorIds.InvalidPartnerAlert,
                $"The partner alert '{detection.Title ?? "(no title)"}' was not sent: {string.Join("; ", problems)}.", input,
                "Give the alert a Title, Description, Severity, Category (an ATT&CK tactic) and 1 to 100 entities."));
            return;
        }
        if (Via == PartnerAlertRoute.LogsIngestion) { Queue(detection, input); return; }
        Create(detection, input);
    }

    /// <summary>Without pipeline input the bound parameters are the input an error record carries.</summary>
    private Hashtable BoundInput()
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var kv in MyInvocation.BoundParameters) table[kv.Key] = kv.Value;
        return table;
    }

    private void Create(PartnerDetection detection, object input)
    {
        var connection = Connected;
        if (connection.Cloud.IsMicrosoftCloud && connection.Cloud.Name == "China")
        {
            var message = $"Microsoft Graph does not serve alerts_v2 in the China cloud (connection '{connection.Name}'); use -Via LogsIngestion there.";
            ThrowTerminatingError(ErrorRecords.Create(new NotSupportedException(message), ErrorIds.ApiNotInCloud, ErrorCategory.NotImplemented, connection.Name, message,
                "Use -Via LogsIngestion, or a connection to a cloud that has alerts_v2."));
        }
        _creator = _creator ?? new CreateAlertSender(connection.Graph);
        if (!Force && !_existingLoaded)
        {
            _existingLoaded = true;
            try
            {
                var count = Run(token => _creator.LoadExistingAsync(DateTimeOffset.UtcNow - ExistingWindow, token));
                WriteVerbose($"{count} partner alert(s) created in the last {ExistingWindow.TotalDays:0} days exist already; their ids are not sent again.");
            }
            catch (PipelineStoppedException) { throw; }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                WriteWarning($"The alerts already there could not be read ({ex.Message}); a detection sent before may be created again.");
            }
        }
        if (!Force && _creator.Exists(detection))
        {
            _skipped++;
            WriteVerbose($"Partner alert {detection.EffectiveAlertId} ('{detection.Title}') exists already; not sent again.");
            return;
        }
        if (!ShouldProcess($"partner alert '{detection.Title}' ({detection.EffectiveAlertId}, {detection.Entities.Count} entities)", "Create with Graph createAlert")) return;
        ForInput(input, connection, () =>
        {
            var alert = Run(token => _creator.CreateAsync(detection, token));
            alert.ConnectionName = connection.Name;
            WriteObject(alert);
        });
    }

    /// <summary>How far back the alerts already created are read to recognise a re-send.</summary>
    private static readonly TimeSpan ExistingWindow = TimeSpan.FromDays(30);

    protected override void EndProcessing()
    {
        if (_skipped > 0) WriteWarning($"{_skipped} partner alert(s) were not sent: alerts with their ids exist already (use -Force to create them again).");
        if (Via != PartnerAlertRoute.LogsIngestion) return;
        if (_rows.Count > 0) Ingest();
        if (_droppedEntities > 0)
            WriteWarning($"{_droppedEntities} entities were not sent: a row has one user, device, URL, file hash and mailbox and two IP addresses; -Via CreateAlert takes every entity.");
        if (_summary == null) return;
        WriteProgress(new ProgressRecord(ProgressIds.PartnerAlerts, "Sending partner alerts", "Done") { RecordType = ProgressRecordType.Completed });
        if (_summary.Requests > 0 || _summary.FailedRows > 0) WriteObject(_summary);
    }

    /// <summary>Rows are sent once this much JSON is waiting (and at the end), so a long feed is not held in memory.</summary>
    private const long FlushBytes = 16L * 1024 * 1024;
    private long _bufferedBytes;
    private LogsIngestionSender _sender;
    private PartnerAlertUpload _summary;
    private int _requestNumber;

    /// <summary>Turns the detection into its row now (TimeGenerated defaults to this moment) and sends when enough is waiting.</summary>
    private void Queue(PartnerDetection detection, object input)
    {
        var row = IngestionPacker.Serialize(IngestionPacker.ToRow(detection, DateTimeOffset.UtcNow, out var dropped));
        _droppedEntities += dropped;
        _rows.Add((detection, input, row));
        _bufferedBytes += row.Length;
        if (_bufferedBytes >= FlushBytes) Ingest();
    }

    private void Ingest()
    {
        var connection = Connected;
        var gzip = !NoCompression;
        if (_sender == null)
        {
            try
            {
                _sender = new LogsIngestionSender(connection.ClientFor(SecurityApi.LogsIngestion), Endpoint, DataCollectionRule, Stream, gzip);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is Engine.Authentication.ApiNotInCloudException)
            {
                ThrowTerminatingError(ErrorRecords.Argument(ErrorIds.InvalidArgument, ex.Message, Endpoint));
                return;
            }
            _summary = new PartnerAlertUpload { DataCollectionRule = DataCollectionRule, Stream = Stream, Compressed = gzip, ConnectionName = connection.Name };
        }
        var batch = _rows.ToList();
        _rows.Clear();
        _bufferedBytes = 0;
        var requests = IngestionPacker.Pack(batch.Select(r => r.Row).ToList(), gzip, out var oversized);
        _summary.FailedRows += oversized.Count;
        foreach (var i in oversized)
            WriteError(ErrorRecords.Argument(ErrorIds.PartnerAlertTooLarge,
                $"The partner alert '{batch[i].Detection.Title}' was not sent: its row alone is over the {IngestionPacker.MaxRequestBytes:N0}-byte request limit.", batch[i].Input,
                "Shorten its Description or other long fields."));
        foreach (var request in requests)
        {
            _requestNumber++;
            if (!ShouldProcess($"{request.Count} partner alert row(s), {request.Body.Length:N0} bytes (request {_requestNumber})",
                $"Send to {DataCollectionRule} stream {Stream} with Logs Ingestion")) continue;
            WriteProgress(new ProgressRecord(ProgressIds.PartnerAlerts, "Sending partner alerts", $"Request {_requestNumber}, {_summary.Rows:N0} rows sent"));
            var outcome = Run(token => _sender.SendAsync(request, token));
            if (outcome.Attempts > 0) _summary.Requests++;
            _summary.Retries += Math.Max(0, outcome.Attempts - 1);
            _summary.Throttled += outcome.Throttled;
            if (outcome.Failure != null)
            {
                _summary.FailedRows += request.Count;
                for (var k = request.First; k < request.First + request.Count; k++) WriteErrorFor(outcome.Failure, batch[k].Input, connection);
                continue;
            }
            _summary.Rows += request.Count;
            _summary.Bytes += request.Body.Length;
            _summary.LargestRequest = Math.Max(_summary.LargestRequest, request.Body.Length);
        }
    }

    // ---- reading a detection ------------------------------------------------------------------------

    private static readonly Dictionary<string, string> FieldNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Title"] = "Title", ["Name"] = "Title", ["AlertName"] = "Title", ["DisplayName"] = "Title",
        ["Description"] = "Description", ["Severity"] = "Severity", ["Category"] = "Category", ["Tactic"] = "Category",
        ["MitreTechnique"] = "MitreTechnique", ["MitreTechniques"] = "MitreTechnique", ["Technique"] = "MitreTechnique",
        ["RecommendedAction"] = "RecommendedAction", ["RecommendedActions"] = "RecommendedAction",
        ["User"] = "User", ["UserPrincipalName"] = "User", ["Upn"] = "User", ["Account"] = "User",
        ["Device"] = "Device", ["DeviceName"] = "Device", ["HostName"] = "Device", ["Host"] = "Device", ["Computer"] = "Device",
        ["IpAddress"] = "IpAddress", ["Ip"] = "IpAddress", ["SrcIp"] = "IpAddress", ["SourceIp"] = "IpAddress", ["DstIp"] = "IpAddress", ["DestinationIp"] = "IpAddress",
        ["Url"] = "Url", ["Uri"] = "Url", ["FileHash"] = "FileHash", ["Sha256"] = "FileHash", ["Sha1"] = "FileHash", ["Hash"] = "FileHash",
        ["Mailbox"] = "Mailbox", ["MailboxPrimaryAddress"] = "Mailbox", ["Entity"] = "Entity", ["Entities"] = "Entity", ["EntityDefinitions"] = "Entity",
        ["LinkToIncident"] = "LinkToIncident", ["ExcludeFromCorrelation"] = "ExcludeFromCorrelation", ["IsExcludedFromCorrelation"] = "ExcludeFromCorrelation",
        ["AlertId"] = "AlertId", ["ExternalId"] = "AlertId", ["DetectionId"] = "AlertId",
        ["TimeGenerated"] = "TimeGenerated", ["Timestamp"] = "TimeGenerated", ["EventDateTime"] = "TimeGenerated", ["ProductName"] = "ProductName", ["Product"] = "ProductName",
    };

    /// <summary>The detection of one input: the piped record's fields (several IP columns add up), then the bound parameters over them.</summary>
    private PartnerDetection Read(PSObject input, List<string> problems)
    {
        var fields = new Dictionary<string, List<object>>(StringComparer.OrdinalIgnoreCase);
        void Add(string name, object value)
        {
            if (value is PSObject wrapped) value = wrapped.BaseObject;
            if (value == null || value is string s && s.Trim().Length == 0 || !FieldNames.TryGetValue(name, out var field)) return;
            if (!fields.TryGetValue(field, out var list)) fields[field] = list = new List<object>();
            list.Add(value);
        }
        if (input?.BaseObject is IDictionary table)
            foreach (DictionaryEntry e in table) Add(e.Key?.ToString() ?? "", e.Value);
        else if (input != null)
            foreach (var p in input.Properties)
            {
                object value;
                try { value = p.Value; }
                catch (GetValueException) { continue; } // a property whose getter fails is no field
                Add(p.Name, value);
            }
        foreach (var kv in MyInvocation.BoundParameters.Where(kv => kv.Key != nameof(InputObject) && FieldNames.ContainsKey(kv.Key)))
        {
            fields.Remove(FieldNames[kv.Key]);
            Add(kv.Key, kv.Value is SwitchParameter sw ? (object)sw.IsPresent : kv.Value);
        }

        string Text(string field) => fields.TryGetValue(field, out var v) ? PartnerDetection.Values(v[0]).FirstOrDefault() : null;
        IEnumerable<string> All(string field) => fields.TryGetValue(field, out var v) ? v.SelectMany(PartnerDetection.Values) : Enumerable.Empty<string>();
        var d = new PartnerDetection
        {
            Title = fields.TryGetValue("Title", out var t) ? t[0].ToString() : null,
            Description = fields.TryGetValue("Description", out var desc) ? desc[0].ToString() : null,
            Category = Text("Category"),
            RecommendedActions = fields.TryGetValue("RecommendedAction", out var ra) ? ra[0].ToString() : null,
            AlertId = Text("AlertId"),
            ProductName = Text("ProductName"),
            LinkToIncident = Text("LinkToIncident"),
            ExcludeFromCorrelation = fields.TryGetValue("ExcludeFromCorrelation", out var ex) && LanguagePrimitives.IsTrue(ex[0]),
        };
        if (Text("Severity") is string severity)
        {
            // Names only: a number would parse as any member.
            if (Enum.TryParse<AlertSeverity>(severity, true, out var s) && Enum.GetNames(typeof(AlertSeverity)).Contains(severity, StringComparer.OrdinalIgnoreCase)) d.Severity = s;
            else d.UnknownSeverity = severity;
        }
        if (fields.TryGetValue("TimeGenerated", out var time))
        {
            try { d.TimeGenerated = (DateTimeOffset)LanguagePrimitives.ConvertTo(time[0], typeof(DateTimeOffset), System.Globalization.CultureInfo.InvariantCulture); }
            catch (PSInvalidCastException) { problems.Add($"its TimeGenerated '{time[0]}' is not a date and time"); }
        }
        d.MitreTechniques.AddRange(All("MitreTechnique"));
        d.Entities.AddRange(All("User").Select(v => PartnerDetection.User(v)));
        d.Entities.AddRange(All("Device").Select(v => PartnerDetection.Device(v)));
        d.Entities.AddRange(All("IpAddress").Select(PartnerDetection.Ip));
        d.Entities.AddRange(All("Url").Select(PartnerDetection.Url));
        d.Entities.AddRange(All("FileHash").Select(PartnerDetection.File));
        d.Entities.AddRange(All("Mailbox").Select(PartnerDetection.Mailbox));
        if (fields.TryGetValue("Entity", out var entities))
            foreach (var e in entities.SelectMany(Flatten)) d.Entities.Add(PartnerDetection.FromFields(Properties(e)));
        return d;
    }

    private static IEnumerable<object> Flatten(object value) =>
        value is IEnumerable list && !(value is string) && !(value is IDictionary)
            ? list.Cast<object>().Select(v => v is PSObject p ? p.BaseObject : v)
            : new[] { value };

    private static IDictionary<string, object> Properties(object entity)
    {
        var result = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        if (entity is IDictionary table)
            foreach (DictionaryEntry e in table) result[e.Key?.ToString() ?? ""] = e.Value is PSObject p ? p.BaseObject : e.Value;
        else
            foreach (var p in PSObject.AsPSObject(entity).Properties) result[p.Name] = p.Value;
        return result;
    }
}
