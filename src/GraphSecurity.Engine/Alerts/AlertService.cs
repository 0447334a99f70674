using System.Collections.Generic;
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

    /// <summary>alerts_v2 (v1.0).</summary>
    public sealed class AlertService : EntityService<Alert>
    {
        public const string CollectionPath = "security/alerts_v2";

        public AlertService(GraphClient graph) : base(graph, "v1.0", CollectionPath) { }

        public PageReader<Alert> List(AlertQuery query) => List(query.ToCollectionQuery());

        public Task<Alert> UpdateAsync(string id, AlertUpdate update, CancellationToken cancellationToken) =>
            UpdateAsync(id, update.ToBody(), cancellationToken);
    }
}
