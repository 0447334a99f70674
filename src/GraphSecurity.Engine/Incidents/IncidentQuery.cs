using System;
using System.Collections.Generic;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Incidents;

/// <summary>The typed filters of Get-GsIncident, turned into one incidents query.</summary>
public sealed class IncidentQuery
{
    public IList<AlertSeverity> Severity { get; set; } = new List<AlertSeverity>();
    public IList<IncidentStatus> Status { get; set; } = new List<IncidentStatus>();
    public IList<AlertClassification> Classification { get; set; } = new List<AlertClassification>();
    public IList<AlertDetermination> Determination { get; set; } = new List<AlertDetermination>();
    /// <summary>Incidents assigned to any of these; an empty string selects unassigned incidents.</summary>
    public IList<string> AssignedTo { get; set; } = new List<string>();
    /// <summary>Created at or after this moment.</summary>
    public DateTimeOffset? Since { get; set; }
    /// <summary>Created before this moment.</summary>
    public DateTimeOffset? Until { get; set; }
    /// <summary>Last changed at or after this moment.</summary>
    public DateTimeOffset? UpdatedSince { get; set; }
    /// <summary>Read each incident's alerts along with it.</summary>
    public bool ExpandAlerts { get; set; }

    public CollectionQuery ToCollectionQuery() =>
        new CollectionQuery(IncidentService.CollectionPath) { Expand = ExpandAlerts ? IncidentService.AlertsNavigation : null }
            .AnyOf("severity", Severity)
            .AnyOf("status", Status)
            .AnyOf("classification", Classification)
            .AnyOf("determination", Determination)
            .AnyOf("assignedTo", AssignedTo)
            .Between("createdDateTime", Since, Until)
            .Between("lastUpdateDateTime", UpdatedSince, null);
}
