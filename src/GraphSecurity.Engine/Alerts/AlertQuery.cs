using System;
using System.Collections.Generic;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Alerts;

/// <summary>The typed filters of Get-GsAlert, turned into one alerts_v2 query (the caller adds -Filter and paging to the result).</summary>
public sealed class AlertQuery
{
    public IList<AlertSeverity> Severity { get; set; } = new List<AlertSeverity>();
    public IList<AlertStatus> Status { get; set; } = new List<AlertStatus>();
    public IList<ServiceSource> ServiceSource { get; set; } = new List<ServiceSource>();
    public IList<AlertClassification> Classification { get; set; } = new List<AlertClassification>();
    /// <summary>Alerts assigned to any of these; an empty string selects unassigned alerts.</summary>
    public IList<string> AssignedTo { get; set; } = new List<string>();
    /// <summary>Created at or after this moment.</summary>
    public DateTimeOffset? Since { get; set; }
    /// <summary>Created before this moment.</summary>
    public DateTimeOffset? Until { get; set; }
    /// <summary>Alerts about these users, devices or addresses.</summary>
    public EvidenceCriteria Evidence { get; set; } = new EvidenceCriteria();
    /// <summary>Where <see cref="Evidence"/> is evaluated.</summary>
    public EvidenceMatchMode EvidenceMatch { get; set; }

    /// <summary>True when the evidence criteria go into $filter; otherwise <see cref="MatchesEvidence"/> must be applied to the items read.</summary>
    public bool EvidenceOnServer => Evidence.IsEmpty || Evidence.ServerSide(EvidenceMatch);

    /// <summary>The client-side part of the query (null when there is none).</summary>
    public Func<Alert, bool>? ClientFilter => EvidenceOnServer ? null : Evidence.Matches;

    public CollectionQuery ToCollectionQuery()
    {
        var query = new CollectionQuery(AlertService.CollectionPath)
            .AnyOf("severity", Severity)
            .AnyOf("status", Status)
            .AnyOf("serviceSource", ServiceSource)
            .AnyOf("classification", Classification)
            .AnyOf("assignedTo", AssignedTo)
            .Between("createdDateTime", Since, Until);
        if (!Evidence.IsEmpty && EvidenceOnServer)
            foreach (var clause in Evidence.FilterClauses()) query.Add(clause);
        return query;
    }

    public string BuildFilter() => ToCollectionQuery().BuildFilter();
}
