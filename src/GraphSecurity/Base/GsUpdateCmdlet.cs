using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Base of the cmdlets that PATCH an alert or incident and/or add a comment to it (Set-GsAlert,
/// Set-GsIncident, Add-GsAlertComment, Add-GsIncidentComment): one input id per record,
/// ShouldProcess, a checked update (<see cref="CheckedUpdate"/>: only the fields that differ, no
/// repeated comment, no overwriting a newer change, no change through another tenant's connection),
/// -PassThru, and a non-terminating error per failing input.
/// </summary>
public abstract class GsUpdateCmdlet<T> : GsConnectedCmdlet where T : class, IConnectionBound, ICommented
{
    /// <summary>Write the updated object to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// The tenant the object belongs to, bound from piped objects. The change is refused when it is
    /// not the tenant of the connection used (e.g. an alert read from one tenant piped to
    /// -Connection of another), unless -AllowTenantMismatch is given.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("AzureTenantId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string TenantId { get; set; }

    /// <summary>Change the object through the given connection even when it belongs to another tenant.</summary>
    [Parameter]
    public SwitchParameter AllowTenantMismatch { get; set; }

    /// <summary>
    /// Refuse the change when the object was updated after this time; bound from a piped object's
    /// LastUpdateDateTime (or LastModifiedDateTime), so a copy read before someone else changed it
    /// does not overwrite their change. -Force changes it anyway.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("LastUpdateDateTime", "LastModifiedDateTime")]
    [ValidateMoment]
    public DateTimeOffset? IfUnchangedSince { get; set; }

    /// <summary>Change the object even when it was updated after the copy given (-IfUnchangedSince) was read.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Add the comment even when the object already has the same comment from the same caller.</summary>
    [Parameter]
    public SwitchParameter AllowDuplicateComment { get; set; }

    /// <summary>The id of the object this record changes.</summary>
    protected abstract string TargetId { get; }

    /// <summary>The comment to add, or null.</summary>
    protected abstract string CommentText { get; }

    /// <summary>What the object is called in messages, e.g. "alert".</summary>
    protected abstract string TargetKind { get; }

    /// <summary>The change parameters, for the "nothing to change" message (e.g. "-Status, -AssignedTo").</summary>
    protected virtual string ChangeParameterNames => null;

    /// <summary>The PATCH body from the bound parameters (empty when only a comment is added).</summary>
    protected virtual IDictionary<string, object> BuildChanges() => new Dictionary<string, object>();

    protected abstract EntityService<T> CreateService(GraphConnection connection);

    /// <summary>The object's last update time (its version for the conflict check).</summary>
    protected abstract DateTimeOffset? LastUpdateOf(T item);

    /// <summary>Who changed the object last, when the service says.</summary>
    protected virtual string LastChangedBy(T item) => null;

    protected override void BeginProcessing()
    {
        if (BuildChanges().Count > 0 || CommentText != null) return;
        ThrowArgumentError(ErrorIds.NothingToUpdate, $"Nothing to change: give at least one of {ChangeParameterNames} or -Comment.", null);
    }

    protected override void ProcessRecord()
    {
        var id = TargetId;
        if (!IsValidId(id)) return;
        var changes = BuildChanges();
        var comment = CommentText;
        var connection = GraphConnection;
        if (!IsSameTenant(connection, id)) return;
        if (!ShouldProcess($"{TargetKind} {id}", Describe(changes, comment))) return;

        var service = CreateService(connection);
        var request = new UpdateRequest
        {
            Changes = changes,
            Comment = comment,
            ReadVersion = IfUnchangedSince,
            Overwrite = Force,
            AllowDuplicateComment = AllowDuplicateComment,
        };
        try
        {
            var outcome = Run(async token =>
            {
                if (comment != null) request.CallerNames = await connection.CallerNamesAsync(token).ConfigureAwait(false);
                return await CheckedUpdate.ApplyAsync(service, TargetKind, id, request, LastUpdateOf, LastChangedBy, PassThru, token).ConfigureAwait(false);
            });
            ReportOutcome(id, outcome.Unchanged, outcome.CommentAlreadyThere, outcome.NothingSent);
            if (PassThru)
            {
                outcome.Item.ConnectionName = connection.Name;
                WriteObject(outcome.Item);
            }
        }
        catch (PipelineStoppedException) { throw; }
        catch (UpdateConflictException conflict) { WriteError(Conflict(conflict, connection)); }
        catch (Exception ex) { WriteErrorFor(ex, id, connection); }
    }

    /// <summary>-Verbose says what was left out because it was already so, and when nothing was sent at all.</summary>
    protected void ReportOutcome(string id, IReadOnlyCollection<string> unchanged, bool commentAlreadyThere, bool nothingSent)
    {
        if (unchanged.Count > 0) WriteVerbose($"{TargetKind} {id}: {string.Join(", ", unchanged)} already set as asked; not sent.");
        if (commentAlreadyThere) WriteVerbose($"{TargetKind} {id} already has this comment from you; not added again (-AllowDuplicateComment adds it anyway).");
        if (nothingSent) WriteVerbose($"{TargetKind} {id} already is as asked: nothing was sent.");
    }

    /// <summary>The conflict error: both times, nothing changed, and how to go on.</summary>
    protected ErrorRecord Conflict(UpdateConflictException conflict, GraphConnection connection)
    {
        var record = ErrorRecords.Create(conflict, ErrorIds.UpdateConflict, ErrorCategory.ResourceBusy, conflict.Id, conflict.Message,
            $"Read it again ({GetReadCommand()} -Id {conflict.Id}) and decide, or add -Force to overwrite the other change.");
        record.ErrorDetails = new ErrorDetails($"{record.ErrorDetails.Message} (connection '{connection.Name}', tenant {connection.TenantId})")
        {
            RecommendedAction = record.ErrorDetails.RecommendedAction,
        };
        return record;
    }

    /// <summary>The Get- cmdlet of the object, for messages.</summary>
    private string GetReadCommand() => "Get-" + MyInvocation.MyCommand.Name.Substring(MyInvocation.MyCommand.Name.IndexOf('-') + 1).Replace("Comment", "");

    /// <summary>
    /// False (with an error, nothing sent) when the piped object belongs to another tenant than the
    /// connection's, and the user did not say they mean it.
    /// </summary>
    protected bool IsSameTenant(GraphConnection connection, string id)
    {
        if (string.IsNullOrEmpty(TenantId) || AllowTenantMismatch) return true;
        var connectionTenant = Run(token => TenantIds.OfConnectionAsync(connection, token));
        if (connectionTenant == null || string.Equals(connectionTenant, TenantId, StringComparison.OrdinalIgnoreCase)) return true;
        WriteError(ErrorRecords.Argument(ErrorIds.TenantMismatch,
            $"The {TargetKind} {id} belongs to tenant {TenantId}, but connection '{connection.Name}' is to tenant {connectionTenant}: nothing was sent.",
            id, "Leave out -Connection so the object goes back through the connection it was read from, or add -AllowTenantMismatch if you mean to use this one."));
        return false;
    }

    /// <summary>The ShouldProcess action, e.g. "Set status=resolved, assignedTo='x', add a comment".</summary>
    protected static string Describe(IDictionary<string, object> changes, string comment)
    {
        var parts = changes.Select(c => $"{c.Key}={Show(c.Value)}").ToList();
        if (comment != null) parts.Add("add a comment");
        return parts.Count == 1 && comment != null ? "Add a comment" : "Set " + string.Join(", ", parts);
    }

    private static string Show(object value)
    {
        switch (value)
        {
            case null: return "(none)";
            case string text: return $"'{text}'";
            case IEnumerable items: return "[" + string.Join(", ", items.Cast<object>().Select(Show)) + "]";
            default: return value.ToString();
        }
    }
}
