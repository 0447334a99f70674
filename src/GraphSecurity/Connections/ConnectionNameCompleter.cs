using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Commands.Connections;

/// <summary>Completes connection names for -Connection and -Name.</summary>
public sealed class ConnectionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern(CompletionWords.Unquoted(wordToComplete) + "*", WildcardOptions.IgnoreCase);
        return ConnectionStore.All()
            .Where(c => pattern.IsMatch(c.Name))
            .Select(c => new CompletionResult(c.Name.Contains(" ") ? $"'{c.Name}'" : c.Name, c.Name, CompletionResultType.ParameterValue,
                $"{c.Name} ({c.TenantId}, {c.Cloud.Name})"));
    }
}
