using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Engine.SecurityActions;

/// <summary>
/// Device actions through Defender for Endpoint machine actions. Before starting one it looks for an
/// action of the same type still open on the device and returns that one instead (a second isolate
/// while one is pending misbehaves on the service: successor-apis.md §8.6).
/// </summary>
public sealed class MachineActionBackend : ISecurityActionBackend
{
    private readonly DefenderMachineActions _machines;

    public MachineActionBackend(GraphConnection connection) => _machines = new DefenderMachineActions(connection);

    public string DisplayName => ResponseActionCatalog.DisplayName(SecurityActionApi.DefenderMachineActions);

    public async Task<SecurityAction> InvokeAsync(SecurityActionRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action ?? throw new ArgumentException("A machine action needs a response action.");
        var target = request.Target ?? throw new ArgumentException($"{action.Name} needs a device.");
        var machineId = DefenderMachineActions.IsMachineId(target.Value)
            ? target.Value
            : (await _machines.FindMachineAsync(target.Value, cancellationToken).ConfigureAwait(false)).Id;
        var open = await _machines.FindOpenAsync(machineId, action.MachineActionType, cancellationToken).ConfigureAwait(false);
        if (open != null) return Opened(open, target, existing: true);
        try
        {
            var started = await _machines.StartAsync(machineId, action, Body(request, action, target), cancellationToken).ConfigureAwait(false);
            return Opened(started, target, existing: false);
        }
        catch (Exception ex) when (DefenderMachineActions.IsAlreadyInProgress(ex))
        {
            // Someone else started the same action between the check and the call: that one is the answer.
            var raced = await _machines.FindOpenAsync(machineId, action.MachineActionType, cancellationToken).ConfigureAwait(false);
            if (raced == null) throw;
            return Opened(raced, target, existing: true);
        }
    }

    public Task<SecurityAction> GetAsync(string id, CancellationToken cancellationToken) => _machines.GetAsync(id, cancellationToken);

    public Task CancelAsync(string id, string? comment, CancellationToken cancellationToken) =>
        _machines.CancelAsync(id, comment ?? "Cancelled with Stop-GsSecurityAction.", cancellationToken);

    private static SecurityAction Opened(SecurityAction action, ResponseTarget target, bool existing)
    {
        action.AlertId = target.AlertId;
        action.AlreadyOpen = existing;
        return action;
    }

    /// <summary>The verb's body, PascalCase as Defender's examples spell it (§2.1).</summary>
    private static Dictionary<string, object> Body(SecurityActionRequest request, ResponseAction action, ResponseTarget target)
    {
        var body = new Dictionary<string, object> { ["Comment"] = request.Reason ?? "" };
        switch (action.Call)
        {
            case "isolate": body["IsolationType"] = request.IsolationType; break;
            case "runAntiVirusScan": body["ScanType"] = request.ScanType; break;
            case "StopAndQuarantineFile":
                body["Sha1"] = request.Sha1 ?? target.FileSha1 ?? throw new ArgumentException("StopAndQuarantineFile needs the file's SHA-1: give -Sha1, or pipe an alert with file evidence on the device.");
                break;
        }
        return body;
    }
}

/// <summary>Block actions as Defender for Endpoint indicators: done when the indicator is stored; undone by deleting it.</summary>
public sealed class IndicatorBlockBackend : ISecurityActionBackend
{
    private readonly IndicatorBlocks _blocks;

    public IndicatorBlockBackend(GraphConnection connection) => _blocks = new IndicatorBlocks(connection);

    public string DisplayName => ResponseActionCatalog.DisplayName(SecurityActionApi.DefenderIndicators);

    public async Task<SecurityAction> InvokeAsync(SecurityActionRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action ?? throw new ArgumentException("A block needs a response action.");
        var target = request.Target ?? throw new ArgumentException($"{action.Name} needs a value to block.");
        var type = IndicatorBlocks.IndicatorType(action.Target, target.Value, out var reason) ?? throw new ArgumentException(reason);
        var result = await _blocks.BlockAsync(action, target.Value, type, request.Reason ?? "", request.Expires, request.DeviceGroups, cancellationToken).ConfigureAwait(false);
        result.AlertId = target.AlertId;
        return result;
    }

    public Task<SecurityAction> GetAsync(string id, CancellationToken cancellationToken) =>
        throw SecurityActionBackends.NotSupported(SecurityActionApi.DefenderIndicators, "wait for (Get-GsTiIndicator shows the indicator)");

    public Task CancelAsync(string id, string? comment, CancellationToken cancellationToken) =>
        throw SecurityActionBackends.NotSupported(SecurityActionApi.DefenderIndicators, "cancel (Undo-GsSecurityAction removes the indicator)");

    /// <summary>Deletes the block's indicator; false when it was already gone.</summary>
    public Task<bool> RemoveAsync(string indicatorId, CancellationToken cancellationToken) => _blocks.RemoveAsync(indicatorId, cancellationToken);
}

/// <summary>
/// Identity actions through Graph's identityAccounts invokeAction: the action goes to each of the
/// user's accounts whose identity provider takes it (disable a hybrid user in Entra ID and in Active
/// Directory), or only to <see cref="SecurityActionRequest.IdentityProvider"/>'s.
/// </summary>
public sealed class IdentityActionBackend : ISecurityActionBackend
{
    private readonly IdentityAccountActions _identities;
    private readonly GraphConnection _connection;

    public IdentityActionBackend(GraphConnection connection)
    {
        _connection = connection;
        _identities = new IdentityAccountActions(connection);
    }

    public string DisplayName => ResponseActionCatalog.DisplayName(SecurityActionApi.GraphIdentityAccounts);

    public async Task<SecurityAction> InvokeAsync(SecurityActionRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action ?? throw new ArgumentException("An identity action needs a response action.");
        var target = request.Target ?? throw new ArgumentException($"{action.Name} needs a user.");
        var identity = await _identities.FindAsync(target.Value, cancellationToken).ConfigureAwait(false);
        var accounts = identity.Accounts
            .Where(a => request.IdentityProvider == null || string.Equals(a.IdentityProvider, request.IdentityProvider, StringComparison.OrdinalIgnoreCase))
            .Where(a => a.Actions.Contains(action.Call, StringComparer.OrdinalIgnoreCase)).ToList();
        if (accounts.Count == 0)
            throw new ArgumentException($"{action.Name} ({action.Call}) is not available for {identity}: its accounts ({string.Join(", ", identity.Accounts.Select(a => a.IdentityProvider))}) " +
                                        $"take {string.Join(", ", identity.Accounts.SelectMany(a => a.Actions).Distinct())}" + (request.IdentityProvider != null ? $" (only {request.IdentityProvider} was asked for)." : "."));
        var requested = DateTimeOffset.UtcNow;
        var correlations = new List<string>();
        foreach (var account in accounts)
            correlations.Add(await _identities.InvokeAsync(identity, account, action.Call, cancellationToken).ConfigureAwait(false) ?? "");
        var caller = (await _connection.CallerNamesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        return new SecurityAction
        {
            Id = correlations.FirstOrDefault(c => c.Length > 0),
            Name = action.Name,
            Api = SecurityActionApi.GraphIdentityAccounts,
            Status = OperationStatus.Completed,
            ApiStatus = "Completed (" + string.Join(", ", accounts.Select(a => a.IdentityProvider)) + ")",
            TargetType = nameof(ResponseTargetKind.User),
            TargetId = identity.Id,
            Target = identity.UserPrincipalName ?? target.Value,
            Requestor = caller,
            Comment = request.Reason,
            AlertId = target.AlertId,
            CreatedDateTime = requested,
            CompletedDateTime = DateTimeOffset.UtcNow,
        };
    }

    public Task<SecurityAction> GetAsync(string id, CancellationToken cancellationToken) =>
        throw SecurityActionBackends.NotSupported(SecurityActionApi.GraphIdentityAccounts, "wait for");

    public Task CancelAsync(string id, string? comment, CancellationToken cancellationToken) =>
        throw SecurityActionBackends.NotSupported(SecurityActionApi.GraphIdentityAccounts, "cancel (Undo-GsSecurityAction reverses what can be reversed)");
}
