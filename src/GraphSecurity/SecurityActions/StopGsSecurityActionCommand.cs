using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.SecurityActions;

namespace GraphSecurity.Commands.SecurityActions;

/// <summary>
/// <para type="synopsis">Cancels a security action that has not finished yet.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "GsSecurityAction", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("securityActions (beta)", "SecurityActions.ReadWrite.All", NotServedIn = new[] { "USGov", "USGovDoD", "China" })]
[OutputType(typeof(SecurityAction))]
public sealed class StopGsSecurityActionCommand : GsConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("SecurityActionId")]
    [ArgumentCompleter(typeof(RecentIdCompleter<SecurityAction>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    /// <summary>Write the action, read again after the cancel.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!IsValidId(Id)) return;
        if (!ShouldProcess($"security action {Id}", "Cancel")) return;
        var connection = GraphConnection;
        var backend = SecurityActionBackends.For(connection);
        ForInput(Id, connection, () =>
        {
            var action = Run(async token =>
            {
                await backend.CancelAsync(Id, token).ConfigureAwait(false);
                return PassThru ? await backend.GetAsync(Id, token).ConfigureAwait(false) : null;
            });
            if (action == null) return;
            action.ConnectionName = connection.Name;
            WriteObject(action);
        });
    }
}
