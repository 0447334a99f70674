using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace GraphSecurity.Commands.Connections;

/// <summary>
/// The current connection's name, kept per runspace: a ForEach-Object -Parallel thread or another
/// runspace has its own current connection and never changes this one.
/// </summary>
internal static class CurrentConnection
{
    private sealed class Holder { public string Name; }

    private static readonly ConditionalWeakTable<Runspace, Holder> ByRunspace = new ConditionalWeakTable<Runspace, Holder>();

    public static string Name
    {
        get
        {
            var runspace = Runspace.DefaultRunspace;
            return runspace != null && ByRunspace.TryGetValue(runspace, out var holder) ? holder.Name : null;
        }
        set
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace != null) ByRunspace.GetOrCreateValue(runspace).Name = value;
        }
    }
}
