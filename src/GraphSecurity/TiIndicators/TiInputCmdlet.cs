using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Json;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>A piped input made ready for its target: the validated draft and, for a successor API, the body in that API's shape.</summary>
internal sealed class TiPreparedInput
{
    public long Line;
    public TiTarget Target;
    public TiIndicatorDraft Draft;
    /// <summary>The Defender indicator body or STIX object (null for Graph tiIndicators).</summary>
    public Dictionary<string, object> TargetBody;
    public TiObservable Observable;
    /// <summary>Why the input cannot go anywhere (validation, or what its target cannot hold); null when it can.</summary>
    public string Rejection;
    public string ExternalId;
    /// <summary>The input gave its expiration (else its kind's lifetime set it).</summary>
    public bool ExpirationGiven;
    /// <summary>The object the input came from: the piped object, or one object of a piped STIX bundle.</summary>
    public object Input;
}

/// <summary>
/// Base of the cmdlets that take a feed of indicators from the pipeline (New-, Sync-GsTiIndicator):
/// the field parameters, reading them from each piped object, validation, the choice of target and
/// the mapping to Defender for Endpoint's indicators or to STIX 2.1 for Sentinel.
/// </summary>
/// <remarks>
/// The field parameters are not bound from the pipeline by PowerShell: the command reads each piped
/// object's properties itself (<see cref="ReadFields"/>), in one pass over the properties the object
/// has. Binding ~60 parameters by property name costs PowerShell a lookup per parameter and alias for
/// every row, which made binding the slowest part of a large import; and a cell that does not convert
/// becomes an error record for that row, with its line, instead of a binding failure that drops it.
/// </remarks>
public abstract class TiInputCmdlet : GsConnectedCmdlet
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

    /// <summary>
    /// Where the indicators go: DefenderForEndpoint (the default), Sentinel (with -WorkspaceId or the
    /// connection's workspace) or Graph (the retired tiIndicators API). Without it, a row's
    /// targetProduct routes it: "Azure Sentinel" to Sentinel, "Microsoft Defender ATP" to Defender for Endpoint.
    /// </summary>
    [Parameter]
    public TiTarget Target { get; set; }

    /// <summary>The Sentinel workspace: its workspace id (GUID) or its resource id. Default: the connection's (Connect-GsTenant -WorkspaceId).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateWorkspace]
    public string WorkspaceId { get; set; }

    /// <summary>
    /// What the module's indicators are known by: Defender's application and Sentinel's source system
    /// (default GraphSecurity). Sync-GsTiIndicator changes and removes only indicators carrying it.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, 100)]
    [ValidateText(SingleLine = true)]
    public string Source { get; set; } = DefenderIndicatorMapping.DefaultApplication;

    /// <summary>Defender for Endpoint device groups (rbacGroupNames) the indicators apply to; default every device.</summary>
    [Parameter]
    [ValidateText(SingleLine = true)]
    public string[] DeviceGroup { get; set; }

    /// <summary>The lifetime of every input that gives no expiration; without it, each kind has its own (see -Lifetime).</summary>
    [Parameter]
    [ValidateDuration(1, 3650 * 86400)]
    public TimeSpan ValidFor { get; set; }

    /// <summary>
    /// Lifetimes by kind for inputs without an expiration, e.g. @{ ip = '14.00:00:00'; file = '730.00:00:00' }.
    /// Kinds: ip (30 days), domain (90), url (90), file (365), email (90), other (30).
    /// </summary>
    [Parameter]
    public Hashtable Lifetime { get; set; }

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
        typeof(TiInputCmdlet).GetProperties()
            .Where(p => TiIndicatorFields.ByName.ContainsKey(p.Name) || p.Name == nameof(Indicator))
            .Select(p => new FieldParameter(p))
            .ToList();

    private TiIndicatorDefaults _defaults;
    private long _line;

    /// <summary>The inputs read so far.</summary>
    protected long InputCount => _line;

    protected bool TargetGiven => MyInvocation.BoundParameters.ContainsKey(nameof(Target));

    /// <summary>The defaults of every input (tenant id for Sentinel tiIndicators, lifetimes); a bad -Lifetime stops the command.</summary>
    protected void PrepareDefaults(GraphConnection connection, bool signedIn)
    {
        _defaults = new TiIndicatorDefaults();
        if (MyInvocation.BoundParameters.ContainsKey(nameof(ValidFor))) _defaults.ValidFor = ValidFor;
        foreach (DictionaryEntry entry in Lifetime ?? new Hashtable())
        {
            var kind = Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture);
            TimeSpan lifetime;
            if (!_defaults.Lifetimes.ContainsKey(kind ?? "") || !LanguagePrimitives.TryConvertTo(entry.Value, System.Globalization.CultureInfo.InvariantCulture, out lifetime) || lifetime <= TimeSpan.Zero)
                ThrowArgumentError(ErrorIds.InvalidTiIndicator, $"-Lifetime: '{entry.Key}' = '{entry.Value}' is not a kind ({string.Join(", ", _defaults.Lifetimes.Keys)}) with a positive duration such as '30.00:00:00'.", Lifetime);
            else _defaults.Lifetimes[kind] = lifetime;
        }
        // tiIndicator validation wants it for every row; the successors' bodies do not carry it.
        if (signedIn)
            _defaults.AzureTenantId = Run(token => TenantIds.OfConnectionAsync(connection, token));
    }

    /// <summary>
    /// Reads, validates and maps the current piped input: a row (CSV, feed entry, indicator), a plain
    /// string, a STIX object, or a STIX bundle (one prepared input per object it holds).
    /// </summary>
    /// <param name="asIs">STIX objects bound for Sentinel go as they are (their own ids, every type); else a STIX indicator's pattern becomes a row.</param>
    internal IEnumerable<TiPreparedInput> Prepare(DateTimeOffset now, bool asIs)
    {
        if (StixInput.IsBundle(InputObject, out var objects))
        {
            foreach (var item in objects) yield return PrepareOne(PSObject.AsPSObject(item), now, asIs);
            yield break;
        }
        yield return PrepareOne(InputObject, now, asIs);
    }

    private TiPreparedInput PrepareOne(PSObject input, DateTimeOffset now, bool asIs)
    {
        _line++;
        var unreadable = new List<string>();
        var stix = StixInput.AsStixObject(input);
        if (stix != null && asIs && (TargetGiven ? Target : TiTarget.DefenderForEndpoint) == TiTarget.Sentinel)
            return StixInput.AsIs(stix, _line, input, now);
        Dictionary<string, object> fields;
        if (stix != null)
        {
            fields = StixInput.FieldsOf(stix, out var notAnIndicator);
            if (fields == null) return new TiPreparedInput { Line = _line, Target = TargetGiven ? Target : TiTarget.DefenderForEndpoint, Input = input, Rejection = notAnIndicator, ExternalId = stix.TryGetValue("id", out var id) ? id as string : null };
            AddBoundFields(fields);
        }
        else fields = ReadFields(input, unreadable);
        var prepared = new TiPreparedInput
        {
            Line = _line,
            Input = input,
            Target = TargetGiven ? Target : TiTarget.DefenderForEndpoint,
            ExternalId = fields.TryGetValue("externalId", out var externalId) ? externalId as string : null,
        };
        if (!TargetGiven && fields.TryGetValue("targetProduct", out var product)) prepared.Target = TiTargetStores.ForTargetProduct(product as string);
        string defenderAction = null;
        if (prepared.Target != TiTarget.Graph)
        {
            // The successors check what they can hold themselves; tiIndicator's per-product rules do not apply.
            fields.Remove("targetProduct");
            defenderAction = DefenderIndicatorMapping.TakeDefenderAction(fields);
        }
        prepared.ExpirationGiven = fields.ContainsKey("expirationDateTime");
        var draft = TiIndicatorValidator.Validate(fields, _defaults, now, out var problems);
        if (draft == null || unreadable.Count > 0)
        {
            prepared.Rejection = string.Join(" ", unreadable.Concat(problems ?? Enumerable.Empty<string>()));
            return prepared;
        }
        draft.DefenderAction = defenderAction;
        if (DeviceGroup != null) draft.RbacGroupNames.AddRange(DeviceGroup);
        prepared.Draft = draft;
        prepared.ExternalId = draft.ExternalId;
        if (prepared.Target == TiTarget.Graph) return prepared;
        prepared.Observable = TiObservable.Of(draft);
        string reason;
        prepared.TargetBody = prepared.Target == TiTarget.DefenderForEndpoint
            ? DefenderIndicatorMapping.ToDefender(draft, Source, out reason)
            : StixIndicatorMapping.ToStix(draft, now, null, out reason);
        prepared.Rejection = reason;
        return prepared;
    }

    /// <summary>A result for an input that goes nowhere (rejected) or was not sent (expired).</summary>
    internal TiIndicatorResult ResultOf(TiPreparedInput input, TiIndicatorResultStatus status, string error, GraphConnection connection) => new TiIndicatorResult
    {
        Line = input.Line,
        Status = status,
        Error = error,
        ExternalId = input.ExternalId,
        Target = input.Target,
        TargetProduct = input.Draft?.TargetProduct,
        IndicatorType = input.Draft?.IndicatorType,
        Indicator = input.Draft?.Indicator,
        InputObject = input.Input ?? InputObject,
        ConnectionName = connection.Name,
    };

    /// <summary>The non-terminating error of a rejected input, carrying its result (with the input and its line).</summary>
    internal void WriteRejection(TiIndicatorResult rejected) =>
        WriteError(ErrorRecords.Create(new ArgumentException(rejected.Error), ErrorIds.InvalidTiIndicator, ErrorCategory.InvalidData, rejected,
            $"Line {rejected.Line}: {rejected.Error}", "Correct the input and run the command again; indicators already there are skipped."));

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
    private Dictionary<string, object> ReadFields(PSObject input, List<string> problems)
    {
        var fields = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        var ranks = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var bound = MyInvocation.BoundParameters;
        var row = input != null && !(input.BaseObject is string) ? input : null;
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
        AddBoundFields(fields);
        // A plain string piped in (e.g. from Get-Content) is the indicator itself.
        if (input?.BaseObject is string text && !fields.ContainsKey(TiIndicatorValidator.GenericIndicator))
            fields[TiIndicatorValidator.GenericIndicator] = text;
        return fields;
    }

    /// <summary>Field parameters given on the command line win over the input's own values.</summary>
    private void AddBoundFields(Dictionary<string, object> fields)
    {
        foreach (var parameter in FieldParameters)
            if (MyInvocation.BoundParameters.TryGetValue(parameter.Property.Name, out var value) && !IsBlank(value))
                fields[parameter.Field] = value is PSObject wrapped ? wrapped.BaseObject : value;
    }

    /// <summary>A property value as the parameter's type would take it (string, string[]; objects as they are).</summary>
    private static object AsParameterType(object value, Type parameterType)
    {
        if (value is PSObject wrapped) value = wrapped.BaseObject;
        return parameterType == typeof(object) ? value : LanguagePrimitives.ConvertTo(value, parameterType, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsBlank(object value) => value == null || (value is string text && text.Trim().Length == 0) ||
        (value is PSObject wrapped && IsBlank(wrapped.BaseObject));

    protected bool IsWhatIf()
    {
        if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)) return ((SwitchParameter)bound).IsPresent;
        return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
