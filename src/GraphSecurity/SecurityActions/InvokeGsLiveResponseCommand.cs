using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.SecurityActions;

namespace GraphSecurity.Commands.SecurityActions;

/// <summary>
/// <para type="synopsis">Runs a script of the live response library on a device and returns what it printed.</para>
/// </summary>
/// <remarks>
/// Starts a Defender for Endpoint live response (RunScript) on the device, waits until it has ended
/// and downloads its transcript: exit code, output and errors. A device runs one live response
/// session at a time; the script must be in the tenant's live response library.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "GsLiveResponse", DefaultParameterSetName = DeviceSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[GraphPermission("Defender for Endpoint live response", "Machine.LiveResponse", "Machine.Read.All")]
[OutputType(typeof(LiveResponseResult))]
public sealed class InvokeGsLiveResponseCommand : GsActionWaitingCmdlet
{
    private const string DeviceSet = "Device";
    private const string InputSet = "Input";

    /// <summary>The device's name or Defender id.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = DeviceSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Device { get; set; }

    /// <summary>An alert (its device evidence names the device) or a device evidence.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    public PSObject InputObject { get; set; }

    /// <summary>The library script to run, e.g. Get-ProcessList.ps1.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string ScriptName { get; set; }

    /// <summary>The script's arguments, as one string.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Arguments { get; set; }

    /// <summary>Why it is run, kept with the action (default: names the script).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Comment { get; set; }

    protected override void ProcessRecord()
    {
        ResponseTarget target;
        try
        {
            target = ParameterSetName == DeviceSet ? new ResponseTarget(Device, "the parameters") : ResponseTargets.From(InputObject.BaseObject, LiveResponse.Action)[0];
        }
        catch (ArgumentException ex) { WriteErrorFor(ex, InputObject?.BaseObject ?? Device); return; }
        if (!ShouldProcess($"{target.Value} ({target.Source})", $"Run the live response script {ScriptName}")) return;

        var connection = GraphConnection;
        var live = new LiveResponse(connection);
        ForInput(target.Value, connection, () =>
        {
            var comment = Comment ?? $"GraphSecurity live response {ScriptName}" + (target.AlertId != null ? $" for alert {target.AlertId}" : "");
            var action = Run(token => live.RunScriptAsync(target.Value, ScriptName, Arguments, comment, token));
            WriteVerbose($"Live response {action.Id} on {action.Target} started ({ScriptName}); waiting up to {TimeoutSeconds} s.");
            WaitFor(new MachineActionBackend(connection), action);
            if (action.Status == OperationStatus.Completed)
            {
                var result = Run(token => live.ResultAsync(action, ScriptName, Arguments, token));
                result.ConnectionName = connection.Name;
                WriteObject(result);
                return;
            }
            if (!action.IsFinished)
                throw new TimeoutException($"The live response {action.Id} on {action.Target} was still {action.ApiStatus} after {TimeoutSeconds} s; " +
                                           $"check it with Get-GsSecurityAction -Id {action.Id}, or cancel it with Stop-GsSecurityAction.");
            action.FailureReason = action.ApiStatus == "Failed" ? Run(token => live.FailureAsync(action.Id, token)) : action.FailureReason;
            WriteError(SecurityActionFailed(action));
        });
    }
}
