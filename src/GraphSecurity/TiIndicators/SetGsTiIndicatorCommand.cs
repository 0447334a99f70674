using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Json;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// <para type="synopsis">Changes threat indicators, one or thousands from the pipeline: Defender for Endpoint's written again through import (500 a request), a Sentinel workspace's uploaded again (100), Graph tiIndicators through updateTiIndicators (100).</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "GsTiIndicator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("Defender for Endpoint indicators, Sentinel upload, tiIndicators (beta)", "Ti.ReadWrite.All", "Microsoft Sentinel Contributor", "ThreatIndicators.ReadWrite.OwnedBy")]
[OutputType(typeof(TiIndicator))]
public sealed class SetGsTiIndicatorCommand : TiBatchCmdlet<TiIndicatorChange>
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TiIndicatorId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    /// <summary>The indicator's target product, which the service needs with every change (read from piped indicators; looked up when missing).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TiValueCompleter))]
    [ValidateText(SingleLine = true)]
    public string TargetProduct { get; set; }

    /// <summary>The new expiration; piped indicators pass their current one, which the service needs with every change.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateMoment]
    public DateTimeOffset ExpirationDateTime { get; set; }

    [Parameter][ValidateKnownValue][ValidateSet("Allow", "Block", "Alert", IgnoreCase = true)] public TiAction Action { get; set; }
    [Parameter][ValidateLength(0, 100)][ValidateText] public string Description { get; set; }
    [Parameter][ValidateRange(0, 5)] public int Severity { get; set; }
    [Parameter][ValidateRange(0, 100)] public int Confidence { get; set; }
    [Parameter][ValidateKnownValue][ValidateSet("White", "Green", "Amber", "Red", IgnoreCase = true)] public TlpLevel TlpLevel { get; set; }
    [Parameter][ValidateKnownValue][ValidateSet("Adversary", "Capability", "Infrastructure", "Victim", IgnoreCase = true)] public DiamondModel DiamondModel { get; set; }
    [Parameter] public bool IsActive { get; set; }
    [Parameter] public bool PassiveOnly { get; set; }
    [Parameter][ValidateText(SingleLine = true)] public string[] Tags { get; set; }
    [Parameter][ArgumentCompleter(typeof(TiValueCompleter))][ValidateText(SingleLine = true)] public string[] KillChain { get; set; }
    [Parameter][ValidateText(SingleLine = true)] public string[] ActivityGroupNames { get; set; }
    [Parameter][ValidateText(SingleLine = true)] public string[] MalwareFamilyNames { get; set; }
    [Parameter][ValidateText] public string KnownFalsePositives { get; set; }
    [Parameter][ValidateText] public string AdditionalInformation { get; set; }
    [Parameter][ValidateMoment] public DateTimeOffset LastReportedDateTime { get; set; }
    /// <summary>A new externalId (only for Azure Sentinel indicators).</summary>
    [Parameter][ValidateText(SingleLine = true)] public string ExternalId { get; set; }

    /// <summary>Write each updated indicator to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The fields given on the command line (the same for every piped indicator).</summary>
    private Dictionary<string, object> _changes;

    protected override void BeginProcessing()
    {
        // Only command-line parameters are bound here, so an expiration that comes with a piped indicator is not a change.
        _changes = MyInvocation.BoundParameters
            .Where(p => TiIndicatorFields.ByName.ContainsKey(p.Key) && p.Key != nameof(TargetProduct))
            .ToDictionary(p => GraphJson.CamelCase(p.Key), p => Wire(p.Value));
        if (_changes.Count == 0)
        {
            var message = "Nothing to change: give at least one field, e.g. -Severity, -Action, -Description, -ExpirationDateTime or -IsActive.";
            ThrowTerminatingError(ErrorRecords.Create(new ArgumentException(message), ErrorIds.NothingToUpdate, ErrorCategory.InvalidArgument, null, message, null));
        }
    }

    protected override void ProcessRecord()
    {
        if (!IsValidId(Id)) return;
        string product = null;
        if (TargetProduct != null && !TiIndicatorFields.TryParseTargetProduct(TargetProduct, out product))
        {
            var message = $"-TargetProduct '{TargetProduct}' is not '{TiIndicatorFields.Sentinel}' or '{TiIndicatorFields.DefenderAtp}'.";
            WriteError(ErrorRecords.Create(new ArgumentException(message), ErrorIds.InvalidTargetProduct, ErrorCategory.InvalidArgument, Id, message, null));
            return;
        }
        if (!ShouldProcess($"threat indicator {Id}", "Set " + string.Join(", ", _changes.Keys))) return;
        var change = new TiIndicatorChange { Id = Id, TargetProduct = product };
        foreach (var field in _changes) change.Fields[field.Key] = field.Value;
        if (!change.Fields.ContainsKey("expirationDateTime") && MyInvocation.BoundParameters.ContainsKey(nameof(ExpirationDateTime)))
            change.Fields["expirationDateTime"] = ExpirationDateTime.ToUniversalTime();
        Enqueue(change);
    }

    private TiTargetChanges _targetChanges;
    private ITiTargetStore _changesOf;

    protected override Task<IReadOnlyList<TiItemOutcome>> SendToStoreAsync(ITiTargetStore store, IReadOnlyList<TiIndicatorChange> batch, CancellationToken cancellationToken)
    {
        if (_changesOf != store) { _targetChanges = new TiTargetChanges(store); _changesOf = store; }
        return _targetChanges.ApplyAsync(batch, DateTimeOffset.UtcNow, cancellationToken);
    }

    protected override Task<IReadOnlyList<TiItemOutcome>> SendAsync(ITiIndicatorBackend backend, IReadOnlyList<TiIndicatorChange> batch, CancellationToken cancellationToken) =>
        backend.UpdateAsync(batch, cancellationToken);

    protected override void OnOutcome(TiIndicatorChange item, TiItemOutcome outcome, bool retried)
    {
        if (!outcome.Succeeded) { WriteItemError(item.Id, outcome, $"Updating threat indicator {item.Id}"); return; }
        if (!PassThru || outcome.Indicator == null) return;
        outcome.Indicator.ConnectionName = Connected.Name;
        WriteObject(outcome.Indicator);
    }

    private static object Wire(object value)
    {
        switch (value)
        {
            case Enum member: return GraphJson.ToWire(member);
            case DateTimeOffset moment: return moment.ToUniversalTime();
            default: return value;
        }
    }
}
