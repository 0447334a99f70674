using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Alerts;

namespace GraphSecurity.Commands.Alerts
{
    /// <summary>
    /// <para type="synopsis">Gets alerts (alerts_v2): by id, or filtered by typed parameters, streamed page by page.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GsAlert", DefaultParameterSetName = ListSet, SupportsPaging = true)]
    [GraphPermission("alerts_v2", "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All", NotServedIn = new[] { "China" })]
    [OutputType(typeof(Alert))]
    public sealed class GetGsAlertCommand : GsListCmdlet<Alert>
    {
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("AlertId")]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        public AlertSeverity[] Severity { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        public AlertStatus[] Status { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        public ServiceSource[] ServiceSource { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        public AlertClassification[] Classification { get; set; }

        /// <summary>Alerts assigned to any of these (an empty string: unassigned alerts).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [AllowEmptyString]
        public string[] AssignedTo { get; set; }

        /// <summary>Alerts created at or after this time (local time unless it says otherwise).</summary>
        [Parameter(ParameterSetName = ListSet)]
        public DateTime Since { get; set; }

        /// <summary>Alerts created before this time.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public DateTime Until { get; set; }

        /// <summary>Alerts whose evidence names any of these users (UPN or Entra object id).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        [Alias("UserPrincipalName")]
        public string[] User { get; set; }

        /// <summary>Alerts whose evidence names any of these devices (DNS name, host name or MDE device id).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        [Alias("DeviceName")]
        public string[] Device { get; set; }

        /// <summary>Alerts whose evidence names any of these IP addresses.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        public string[] IpAddress { get; set; }

        /// <summary>Where -User, -Device and -IpAddress are evaluated: Auto (server for UPNs and device names), Server or Client.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public EvidenceMatchMode EvidenceMatch { get; set; }

        /// <summary>Page size: alerts per request (1–2000).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(1, 2000)]
        public int Top { get; set; }

        protected override string ItemsName => "alerts";
        protected override int MaxPageSize => 2000;
        protected override int? RequestedPageSize => MyInvocation.BoundParameters.ContainsKey(nameof(Top)) ? Top : (int?)null;

        protected override void BeginProcessing() =>
            RequireTimeRange(nameof(Since), Bound(nameof(Since), Since), nameof(Until), Bound(nameof(Until), Until));

        protected override void ProcessRecord()
        {
            foreach (var connection in GraphConnections)
            {
                var alerts = new AlertService(connection.Graph);
                if (ParameterSetName == IdSet)
                {
                    GetById(connection, alerts, Id);
                    continue;
                }
                var query = new AlertQuery
                {
                    Severity = Severity ?? new AlertSeverity[0],
                    Status = Status ?? new AlertStatus[0],
                    ServiceSource = ServiceSource ?? new ServiceSource[0],
                    Classification = Classification ?? new AlertClassification[0],
                    AssignedTo = AssignedTo ?? new string[0],
                    Since = Moment(nameof(Since), Since),
                    Until = Moment(nameof(Until), Until),
                    Evidence = new EvidenceCriteria { Users = User ?? new string[0], Devices = Device ?? new string[0], IpAddresses = IpAddress ?? new string[0] },
                    EvidenceMatch = EvidenceMatch,
                };
                if (!query.Evidence.IsEmpty)
                    WriteVerbose(query.EvidenceOnServer
                        ? $"Evidence filter ({query.Evidence.Describe()}) sent to the service as an evidence/any() lambda in $filter."
                        : $"Evidence filter ({query.Evidence.Describe()}) matched here on each alert's evidence: the documented lambda forms cover only user principal names and device names, so the other filters are sent and every page is read.");
                StreamList(connection, alerts, WithPaging(query.ToCollectionQuery()), query.ClientFilter);
            }
        }
    }
}
