using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using GraphSecurity.Commands.Connections;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Base of the cmdlets that call Graph: -Connection (names or objects, also bound from the
/// ConnectionName of piped objects), else the runspace's current connection.
/// </summary>
public abstract class GsConnectedCmdlet : GsCmdlet
{
    /// <summary>The connection(s) to use: objects from Get-GsConnection or names; default: the current one.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ConnectionName")]
    [ConnectionTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public GsConnectionInfo[] Connection { get; set; }

    private GraphPermissionAttribute Requirement => GetType().GetCustomAttribute<GraphPermissionAttribute>();

    /// <summary>The connections this record uses (several only for the read cmdlets that allow it).</summary>
    protected IReadOnlyList<GraphConnection> GraphConnections =>
        Connection == null || Connection.Length == 0
            ? new[] { Resolve(CurrentConnection.Name, explicitlyNamed: false) }
            : Connection.Select(c => Resolve(c.Name, explicitlyNamed: true)).ToList();

    /// <summary>The one connection of a cmdlet that changes something.</summary>
    protected GraphConnection GraphConnection
    {
        get
        {
            if (Connection != null && Connection.Length > 1)
                ThrowArgumentError(ErrorIds.SeveralConnections, $"{MyInvocation.MyCommand.Name} works on one connection at a time; give one -Connection.", Connection);
            return GraphConnections[0];
        }
    }

    private GraphConnection Resolve(string name, bool explicitlyNamed)
    {
        var connection = ConnectionStore.Get(name);
        if (connection == null)
        {
            var message = explicitlyNamed
                ? $"The connection '{name}' does not exist (any more). Run Connect-GsTenant -Name {name}."
                : "Not connected. Run Connect-GsTenant first (Connect-GsTenant -Emulator for the local emulator).";
            ThrowTerminatingError(ErrorRecords.Create(new InvalidOperationException(message), ErrorIds.NotConnected, ErrorCategory.ConnectionError, name, message,
                "Run Connect-GsTenant."));
        }
        RequireServedIn(connection);
        return connection;
    }

    private void RequireServedIn(GraphConnection connection)
    {
        var requirement = Requirement;
        if (requirement == null || !connection.Cloud.IsMicrosoftCloud ||
            !requirement.NotServedIn.Contains(connection.Cloud.Name, StringComparer.OrdinalIgnoreCase)) return;
        var message = $"{MyInvocation.MyCommand.Name} uses {requirement.Api}, which Microsoft Graph does not serve in the {connection.Cloud.Name} cloud (connection '{connection.Name}').";
        ThrowTerminatingError(ErrorRecords.Create(new NotSupportedException(message), ErrorIds.ApiNotInCloud, ErrorCategory.NotImplemented, connection.Name, message,
            "Use a connection to a cloud that has it (Connect-GsTenant -Environment)."));
    }

    /// <summary>A 403 names the permissions this cmdlet needs, for the kind of connection used.</summary>
    protected override ErrorRecord CreateErrorRecord(Exception exception, object target, GraphConnection connection)
    {
        var record = base.CreateErrorRecord(exception, target, connection);
        if (connection != null)
            record.ErrorDetails = new ErrorDetails($"{record.ErrorDetails.Message.TrimEnd()} (connection '{connection.Name}', tenant {connection.TenantId})")
            {
                RecommendedAction = record.ErrorDetails.RecommendedAction,
            };
        var requirement = Requirement;
        if (exception is ServiceErrorException graph && graph.Api == SecurityApi.Graph && (int)graph.StatusCode == 403 && requirement != null)
        {
            var delegated = connection != null && connection.IsDelegated;
            var choices = string.Join(" or ", requirement.Permissions);
            record.ErrorDetails.RecommendedAction = delegated
                ? $"{MyInvocation.MyCommand.Name} needs the delegated Microsoft Graph permission {choices}, consented for the app, and a signed-in user whose Entra role allows it (e.g. Security Reader to read, Security Operator to change). Then run Connect-GsTenant again."
                : $"{MyInvocation.MyCommand.Name} needs the Microsoft Graph application permission {choices}. Grant it to the app, give admin consent, then run Connect-GsTenant again for a new token.";
        }
        return record;
    }
}
