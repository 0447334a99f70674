using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.Alerts
{
    /// <summary>
    /// The triage fields alerts and incidents share; null means "leave as is". Subclasses add their
    /// status (a different enumeration for each) and whatever else they may change.
    /// </summary>
    public abstract class TriageUpdate
    {
        public AlertClassification? Classification { get; set; }
        public AlertDetermination? Determination { get; set; }
        /// <summary>The owner; an empty string clears it.</summary>
        public string AssignedTo { get; set; }

        /// <summary>The PATCH body: only the fields being changed.</summary>
        public Dictionary<string, object> ToBody()
        {
            var body = new Dictionary<string, object>();
            AddStatus(body);
            if (Classification.HasValue) body["classification"] = GraphJson.ToWire(Classification.Value);
            if (Determination.HasValue) body["determination"] = GraphJson.ToWire(Determination.Value);
            if (AssignedTo != null) body["assignedTo"] = AssignedTo.Length == 0 ? null : AssignedTo; // "" clears the owner
            AddOthers(body);
            return body;
        }

        protected abstract void AddStatus(Dictionary<string, object> body);

        protected virtual void AddOthers(Dictionary<string, object> body) { }
    }

    /// <summary>The fields Set-GsAlert may change.</summary>
    public sealed class AlertUpdate : TriageUpdate
    {
        public AlertStatus? Status { get; set; }

        protected override void AddStatus(Dictionary<string, object> body)
        {
            if (Status.HasValue) body["status"] = GraphJson.ToWire(Status.Value);
        }
    }

    /// <summary>alerts_v2 (v1.0).</summary>
    public sealed class AlertService : EntityService<Alert>
    {
        public const string CollectionPath = "security/alerts_v2";

        public AlertService(ApiClient graph) : base(graph, "v1.0", CollectionPath) { }

        public PageReader<Alert> List(AlertQuery query) => List(query.ToCollectionQuery());

        public Task<Alert> UpdateAsync(string id, AlertUpdate update, CancellationToken cancellationToken) =>
            UpdateAsync(id, update.ToBody(), cancellationToken);
    }
}
