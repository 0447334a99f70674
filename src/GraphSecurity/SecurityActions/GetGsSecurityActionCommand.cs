using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.SecurityActions;

namespace GraphSecurity.Commands.SecurityActions;

/// <summary>
/// <para type="synopsis">Gets security actions: by id, or filtered by name and status, newest first.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsSecurityAction", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[GraphPermission("securityActions (beta)", "SecurityActions.Read.All", "SecurityActions.ReadWrite.All", NotServedIn = new[] { "USGov", "USGovDoD", "China" })]
[OutputType(typeof(SecurityAction))]
public sealed class GetGsSecurityActionCommand : GsListCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("SecurityActionId")]
    [ArgumentCompleter(typeof(RecentIdCompleter<SecurityAction>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    /// <summary>Only actions with these names, e.g. BlockIp.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(SecurityActionNameCompleter))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Name { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ValidateKnownValue]
    [ValidateSet("NotStarted", "Running", "Completed", "Failed", IgnoreCase = true)]
    public OperationStatus[] Status { get; set; }

    /// <summary>Page size: actions per request (1–2000).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, 2000)]
    public int Top { get; set; }

    protected override string ItemsName => "security actions";

    protected override void ProcessRecord() =>
        ListOrGet(connection => new GraphSecurityActionService(connection.Graph), Id,
            () => new SecurityActionQuery { Name = Name.OrNone(), Status = Status.OrNone() }.ToCollectionQuery());
}
