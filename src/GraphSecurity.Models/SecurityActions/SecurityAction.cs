using System;
using System.Linq;

namespace GraphSecurity;

/// <summary>
/// operationStatus; the service spells the members in PascalCase, as here. It is also the status
/// common to every API a response action runs on: Defender's Pending is NotStarted, InProgress is
/// Running, Succeeded is Completed, Failed and TimeOut are Failed, Cancelled is Cancelled (the API's
/// own value stays in <see cref="SecurityAction.ApiStatus"/>).
/// </summary>
public enum OperationStatus { NotStarted, Running, Completed, Failed, UnknownFutureValue, Cancelled }

/// <summary>The API that carries a response action out.</summary>
public enum SecurityActionApi
{
    /// <summary>Defender for Endpoint machine actions (isolate, restrict, scan, collect, quarantine, live response).</summary>
    DefenderMachineActions,
    /// <summary>Defender for Endpoint indicators with action Block (BlockIp, BlockDomain, BlockUrl, BlockFile).</summary>
    DefenderIndicators,
    /// <summary>Microsoft Graph identity accounts' invokeAction (disable, enable, revoke sessions…).</summary>
    GraphIdentityAccounts,
    /// <summary>Microsoft Graph beta securityActions: the partnering document's API, never in production.</summary>
    GraphSecurityActions,
}

/// <summary>
/// A response action and what became of it, whichever API carried it out: a Defender machine action,
/// a block indicator, an identity action or a beta Graph securityAction. One object per action and
/// target, so a list of them (Export-Csv) is the audit trail: who asked for what, on which target,
/// through which API, and when it was requested and completed.
/// </summary>
public class SecurityAction : IConnectionBound
{
    /// <summary>The API's id of the action (machine action id, indicator id, identity correlation id, securityAction id).</summary>
    public string? Id { get; set; }
    /// <summary>The action's name as Invoke-GsSecurityAction knows it, e.g. IsolateDevice, BlockIp, DisableUser.</summary>
    public string? Name { get; set; }
    public OperationStatus Status { get; set; }
    /// <summary>The status in the API's own words, e.g. Defender's Pending, InProgress, Succeeded, TimeOut.</summary>
    public string? ApiStatus { get; set; }
    public SecurityActionApi Api { get; set; } = SecurityActionApi.GraphSecurityActions;
    /// <summary>What kind of thing the action was taken on: Device, IpAddress, Domain, Url, File or User.</summary>
    public string? TargetType { get; set; }
    /// <summary>The API's id of the target: the device id, the identity account id, the indicator's value.</summary>
    public string? TargetId { get; set; }
    /// <summary>Who asked: the signed-in user or the app, as the API recorded it.</summary>
    public string? Requestor { get; set; }
    /// <summary>The comment kept with the action (Defender's requestorComment, the indicator's description).</summary>
    public string? Comment { get; set; }
    /// <summary>The alert whose evidence named the target, when the action came from an alert.</summary>
    public string? AlertId { get; set; }
    /// <summary>Why the action failed, in the API's words, when it did.</summary>
    public string? FailureReason { get; set; }
    /// <summary>True when Invoke-GsSecurityAction found the same action already open on the device and returned it instead of starting a second.</summary>
    public bool AlreadyOpen { get; set; }
    /// <summary>When a block indicator expires (the service then deletes it).</summary>
    public DateTimeOffset? ExpirationDateTime { get; set; }
    public ValueList<SecurityActionParameter> Parameters { get; set; } = ValueList<SecurityActionParameter>.Empty;
    public string? ActionReason { get; set; }
    public string? ClientContext { get; set; }
    public SecurityActionError? ErrorInfo { get; set; }
    public ValueList<SecurityActionState> States { get; set; } = ValueList<SecurityActionState>.Empty;
    public SecurityVendorInformation? VendorInformation { get; set; }
    public string? AppId { get; set; }
    public string? AzureTenantId { get; set; }
    public string? User { get; set; }
    public DateTimeOffset? CreatedDateTime { get; set; }
    public DateTimeOffset? LastActionDateTime { get; set; }
    public DateTimeOffset? CompletedDateTime { get; set; }
    public string? ConnectionName { get; set; }

    private string? _target;

    /// <summary>The target in one word: the device name, the address or hash, the user; for a beta securityAction its first parameter's value.</summary>
    public string? Target { get => _target ?? Parameters.FirstOrDefault()?.Value; set => _target = value; }

    /// <summary>When the action was asked for (the same as <see cref="CreatedDateTime"/>).</summary>
    public DateTimeOffset? RequestedDateTime => CreatedDateTime;

    /// <summary>The vendor's provider, e.g. "Windows Defender ATP".</summary>
    public string? Provider => VendorInformation?.Provider;

    public bool IsFinished => Status == OperationStatus.Completed || Status == OperationStatus.Failed || Status == OperationStatus.Cancelled;

    /// <summary>
    /// Takes the state of a newer read of the same action, so an object already written to the
    /// pipeline (Invoke-GsSecurityAction -Wait writes it before waiting) ends up with the last status.
    /// </summary>
    public void UpdateFrom(SecurityAction latest)
    {
        if (latest == null || latest.Id != Id) return;
        Status = latest.Status;
        ApiStatus = latest.ApiStatus;
        FailureReason = latest.FailureReason;
        ErrorInfo = latest.ErrorInfo;
        States = latest.States;
        LastActionDateTime = latest.LastActionDateTime;
        CompletedDateTime = latest.CompletedDateTime;
    }

    public override string? ToString() => Id;
}

/// <summary>One parameter of a security action (keyValuePair).</summary>
public class SecurityActionParameter
{
    public string? Name { get; set; }
    public string? Value { get; set; }
    public override string ToString() => $"{Name}={Value}";
}

/// <summary>A status the action reached, when, and for whom (securityActionState).</summary>
public class SecurityActionState
{
    public string? AppId { get; set; }
    public OperationStatus Status { get; set; }
    public DateTimeOffset? UpdatedDateTime { get; set; }
    public string? User { get; set; }
    public override string ToString() => $"{Status} {UpdatedDateTime:u}";
}

/// <summary>Why an action failed (resultInfo).</summary>
public class SecurityActionError
{
    public int Code { get; set; }
    public string? Message { get; set; }
    public int Subcode { get; set; }
    public override string ToString() => $"{Code}: {Message}";
}
