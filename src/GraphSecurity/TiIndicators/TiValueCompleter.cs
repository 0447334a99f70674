using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Json;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// Completes the valid values of the tiIndicator parameters that are strings (so that a bad CSV
/// cell becomes an error for its row instead of a binding failure): Action, TlpLevel, ThreatType, ….
/// </summary>
public sealed class TiValueCompleter : IArgumentCompleter
{
    private static readonly Dictionary<string, string[]> Values = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["Action"] = Names(typeof(TiAction)),
        ["TlpLevel"] = Names(typeof(TlpLevel)),
        ["DiamondModel"] = Names(typeof(DiamondModel)),
        ["FileHashType"] = Names(typeof(FileHashType)),
        ["ThreatType"] = Enum.GetNames(typeof(TiThreatType)),
        ["TargetProduct"] = new[] { TiIndicatorFields.Sentinel, TiIndicatorFields.DefenderAtp },
        ["KillChain"] = TiIndicatorFields.KillChainValues,
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (!Values.TryGetValue(parameterName, out var values)) return Enumerable.Empty<CompletionResult>();
        var prefix = CompletionWords.Unquoted(wordToComplete);
        return values.Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(v.Contains(" ") ? $"'{v}'" : v, v, CompletionResultType.ParameterValue, v));
    }

    private static string[] Names(Type enumType) =>
        Enum.GetNames(enumType).Where(n => n != "UnknownFutureValue" && n != "Unknown").Select(GraphJson.CamelCase).ToArray();
}
