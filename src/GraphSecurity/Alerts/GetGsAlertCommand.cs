using System;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Commands.Alerts
{
    /// <summary>
    /// <para type="synopsis">Gets alerts (alerts_v2): by id, or filtered by typed parameters, streamed page by page.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GsAlert", DefaultParameterSetName = ListSet, SupportsPaging = true)]
    [GraphPermission("alerts_v2", "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All", NotServedIn = new[] { "China" })]
    [OutputType(typeof(Alert))]
    public sealed class GetGsAlertCommand : GsConnectedCmdlet
    {
        private const string ListSet = "List";
        private const string IdSet = "Id";

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

        /// <summary>A raw OData filter, combined with the typed filters by "and".</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        public string Filter { get; set; }

        /// <summary>Page size: alerts per request (1–2000).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(1, 2000)]
        public int Top { get; set; }

        /// <summary>Follow every page until the last.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public SwitchParameter All { get; set; }

        private bool _cutOffWarned;

        protected override void BeginProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            if (bound.ContainsKey(nameof(Since)) && bound.ContainsKey(nameof(Until)) && Since >= Until)
            {
                var message = $"-Since ({Since:u}) must be earlier than -Until ({Until:u}).";
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), "InvalidTimeRange", ErrorCategory.InvalidArgument, Since)
                {
                    ErrorDetails = new ErrorDetails(message),
                });
            }
        }

        protected override void ProcessRecord()
        {
            foreach (var connection in GraphConnections)
            {
                if (ParameterSetName == IdSet) GetById(connection);
                else List(connection);
            }
        }

        private void GetById(GraphConnection connection)
        {
            var alerts = new AlertService(connection.Graph);
            foreach (var id in Id)
            {
                try { WriteAlert(Run(token => alerts.GetAsync(id, token)), connection); }
                catch (PipelineStoppedException) { throw; }
                catch (Exception ex) { WriteErrorFor(ex, id, connection); }
            }
        }

        /// <summary>Streams one connection's alerts; -First and -Skip apply to each connection.</summary>
        private void List(GraphConnection connection)
        {
            var query = BuildQuery();
            var first = PagingParameters.First;
            var limited = first != ulong.MaxValue;
            if (limited && first == 0) return;
            long? maxItems = limited ? (long)Math.Min(first, long.MaxValue) : (long?)null;
            if (limited && query.PageSize == null && first <= 2000) query.PageSize = (int)first;

            var reader = new AlertService(connection.Graph).List(query);
            try
            {
                var result = Run(token => reader.ReadAsync(maxItems, followNextLinks: All || limited,
                    StreamPages<Alert>(alert => WriteAlert(alert, connection),
                        total => WriteObject(PagingParameters.NewTotalCount((ulong)total, 1.0))), token));
                if (result.MoreAvailable && !All && !limited && !_cutOffWarned)
                {
                    _cutOffWarned = true;
                    WriteWarning($"More alerts match than the {result.ItemsDelivered} returned. Use -All to get every page, or -First N to choose how many.");
                }
            }
            catch (PipelineStoppedException) { throw; }
            catch (Exception ex) { WriteErrorFor(ex, query.BuildFilter(), connection); }
        }

        private void WriteAlert(Alert alert, GraphConnection connection)
        {
            alert.ConnectionName = connection.Name;
            WriteObject(alert);
        }

        private AlertQuery BuildQuery()
        {
            var bound = MyInvocation.BoundParameters;
            return new AlertQuery
            {
                Severity = Severity ?? new AlertSeverity[0],
                Status = Status ?? new AlertStatus[0],
                ServiceSource = ServiceSource ?? new ServiceSource[0],
                Classification = Classification ?? new AlertClassification[0],
                AssignedTo = AssignedTo ?? new string[0],
                Since = bound.ContainsKey(nameof(Since)) ? new DateTimeOffset(Since) : (DateTimeOffset?)null,
                Until = bound.ContainsKey(nameof(Until)) ? new DateTimeOffset(Until) : (DateTimeOffset?)null,
                Filter = Filter,
                PageSize = bound.ContainsKey(nameof(Top)) ? Top : (int?)null,
                Skip = (long)PagingParameters.Skip,
                IncludeCount = PagingParameters.IncludeTotalCount,
            };
        }
    }
}
