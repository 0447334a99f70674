using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Commands.Connections
{
    /// <summary>
    /// <para type="synopsis">Lists the connections of this session (never their credentials).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GsConnection")]
    [OutputType(typeof(GsConnectionInfo))]
    public sealed class GetGsConnectionCommand : GsCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public string[] Name { get; set; }

        /// <summary>Only the current connection of this runspace.</summary>
        [Parameter]
        public SwitchParameter Current { get; set; }

        protected override void EndProcessing()
        {
            var current = CurrentConnection.Name;
            var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            foreach (var connection in ConnectionStore.All())
            {
                var isCurrent = string.Equals(connection.Name, current, System.StringComparison.OrdinalIgnoreCase);
                if (Current && !isCurrent) continue;
                if (patterns.Any(p => p.IsMatch(connection.Name))) WriteObject(connection.ToInfo(isCurrent));
            }
        }
    }
}
