using System.Collections.Generic;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Commands.Alerts
{
    /// <summary>
    /// <para type="synopsis">Updates an alert's status, classification, determination or assignment, and adds a comment.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "GsAlert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [GraphPermission("alerts_v2", "SecurityAlert.ReadWrite.All", NotServedIn = new[] { "China" })]
    [OutputType(typeof(Alert))]
    public sealed class SetGsAlertCommand : GsUpdateCmdlet<Alert>
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("AlertId")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        [Parameter]
        public AlertStatus Status { get; set; }

        [Parameter]
        public AlertClassification Classification { get; set; }

        [Parameter]
        public AlertDetermination Determination { get; set; }

        /// <summary>Who owns the alert (usually a UPN); an empty string clears it.</summary>
        [Parameter]
        [AllowEmptyString]
        public string AssignedTo { get; set; }

        /// <summary>A comment added to the alert's comment list.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Comment { get; set; }

        protected override string TargetId => Id;
        protected override string CommentText => Comment;
        protected override string TargetKind => "alert";
        protected override string ChangeParameterNames => "-Status, -Classification, -Determination, -AssignedTo";
        protected override EntityService<Alert> CreateService(GraphConnection connection) => new AlertService(connection.Graph);

        protected override IDictionary<string, object> BuildChanges()
        {
            var bound = MyInvocation.BoundParameters;
            return new AlertUpdate
            {
                Status = bound.ContainsKey(nameof(Status)) ? Status : (AlertStatus?)null,
                Classification = bound.ContainsKey(nameof(Classification)) ? Classification : (AlertClassification?)null,
                Determination = bound.ContainsKey(nameof(Determination)) ? Determination : (AlertDetermination?)null,
                AssignedTo = bound.ContainsKey(nameof(AssignedTo)) ? AssignedTo ?? "" : null,
            }.ToBody();
        }
    }
}
