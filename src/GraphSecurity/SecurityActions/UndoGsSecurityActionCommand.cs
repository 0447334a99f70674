using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.SecurityActions;

namespace GraphSecurity.Commands.SecurityActions;

/// <summary>
/// <para type="synopsis">Reverses response actions: releases an isolated device, lifts a code execution restriction, removes a block indicator, enables a disabled user; cancels one that has not started.</para>
/// </summary>
/// <remarks>
/// Takes the actions Invoke-GsSecurityAction and Get-GsSecurityAction write. An action still pending
/// or running is cancelled; a completed one is reversed by its opposite action (IsolateDevice by
/// ReleaseDevice, RestrictCodeExecution by UnrestrictCodeExecution, DisableUser by EnableUser) or, for
/// a block, by deleting its indicator. Actions without an opposite (a scan, a package collection,
/// revoked sessions, and the reversing actions themselves) and those that failed are passed over
/// with a warning.
/// </remarks>
[Cmdlet(VerbsCommon.Undo, "GsSecurityAction", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[GraphPermission("Defender for Endpoint machine actions and indicators, identityAccounts", "Machine.Isolate", "Machine.RestrictExecution", "Ti.ReadWrite.All", "SecurityIdentitiesActions.ReadWrite.All")]
[OutputType(typeof(SecurityAction))]
public sealed class UndoGsSecurityActionCommand : GsConnectedCmdlet
{
    /// <summary>The action to reverse, as Invoke-GsSecurityAction or Get-GsSecurityAction wrote it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public SecurityAction InputObject { get; set; }

    /// <summary>Why it is reversed, kept with the reversing action (default: names the action undone).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Comment { get; set; }

    protected override void ProcessRecord()
    {
        var original = InputObject;
        var definition = ResponseActionCatalog.Find(original.Name);
        var comment = Comment ?? $"GraphSecurity undo of {original.Name} {original.Id}";
        if (original.Api == SecurityActionApi.GraphSecurityActions || definition == null)
        {
            Skip(original, "beta securityActions have no undo");
            return;
        }
        if (original.Status == OperationStatus.Failed || original.Status == OperationStatus.Cancelled)
        {
            Skip(original, $"it ended {original.ApiStatus ?? original.Status.ToString()}, so there is nothing to reverse");
            return;
        }
        var connection = GraphConnection;
        if (!original.IsFinished)
        {
            if (!ShouldProcess($"{original.Name} {original.Id} on {original.Target}", "Cancel (it has not finished)")) return;
            ForInput(original, connection, () =>
            {
                var cancelled = Run(async token =>
                {
                    var backend = SecurityActionBackends.For(connection, original.Api);
                    await backend.CancelAsync(original.Id, comment, token).ConfigureAwait(false);
                    return await backend.GetAsync(original.Id, token).ConfigureAwait(false);
                });
                cancelled.ConnectionName = connection.Name;
                WriteObject(cancelled);
            });
            return;
        }
        if (original.Api == SecurityActionApi.DefenderIndicators)
        {
            if (!ShouldProcess($"the block indicator {original.Id} of {original.Target}", "Delete it (undo " + original.Name + ")")) return;
            ForInput(original, connection, () =>
            {
                var removed = Run(token => new IndicatorBlockBackend(connection).RemoveAsync(original.Id, token));
                WriteObject(new SecurityAction
                {
                    Id = original.Id, Name = "Remove" + original.Name.Substring("Block".Length) + "Block", Api = original.Api,
                    Status = OperationStatus.Completed, ApiStatus = removed ? "Deleted" : "AlreadyGone",
                    TargetType = original.TargetType, TargetId = original.TargetId, Target = original.Target, Comment = comment,
                    CreatedDateTime = DateTimeOffset.UtcNow, CompletedDateTime = DateTimeOffset.UtcNow, ConnectionName = connection.Name,
                });
            });
            return;
        }
        var undo = ResponseActionCatalog.Find(definition.Undo);
        if (undo == null)
        {
            Skip(original, $"{original.Name} has no opposite action");
            return;
        }
        // Identity accounts are found by UPN; devices by their Defender id.
        var value = original.Api == SecurityActionApi.GraphIdentityAccounts ? original.Target : original.TargetId ?? original.Target;
        var target = new ResponseTarget(value, $"the undo of {original.Name} {original.Id}", original.AlertId);
        if (!ShouldProcess($"{original.Target} ({target.Source})", $"{undo.Name} through {ResponseActionCatalog.DisplayName(undo.Api)}")) return;
        ForInput(original, connection, () =>
        {
            var request = new SecurityActionRequest { Action = undo, Target = target, Reason = comment };
            var result = Run(token => SecurityActionBackends.For(connection, undo.Api).InvokeAsync(request, token));
            result.ConnectionName = connection.Name;
            WriteObject(result);
        });
    }

    private void Skip(SecurityAction action, string why) =>
        WriteWarning($"{action.Name} {action.Id} on {action.Target} was not undone: {why}.");
}
