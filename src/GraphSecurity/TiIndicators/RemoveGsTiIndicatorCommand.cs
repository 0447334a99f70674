using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// <para type="synopsis">Deletes threat indicators by id from Defender for Endpoint (BatchDelete, up to 500 a request), a Sentinel workspace (ARM delete) or Graph tiIndicators (deleteTiIndicators; by externalId too).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "GsTiIndicator", DefaultParameterSetName = IdSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[GraphPermission("Defender for Endpoint indicators, Sentinel threat intelligence, tiIndicators (beta)", "Ti.ReadWrite.All", "Microsoft Sentinel Contributor", "ThreatIndicators.ReadWrite.OwnedBy")]
[OutputType(typeof(TiIndicatorResult))]
public sealed class RemoveGsTiIndicatorCommand : TiBatchCmdlet<string>
{
    private const string IdSet = "Id";
    private const string ExternalIdSet = "ExternalId";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TiIndicatorId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    /// <summary>Deletes every indicator of this app carrying these externalIds.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ExternalIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] ExternalId { get; set; }

    /// <summary>Write a result (Removed or Failed) per id or externalId.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private bool ByExternalId => ParameterSetName == ExternalIdSet;
    private readonly Dictionary<string, long> _lines = new Dictionary<string, long>();
    private long _line;

    protected override void ProcessRecord()
    {
        if (ByExternalId && Target != TiTarget.Graph)
        {
            ThrowArgumentError(ErrorIds.InvalidArgument, $"-ExternalId removes Graph tiIndicators only; for {Target}, pipe the indicators: Get-GsTiIndicator -Target {Target} | Where-Object ExternalId -eq '…' | Remove-GsTiIndicator.", ExternalId);
            return;
        }
        foreach (var key in ByExternalId ? ExternalId : Id)
            if ((ByExternalId || IsValidId(key)) && ShouldProcess(ByExternalId ? $"threat indicators with externalId '{key}'" : $"threat indicator {key}", "Remove"))
            {
                _lines[key] = ++_line;
                Enqueue(key);
            }
    }

    protected override Task<IReadOnlyList<TiItemOutcome>> SendToStoreAsync(ITiTargetStore store, IReadOnlyList<string> batch, CancellationToken cancellationToken) =>
        store.RemoveAsync(batch.Select(id => new TiIndicator { Id = id, Target = store.Target }).ToList(), cancellationToken);

    protected override Task<IReadOnlyList<TiItemOutcome>> SendAsync(ITiIndicatorBackend backend, IReadOnlyList<string> batch, CancellationToken cancellationToken) =>
        ByExternalId ? backend.DeleteByExternalIdAsync(batch, cancellationToken) : backend.DeleteAsync(batch, cancellationToken);

    protected override void OnOutcome(string key, TiItemOutcome outcome, bool retried)
    {
        // After a retry, "not found" means the earlier attempt already deleted it.
        _lines.TryGetValue(key, out var line);
        _lines.Remove(key);
        var removed = outcome.Succeeded || (retried && outcome.Code == 404);
        if (!removed) WriteItemError(key, outcome, ByExternalId ? $"Removing threat indicators with externalId '{key}'" : $"Removing threat indicator {key}");
        if (!PassThru) return;
        WriteObject(new TiIndicatorResult
        {
            Line = line,
            Status = removed ? TiIndicatorResultStatus.Removed : TiIndicatorResultStatus.Failed,
            Id = ByExternalId ? null : key,
            ExternalId = ByExternalId ? key : null,
            Error = removed ? null : outcome.Message,
            InputObject = key,
            ConnectionName = Connected.Name,
        });
    }
}
