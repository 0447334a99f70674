using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Net;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.SecurityActions;

namespace GraphSecurity.Commands.SecurityActions;

/// <summary>
/// <para type="synopsis">Starts a security action (e.g. BlockIp) and optionally waits until it has completed or failed.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "GsSecurityAction", DefaultParameterSetName = BlockIpSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[GraphPermission("securityActions (beta)", "SecurityActions.ReadWrite.All", NotServedIn = new[] { "USGov", "USGovDoD", "China" })]
[OutputType(typeof(SecurityAction))]
public sealed class InvokeGsSecurityActionCommand : GsConnectedCmdlet
{
    private const string BlockIpSet = "BlockIp";
    private const string NamedSet = "Named";

    /// <summary>The action's name, e.g. BlockIp.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NamedSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SecurityActionNameCompleter))]
    [ValidateText(SingleLine = true)]
    public string Name { get; set; }

    /// <summary>The action's parameters as name = value pairs, e.g. @{ IP = '203.0.113.7' }.</summary>
    [Parameter(ParameterSetName = NamedSet)]
    public Hashtable Parameter { get; set; }

    /// <summary>Shortcut for -Name BlockIp -Parameter @{ IP = ... }.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = BlockIpSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IP")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string IpAddress { get; set; }

    /// <summary>Why the action is taken (actionReason), kept with the action.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Reason { get; set; }

    /// <summary>A value of your own kept with the action (clientContext, at most 256 characters).</summary>
    [Parameter]
    [ValidateLength(1, 256)]
    [ValidateText(SingleLine = true)]
    public string ClientContext { get; set; }

    /// <summary>The provider that carries out the action.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Provider { get; set; } = SecurityActionBackends.DefaultProvider;

    /// <summary>The provider's vendor.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Vendor { get; set; } = "Microsoft";

    /// <summary>Wait until the action has completed or failed, showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits, in seconds.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 600;

    /// <summary>Seconds between status reads while waiting.</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int PollInterval { get; set; } = 5;

    private SecurityActionRequest BuildRequest(object target)
    {
        var request = new SecurityActionRequest { Reason = Reason, ClientContext = ClientContext, Provider = Provider, Vendor = Vendor };
        if (ParameterSetName == BlockIpSet)
        {
            request.Name = "BlockIp";
            request.Parameters.Add(new KeyValuePair<string, string>("IP", IpAddress));
        }
        else
        {
            request.Name = SecurityActionBackends.KnownActions.Keys.FirstOrDefault(k => k.Equals(Name, StringComparison.OrdinalIgnoreCase)) ?? Name;
            foreach (DictionaryEntry entry in Parameter ?? new Hashtable())
                request.Parameters.Add(new KeyValuePair<string, string>(Convert.ToString(entry.Key), Convert.ToString(LanguagePrimitives.ConvertTo(entry.Value, typeof(string)))));
        }
        Validate(request);
        return request;
    }

    /// <summary>Bad input is rejected before anything is sent.</summary>
    private static void Validate(SecurityActionRequest request)
    {
        if (SecurityActionBackends.KnownActions.TryGetValue(request.Name, out var required) &&
            !request.Parameters.Any(p => p.Key.Equals(required, StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException($"The action {request.Name} needs the parameter {required}, e.g. -Parameter @{{ {required} = '...' }}.");
        foreach (var ip in request.Parameters.Where(p => p.Key.Equals("IP", StringComparison.OrdinalIgnoreCase)))
            if (!IPAddress.TryParse(ip.Value ?? "", out _))
                throw new ArgumentException($"'{ip.Value}' is not an IP address.");
    }

    protected override void ProcessRecord()
    {
        object target = ParameterSetName == BlockIpSet ? (object)IpAddress : Name;
        SecurityActionRequest request;
        try { request = BuildRequest(target); }
        catch (ArgumentException ex) { WriteErrorFor(ex, target); return; }

        var description = $"{request.Name} {string.Join(", ", request.Parameters.Select(p => p.Key + "=" + p.Value))}";
        if (!ShouldProcess(description, $"Start the security action through {Provider}")) return;

        var connection = GraphConnection;
        var backend = SecurityActionBackends.For(connection, Provider);
        SecurityAction action;
        try { action = Run(token => backend.InvokeAsync(request, token)); }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) { WriteErrorFor(ex, target, connection); return; }

        action.ConnectionName = connection.Name;
        // Written before any wait: the action runs on the service now, so its id must not be lost
        // if waiting fails or is stopped. With -Wait the same object is kept up to date.
        WriteObject(action);
        if (Wait)
        {
            WriteVerbose($"Security action {action.Id} ({description}) started; waiting up to {TimeoutSeconds} s for it to end.");
            try { WaitFor(backend, action); }
            catch (PipelineStoppedException) { throw; }
            catch (Exception ex)
            {
                var record = CreateErrorRecord(ex, action, connection);
                record.ErrorDetails = new ErrorDetails($"The security action {action.Id} ({description}) was started, but waiting for it stopped while it was {action.Status}: {record.ErrorDetails.Message}")
                {
                    RecommendedAction = $"It may still run: check it with Get-GsSecurityAction -Id {action.Id} (or cancel it with Stop-GsSecurityAction -Id {action.Id}).",
                };
                WriteError(record);
                return;
            }
        }
        if (action.Status == OperationStatus.Failed)
            WriteError(SecurityActionFailed(action));
        else if (Wait && !action.IsFinished)
            WriteError(ErrorRecords.Create(new TimeoutException($"The security action {action.Id} was still {action.Status} after {TimeoutSeconds} s."),
                ErrorIds.SecurityActionTimeout, ErrorCategory.OperationTimeout, action,
                $"The security action {action.Id} ({description}) was still {action.Status} after {TimeoutSeconds} s.",
                $"Check it later with Get-GsSecurityAction -Id {action.Id}, or cancel it with Stop-GsSecurityAction -Id {action.Id}."));
    }

    /// <summary>Reads the action's status every -PollInterval seconds until it ends or -TimeoutSeconds pass, updating <paramref name="action"/>.</summary>
    private void WaitFor(ISecurityActionBackend backend, SecurityAction action)
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
        var reason = action.ErrorInfo == null ? "no reason given" : action.ErrorInfo.ToString();
        var message = $"The security action {action.Id} ({action.Name} {action.Target}) failed: {reason}";
        return ErrorRecords.Create(new InvalidOperationException(message), ErrorIds.SecurityActionFailed, ErrorCategory.InvalidResult, action, message,
            "Get-GsSecurityAction shows the action; the provider's reason says whether sending it again can help.");
    }
}

/// <summary>Completes -Name with the known action names.</summary>
public sealed class SecurityActionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        SecurityActionBackends.KnownActions
            .Where(a => a.Key.StartsWith(CompletionWords.Unquoted(wordToComplete), StringComparison.OrdinalIgnoreCase))
            .Select(a => new CompletionResult(a.Key, a.Key, CompletionResultType.ParameterValue, $"{a.Key} (parameter {a.Value})"));
}
