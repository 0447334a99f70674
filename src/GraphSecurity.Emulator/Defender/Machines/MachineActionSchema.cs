using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph;
using P = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Defender.Machines.MachineActionView>;

namespace GraphSecurity.Emulator.Defender.Machines;

/// <summary>An action as it is at the time of the request: what the API writes and filters.</summary>
public sealed record MachineActionView(MachineAction Action, string Status, DateTimeOffset Since)
{
    public static MachineActionView Of(MachineAction action, DateTimeOffset now)
    {
        var (status, since) = action.At(now);
        return new MachineActionView(action, status, since);
    }

    /// <summary>A command's status now: the one it ends with once the action has run to Succeeded or Failed, else Created.</summary>
    public string CommandStatus(LiveResponseCommand c) =>
        Status is MachineActionStatus.Succeeded or MachineActionStatus.Failed ? c.EndStatus : LiveResponseCommand.Created;
}

/// <summary>The machineAction properties (successor-apis.md §2.2) and the ones $filter takes (§2.5).</summary>
public static class MachineActionSchema
{
    public static readonly EntitySchema Entity = new("MachineAction", "MachineActions", new[]
    {
        P.S("id", v => v.Action.Id, filterable: true),
        P.S("type", v => v.Action.Type, filterable: true),
        P.S("title", v => v.Action.Title),
        P.S("requestor", v => v.Action.Requestor, filterable: true),
        P.S("requestorComment", v => v.Action.RequestorComment),
        P.S("status", v => v.Status, filterable: true),
        P.S("machineId", v => v.Action.MachineId, filterable: true),
        P.S("computerDnsName", v => v.Action.ComputerDnsName),
        P.D("creationDateTimeUtc", v => v.Action.CreatedAt, filterable: true),
        P.D("lastUpdateDateTimeUtc", v => v.Since),
        P.S("cancellationRequestor", v => Cancelled(v)?.Requestor),
        P.S("cancellationComment", v => Cancelled(v)?.Comment),
        P.D("cancellationDateTimeUtc", v => Cancelled(v)?.At),
        P.I("errorHResult", v => v.Status == MachineActionStatus.Failed ? MachineAction.FailedHResult : 0),
        P.S("scope", v => v.Action.Scope),
        P.S("externalID", _ => null),
        P.S("requestSource", _ => "PublicApi"),
        P.J("relatedFileInfo", v => v.Action.Sha1 == null ? null : new JsonObject { ["fileIdentifier"] = v.Action.Sha1, ["fileIdentifierType"] = "Sha1" }),
        P.J("commands", Commands),
        P.J("troubleshootInfo", _ => null),
    })
    { WriteODataType = false };

    /// <summary>The cancellation once it has happened (a view of an earlier time does not show it).</summary>
    private static MachineActionCancellation Cancelled(MachineActionView v) => v.Status == MachineActionStatus.Cancelled ? v.Action.Cancellation : null;

    /// <summary>Live response commands; a command that ran gets an equal share of the InProgress time.</summary>
    private static JsonArray Commands(MachineActionView v)
    {
        var a = v.Action;
        var slice = a.Commands.Count == 0 ? TimeSpan.Zero : (a.EndAt - a.InProgressAt) / a.Commands.Count;
        return new JsonArray(a.Commands.Select(c =>
        {
            var status = v.CommandStatus(c);
            var ran = status != LiveResponseCommand.Created;
            var start = a.InProgressAt + slice * c.Index;
            return (JsonNode)new JsonObject
            {
                ["index"] = c.Index,
                ["startTime"] = ran ? EntitySchema.FormatDate(start) : null,
                ["endTime"] = ran ? EntitySchema.FormatDate(start + slice) : null,
                ["commandStatus"] = status,
                ["errors"] = new JsonArray((ran ? c.Errors : Array.Empty<string>()).Select(e => (JsonNode)e).ToArray()),
                ["command"] = new JsonObject
                {
                    ["type"] = c.Type,
                    ["params"] = new JsonArray(c.Params.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value }).ToArray()),
                },
            };
        }).ToArray());
    }
}
