using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Defender.Machines;

/// <summary>One command of a live response action, with the status it ends with (successor-apis.md §2.4).</summary>
public sealed record LiveResponseCommand(int Index, string Type, IReadOnlyList<KeyValuePair<string, string>> Params, string EndStatus, IReadOnlyList<string> Errors)
{
    public const string Created = "Created";
    public const string Completed = "Completed";
    public const string Failed = "Failed";

    public static readonly string[] Types = { "RunScript", "GetFile", "PutFile" };

    public string Param(string key) => Params.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>The commands of a live response request as they will end, and the action's outcome.</summary>
public sealed record LiveResponsePlan(IReadOnlyList<LiveResponseCommand> Commands, string Outcome)
{
    /// <summary>
    /// The plan under an injected outcome: Failed makes the first command that would have completed fail
    /// (the ones after it are not run); TimeOut leaves every command Created.
    /// </summary>
    public LiveResponsePlan EndingWith(string outcome)
    {
        if (outcome == MachineActionStatus.TimeOut)
            return new(Commands.Select(c => c with { EndStatus = LiveResponseCommand.Created, Errors = Array.Empty<string>() }).ToList(), outcome);
        var failAt = Commands.FirstOrDefault(c => c.EndStatus != LiveResponseCommand.Completed)?.Index ?? 0;
        return new(Commands.Select(c => c.Index < failAt ? c
            : c.Index == failAt ? c with { EndStatus = LiveResponseCommand.Failed, Errors = new[] { "The command failed on the device." } }
            : c with { EndStatus = LiveResponseCommand.Created, Errors = Array.Empty<string>() }).ToList(), outcome);
    }
}

/// <summary>
/// The live response library of each tenant: the scripts and files RunScript and PutFile may name. Every
/// tenant starts with the same three scripts.
/// </summary>
public sealed class LiveResponseLibrary
{
    public const string ProcessList = "Get-ProcessList.ps1";
    public const string NetworkConnections = "Get-NetworkConnections.ps1";
    public const string Triage = "Collect-Triage.ps1";

    private static readonly string[] Seeded = { ProcessList, NetworkConnections, Triage };

    public IReadOnlyList<string> Names(string tenantId) => Seeded;

    public bool Contains(string tenantId, string name) => Names(tenantId).Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Reads and checks the <c>Commands</c> of a request body (400 InvalidRequestBody when malformed) and plans
    /// them: a RunScript or PutFile of a name not in the library fails and stops the commands after it.
    /// </summary>
    public LiveResponsePlan Plan(string tenantId, JsonNode commands)
    {
        if (commands is not JsonArray items || items.Count == 0)
            throw Invalid("'Commands' must be a non-empty array.");
        var planned = new List<LiveResponseCommand>();
        string failure = null;
        foreach (var (node, index) in items.Select((n, i) => (n, i)))
        {
            var type = LiveResponseCommand.Types.FirstOrDefault(t => string.Equals(t, Text(node?["type"]), StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid($"Command {index}: 'type' must be one of {string.Join(", ", LiveResponseCommand.Types)}.");
            var parameters = (node["params"] as JsonArray ?? new JsonArray())
                .Select(p => new KeyValuePair<string, string>(Text(p?["key"]), Text(p?["value"]))).ToList();
            var command = new LiveResponseCommand(index, type, parameters, LiveResponseCommand.Completed, Array.Empty<string>());
            var name = type switch { "RunScript" => command.Param("ScriptName"), "PutFile" => command.Param("FileName"), _ => command.Param("Path") };
            if (string.IsNullOrEmpty(name))
                throw Invalid($"Command {index} ({type}) needs the parameter '{(type == "RunScript" ? "ScriptName" : type == "PutFile" ? "FileName" : "Path")}'.");
            if (failure != null) command = command with { EndStatus = LiveResponseCommand.Created };
            else if (type != "GetFile" && !Contains(tenantId, name))
            {
                failure = $"The file {name} was not found in the library.";
                command = command with { EndStatus = LiveResponseCommand.Failed, Errors = new[] { failure } };
            }
            planned.Add(command);
        }
        return new LiveResponsePlan(planned, failure == null ? MachineActionStatus.Succeeded : MachineActionStatus.Failed);
    }

    private static string Text(JsonNode node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static ApiError Invalid(string message) => new(400, "InvalidRequestBody", message);
}
