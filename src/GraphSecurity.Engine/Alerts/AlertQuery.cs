using System;
using System.Collections.Generic;
using System.Linq;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.Alerts
{
    /// <summary>The typed filters of Get-GsAlert, turned into one alerts_v2 query.</summary>
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
        /// <summary>A raw OData filter, and-ed with the typed ones.</summary>
        public string Filter { get; set; }
        public int? PageSize { get; set; }
        public long Skip { get; set; }
        public bool IncludeCount { get; set; }

        public string BuildFilter()
        {
            return ODataFilter.And(new[]
            {
                ODataFilter.Group(Filter),
                ODataFilter.AnyOf("severity", Severity.Select(Enum)),
                ODataFilter.AnyOf("status", Status.Select(Enum)),
                ODataFilter.AnyOf("serviceSource", ServiceSource.Select(Enum)),
                ODataFilter.AnyOf("classification", Classification.Select(Enum)),
                ODataFilter.AnyOf("assignedTo", AssignedTo.Select(a => string.IsNullOrEmpty(a) ? "null" : ODataFilter.Quote(a))),
                Since.HasValue ? "createdDateTime ge " + ODataFilter.Timestamp(Since.Value) : null,
                Until.HasValue ? "createdDateTime lt " + ODataFilter.Timestamp(Until.Value) : null,
            });
        }

        /// <summary>The path and query for the first page, e.g. "security/alerts_v2?$filter=…&amp;$top=100".</summary>
        public string BuildPathAndQuery()
        {
            var parameters = new List<string>();
            var filter = BuildFilter();
            if (filter.Length > 0) parameters.Add("$filter=" + Uri.EscapeDataString(filter));
            if (PageSize.HasValue) parameters.Add("$top=" + PageSize.Value);
            if (Skip > 0) parameters.Add("$skip=" + Skip);
            if (IncludeCount) parameters.Add("$count=true");
            return "security/alerts_v2" + (parameters.Count > 0 ? "?" + string.Join("&", parameters) : "");
        }

        private static string Enum<T>(T value) where T : struct, System.Enum => ODataFilter.Quote(GraphJson.ToWire(value));
    }
}
