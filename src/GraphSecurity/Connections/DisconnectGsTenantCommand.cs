using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Commands.Connections;

/// <summary>
/// <para type="synopsis">Forgets a connection and the tokens it holds in memory (a persisted token cache file stays).</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "GsTenant", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
public sealed class DisconnectGsTenantCommand : GsCmdlet
{
    /// <summary>The connection to remove (default: the current one).</summary>
    [Parameter(Position = 0, ParameterSetName = "Name", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    [ValidateText(SingleLine = true)]
    public string Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "All")]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord()
    {
        if (All)
        {
            foreach (var connection in ConnectionStore.All()) Disconnect(connection.Name);
            return;
        }
        var name = Name ?? CurrentConnection.Name;
        if (name == null || ConnectionStore.Get(name) == null)
        {
            var message = name == null ? "Not connected." : $"There is no connection named '{name}'.";
            WriteError(ErrorRecords.Create(new InvalidOperationException(message), ErrorIds.ConnectionNotFound, ErrorCategory.ObjectNotFound, name, message,
                "Get-GsConnection lists the connections."));
            return;
        }
        Disconnect(name);
    }

    private void Disconnect(string name)
    {
        if (!ShouldProcess(name, "Disconnect")) return;
        ConnectionStore.Remove(name);
        if (string.Equals(CurrentConnection.Name, name, StringComparison.OrdinalIgnoreCase)) CurrentConnection.Name = null;
    }
}
