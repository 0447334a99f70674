using System;
using System.Collections.Generic;
using System.Security;
using System.Threading;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Commands.Tests;

/// <summary>
/// Connections in the process-wide store, made from a given access token (no sign-in, no request),
/// each with a name of its own so that test classes running in parallel never see each other's.
/// </summary>
internal sealed class TestConnections : IDisposable
{
    private readonly List<string> _names = new List<string>();

    /// <summary>A prefix no other test uses; every connection made here starts with it.</summary>
    public string Prefix { get; } = "t" + Guid.NewGuid().ToString("N").Substring(0, 10);

    public GraphConnection Add(string suffix, CloudEnvironment cloud = null, string tenantId = "11111111-2222-3333-4444-555555555555")
    {
        var request = new ConnectionRequest
        {
            Name = Prefix + suffix,
            Kind = AuthenticationKind.AccessToken,
            TenantId = tenantId,
            Cloud = cloud ?? CloudEnvironment.Global,
            AccessTokens = new Dictionary<SecurityApi, SecureString> { [SecurityApi.Graph] = SecureStrings.FromPlain("opaque-test-token") },
        };
        var connection = GraphConnection.ConnectAsync(request, CancellationToken.None).GetAwaiter().GetResult();
        ConnectionStore.Add(connection);
        _names.Add(connection.Name);
        return connection;
    }

    public void Dispose()
    {
        foreach (var name in _names) ConnectionStore.Remove(name);
    }
}
