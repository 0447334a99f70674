using GraphSecurity.ProviderKit.Models;
using GraphSecurity.ProviderKit.Query;

namespace GraphSecurity.ProviderKit;

/// <summary>
/// What a partner writes: its own store of alerts and actions, per customer tenant. The kit does the HTTP side,
/// authentication, consent, validation, query options, the action lifecycle and notifications.
/// A source that only enumerates its alerts gets $filter/$orderby/$top/$skip applied by the kit; one that can do
/// better implements <see cref="IQueryableProviderDataSource"/> as well.
/// </summary>
public interface IProviderDataSource
{
    /// <summary>True when the tenant consented to this provider; other tenants get 403.</summary>
    ValueTask<bool> IsTenantConsentedAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Every alert of the tenant (the kit filters, orders and pages them).</summary>
    ValueTask<IReadOnlyList<ProviderAlert>> ListAlertsAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>One alert of the tenant, or null when it has none with that id.</summary>
    ValueTask<ProviderAlert> GetAlertAsync(string tenantId, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a validated update (normally with <see cref="AlertUpdate.ApplyTo"/>) and returns the alert as it now
    /// is, or null when the tenant has no alert with that id.
    /// </summary>
    ValueTask<ProviderAlert> UpdateAlertAsync(string tenantId, string id, AlertUpdate update, CancellationToken cancellationToken);

    /// <summary>The actions this provider runs (may be empty).</summary>
    IReadOnlyList<ProviderActionDefinition> Actions { get; }
}

/// <summary>A source that runs the query options itself (e.g. in its database) instead of handing the kit every alert.</summary>
public interface IQueryableProviderDataSource : IProviderDataSource
{
    /// <summary>The page the query asks for; <see cref="AlertPage.HasMore"/> makes the kit add an @odata.nextLink.</summary>
    ValueTask<AlertPage> QueryAlertsAsync(string tenantId, ProviderQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// A supported security action: its name, the parameters it takes, a validator and what it does. The kit's engine
/// calls <see cref="Execute"/> when the action starts running; throwing <see cref="ActionFailedException"/> fails it.
/// </summary>
public sealed record ProviderActionDefinition
{
    public ProviderActionDefinition(string name, IReadOnlyList<string> parameters, Func<string, ProviderSecurityAction, CancellationToken, ValueTask> execute)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        ParameterNames = parameters ?? Array.Empty<string>();
        Execute = execute ?? throw new ArgumentNullException(nameof(execute));
    }

    public string Name { get; }

    /// <summary>The parameters the action requires (and the only ones it accepts).</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Checks one parameter's value: returns null when valid, else the reason (the 400 message names it).</summary>
    public Func<string, string, string> ValidateParameter { get; init; } = (_, _) => null;

    /// <summary>Runs the action for the tenant (first argument).</summary>
    public Func<string, ProviderSecurityAction, CancellationToken, ValueTask> Execute { get; }
}

/// <summary>Thrown by an action's <see cref="ProviderActionDefinition.Execute"/>: the action ends failed with this error.</summary>
public sealed class ActionFailedException : Exception
{
    public string Code { get; } = "actionFailed";

    public ActionFailedException() { }

    public ActionFailedException(string message) : base(message) { }

    public ActionFailedException(string message, Exception innerException) : base(message, innerException) { }

    public ActionFailedException(string code, string message) : base(message) => Code = code;
}
