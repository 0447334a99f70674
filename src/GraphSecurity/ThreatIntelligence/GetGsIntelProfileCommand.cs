using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.ThreatIntelligence;

namespace GraphSecurity.Commands.ThreatIntelligence;

/// <summary>
/// <para type="synopsis">Gets Defender Threat Intelligence profiles of actors and tools, optionally with their indicators.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsIntelProfile", DefaultParameterSetName = ListSet)]
[GraphPermission(Api, Permission, NotServedIn = new[] { "USGov", "USGovDoD", "China" })]
[OutputType(typeof(IntelProfile))]
public sealed class GetGsIntelProfileCommand : GsThreatIntelligenceListCmdlet<IntelProfile>
{
    /// <summary>At most this many profiles (default: all).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, 100000)]
    public int First { get; set; }

    protected override int? Maximum => First > 0 ? First : (int?)null;

    protected override Task<IntelProfile> GetAsync(ThreatIntelligenceService service, string id, CancellationToken token) => service.GetProfileAsync(id, token);

    protected override Task<List<IntelProfile>> ListAsync(ThreatIntelligenceService service, string search, int? max, CancellationToken token) =>
        service.ListProfilesAsync(search, max, token);

    protected override string ItemId(IntelProfile item) => item.Id;

    protected override async Task AddIndicatorsAsync(ThreatIntelligenceService service, IntelProfile item, CancellationToken token) =>
        item.Indicators = new ValueList<ThreatIntelligenceIndicator>(await service.GetProfileIndicatorsAsync(item.Id, token).ConfigureAwait(false));
}
