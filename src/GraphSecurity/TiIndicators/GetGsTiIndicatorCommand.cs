using System;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// <para type="synopsis">Gets the threat indicators this app created: by id, or filtered by externalId, threat type, target product, state and expiry, streamed page by page.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsTiIndicator", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[GraphPermission("tiIndicators (beta)", "ThreatIndicators.ReadWrite.OwnedBy", NotServedIn = new[] { "USGov", "USGovDoD", "China" })]
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

    protected override string ItemsName => "threat indicators";

    protected override void ProcessRecord() =>
        ListOrGet(connection => TiIndicatorBackends.Graph(connection), Id, () => new TiIndicatorQuery
        {
            ExternalId = ExternalId.OrNone(),
            ThreatType = ThreatType.OrNone(),
            TargetProduct = TargetProduct.OrNone(),
            ActiveOnly = Active,
            ExpiringBefore = Moment(nameof(ExpiringBefore), ExpiringBefore),
        }.ToCollectionQuery());
}
