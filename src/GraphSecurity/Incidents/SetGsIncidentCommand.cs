using System;
using System.Collections.Generic;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Incidents;

namespace GraphSecurity.Commands.Incidents;

/// <summary>
/// <para type="synopsis">Updates an incident's status, classification, determination, owner or custom tags, and adds a comment.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "GsIncident", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("incidents", "SecurityIncident.ReadWrite.All", NotServedIn = new[] { "China" })]
[OutputType(typeof(Incident))]
public sealed class SetGsIncidentCommand : GsTriageUpdateCmdlet<Incident>
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IncidentId")]
    [ArgumentCompleter(typeof(RecentIdCompleter<Incident>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    /// <summary>Active, InProgress, Resolved or AwaitingAction (Redirected cannot be set).</summary>
    [Parameter]
    [ValidateSet("Active", "InProgress", "Resolved", "AwaitingAction", IgnoreCase = true)]
    public IncidentStatus Status { get; set; }

    /// <summary>Replaces the incident's custom tags; an empty array removes them.</summary>
    [Parameter]
    [AllowEmptyCollection]
    [ValidateText(SingleLine = true)]
    public string[] CustomTags { get; set; }

    protected override string TargetId => Id;
    protected override string TargetKind => "incident";
    protected override string ChangeParameterNames => "-Status, -Classification, -Determination, -AssignedTo, -CustomTags";
    protected override EntityService<Incident> CreateService(GraphConnection connection) => new IncidentService(connection.Graph);

    protected override DateTimeOffset? LastUpdateOf(Incident item) => item.LastUpdateDateTime;
    protected override string LastChangedBy(Incident item) => item.LastModifiedBy;

    protected override IDictionary<string, object> BuildChanges()
    {
        return new IncidentUpdate
        {
            Status = IfBound(nameof(Status), Status),
            Classification = BoundClassification,
            Determination = BoundDetermination,
            AssignedTo = BoundAssignedTo,
            CustomTags = MyInvocation.BoundParameters.ContainsKey(nameof(CustomTags)) ? CustomTags ?? new string[0] : null,
        }.ToBody();
    }
}
