using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.Alerts
{
    /// <summary>The fields Set-GsAlert may change; null means "leave as is".</summary>
    public sealed class AlertUpdate
    {
        public AlertStatus? Status { get; set; }
        public AlertClassification? Classification { get; set; }
        public AlertDetermination? Determination { get; set; }
        public string AssignedTo { get; set; }

        public bool IsEmpty => Status == null && Classification == null && Determination == null && AssignedTo == null;

        /// <summary>The PATCH body: only the fields being changed.</summary>
        public Dictionary<string, object> ToBody()
        {
            var body = new Dictionary<string, object>();
            if (Status.HasValue) body["status"] = GraphJson.ToWire(Status.Value);
            if (Classification.HasValue) body["classification"] = GraphJson.ToWire(Classification.Value);
            if (Determination.HasValue) body["determination"] = GraphJson.ToWire(Determination.Value);
            if (AssignedTo != null) body["assignedTo"] = AssignedTo.Length == 0 ? null : AssignedTo; // "" clears the owner
            return body;
        }
    }

    /// <summary>alerts_v2 operations (v1.0).</summary>
    public sealed class AlertService
    {
        private const string Version = "v1.0";
        private readonly GraphClient _graph;

        public AlertService(GraphClient graph) { _graph = graph; }

        public PageReader<Alert> List(AlertQuery query) => new PageReader<Alert>(_graph, _graph.Url(Version, query.BuildPathAndQuery()));

        public Task<Alert> GetAsync(string id, CancellationToken cancellationToken) =>
            _graph.SendAsync<Alert>(HttpMethod.Get, _graph.Url(Version, "security/alerts_v2/" + EscapeId(id)), null, cancellationToken);

        public Task<Alert> UpdateAsync(string id, AlertUpdate update, CancellationToken cancellationToken) =>
            _graph.SendAsync<Alert>(new HttpMethod("PATCH"), _graph.Url(Version, "security/alerts_v2/" + EscapeId(id)), update.ToBody(), cancellationToken);

        /// <summary>Adds a comment; the service answers with the alert's whole comment list.</summary>
        public async Task<IList<AlertComment>> AddCommentAsync(string id, string comment, CancellationToken cancellationToken)
        {
            var body = new Dictionary<string, object>
            {
                ["@odata.type"] = "microsoft.graph.security.alertComment",
                ["comment"] = comment,
            };
            var page = await _graph.SendAsync<GraphPage<AlertComment>>(HttpMethod.Post,
                _graph.Url(Version, "security/alerts_v2/" + EscapeId(id) + "/comments"), body, cancellationToken).ConfigureAwait(false);
            return page.Value;
        }

        private static string EscapeId(string id) => System.Uri.EscapeDataString(id ?? "");
    }
}
