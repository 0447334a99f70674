using System;
using System.Linq;

namespace GraphSecurity;

/// <summary>operationStatus; the service spells the members in PascalCase, as here.</summary>
public enum OperationStatus { NotStarted, Running, Completed, Failed, UnknownFutureValue }

/// <summary>A security action (beta microsoft.graph.securityAction), e.g. BlockIp.</summary>
public class SecurityAction : IConnectionBound
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public OperationStatus Status { get; set; }
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

    /// <summary>The target in one word, e.g. the IP address of BlockIp: the first parameter's value.</summary>
    public string? Target => Parameters.FirstOrDefault()?.Value;

    /// <summary>The vendor's provider, e.g. "Windows Defender ATP".</summary>
    public string? Provider => VendorInformation?.Provider;

    public bool IsFinished => Status == OperationStatus.Completed || Status == OperationStatus.Failed;

    /// <summary>
    /// Takes the state of a newer read of the same action, so an object already written to the
    /// pipeline (Invoke-GsSecurityAction -Wait writes it before waiting) ends up with the last status.
    /// </summary>
    public void UpdateFrom(SecurityAction latest)
    {
        if (latest == null || latest.Id != Id) return;
        Status = latest.Status;
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
