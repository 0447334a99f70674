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
}

/// <summary>
/// Where security actions are carried out. Today: Microsoft Graph's beta securityActions. Successors
/// (Defender for Endpoint machine actions, indicator-based blocking) implement the same operations, so
/// the cmdlets keep their parameters when a backend is added.
/// </summary>
public interface ISecurityActionBackend
{
    /// <summary>A name for messages, e.g. "Microsoft Graph securityActions (beta)".</summary>
    string DisplayName { get; }
    Task<SecurityAction> InvokeAsync(SecurityActionRequest request, CancellationToken cancellationToken);
    Task<SecurityAction> GetAsync(string id, CancellationToken cancellationToken);
    Task CancelAsync(string id, CancellationToken cancellationToken);
}

public static class SecurityActionBackends
{
    public const string DefaultProvider = "Windows Defender ATP";

    /// <summary>The actions known to work, with the parameter each needs (for completion and typed shortcuts).</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownActions =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["BlockIp"] = "IP" };

    /// <summary>The backend for a provider; only the Graph securityActions provider exists yet.</summary>
    public static ISecurityActionBackend For(GraphConnection connection, string? provider = null) => new GraphSecurityActionService(connection.ClientFor(SecurityApi.Graph));
}

/// <summary>beta /security/securityActions.</summary>
public sealed class GraphSecurityActionService : EntityService<SecurityAction>, ISecurityActionBackend
{
    public const string CollectionPath = "security/securityActions";

    public GraphSecurityActionService(ApiClient graph) : base(graph, "beta", CollectionPath) { }

    public string DisplayName => "Microsoft Graph securityActions (beta)";

    public Task<SecurityAction> InvokeAsync(SecurityActionRequest request, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = request.Name,
            ["parameters"] = request.Parameters.Select(p => new Dictionary<string, object?> { ["name"] = p.Key, ["value"] = p.Value }).ToList(),
            ["vendorInformation"] = new Dictionary<string, object?> { ["provider"] = request.Provider, ["vendor"] = request.Vendor },
        };
        if (request.Reason != null) body["actionReason"] = request.Reason;
        if (request.ClientContext != null) body["clientContext"] = request.ClientContext;
        return Graph.SendForItemAsync<SecurityAction>(HttpMethod.Post, Graph.Url(Version, Path), body, cancellationToken);
    }

    /// <summary>POST …/cancelSecurityAction; the service answers 200 with no body.</summary>
    public Task CancelAsync(string id, CancellationToken cancellationToken) =>
        Graph.SendAsync<object>(HttpMethod.Post, ItemUrl(id, "/cancelSecurityAction"), null, cancellationToken);

    Task<SecurityAction> ISecurityActionBackend.GetAsync(string id, CancellationToken cancellationToken) => GetAsync(id, cancellationToken);
}
