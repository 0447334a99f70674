using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.SecurityActions;

/// <summary>
/// Live response (successor-apis.md §2.4): runs a script of the tenant's live response library on a
/// device as a LiveResponse machine action, and reads its transcript (script_name, exit_code,
/// script_output, script_errors) through the result's download link.
/// </summary>
public sealed class LiveResponse
{
    public static readonly ResponseAction Action = new ResponseAction("LiveResponse", SecurityActionApi.DefenderMachineActions, ResponseTargetKind.Device,
        "runliveresponse", "Machine.LiveResponse", null, "Runs a live response library script on the device.");

    private readonly GraphConnection _connection;
    private readonly DefenderMachineActions _machines;

    public LiveResponse(GraphConnection connection)
    {
        _connection = connection;
        _machines = new DefenderMachineActions(connection);
    }

    public DefenderMachineActions Machines => _machines;

    /// <summary>Starts RunScript on the device (id or name); one session per device, so a second while one is open fails with ActiveRequestAlreadyExists.</summary>
    public async Task<SecurityAction> RunScriptAsync(string device, string scriptName, string? arguments, string comment, CancellationToken cancellationToken)
    {
        var machineId = DefenderMachineActions.IsMachineId(device) ? device : (await _machines.FindMachineAsync(device, cancellationToken).ConfigureAwait(false)).Id;
        var parameters = new List<Dictionary<string, object>> { new Dictionary<string, object> { ["key"] = "ScriptName", ["value"] = scriptName } };
        if (!string.IsNullOrEmpty(arguments)) parameters.Add(new Dictionary<string, object> { ["key"] = "Args", ["value"] = arguments! });
        var body = new Dictionary<string, object>
        {
            ["Commands"] = new[] { new Dictionary<string, object> { ["type"] = "RunScript", ["params"] = parameters } },
            ["Comment"] = comment,
        };
        return await _machines.StartAsync(machineId, Action, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The transcript of the action's first command, once it succeeded.</summary>
    public async Task<LiveResponseResult> ResultAsync(SecurityAction action, string scriptName, string? arguments, CancellationToken cancellationToken)
    {
        var link = await _machines.LiveResponseResultUriAsync(action.Id ?? "", 0, cancellationToken).ConfigureAwait(false);
        using (var buffer = new MemoryStream())
        {
            await _connection.DownloadAsync(link, buffer, cancellationToken).ConfigureAwait(false);
            using (var transcript = JsonDocument.Parse(buffer.ToArray()))
            {
                var root = transcript.RootElement;
                return new LiveResponseResult
                {
                    Device = action.Target,
                    DeviceId = action.TargetId,
                    ScriptName = root.StringOf("script_name") ?? scriptName,
                    Arguments = arguments,
                    ExitCode = root.TryGetProperty("exit_code", out var code) && code.TryGetInt32(out var exit) ? exit : 0,
                    Output = root.StringOf("script_output"),
                    Errors = root.StringOf("script_errors"),
                    ActionId = action.Id,
                };
            }
        }
    }

    /// <summary>Why a live response failed: the errors of its commands, as the action records them.</summary>
    public async Task<string> FailureAsync(string actionId, CancellationToken cancellationToken)
    {
        var raw = await _machines.GetRawAsync(actionId, cancellationToken).ConfigureAwait(false);
        var errors = raw.TryGetProperty("commands", out var commands) && commands.ValueKind == JsonValueKind.Array
            ? commands.EnumerateArray()
                .Where(c => c.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array)
                .SelectMany(c => c.GetProperty("errors").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()))
                .ToList()
            : new List<string?>();
        return errors.Count > 0 ? string.Join(" ", errors) : "the device reported no reason";
    }
}
