using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.SecurityActions;

/// <summary>What Invoke-GsSecurityAction asks for, independent of the API that carries it out.</summary>
public sealed class SecurityActionRequest
{
    public string Name { get; set; } = "";
    /// <summary>Parameter name → value, in the order given.</summary>
    public IList<KeyValuePair<string, string>> Parameters { get; set; } = new List<KeyValuePair<string, string>>();
    public string? Reason { get; set; }
    public string? ClientContext { get; set; }
    public string Provider { get; set; } = SecurityActionBackends.DefaultProvider;
    public string Vendor { get; set; } = "Microsoft";

    /// <summary>The response action (null for a beta securityAction by name) and what it is taken on.</summary>
    public ResponseAction? Action { get; set; }
    public ResponseTarget? Target { get; set; }
    /// <summary>IsolateDevice: Full, Selective or UnManagedDevice.</summary>
    public string IsolationType { get; set; } = "Full";
    /// <summary>RunAntivirusScan: Quick or Full.</summary>
    public string ScanType { get; set; } = "Quick";
    /// <summary>StopAndQuarantineFile: the file's SHA-1 (else the target's).</summary>
    public string? Sha1 { get; set; }
    /// <summary>Block actions: when the indicator expires.</summary>
    public DateTimeOffset Expires { get; set; } = DateTimeOffset.UtcNow.AddDays(7);
    /// <summary>Block actions: the device groups the indicator applies to (all when empty).</summary>
    public IReadOnlyList<string>? DeviceGroups { get; set; }
    /// <summary>Identity actions: only the account in this identity provider (entraID, activeDirectory, okta); every account that takes the action when null.</summary>
    public string? IdentityProvider { get; set; }
}

/// <summary>
/// Where security actions are carried out: Defender for Endpoint machine actions and indicators, Graph
/// identity accounts, and Graph's beta securityActions. Each implements the same operations, so the
/// cmdlets keep their parameters whichever API an action goes to.
/// </summary>
public interface ISecurityActionBackend
{
    /// <summary>A name for messages, e.g. "Microsoft Graph securityActions (beta)".</summary>
    string DisplayName { get; }
    Task<SecurityAction> InvokeAsync(SecurityActionRequest request, CancellationToken cancellationToken);
    Task<SecurityAction> GetAsync(string id, CancellationToken cancellationToken);
    Task CancelAsync(string id, string? comment, CancellationToken cancellationToken);
}

public static class SecurityActionBackends
{
    public const string DefaultProvider = "Windows Defender ATP";

    /// <summary>The backend of an API.</summary>
    public static ISecurityActionBackend For(GraphConnection connection, SecurityActionApi api)
    {
        switch (api)
        {
            case SecurityActionApi.DefenderMachineActions: return new MachineActionBackend(connection);
            case SecurityActionApi.DefenderIndicators: return new IndicatorBlockBackend(connection);
            case SecurityActionApi.GraphIdentityAccounts: return new IdentityActionBackend(connection);
            default: return new GraphSecurityActionService(connection.ClientFor(SecurityApi.Graph));
        }
    }

    /// <summary>The error of an operation an API does not have (e.g. cancelling an identity action, which is done at once).</summary>
    internal static NotSupportedException NotSupported(SecurityActionApi api, string operation) =>
        new NotSupportedException($"{ResponseActionCatalog.DisplayName(api)} carries actions out at once: there is nothing to {operation}.");
}

/// <summary>beta /security/securityActions.</summary>
public sealed class GraphSecurityActionService : EntityService<SecurityAction>, ISecurityActionBackend
{
    public const string CollectionPath = "security/securityActions";

    public GraphSecurityActionService(ApiClient graph) : base(graph, "beta", CollectionPath) { }

    public string DisplayName => ResponseActionCatalog.DisplayName(SecurityActionApi.GraphSecurityActions);

    public async Task<SecurityAction> InvokeAsync(SecurityActionRequest request, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = request.Name,
            ["parameters"] = request.Parameters.Select(p => new Dictionary<string, object?> { ["name"] = p.Key, ["value"] = p.Value }).ToList(),
            ["vendorInformation"] = new Dictionary<string, object?> { ["provider"] = request.Provider, ["vendor"] = request.Vendor },
        };
        if (request.Reason != null) body["actionReason"] = request.Reason;
        if (request.ClientContext != null) body["clientContext"] = request.ClientContext;
        return Common(await Graph.SendForItemAsync<SecurityAction>(HttpMethod.Post, Graph.Url(Version, Path), body, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>POST …/cancelSecurityAction; the service answers 200 with no body.</summary>
    public Task CancelAsync(string id, CancellationToken cancellationToken) =>
        Graph.SendAsync<object>(HttpMethod.Post, ItemUrl(id, "/cancelSecurityAction"), null, cancellationToken);

    async Task<SecurityAction> ISecurityActionBackend.GetAsync(string id, CancellationToken cancellationToken) =>
        Common(await GetAsync(id, cancellationToken).ConfigureAwait(false));

    /// <summary>The common fields of every backend's actions, from the securityAction's own.</summary>
    public static SecurityAction Common(SecurityAction action)
    {
        action.ApiStatus = action.Status.ToString();
        action.Comment = action.ActionReason;
        action.Requestor = action.User ?? action.AppId;
        action.TargetType = action.Name == "BlockIp" ? nameof(ResponseTargetKind.IpAddress) : null;
        if (action.Status == OperationStatus.Failed) action.FailureReason = action.ErrorInfo?.ToString();
        return action;
    }
    Task ISecurityActionBackend.CancelAsync(string id, string? comment, CancellationToken cancellationToken) => CancelAsync(id, cancellationToken);
}
