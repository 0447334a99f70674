using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.SecurityActions;

namespace GraphSecurity.Commands.SecurityActions;

/// <summary>
/// <para type="synopsis">Cancels a response action that has not finished yet: a Defender for Endpoint machine action, or a beta securityAction with -Api GraphSecurityActions.</para>
/// </summary>
/// <remarks>
/// An action that has already ended cannot be cancelled: Defender answers that it is in its final
/// state, and the error says so. Undo-GsSecurityAction reverses an action that has ended.
/// </remarks>
[Cmdlet(VerbsLifecycle.Stop, "GsSecurityAction", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("Defender for Endpoint machine actions, securityActions (beta)", "Machine.Isolate", "Machine.Scan", "SecurityActions.ReadWrite.All")]
[OutputType(typeof(SecurityAction))]
public sealed class StopGsSecurityActionCommand : GsConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("SecurityActionId")]
    [ArgumentCompleter(typeof(RecentIdCompleter<SecurityAction>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    /// <summary>The API of the action; piped actions bring their own (default: Defender machine actions).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet(nameof(SecurityActionApi.DefenderMachineActions), nameof(SecurityActionApi.GraphSecurityActions), IgnoreCase = true)]
    public SecurityActionApi Api { get; set; } = SecurityActionApi.DefenderMachineActions;

    /// <summary>Why it is cancelled, kept with the action (Defender's cancellationComment).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Comment { get; set; }

    /// <summary>Write the action, read again after the cancel.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!IsValidId(Id)) return;
        if (!ShouldProcess($"security action {Id}", $"Cancel through {ResponseActionCatalog.DisplayName(Api)}")) return;
        var connection = GraphConnection;
        var backend = SecurityActionBackends.For(connection, Api);
        ForInput(Id, connection, () =>
        {
            var action = Run(async token =>
            {
                await backend.CancelAsync(Id, Comment, token).ConfigureAwait(false);
                return PassThru ? await backend.GetAsync(Id, token).ConfigureAwait(false) : null;
            });
            if (action == null) return;
            action.ConnectionName = connection.Name;
            WriteObject(action);
        });
    }
}
