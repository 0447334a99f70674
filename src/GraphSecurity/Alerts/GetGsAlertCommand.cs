using System;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Legacy;

namespace GraphSecurity.Commands.Alerts
{
    /// <summary>
    /// <para type="synopsis">Gets alerts (alerts_v2): by id, or filtered by typed parameters, streamed page by page.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GsAlert", DefaultParameterSetName = ListSet, SupportsPaging = true)]
    [GraphPermission("alerts_v2", "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All", NotServedIn = new[] { "China" })]
    [OutputType(typeof(Alert))]
    [OutputType(typeof(LegacyAlert))]
    public sealed class GetGsAlertCommand : GsTriageListCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("AlertId")]
        [ArgumentCompleter(typeof(RecentIdCompleter<Alert>))]
        [ValidateNotNullOrEmpty]
        [ValidateText(SingleLine = true)]
        public string[] Id { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        [ValidateKnownValue]
        [ValidateSet("New", "InProgress", "Resolved", IgnoreCase = true)]
        public AlertStatus[] Status { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        [ValidateKnownValue]
        [ValidateSet("MicrosoftDefenderForEndpoint", "MicrosoftDefenderForIdentity", "MicrosoftDefenderForCloudApps", "MicrosoftDefenderForOffice365", "Microsoft365Defender", "AzureAdIdentityProtection", "MicrosoftAppGovernance", "DataLossPrevention", "MicrosoftDefenderForCloud", "MicrosoftSentinel", "MicrosoftInsiderRiskManagement", "MicrosoftThreatIntelligence", "MicrosoftSecurityForAI", IgnoreCase = true)]
        public ServiceSource[] ServiceSource { get; set; }

        /// <summary>Alerts whose evidence names any of these users (UPN or Entra object id).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        [Alias("UserPrincipalName")]
        [ValidateText(SingleLine = true)]
        public string[] User { get; set; }

        /// <summary>Alerts whose evidence names any of these devices (DNS name, host name or MDE device id).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        [Alias("DeviceName", "Host")]
        [ValidateText(SingleLine = true)]
        public string[] Device { get; set; }

        /// <summary>Alerts whose evidence names any of these IP addresses.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        [ValidateText(SingleLine = true)]
        public string[] IpAddress { get; set; }

        /// <summary>Where -User, -Device and -IpAddress are evaluated: Auto (server for UPNs and device names), Server or Client.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public EvidenceMatchMode EvidenceMatch { get; set; }

        /// <summary>Read the deprecated legacy alerts API (/security/alerts) instead of alerts_v2.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = IdSet)]
        public SwitchParameter Legacy { get; set; }

        /// <summary>With -Legacy: alerts of these providers (vendorInformation/provider), e.g. IPC, MCAS.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(LegacyProviderCompleter))]
        [ValidateNotNullOrEmpty]
        [ValidateText(SingleLine = true)]
        public string[] Provider { get; set; }

        /// <summary>With -Legacy: make a partial answer (some providers failed) an error instead of warnings.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public SwitchParameter FailOnPartialResult { get; set; }

        /// <summary>Page size: alerts per request (1–2000; with -Legacy, per provider, 1–1000).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(1, 2000)]
        public int Top { get; set; }

        protected override string ItemsName => "alerts";

        protected override bool FailOnPartialResults => FailOnPartialResult;

        /// <summary>Runspaces (PowerShell sessions) that have shown the deprecation warning.</summary>
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> LegacyWarned = new System.Collections.Concurrent.ConcurrentDictionary<Guid, bool>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            var bound = MyInvocation.BoundParameters;
            var onlyV2 = new[] { nameof(Status), nameof(ServiceSource), nameof(Classification), nameof(IpAddress), nameof(EvidenceMatch) };
            var onlyLegacy = new[] { nameof(Provider), nameof(FailOnPartialResult) };
            var misplaced = (Legacy ? onlyV2 : onlyLegacy).FirstOrDefault(bound.ContainsKey);
            if (misplaced != null)
                ThrowArgumentError(ErrorIds.InvalidArgument, Legacy
                    ? $"-{misplaced} applies to alerts_v2 only, not with -Legacy; use -Filter with the legacy API's property names instead."
                    : $"-{misplaced} applies to legacy alerts only; add -Legacy.", misplaced);
            if (Legacy && bound.ContainsKey(nameof(Top)) && Top > LegacyAlertService.MaxPageSize)
                ThrowArgumentError(ErrorIds.InvalidArgument, $"-Top with -Legacy is per provider and at most {LegacyAlertService.MaxPageSize}.", Top);
            if (Legacy && LegacyWarned.TryAdd(System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty, true))
            {
                WriteWarning($"The legacy alerts API (/security/alerts) is deprecated; Microsoft announced its retirement for {LegacyAlertService.RetirementDate:yyyy-MM-dd}, after which it returns no data. Use Get-GsAlert without -Legacy (alerts_v2) instead.");
            }
        }

        /// <summary>The legacy query: per provider, so a -First above the legacy page limit reads pages of that limit.</summary>
        private CollectionQuery LegacyQuery()
        {
            var collection = new LegacyAlertQuery
            {
                Provider = Provider.OrNone(),
                Severity = Severity.OrNone(),
                User = User.OrNone(),
                Host = Device.OrNone(),
                AssignedTo = AssignedTo.OrNone(),
                Since = SinceMoment,
                Until = UntilMoment,
            }.ToCollectionQuery();
            if (PagingParameters.First != ulong.MaxValue && PagingParameters.First > LegacyAlertService.MaxPageSize)
                collection.PageSize = LegacyAlertService.MaxPageSize;
            return collection;
        }

        protected override void ProcessRecord()
        {
            if (Legacy)
            {
                ListOrGet(connection => new LegacyAlertService(connection.Graph), Id, LegacyQuery);
                return;
            }
            var query = new AlertQuery
            {
                Severity = Severity.OrNone(),
                Status = Status.OrNone(),
                ServiceSource = ServiceSource.OrNone(),
                Classification = Classification.OrNone(),
                AssignedTo = AssignedTo.OrNone(),
                Since = SinceMoment,
                Until = UntilMoment,
                Evidence = new EvidenceCriteria { Users = User.OrNone(), Devices = Device.OrNone(), IpAddresses = IpAddress.OrNone() },
                EvidenceMatch = EvidenceMatch,
            };
            if (ParameterSetName == ListSet && !query.Evidence.IsEmpty)
                WriteVerbose(query.EvidenceOnServer
                    ? $"Evidence filter ({query.Evidence.Describe()}) sent to the service as an evidence/any() lambda in $filter."
                    : $"Evidence filter ({query.Evidence.Describe()}) matched here on each alert's evidence: the documented lambda forms cover only user principal names and device names, so the other filters are sent and every page is read.");
            ListOrGet(connection => new AlertService(connection.Graph), Id, query.ToCollectionQuery, keep: query.ClientFilter);
        }
    }
}

namespace GraphSecurity.Commands.Alerts
{
    /// <summary>Completes -Provider with the legacy API's provider names (quoted when they contain spaces).</summary>
    public sealed class LegacyProviderCompleter : System.Management.Automation.IArgumentCompleter
    {
        public System.Collections.Generic.IEnumerable<System.Management.Automation.CompletionResult> CompleteArgument(string commandName, string parameterName,
            string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
        {
            var prefix = CompletionWords.Unquoted(wordToComplete);
            return GraphSecurity.Engine.Legacy.LegacyAlertService.Providers
                .Where(p => p.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
                .Select(p => new System.Management.Automation.CompletionResult(p.Contains(" ") ? "'" + p + "'" : p, p,
                    System.Management.Automation.CompletionResultType.ParameterValue, p));
        }
    }
}
