using System;
using System.Management.Automation;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.SecurityActions;

namespace GraphSecurity.Commands.SecurityActions;

/// <summary>Base of the commands that start an action and follow it to its end: -TimeoutSeconds, -PollInterval and the wait itself.</summary>
public abstract class GsActionWaitingCmdlet : GsConnectedCmdlet
{
    /// <summary>How long to wait for the action to end, in seconds.</summary>
    [Parameter]
    [Alias("Timeout")]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 600;

    /// <summary>Seconds between status reads while waiting.</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int PollInterval { get; set; } = 5;

    /// <summary>Reads the action's status every -PollInterval seconds until it ends or -TimeoutSeconds pass, updating <paramref name="action"/>.</summary>
    protected void WaitFor(ISecurityActionBackend backend, SecurityAction action)
    {
        var deadline = DateTime.UtcNow.AddSeconds(TimeoutSeconds);
        var progress = new ProgressRecord(1, $"Security action {action.Name}", action.Status.ToString());
        try
        {
            while (!action.IsFinished && DateTime.UtcNow < deadline)
            {
                progress.StatusDescription = $"{action.Status} ({action.Id})";
                WriteProgress(progress);
                var wait = TimeSpan.FromSeconds(Math.Min(PollInterval, Math.Max(0, (deadline - DateTime.UtcNow).TotalSeconds)));
                var id = action.Id;
                action.UpdateFrom(Run(async token =>
                {
                    await Task.Delay(wait, token).ConfigureAwait(false);
                    return await backend.GetAsync(id, token).ConfigureAwait(false);
                }));
            }
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    internal static ErrorRecord SecurityActionFailed(SecurityAction action)
    {
        var reason = action.FailureReason ?? (action.ErrorInfo == null ? "no reason given" : action.ErrorInfo.ToString());
        var message = $"The security action {action.Id} ({action.Name} {action.Target}) failed: {reason}";
        return ErrorRecords.Create(new InvalidOperationException(message), ErrorIds.SecurityActionFailed, ErrorCategory.InvalidResult, action, message,
            "Get-GsSecurityAction shows the action; the provider's reason says whether sending it again can help.");
    }
}
