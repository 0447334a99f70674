using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// <para type="synopsis">Gets threat indicators from Defender for Endpoint, a Sentinel workspace or Graph tiIndicators: by id, or filtered by externalId, threat type, state and expiry.</para>
/// </summary>
/// <remarks>
/// Defender for Endpoint: every indicator the app can see (all of the tenant's with Ti.ReadWrite.All),
/// read in pages of 10,000. Sentinel: every indicator of the workspace, through ARM's queryIndicators.
/// Graph tiIndicators: the app's own, streamed page by page with server-side filters.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "GsTiIndicator", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[GraphPermission("Defender for Endpoint indicators, Sentinel threat intelligence, tiIndicators (beta)", "Ti.ReadWrite.All", "Microsoft Sentinel Reader", "ThreatIndicators.ReadWrite.OwnedBy")]
[OutputType(typeof(TiIndicator))]
public sealed class GetGsTiIndicatorCommand : GsListCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TiIndicatorId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    /// <summary>Indicators carrying any of these externalIds (New-GsTiIndicator derives one per indicator).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] ExternalId { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public TiThreatType[] ThreatType { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public TiTargetProduct[] TargetProduct { get; set; }

    /// <summary>Only active indicators (isActive true).</summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter Active { get; set; }

    /// <summary>Indicators whose expirationDateTime is before this time (local time unless it says otherwise).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateMoment]
    public DateTime ExpiringBefore { get; set; }

    /// <summary>Page size: indicators per request (1–1000).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, 1000)]
    public int Top { get; set; }

    /// <summary>The API to read: DefenderForEndpoint (default), Sentinel or Graph (the retired tiIndicators).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public TiTarget Target { get; set; } = TiTarget.DefenderForEndpoint;

    /// <summary>Sentinel: the workspace id (GUID) or resource id; default the connection's (Connect-GsTenant -WorkspaceId).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    [ValidateWorkspace]
    public string WorkspaceId { get; set; }

    protected override string ItemsName => "threat indicators";

    private bool _warned;

    protected override void ProcessRecord()
    {
        if (Target != TiTarget.Graph) { ReadSuccessor(); return; }
        if (!_warned) { _warned = true; WriteWarning(TiTargetStores.GraphRetirement); }
        ListOrGet(connection => TiIndicatorBackends.Graph(connection), Id, () => new TiIndicatorQuery
        {
            ExternalId = ExternalId.OrNone(),
            ThreatType = ThreatType.OrNone(),
            TargetProduct = TargetProduct.OrNone(),
            ActiveOnly = Active,
            ExpiringBefore = Moment(nameof(ExpiringBefore), ExpiringBefore),
        }.ToCollectionQuery());
    }

    /// <summary>Defender or Sentinel: by id, or everything read and then matched here (neither API filters like tiIndicators).</summary>
    private void ReadSuccessor()
    {
        if (Filter != null)
            ThrowArgumentError(ErrorIds.InvalidArgument, $"-Filter is an OData filter for Graph tiIndicators; for {Target} use -ExternalId, -ThreatType, -TargetProduct, -Active and -ExpiringBefore, or Where-Object.", Filter);
        foreach (var connection in GraphConnections)
        {
            ITiTargetStore store;
            try { store = TiTargetStores.For(connection, Target, WorkspaceId, DefenderIndicatorMapping.DefaultApplication); }
            catch (ArgumentException ex) { ThrowArgumentError(ErrorIds.InvalidArgument, ex.Message, WorkspaceId); return; }
            if (ParameterSetName == IdSet)
            {
                foreach (var id in Id.Where(i => IsValidId(i)))
                    ForInput(id, connection, () => WriteItem(Run(token => store.GetAsync(id, token)), connection));
                continue;
            }
            var expiringBefore = Moment(nameof(ExpiringBefore), ExpiringBefore);
            var found = new List<TiIndicator>();
            ForInput(store.Describe(), connection, () => Run(token => (store is SentinelTiStore sentinel
                ? sentinel.ReadEveryAsync(page => { found.AddRange(page); return System.Threading.Tasks.Task.CompletedTask; }, token)
                : store.ReadAsync(page => { found.AddRange(page); return System.Threading.Tasks.Task.CompletedTask; }, token))));
            var matching = found.Where(i =>
                (ExternalId == null || ExternalId.Contains(i.ExternalId, StringComparer.OrdinalIgnoreCase)) &&
                (ThreatType == null || ThreatType.Any(t => string.Equals(t.ToString(), i.ThreatType, StringComparison.OrdinalIgnoreCase))) &&
                (!Active || i.IsActive == true) &&
                (expiringBefore == null || (i.ExpirationDateTime.HasValue && i.ExpirationDateTime < expiringBefore)));
            var skip = (long)Math.Min(PagingParameters.Skip, long.MaxValue);
            var first = PagingParameters.First == ulong.MaxValue ? long.MaxValue : (long)PagingParameters.First;
            foreach (var indicator in matching.Skip((int)Math.Min(skip, int.MaxValue)).Take((int)Math.Min(first, int.MaxValue))) WriteItem(indicator, connection);
        }
    }
}
