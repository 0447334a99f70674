using System;
using System.Collections.Generic;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Alerts;

namespace GraphSecurity.Commands.Alerts
{
    /// <summary>
    /// <para type="synopsis">Updates an alert's status, classification, determination or assignment, and adds a comment.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "GsAlert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [GraphPermission("alerts_v2", "SecurityAlert.ReadWrite.All", NotServedIn = new[] { "China" })]
    [OutputType(typeof(Alert))]
    public sealed class SetGsAlertCommand : GsConnectedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("AlertId")]
        [ArgumentCompleter(typeof(RecentIdCompleter<Alert>))]
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

        /// <summary>Write the updated alert to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            if (BuildUpdate().IsEmpty && Comment == null)
            {
                var message = "Nothing to change: give at least one of -Status, -Classification, -Determination, -AssignedTo or -Comment.";
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), "NothingToUpdate", ErrorCategory.InvalidArgument, null)
                {
                    ErrorDetails = new ErrorDetails(message),
                });
            }
        }

        protected override void ProcessRecord()
        {
            var update = BuildUpdate();
            if (!ShouldProcess($"alert {Id}", Describe(update))) return;

            var connection = GraphConnection;
            var alerts = new AlertService(connection.Graph);
            try
            {
                var alert = Run(async token =>
                {
                    Alert updated = null;
                    if (!update.IsEmpty) updated = await alerts.UpdateAsync(Id, update, token).ConfigureAwait(false);
                    if (Comment != null)
                    {
                        var comments = await alerts.AddCommentAsync(Id, Comment, token).ConfigureAwait(false);
                        if (PassThru)
                        {
                            updated = updated ?? await alerts.GetAsync(Id, token).ConfigureAwait(false);
                            updated.Comments = new ValueList<AlertComment>(comments);
                        }
                    }
                    return updated;
                });
                if (PassThru)
                {
                    alert.ConnectionName = connection.Name;
                    WriteObject(alert);
                }
            }
            catch (PipelineStoppedException) { throw; }
            catch (Exception ex) { WriteErrorFor(ex, Id, connection); }
        }

        private AlertUpdate BuildUpdate()
        {
            var bound = MyInvocation.BoundParameters;
            return new AlertUpdate
            {
                Status = bound.ContainsKey(nameof(Status)) ? Status : (AlertStatus?)null,
                Classification = bound.ContainsKey(nameof(Classification)) ? Classification : (AlertClassification?)null,
                Determination = bound.ContainsKey(nameof(Determination)) ? Determination : (AlertDetermination?)null,
                AssignedTo = bound.ContainsKey(nameof(AssignedTo)) ? AssignedTo ?? "" : null,
            };
        }

        private string Describe(AlertUpdate update)
        {
            var parts = new List<string>();
            if (update.Status.HasValue) parts.Add($"status={update.Status}");
            if (update.Classification.HasValue) parts.Add($"classification={update.Classification}");
            if (update.Determination.HasValue) parts.Add($"determination={update.Determination}");
            if (update.AssignedTo != null) parts.Add($"assignedTo='{update.AssignedTo}'");
            if (Comment != null) parts.Add("add a comment");
            return parts.Count == 1 && Comment != null ? "Add a comment" : "Set " + string.Join(", ", parts);
        }
    }
}
