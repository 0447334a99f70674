using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Alerts;

/// <summary>alerts_v2 (v1.0).</summary>
public sealed class AlertService : EntityService<Alert>
{
    public const string CollectionPath = "security/alerts_v2";

    public AlertService(ApiClient graph) : base(graph, "v1.0", CollectionPath) { }

    public Task<Alert?> UpdateAsync(string id, AlertUpdate update, CancellationToken cancellationToken) =>
        UpdateAsync(id, update.ToBody(), cancellationToken);
}
