using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Incidents;

namespace GraphSecurity.Commands.Incidents;

/// <summary>The Add-Gs*Comment cmdlets: a mandatory comment and nothing else to change.</summary>
public abstract class GsAddCommentCmdlet<T> : GsUpdateCmdlet<T> where T : class, IConnectionBound, ICommented
{
    /// <summary>The comment text; the first positional parameter, so "... | Add-GsAlertComment 'text'" works.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Comment { get; set; }

    protected override string CommentText => Comment;
}

/// <summary>
/// <para type="synopsis">Adds a comment to an alert (alerts_v2).</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "GsAlertComment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[GraphPermission("alerts_v2", "SecurityAlert.ReadWrite.All", NotServedIn = new[] { "China" })]
[OutputType(typeof(Alert))]
public sealed class AddGsAlertCommentCommand : GsAddCommentCmdlet<Alert>
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("AlertId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    protected override string TargetId => Id;
    protected override string TargetKind => "alert";
    protected override EntityService<Alert> CreateService(GraphConnection connection) => new AlertService(connection.Graph);
    protected override DateTimeOffset? LastUpdateOf(Alert item) => item.LastUpdateDateTime;
}

/// <summary>
/// <para type="synopsis">Adds a comment to an incident.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "GsIncidentComment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[GraphPermission("incidents", "SecurityIncident.ReadWrite.All", NotServedIn = new[] { "China" })]
[OutputType(typeof(Incident))]
public sealed class AddGsIncidentCommentCommand : GsAddCommentCmdlet<Incident>
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IncidentId")]
    [ArgumentCompleter(typeof(RecentIdCompleter<Incident>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    protected override string TargetId => Id;
    protected override string TargetKind => "incident";
    protected override EntityService<Incident> CreateService(GraphConnection connection) => new IncidentService(connection.Graph);
    protected override DateTimeOffset? LastUpdateOf(Incident item) => item.LastUpdateDateTime;
    protected override string LastChangedBy(Incident item) => item.LastModifiedBy;
}
