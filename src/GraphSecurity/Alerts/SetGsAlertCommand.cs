using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Legacy;

namespace GraphSecurity.Commands.Alerts;

/// <summary>
/// <para type="synopsis">Updates an alert's status, classification, determination or assignment, and adds a comment.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "GsAlert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("alerts_v2", "SecurityAlert.ReadWrite.All", NotServedIn = new[] { "China" })]
[OutputType(typeof(Alert))]
[OutputType(typeof(LegacyAlert))]
public sealed class SetGsAlertCommand : GsTriageUpdateCmdlet<Alert>
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("AlertId")]
    [ArgumentCompleter(typeof(RecentIdCompleter<Alert>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    [Parameter]
    [ValidateKnownValue]
    [ValidateSet("New", "InProgress", "Resolved", IgnoreCase = true)]
    public AlertStatus Status { get; set; }

    /// <summary>
    /// The provider of a legacy alert, bound from the VendorInformation of piped legacy alerts: it
    /// routes the change to the legacy API without reading the alert first.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SecurityVendorInformation VendorInformation { get; set; }

    /// <summary>Change a legacy alert (/security/alerts) given by id; its provider is read first unless -Provider names it.</summary>
    [Parameter]
    public SwitchParameter Legacy { get; set; }

    /// <summary>With -Legacy: the alert's provider (e.g. IPC), so it need not be read first.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(LegacyProviderCompleter))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Provider { get; set; }

    private bool IsLegacy => Legacy || VendorInformation != null;

    protected override void ProcessRecord()
    {
        if (!IsLegacy) { base.ProcessRecord(); return; }
        if (!IsValidId(Id)) return;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Determination)))
        {
            WriteError(ErrorRecords.Argument(ErrorIds.InvalidArgument, "Legacy alerts have no determination; -Determination applies to alerts_v2 only.", Id));
            return;
        }
        var update = new LegacyAlertUpdate
        {
            Status = IfBound(nameof(Status), Status).HasValue ? LegacyAlertUpdate.MapStatus(Status) : (LegacyAlertStatus?)null,
            Feedback = BoundClassification.HasValue ? LegacyAlertUpdate.MapFeedback(Classification) : (LegacyAlertFeedback?)null,
            AssignedTo = BoundAssignedTo,
        };
        var vendor = VendorInformation ?? (Provider != null ? new SecurityVendorInformation { Provider = Provider, Vendor = "Microsoft" } : null);
        var action = string.Join(", ", new[]
        {
            update.Status.HasValue ? $"status={update.Status}" : null,
            update.Feedback.HasValue ? $"feedback={update.Feedback}" : null,
            update.AssignedTo != null ? $"assignedTo='{update.AssignedTo}'" : null,
            Comment != null ? "add a comment" : null,
        }.Where(p => p != null));
        var connection = GraphConnection;
        if (!IsSameTenant(connection, Id)) return;
        if (!ShouldProcess($"legacy alert {Id}{(vendor != null ? $" ({vendor.Provider})" : "")}", "Set " + action)) return;

        var alerts = new LegacyAlertService(connection.Graph);
        var checks = new UpdateRequest { Comment = Comment, ReadVersion = IfUnchangedSince, Overwrite = Force, AllowDuplicateComment = AllowDuplicateComment };
        try
        {
            if (vendor != null) WriteVerbose($"Legacy alert {Id}: provider {vendor}{(VendorInformation != null ? " (from the piped alert)" : "")}.");
            var outcome = Run(token => alerts.UpdateCheckedAsync(Id, update, vendor, checks, PassThru, token));
            ReportOutcome(Id, outcome.Unchanged, outcome.CommentAlreadyThere, outcome.NothingSent);
            if (PassThru && outcome.Item != null)
            {
                outcome.Item.ConnectionName = connection.Name;
                WriteObject(outcome.Item);
            }
        }
        catch (PipelineStoppedException) { throw; }
        catch (UpdateConflictException conflict) { WriteError(Conflict(conflict, connection)); }
        catch (Exception ex) { WriteErrorFor(ex, Id, connection); }
    }

    protected override string TargetId => Id;
    protected override string TargetKind => "alert";
    protected override string ChangeParameterNames => "-Status, -Classification, -Determination, -AssignedTo";
    protected override EntityService<Alert> CreateService(GraphConnection connection) => new AlertService(connection.Graph);

    protected override DateTimeOffset? LastUpdateOf(Alert item) => item.LastUpdateDateTime;

    protected override IDictionary<string, object> BuildChanges()
    {
        return new AlertUpdate
        {
            Status = IfBound(nameof(Status), Status),
            Classification = BoundClassification,
            Determination = BoundDetermination,
            AssignedTo = BoundAssignedTo,
        }.ToBody();
    }
}
