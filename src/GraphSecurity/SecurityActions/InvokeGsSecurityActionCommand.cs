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
/// <para type="synopsis">Takes a response action — contain a device, block an address, domain, URL or file, contain a user — through the API that carries it today, and optionally waits until it has ended.</para>
/// </summary>
/// <remarks>
/// Device actions (IsolateDevice, RestrictCodeExecution, RunAntivirusScan, CollectInvestigationPackage,
/// StopAndQuarantineFile, OffboardDevice and their releases) are Defender for Endpoint machine actions;
/// BlockIp, BlockDomain, BlockUrl and BlockFile are Defender indicators with action Block; DisableUser,
/// EnableUser, RevokeSessions, RequireSignInAgain, ForcePasswordReset and MarkUserCompromised are Graph
/// identity account actions. Graph's beta securityActions are used only with -Api GraphSecurityActions.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "GsSecurityAction", DefaultParameterSetName = BlockIpSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[GraphPermission("Defender for Endpoint machine actions and indicators, identityAccounts, securityActions (beta)", "Machine.Isolate", "Machine.RestrictExecution", "Machine.Scan",
    "Machine.CollectForensics", "Machine.StopAndQuarantine", "Machine.Offboard", "Ti.ReadWrite.All", "SecurityIdentitiesActions.ReadWrite.All", "SecurityActions.ReadWrite.All")]
[OutputType(typeof(SecurityAction))]
public sealed class InvokeGsSecurityActionCommand : GsActionWaitingCmdlet
{
    private const string BlockIpSet = "BlockIp";
    private const string NamedSet = "Named";

    /// <summary>The action's name, e.g. IsolateDevice, BlockIp, DisableUser (tab completion lists them all).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NamedSet)]
    [Alias("Action")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SecurityActionNameCompleter))]
    [ValidateText(SingleLine = true)]
    public string Name { get; set; }

    /// <summary>What to act on: an alert (Get-GsAlert), a piece of its evidence, or a device name, address, hash or UPN.</summary>
    [Parameter(ParameterSetName = NamedSet, ValueFromPipeline = true)]
    public PSObject InputObject { get; set; }

    /// <summary>Device actions: the device's name (computerDnsName or host name) or Defender id.</summary>
    [Parameter(ParameterSetName = NamedSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Device { get; set; }

    /// <summary>Identity actions: the user's UPN or Entra object id.</summary>
    [Parameter(ParameterSetName = NamedSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] User { get; set; }

    /// <summary>Block actions: the domain, URL or file hash (BlockIp also takes -IpAddress).</summary>
    [Parameter(ParameterSetName = NamedSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Indicator { get; set; }

    /// <summary>A beta securityAction's parameters as name = value pairs, e.g. @{ IP = '203.0.113.7' }.</summary>
    [Parameter(ParameterSetName = NamedSet)]
    public Hashtable Parameter { get; set; }

    /// <summary>BlockIp's address: -IpAddress 203.0.113.7 is -Name BlockIp -Indicator 203.0.113.7.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = BlockIpSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IP")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string IpAddress { get; set; }

    /// <summary>Why the action is taken, kept with it (Defender requires one; the default names the alert it came from).</summary>
    [Parameter]
    [Alias("Reason")]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Comment { get; set; }

    /// <summary>The API to use instead of the action's own; GraphSecurityActions sends a beta securityAction (the partnering document's API, never in production).</summary>
    [Parameter]
    public SecurityActionApi Api { get; set; }

    /// <summary>IsolateDevice: Full (default), Selective (Outlook, Teams and Skype keep working) or UnManagedDevice.</summary>
    [Parameter(ParameterSetName = NamedSet)]
    [ValidateSet("Full", "Selective", "UnManagedDevice", IgnoreCase = true)]
    public string IsolationType { get; set; } = "Full";

    /// <summary>RunAntivirusScan: Quick (default) or Full.</summary>
    [Parameter(ParameterSetName = NamedSet)]
    [ValidateSet("Quick", "Full", IgnoreCase = true)]
    public string ScanType { get; set; } = "Quick";

    /// <summary>StopAndQuarantineFile: the file's SHA-1 (else that of the piped alert's file evidence).</summary>
    [Parameter(ParameterSetName = NamedSet)]
    [ValidatePattern("^[0-9a-fA-F]{40}$")]
    public string Sha1 { get; set; }

    /// <summary>Block actions: how long the block indicator lasts (default 7 days); Defender deletes it then.</summary>
    [Parameter]
    [ValidateDuration(60, 3650 * 86400)]
    public TimeSpan ValidFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Block actions: the Defender device groups the block applies to (every device when not given).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] DeviceGroup { get; set; }

    /// <summary>Identity actions: only the user's account in this identity provider (default: every account that takes the action).</summary>
    [Parameter(ParameterSetName = NamedSet)]
    [ValidateSet("entraID", "activeDirectory", "okta", IgnoreCase = true)]
    public string IdentityProvider { get; set; }

    /// <summary>A beta securityAction's clientContext (at most 256 characters).</summary>
    [Parameter]
    [ValidateLength(1, 256)]
    [ValidateText(SingleLine = true)]
    public string ClientContext { get; set; }

    /// <summary>A beta securityAction's provider.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Provider { get; set; } = SecurityActionBackends.DefaultProvider;

    /// <summary>A beta securityAction's vendor.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Vendor { get; set; } = "Microsoft";

    /// <summary>Wait until the action has ended (Defender machine actions and beta securityActions; the others end at once), showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    private bool _warnedBeta;

    protected override void ProcessRecord()
    {
        var name = ParameterSetName == BlockIpSet ? "BlockIp" : Name;
        var action = ResponseActionCatalog.Find(name);
        var apiGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Api));
        if (apiGiven && Api == SecurityActionApi.GraphSecurityActions)
        {
            InvokeBeta();
            return;
        }
        if (action == null)
        {
            WriteErrorFor(new ArgumentException($"'{name}' is not a response action. Known: {string.Join(", ", ResponseActionCatalog.All.Select(a => a.Name))} " +
                                                "(a beta securityAction by any name needs -Api GraphSecurityActions)."), name);
            return;
        }
        if (apiGiven && Api != action.Api)
        {
            WriteErrorFor(new ArgumentException($"{action.Name} goes through {ResponseActionCatalog.DisplayName(action.Api)}, not {ResponseActionCatalog.DisplayName(Api)}."), name);
            return;
        }
        foreach (var (input, targets) in Targets(action))
            foreach (var target in targets)
                Take(action, target, input);
    }

    /// <summary>What the action is taken on, per input: the parameter values, or what the piped object names.</summary>
    private IEnumerable<(object Input, IReadOnlyList<ResponseTarget> Targets)> Targets(ResponseAction action)
    {
        var given = new[] { Device, User, Indicator, IpAddress != null ? new[] { IpAddress } : null, ParameterValues() }.Where(v => v != null).SelectMany(v => v).ToList();
        if (given.Count > 0)
        {
            foreach (var value in given) yield return (value, new[] { new ResponseTarget(value, "the parameters") });
            yield break;
        }
        if (InputObject == null)
        {
            WriteErrorFor(new ArgumentException($"{action.Name} needs a target: give {ResponseTargets.ParameterFor(action.Target)}, or pipe an alert or its evidence."), action.Name);
            yield break;
        }
        var input = InputObject.BaseObject;
        IReadOnlyList<ResponseTarget> found;
        try { found = ResponseTargets.From(input, action); }
        catch (ArgumentException ex) { WriteErrorFor(ex, input); yield break; }
        yield return (input, found);
    }

    private IEnumerable<string> ParameterValues() =>
        Parameter?.Values.Cast<object>().Select(v => Convert.ToString(LanguagePrimitives.ConvertTo(v, typeof(string)))).ToList();

    private void Take(ResponseAction action, ResponseTarget target, object input)
    {
        var request = new SecurityActionRequest
        {
            Action = action, Target = target, Reason = Comment ?? DefaultComment(action, target),
            IsolationType = IsolationType, ScanType = ScanType, Sha1 = Sha1, Expires = DateTimeOffset.UtcNow + ValidFor,
            DeviceGroups = DeviceGroup, IdentityProvider = IdentityProvider,
        };
        // Bad input is refused here, before anything is sent.
        if (action.Api == SecurityActionApi.DefenderIndicators && IndicatorBlocks.IndicatorType(action.Target, target.Value, out var reason) == null)
        {
            WriteError(ErrorRecords.Argument(ErrorIds.InvalidArgument, $"{action.Name}: {reason} Nothing was sent for it.", input));
            return;
        }
        var what = $"{target.Value} ({target.Source})";
        var how = $"{action.Name} through {ResponseActionCatalog.DisplayName(action.Api)}" +
                  (action.Api == SecurityActionApi.DefenderIndicators ? $", expiring {request.Expires:u}" : "");
        if (!ShouldProcess(what, how)) return;

        var connection = GraphConnection;
        var backend = SecurityActionBackends.For(connection, action.Api);
        SecurityAction result;
        try { result = Run(token => backend.InvokeAsync(request, token)); }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) { WriteErrorFor(ex, input, connection); return; }
        result.ConnectionName = connection.Name;
        if (result.AlreadyOpen)
            WriteWarning($"{action.Name} was already {result.ApiStatus} on {result.Target} (action {result.Id}, requested {result.CreatedDateTime:u} by {result.Requestor}): returning it instead of starting a second.");
        WriteVerbose($"{action.Name} on {what}: {result.ApiStatus} (id {result.Id}).");
        Report(result, backend, $"{action.Name} {result.Target}", connection);
    }

    private string DefaultComment(ResponseAction action, ResponseTarget target) =>
        target.AlertId != null
            ? $"GraphSecurity {action.Name} for alert {target.AlertId}" + (target.AlertTitle != null ? $" ({target.AlertTitle})" : "")
            : $"GraphSecurity {action.Name} requested with Invoke-GsSecurityAction";

    /// <summary>The partnering document's API: a beta securityAction by name, with parameters.</summary>
    private void InvokeBeta()
    {
        if (!_warnedBeta)
        {
            _warnedBeta = true;
            WriteWarning("Graph securityActions are beta and never reached production; a real tenant does not carry them out. " +
                         "BlockIp and the other response actions go to Defender for Endpoint and Graph identity accounts without -Api.");
        }
        object target = ParameterSetName == BlockIpSet ? (object)IpAddress : Name;
        SecurityActionRequest request;
        try { request = BuildBetaRequest(); }
        catch (ArgumentException ex) { WriteErrorFor(ex, target); return; }

        var description = $"{request.Name} {string.Join(", ", request.Parameters.Select(p => p.Key + "=" + p.Value))}";
        if (!ShouldProcess(description, $"Start the beta securityAction through {Provider}")) return;

        var connection = GraphConnection;
        var backend = SecurityActionBackends.For(connection, SecurityActionApi.GraphSecurityActions);
        SecurityAction action;
        try { action = Run(token => backend.InvokeAsync(request, token)); }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) { WriteErrorFor(ex, target, connection); return; }
        action.ConnectionName = connection.Name;
        action.ApiStatus = action.Status.ToString();
        Report(action, backend, description, connection);
    }

    private SecurityActionRequest BuildBetaRequest()
    {
        var request = new SecurityActionRequest { Reason = Comment, ClientContext = ClientContext, Provider = Provider, Vendor = Vendor };
        if (ParameterSetName == BlockIpSet)
        {
            request.Name = "BlockIp";
            request.Parameters.Add(new KeyValuePair<string, string>("IP", IpAddress));
        }
        else
        {
            request.Name = Name.Equals("BlockIp", StringComparison.OrdinalIgnoreCase) ? "BlockIp" : Name;
            foreach (DictionaryEntry entry in Parameter ?? new Hashtable())
                request.Parameters.Add(new KeyValuePair<string, string>(Convert.ToString(entry.Key), Convert.ToString(LanguagePrimitives.ConvertTo(entry.Value, typeof(string)))));
        }
        if (request.Name == "BlockIp" && !request.Parameters.Any(p => p.Key.Equals("IP", StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException("The action BlockIp needs the parameter IP, e.g. -Parameter @{ IP = '...' }.");
        foreach (var ip in request.Parameters.Where(p => p.Key.Equals("IP", StringComparison.OrdinalIgnoreCase)))
            if (!IPAddress.TryParse(ip.Value ?? "", out _))
                throw new ArgumentException($"'{ip.Value}' is not an IP address.");
        return request;
    }

    /// <summary>Writes the action (before any wait: its id must not be lost), then with -Wait follows it to its end and reports how it ended.</summary>
    private void Report(SecurityAction action, ISecurityActionBackend backend, string description, GraphSecurity.Engine.Connections.GraphConnection connection)
    {
        // With -Wait the object already written is kept up to date.
        WriteObject(action);
        if (Wait && !action.IsFinished)
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
        if (action.ApiStatus == "TimeOut")
            WriteError(ErrorRecords.Create(new TimeoutException(action.FailureReason), ErrorIds.DeviceActionTimedOut, ErrorCategory.OperationTimeout, action,
                $"The security action {action.Id} ({description}) timed out on the device: {action.FailureReason}",
                "The device may be offline or busy: check it in Get-GsSecurityAction, then run the action again."));
        else if (action.Status == OperationStatus.Failed)
            WriteError(SecurityActionFailed(action));
        else if (Wait && !action.IsFinished)
            WriteError(ErrorRecords.Create(new TimeoutException($"The security action {action.Id} was still {action.Status} after {TimeoutSeconds} s."),
                ErrorIds.SecurityActionTimeout, ErrorCategory.OperationTimeout, action,
                $"The security action {action.Id} ({description}) was still {action.Status} after {TimeoutSeconds} s.",
                $"Check it later with Get-GsSecurityAction -Id {action.Id}, or cancel it with Stop-GsSecurityAction -Id {action.Id}."));
    }

}

/// <summary>Completes -Name with the known action names.</summary>
public sealed class SecurityActionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ResponseActionCatalog.All
            .Where(a => a.Name.StartsWith(CompletionWords.Unquoted(wordToComplete), StringComparison.OrdinalIgnoreCase))
            .Select(a => new CompletionResult(a.Name, a.Name, CompletionResultType.ParameterValue, $"{a.Name}: {a.Description} ({ResponseActionCatalog.DisplayName(a.Api)})"));
}
