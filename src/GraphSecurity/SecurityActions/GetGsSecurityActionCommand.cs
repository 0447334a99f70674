using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.SecurityActions;

namespace GraphSecurity.Commands.SecurityActions;

/// <summary>
/// <para type="synopsis">Gets response actions: Defender for Endpoint machine actions (by id, or filtered by device, status, action, requestor and time), newest first; beta securityActions with -Api GraphSecurityActions.</para>
/// </summary>
/// <remarks>
/// Status is common to every API (NotStarted, Running, Completed, Failed, Cancelled); ApiStatus keeps
/// Defender's own value (Pending, InProgress, Succeeded, Failed, TimeOut, Cancelled). Block indicators
/// are read with Get-GsTiIndicator; identity actions end at once and have nothing to read back.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "GsSecurityAction", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[GraphPermission("Defender for Endpoint machine actions, securityActions (beta)", "Machine.Read.All", "SecurityActions.Read.All")]
[OutputType(typeof(SecurityAction))]
public sealed class GetGsSecurityActionCommand : GsListCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("SecurityActionId")]
    [ArgumentCompleter(typeof(RecentIdCompleter<SecurityAction>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    /// <summary>Only actions with these names, e.g. IsolateDevice (for beta securityActions, e.g. BlockIp).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(SecurityActionNameCompleter))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Name { get; set; }

    /// <summary>Only actions with these statuses (the common ones; Failed includes Defender's TimeOut).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateKnownValue]
    [ValidateSet("NotStarted", "Running", "Completed", "Failed", "Cancelled", IgnoreCase = true)]
    public OperationStatus[] Status { get; set; }

    /// <summary>Only actions on these devices (name or Defender id).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Device { get; set; }

    /// <summary>Only actions these requestors asked for (a UPN, or an app id for apps).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Requestor { get; set; }

    /// <summary>Only actions requested at or after this time.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateMoment]
    public DateTime Since { get; set; }

    /// <summary>The API to read: Defender machine actions (default) or Graph's beta securityActions.</summary>
    [Parameter]
    [ValidateSet(nameof(SecurityActionApi.DefenderMachineActions), nameof(SecurityActionApi.GraphSecurityActions), IgnoreCase = true)]
    public SecurityActionApi Api { get; set; } = SecurityActionApi.DefenderMachineActions;

    /// <summary>Page size: actions per request (1–2000 for securityActions; Defender pages of up to 10,000).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, 10000)]
    public int Top { get; set; }

    protected override string ItemsName => "security actions";

    protected override void WriteItem(object item, GraphConnection connection)
    {
        // A beta securityAction read as a page gets the fields every backend's actions have.
        if (item is SecurityAction { Api: SecurityActionApi.GraphSecurityActions } action) GraphSecurityActionService.Common(action);
        base.WriteItem(item, connection);
    }

    protected override void ProcessRecord()
    {
        if (Api == SecurityActionApi.GraphSecurityActions)
        {
            ListOrGet(connection => new GraphSecurityActionService(connection.Graph), Id,
                () => new SecurityActionQuery { Name = Name.OrNone(), Status = Status.OrNone() }.ToCollectionQuery());
            return;
        }
        foreach (var connection in GraphConnections)
        {
            var machineActions = new DefenderMachineActions(connection);
            if (ParameterSetName == IdSet)
            {
                foreach (var id in Id)
                    if (IsValidId(id)) ForInput(id, connection, () => WriteItem(Run(token => machineActions.GetAsync(id, token)), connection));
                continue;
            }
            ForInput(Device ?? (object)connection.Name, connection, () => ListMachineActions(connection, machineActions));
        }
    }

    /// <summary>
    /// One filter for what the service filters on; a list of several values is matched here instead
    /// (the reference shows the machine actions filter with <c>and</c> only).
    /// </summary>
    private void ListMachineActions(GraphConnection connection, DefenderMachineActions machineActions)
    {
        var machineIds = Device?.Select(d => DefenderMachineActions.IsMachineId(d) ? d : Run(token => machineActions.FindMachineAsync(d, token)).Id).ToList();
        var types = Name?.Select(n => ResponseActionCatalog.Find(n)?.MachineActionType ?? n).ToList();
        var statuses = Status?.SelectMany(DefenderMachineActions.ApiStatusesOf).ToList();
        var clauses = new List<string>();
        void Single(string property, IReadOnlyList<string> values) { if (values != null && values.Count == 1) clauses.Add($"{property} eq {ODataFilter.Quote(values[0])}"); }
        Single("machineId", machineIds);
        Single("type", types);
        Single("status", statuses);
        Single("requestor", Requestor);
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Since))) clauses.Add("creationDateTimeUtc ge " + ODataFilter.Timestamp(Moment(nameof(Since), Since).Value));
        if (!string.IsNullOrWhiteSpace(Filter)) clauses.Add(ODataFilter.Group(Filter));

        bool Matches(string value, IReadOnlyList<string> allowed) => allowed == null || allowed.Contains(value ?? "", StringComparer.OrdinalIgnoreCase);
        var first = PagingParameters.First;
        var limit = first != ulong.MaxValue ? (long)Math.Min(first, long.MaxValue) : All ? long.MaxValue : RequestedPageSize ?? 100;
        var skip = (long)PagingParameters.Skip;
        long written = 0;
        var more = false;
        var pageSize = (int)Math.Min(RequestedPageSize ?? 1000, 10000);
        Run(token => machineActions.ListAsync(clauses.Count > 0 ? string.Join(" and ", clauses) : null, pageSize, page =>
        {
            foreach (var action in page)
            {
                if (!Matches(action.TargetId, machineIds) || !Matches(action.ApiStatus, statuses) || !Matches(Requestor == null ? null : action.Requestor, Requestor) ||
                    !(types == null || types.Contains(ResponseActionCatalog.Find(action.Name)?.MachineActionType ?? action.Name, StringComparer.OrdinalIgnoreCase)))
                    continue;
                if (skip > 0) { skip--; continue; }
                if (written >= limit) { more = true; return false; }
                Post(() => WriteItem(action, connection));
                written++;
            }
            return true;
        }, token));
        if (more && first == ulong.MaxValue && !All)
            WriteWarning($"More security actions match on '{connection.Name}' than the {written} returned. Use -All to get every one, or -First N to choose how many.");
    }
}
