using System;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>Which API a threat indicator goes to, and the store that talks to it.</summary>
public static class TiTargetStores
{
    /// <summary>The retirement of Graph tiIndicators, in words for a warning.</summary>
    public const string GraphRetirement =
        "Graph tiIndicators (beta) was deprecated and scheduled for removal by April 2026; against a tenant today it answers 400 'Resource not found'. " +
        "Use -Target DefenderForEndpoint (block, warn, audit or allow on devices) or -Target Sentinel -WorkspaceId … (a workspace's threat intelligence).";

    public const string NoWorkspace =
        "Sentinel needs a workspace: give -WorkspaceId (the workspace id GUID or its resource id), or set one for the connection with Connect-GsTenant -WorkspaceId.";

    /// <summary>
    /// The target of a row whose command names none: an old CSV's targetProduct routes to its
    /// successor ("Azure Sentinel" → Sentinel, "Microsoft Defender ATP" → Defender for Endpoint);
    /// anything else goes to Defender for Endpoint.
    /// </summary>
    public static TiTarget ForTargetProduct(string? targetProduct) =>
        TiIndicatorFields.TryParseTargetProduct(targetProduct, out var wire) && wire == TiIndicatorFields.Sentinel ? TiTarget.Sentinel : TiTarget.DefenderForEndpoint;

    /// <summary>
    /// The store of a successor target. Sentinel needs a workspace: the command's, else the connection's
    /// (Connect-GsTenant -WorkspaceId); an <see cref="ArgumentException"/> says how to give one.
    /// </summary>
    public static ITiTargetStore For(GraphConnection connection, TiTarget target, string? workspace, string source)
    {
        switch (target)
        {
            case TiTarget.DefenderForEndpoint:
                return new DefenderTiStore(connection);
            case TiTarget.Sentinel:
                var named = Strings.IsNullOrEmpty(workspace) ? connection.SentinelWorkspace : workspace;
                if (named == null) throw new ArgumentException(NoWorkspace);
                var parsed = SentinelWorkspace.Parse(named, out var reason) ?? throw new ArgumentException(reason);
                return new SentinelTiStore(connection, parsed, source);
            default:
                throw new ArgumentException("Graph tiIndicators is not a successor store; use TiIndicatorBackends.Graph.");
        }
    }

    /// <summary>The observable of an indicator read from any target.</summary>
    public static TiObservable ObservableOf(TiIndicator indicator) =>
        indicator.Target == TiTarget.Sentinel
            ? StixIndicatorMapping.ParsePattern(indicator.Pattern, out _) ?? new TiObservable("pattern", indicator.Pattern ?? indicator.Id ?? "")
            : DefenderIndicatorMapping.ObservableOf(indicator);
}
