using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.ThreatIntelligence;

namespace GraphSecurity.Commands.ThreatIntelligence;

/// <summary>
/// <para type="synopsis">Gets Defender Threat Intelligence articles, newest first, optionally with their indicators.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsThreatArticle", DefaultParameterSetName = ListSet)]
[GraphPermission(Api, Permission, NotServedIn = new[] { "USGov", "USGovDoD", "China" })]
[OutputType(typeof(ThreatArticle))]
public sealed class GetGsThreatArticleCommand : GsThreatIntelligenceListCmdlet<ThreatArticle>
{
    /// <summary>At most this many articles (default 20).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, 100000)]
    public int First { get; set; } = 20;

    /// <summary>Every article, however many.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter All { get; set; }

    protected override int? Maximum => All ? (int?)null : First;

    protected override Task<ThreatArticle> GetAsync(ThreatIntelligenceService service, string id, CancellationToken token) => service.GetArticleAsync(id, token);

    protected override Task<List<ThreatArticle>> ListAsync(ThreatIntelligenceService service, string search, int? max, CancellationToken token) =>
        service.ListArticlesAsync(search, max, token);

    protected override string ItemId(ThreatArticle item) => item.Id;

    protected override async Task AddIndicatorsAsync(ThreatIntelligenceService service, ThreatArticle item, CancellationToken token) =>
        item.Indicators = new ValueList<ThreatIntelligenceIndicator>(await service.GetArticleIndicatorsAsync(item.Id, token).ConfigureAwait(false));
}
