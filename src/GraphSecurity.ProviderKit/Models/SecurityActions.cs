namespace GraphSecurity.ProviderKit.Models;

/// <summary>The lifecycle states of a security action (the schema's <c>operationStatus</c>, camelCase on the wire).</summary>
public static class ActionStatus
{
    public const string NotStarted = "notStarted";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static bool IsFinished(string status) => status == Completed || status == Failed;
}

/// <summary>One name/value pair of an action's <c>parameters</c>.</summary>
public sealed record ActionParameter(string Name, string Value);

/// <summary>A validated <c>POST securityActions</c> body.</summary>
public sealed record SecurityActionRequest
{
    /// <summary>The action name in the spelling the data source declared.</summary>
    public string Name { get; init; }
    public string ActionReason { get; init; }
    public IReadOnlyList<ActionParameter> Parameters { get; init; } = Array.Empty<ActionParameter>();
    public VendorInformation VendorInformation { get; init; }
    public string ClientContext { get; init; }

    /// <summary>The value of a parameter (name matched ignoring case), or null.</summary>
    public string Parameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;
}

/// <summary>The <c>resultInfo</c> of a failed action.</summary>
public sealed record ActionError(string Code, string Message);

/// <summary>One entry of an action's <c>states</c> history.</summary>
public sealed record ActionState(string AppId, string Status, DateTimeOffset UpdatedDateTime);

/// <summary>A security action as the provider reports it.</summary>
public sealed record ProviderSecurityAction
{
    public string Id { get; init; }
    public string Name { get; init; }
    public string ActionReason { get; init; }
    public IReadOnlyList<ActionParameter> Parameters { get; init; } = Array.Empty<ActionParameter>();
    public string Status { get; init; } = ActionStatus.NotStarted;
    public DateTimeOffset CreatedDateTime { get; init; }
    public DateTimeOffset LastActionDateTime { get; init; }
    public DateTimeOffset? CompletedDateTime { get; init; }
    public string AzureTenantId { get; init; }
    public string AppId { get; init; }
    public string ClientContext { get; init; }
    public ActionError ErrorInfo { get; init; }
    public IReadOnlyList<ActionState> States { get; init; } = Array.Empty<ActionState>();
    public VendorInformation VendorInformation { get; init; }

    /// <summary>The parameter value for <paramref name="name"/> (ignoring case), or null.</summary>
    public string Parameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>This action moved to <paramref name="status"/> at <paramref name="at"/>, with its history entry.</summary>
    public ProviderSecurityAction MoveTo(string status, DateTimeOffset at, ActionError error = null) => this with
    {
        Status = status,
        LastActionDateTime = at,
        CompletedDateTime = ActionStatus.IsFinished(status) ? at : null,
        ErrorInfo = error,
        States = States.Append(new ActionState(AppId, status, at)).ToList(),
    };
}
