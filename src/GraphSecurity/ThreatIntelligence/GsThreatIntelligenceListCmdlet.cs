using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.ThreatIntelligence;

namespace GraphSecurity.Commands.ThreatIntelligence;

/// <summary>
/// The intel profile and article cmdlets: by -Id, or a list (one -Search term, a maximum count),
/// each item optionally with its indicators (one more request per item).
/// </summary>
public abstract class GsThreatIntelligenceListCmdlet<T> : GsThreatIntelligenceCmdlet where T : class, IConnectionBound
{
    protected const string ListSet = "List";
    protected const string IdSet = "Id";

    /// <summary>The ids to read.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    /// <summary>One search term, matched against title and summary.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [ValidatePattern(@"^\S+$")]
    public string Search { get; set; }

    /// <summary>Also read each item's indicators (one more request per item).</summary>
    [Parameter]
    public SwitchParameter IncludeIndicators { get; set; }

    /// <summary>How many items to list at most; null: all.</summary>
    protected abstract int? Maximum { get; }

    protected abstract Task<T> GetAsync(ThreatIntelligenceService service, string id, CancellationToken token);

    protected abstract Task<List<T>> ListAsync(ThreatIntelligenceService service, string search, int? max, CancellationToken token);

    protected abstract string ItemId(T item);

    protected abstract Task AddIndicatorsAsync(ThreatIntelligenceService service, T item, CancellationToken token);

    protected override void ProcessRecord()
    {
        foreach (var connection in GraphConnections)
        {
            var service = new ThreatIntelligenceService(connection.Graph);
            if (ParameterSetName == IdSet)
            {
                foreach (var id in Id.Where(id => IsValidId(id)))
                    ForInput(id, connection, () => Write(Run(async token => await WithIndicators(service, await GetAsync(service, id, token).ConfigureAwait(false), token).ConfigureAwait(false)), connection.Name));
                continue;
            }
            ForInput(null, connection, () =>
            {
                foreach (var item in Run(token => ListAsync(service, Search, Maximum, token)))
                    ForInput(ItemId(item), connection, () => Write(Run(token => WithIndicators(service, item, token)), connection.Name));
            });
        }
    }

    private async Task<T> WithIndicators(ThreatIntelligenceService service, T item, CancellationToken token)
    {
        if (IncludeIndicators && ItemId(item) != null) await AddIndicatorsAsync(service, item, token).ConfigureAwait(false);
        return item;
    }

    private void Write(T item, string connectionName)
    {
        item.ConnectionName = connectionName;
        WriteObject(item);
    }
}
