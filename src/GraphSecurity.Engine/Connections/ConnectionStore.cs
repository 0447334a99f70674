using System;
using System.Collections.Generic;
using System.Linq;

namespace GraphSecurity.Engine.Connections;

/// <summary>
/// The process-wide cache of named connections. Which one is "current" is decided per runspace
/// by the cmdlet layer, so parallel runspaces never change each other's default.
/// </summary>
public static class ConnectionStore
{
    private static readonly object Gate = new object();
    private static readonly Dictionary<string, GraphConnection> Connections = new Dictionary<string, GraphConnection>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds or replaces the connection of that name (the old one is disposed).</summary>
    public static void Add(GraphConnection connection)
    {
        GraphConnection? previous;
        lock (Gate)
        {
            Connections.TryGetValue(connection.Name, out previous);
            Connections[connection.Name] = connection;
        }
        if (previous != null && !ReferenceEquals(previous, connection)) previous.Dispose();
    }

    public static GraphConnection? Get(string? name)
    {
        lock (Gate) return name != null && Connections.TryGetValue(name, out var connection) ? connection : null;
    }

    public static IReadOnlyList<GraphConnection> All()
    {
        lock (Gate) return Connections.Values.OrderBy(c => c.ConnectedAt).ToList();
    }

    public static bool Remove(string name)
    {
        GraphConnection? removed;
        lock (Gate)
        {
            if (!Connections.TryGetValue(name, out removed)) return false;
            Connections.Remove(name);
        }
        removed.Dispose();
        return true;
    }
}
