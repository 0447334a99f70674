using System.Collections.Concurrent;
using GraphSecurity.ProviderKit.Models;
using Microsoft.Extensions.Logging;

namespace GraphSecurity.ProviderKit.Actions;

/// <summary>
/// Keeps the security actions of every tenant and moves each through its lifecycle: notStarted, after
/// <see cref="GsProviderOptions.ActionStartDelay"/> running, after <see cref="GsProviderOptions.ActionRunDuration"/>
/// the definition's effect runs and the action is completed (or failed with the error it threw). Cancelling stops a
/// pending or running action before its effect; a finished one cannot be cancelled.
/// </summary>
public sealed class SecurityActionEngine : IDisposable
{
    private readonly GsProviderOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Tenant, string Id), ProviderSecurityAction> _actions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();

    public SecurityActionEngine(GsProviderOptions options, TimeProvider clock, ILogger<SecurityActionEngine> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _clock = clock ?? TimeProvider.System;
        _logger = logger;
    }

    /// <summary>Records a new action (notStarted) and schedules its run.</summary>
    public ProviderSecurityAction Start(string tenantId, string appId, SecurityActionRequest request, ProviderActionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(definition);
        var now = _clock.GetUtcNow();
        var action = new ProviderSecurityAction
        {
            Id = Guid.NewGuid().ToString(),
            Name = definition.Name,
            ActionReason = request.ActionReason,
            Parameters = request.Parameters,
            ClientContext = request.ClientContext,
            CreatedDateTime = now,
            LastActionDateTime = now,
            AzureTenantId = tenantId,
            AppId = appId,
            Status = ActionStatus.NotStarted,
            States = new[] { new ActionState(appId, ActionStatus.NotStarted, now) },
            VendorInformation = new VendorInformation { Vendor = _options.Vendor, Provider = _options.Provider, ProviderVersion = _options.ProviderVersion },
        };
        _actions[(tenantId, action.Id)] = action;
        if (!_options.Deviations.ActionsNeverStart)
            _ = Task.Run(() => RunAsync(tenantId, action.Id, definition));
        return action;
    }

    public ProviderSecurityAction Get(string tenantId, string id) => _actions.TryGetValue((tenantId, id), out var action) ? action : null;

    /// <summary>The tenant's actions, newest first.</summary>
    public IReadOnlyList<ProviderSecurityAction> List(string tenantId) => _actions
        .Where(p => p.Key.Tenant == tenantId).Select(p => p.Value)
        .OrderByDescending(a => a.CreatedDateTime).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();

    /// <summary>Cancels: the action is now failed with errorInfo code <c>cancelled</c>. 404 unknown, 409 finished.</summary>
    public ProviderSecurityAction Cancel(string tenantId, string id)
    {
        lock (_gate)
        {
            var action = Get(tenantId, id) ?? throw ProviderException.NotFound($"No security action with id '{id}'.");
            if (ActionStatus.IsFinished(action.Status))
            {
                if (_options.Deviations.CancelFinishedActions) return action;
                throw ProviderException.Conflict($"The security action '{id}' is already {action.Status} and cannot be cancelled.");
            }
            var cancelled = action.MoveTo(ActionStatus.Failed, _clock.GetUtcNow(), new ActionError("cancelled", "The action was cancelled."));
            _actions[(tenantId, id)] = cancelled;
            return cancelled;
        }
    }

    private async Task RunAsync(string tenantId, string id, ProviderActionDefinition definition)
    {
        try
        {
            await Task.Delay(_options.ActionStartDelay, _clock, _stopping.Token).ConfigureAwait(false);
            if (Move(tenantId, id, ActionStatus.NotStarted, ActionStatus.Running, null) == null) return;
            await Task.Delay(_options.ActionRunDuration, _clock, _stopping.Token).ConfigureAwait(false);
            var running = Get(tenantId, id);
            if (running?.Status != ActionStatus.Running) return;
            ActionError error = null;
            try
            {
                await definition.Execute(tenantId, running, _stopping.Token).ConfigureAwait(false);
            }
            catch (ActionFailedException e)
            {
                error = new ActionError(e.Code, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger?.LogError(e, "Security action {ActionId} ({ActionName}) failed.", id, definition.Name);
                error = new ActionError("internalError", "The provider failed to run the action.");
            }
            Move(tenantId, id, ActionStatus.Running, error == null ? ActionStatus.Completed : ActionStatus.Failed, error);
        }
        catch (OperationCanceledException)
        {
            // The host is stopping; the action keeps the state it reached.
        }
    }

    /// <summary>Moves an action from one state to the next unless something (a cancel) moved it first.</summary>
    private ProviderSecurityAction Move(string tenantId, string id, string from, string to, ActionError error)
    {
        lock (_gate)
        {
            var action = Get(tenantId, id);
            if (action == null || action.Status != from) return null;
            var moved = action.MoveTo(to, _clock.GetUtcNow(), error);
            _actions[(tenantId, id)] = moved;
            return moved;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
