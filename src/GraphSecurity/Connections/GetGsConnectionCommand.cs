using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Commands.Connections;

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
    [ValidateText(SingleLine = true)]
    public string[] Name { get; set; }

    /// <summary>Only the current connection of this runspace.</summary>
    [Parameter]
    public SwitchParameter Current { get; set; }

    protected override void EndProcessing()
    {
        var current = CurrentConnection.Name;
        var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        var all = ConnectionStore.All();
        foreach (var connection in all)
        {
            var isCurrent = string.Equals(connection.Name, current, System.StringComparison.OrdinalIgnoreCase);
            if (Current && !isCurrent) continue;
            if (patterns.Any(p => p.IsMatch(connection.Name))) WriteObject(connection.ToInfo(isCurrent));
        }
        // Like Get-Process: a name without wildcards that matches nothing is an error.
        foreach (var name in (Name ?? new string[0]).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            if (all.Any(c => string.Equals(c.Name, name, System.StringComparison.OrdinalIgnoreCase))) continue;
            var message = $"There is no connection named '{name}'.";
            WriteError(ErrorRecords.Create(new ItemNotFoundException(message), ErrorIds.ConnectionNotFound, ErrorCategory.ObjectNotFound, name, message,
                "Get-GsConnection lists the connections; Connect-GsTenant -Name creates one."));
        }
    }
}
