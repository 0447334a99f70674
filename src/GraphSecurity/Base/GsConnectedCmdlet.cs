using System;
using System.Management.Automation;
using GraphSecurity.Commands.Connections;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Commands.Base
{
    /// <summary>Base of the cmdlets that call Graph: -Connection, else the runspace's current connection.</summary>
    public abstract class GsConnectedCmdlet : GsCmdlet
    {
        /// <summary>The connection to use (an object from Get-GsConnection or a name); default: the current one.</summary>
        [Parameter]
        [ConnectionTransformation]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public GsConnectionInfo Connection { get; set; }

        private GraphConnection _resolved;

        /// <summary>The connection this invocation uses; a terminating error when there is none.</summary>
        protected GraphConnection GraphConnection => _resolved ?? (_resolved = Resolve());

        private GraphConnection Resolve()
        {
            var name = Connection?.Name ?? CurrentConnection.Name;
            var connection = ConnectionStore.Get(name);
            if (connection != null) return connection;

            var message = name == null || Connection == null
                ? "Not connected. Run Connect-GsTenant first (Connect-GsTenant -Emulator for the local emulator)."
                : $"The connection '{name}' was disconnected. Run Connect-GsTenant -Name {name} again.";
            var record = new ErrorRecord(new InvalidOperationException(message), "NotConnected", ErrorCategory.ConnectionError, name)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Run Connect-GsTenant." },
            };
            ThrowTerminatingError(record);
            return null;
        }
    }
}
