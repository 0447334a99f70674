using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Incidents;

/// <summary>What making one group of alerts a single Defender incident did.</summary>
public sealed class IncidentMergeOutcome
{
    /// <summary>The incident the group's alerts are in now.</summary>
    public string? TargetIncidentId { get; set; }
    /// <summary>The incidents merged into the target (they are redirected to it).</summary>
    public IReadOnlyList<string> MergedIncidentIds { get; set; } = Array.Empty<string>();
    /// <summary>Alerts that had no incident and were moved into the target.</summary>
    public IReadOnlyList<string> MovedAlertIds { get; set; } = Array.Empty<string>();
}

/// <summary>
/// beta <c>mergeIncidents</c> and <c>moveAlerts</c>: puts a group of alerts_v2 alerts into one incident. The service
/// merges at most five incidents per call, so larger sets are merged in rounds, each round folding the next four
/// into the target of the last; the service decides which incident survives and refuses what it never merges
/// (closed incidents, different assignees or classifications) with a 400 the caller reports.
/// </summary>
public sealed class IncidentMerger
{
    public const int MaxIncidentsPerMerge = 5;
    public const int MaxAlertsPerMove = 50;
    private readonly ApiClient _graph;

    public IncidentMerger(ApiClient graph) => _graph = graph;

    private sealed class MergeResponse
    {
        [JsonPropertyName("targetIncidentId")] public string? TargetIncidentId { get; set; }
    }

    /// <summary>
    /// Merges the incidents and moves the loose alerts (those with no incident) into the result. One incident and no
    /// loose alerts: nothing to do. No incident at all: the loose alerts are moved into a new one.
    /// </summary>
    public async Task<IncidentMergeOutcome> MergeAsync(IReadOnlyCollection<string> incidentIds, IReadOnlyCollection<string> looseAlertIds, string? comment,
        IReadOnlyCollection<string> reasons, CancellationToken cancellationToken)
    {
        var incidents = incidentIds.Where(i => !string.IsNullOrEmpty(i)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var loose = looseAlertIds.Where(a => !string.IsNullOrEmpty(a)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var reasonText = reasons.Count == 0 ? null : string.Join(", ", reasons);
        string? target = incidents.FirstOrDefault();
        var remaining = new Queue<string>(incidents.Skip(1));
        while (remaining.Count > 0)
        {
            var round = new List<string> { target! };
            while (round.Count < MaxIncidentsPerMerge && remaining.Count > 0) round.Add(remaining.Dequeue());
            var body = new Dictionary<string, object?> { ["incidentIds"] = round };
            if (comment != null) body["incidentComment"] = comment;
            if (reasonText != null) body["mergeReasons"] = reasonText;
            var answer = await _graph.SendForItemAsync<MergeResponse>(HttpMethod.Post, _graph.Url("beta", "security/incidents/mergeIncidents"), body,
                cancellationToken, RetryMode.NotRepeatable).ConfigureAwait(false);
            target = answer.TargetIncidentId ?? throw new InvalidOperationException("mergeIncidents answered without a targetIncidentId.");
        }
        for (int i = 0; i < loose.Count; i += MaxAlertsPerMove)
        {
            var body = new Dictionary<string, object?> { ["alertIds"] = loose.Skip(i).Take(MaxAlertsPerMove).ToList(), ["incidentId"] = target };
            if (comment != null) body["alertComment"] = comment;
            if (reasonText != null) body["newCorrelationReasons"] = reasonText;
            var answer = await _graph.SendForItemAsync<MergeResponse>(HttpMethod.Post, _graph.Url("beta", "security/alerts_v2/moveAlerts"), body,
                cancellationToken, RetryMode.NotRepeatable).ConfigureAwait(false);
            target = answer.TargetIncidentId ?? target;
        }
        return new IncidentMergeOutcome
        {
            TargetIncidentId = target,
            MergedIncidentIds = incidents.Where(i => !string.Equals(i, target, StringComparison.OrdinalIgnoreCase)).ToList(),
            MovedAlertIds = loose,
        };
    }
}
