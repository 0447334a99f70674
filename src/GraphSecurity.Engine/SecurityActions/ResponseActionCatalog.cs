using System;
using System.Collections.Generic;
using System.Linq;

namespace GraphSecurity.Engine.SecurityActions;

/// <summary>What a response action is taken on.</summary>
public enum ResponseTargetKind { Device, IpAddress, Domain, Url, File, User }

/// <summary>
/// One response action Invoke-GsSecurityAction knows by name: the API that carries it, the call
/// (Defender's path segment, the identity action), the permission it needs and the action that
/// undoes it (successor-apis.md §0, §1, §2; Graph identityAccounts invokeAction).
/// </summary>
public sealed class ResponseAction
{
    internal ResponseAction(string name, SecurityActionApi api, ResponseTargetKind target, string call, string permission, string? undo, string description)
    {
        Name = name; Api = api; Target = target; Call = call; Permission = permission; Undo = undo; Description = description;
    }

    public string Name { get; }
    public SecurityActionApi Api { get; }
    public ResponseTargetKind Target { get; }
    /// <summary>Defender: the verb after /api/machines/{id}/ (its MachineAction type is <see cref="MachineActionType"/>); identity: the invokeAction action; indicators: the action.</summary>
    public string Call { get; }
    public string Permission { get; }
    /// <summary>The action that undoes this one, or null when there is none (a scan cannot be unscanned).</summary>
    public string? Undo { get; }
    public string Description { get; }

    /// <summary>The MachineAction type Defender gives the action (its path segment in PascalCase).</summary>
    public string MachineActionType => Call == "runliveresponse" ? "LiveResponse" : char.ToUpperInvariant(Call[0]) + Call.Substring(1);

    public override string ToString() => Name;
}

public static class ResponseActionCatalog
{
    private const string Defender = "Defender for Endpoint";
    private const string IdentityPermission = "SecurityIdentitiesActions.ReadWrite.All";

    public static readonly IReadOnlyList<ResponseAction> All = new[]
    {
        Device("IsolateDevice", "isolate", "Machine.Isolate", "ReleaseDevice", "Isolates the device from the network (Full or Selective), keeping its connection to Defender."),
        Device("ReleaseDevice", "unisolate", "Machine.Isolate", null, "Releases the device from isolation."),
        Device("RestrictCodeExecution", "restrictCodeExecution", "Machine.RestrictExecution", "UnrestrictCodeExecution", "Lets only Microsoft-signed code run on the device."),
        Device("UnrestrictCodeExecution", "unrestrictCodeExecution", "Machine.RestrictExecution", null, "Lifts the code execution restriction."),
        Device("RunAntivirusScan", "runAntiVirusScan", "Machine.Scan", null, "Runs a Microsoft Defender Antivirus scan (Quick or Full)."),
        Device("CollectInvestigationPackage", "collectInvestigationPackage", "Machine.CollectForensics", null, "Collects the investigation package (Save-GsInvestigationPackage downloads it)."),
        Device("StopAndQuarantineFile", "StopAndQuarantineFile", "Machine.StopAndQuarantine", null, "Stops the processes of a file (by SHA-1) and quarantines it."),
        Device("OffboardDevice", "offboard", "Machine.Offboard", null, "Offboards the device from Defender for Endpoint."),
        Block("BlockIp", ResponseTargetKind.IpAddress, "Blocks a public IP address with a Defender indicator."),
        Block("BlockDomain", ResponseTargetKind.Domain, "Blocks a domain with a Defender indicator."),
        Block("BlockUrl", ResponseTargetKind.Url, "Blocks a URL with a Defender indicator."),
        Block("BlockFile", ResponseTargetKind.File, "Blocks a file (SHA-256, SHA-1 or MD5) with a Defender indicator."),
        Identity("DisableUser", "disable", "EnableUser", "Disables the account: it can no longer sign in."),
        Identity("EnableUser", "enable", null, "Enables the account again."),
        Identity("RevokeSessions", "revokeAllSessions", null, "Revokes the account's sessions (Entra ID, Okta)."),
        Identity("RequireSignInAgain", "requireUserToSignInAgain", null, "Makes the user sign in again (Entra ID)."),
        Identity("ForcePasswordReset", "forcePasswordReset", null, "Makes the user change the password at the next sign-in (Active Directory)."),
        Identity("MarkUserCompromised", "markUserAsCompromised", null, "Marks the user as compromised (Entra ID Protection)."),
    };

    /// <summary>The action of that name (case-insensitive), or null.</summary>
    public static ResponseAction? Find(string? name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The action of a Defender MachineAction type (Isolate → IsolateDevice), or null.</summary>
    public static ResponseAction? ForMachineActionType(string? type) =>
        All.FirstOrDefault(a => a.Api == SecurityActionApi.DefenderMachineActions && string.Equals(a.MachineActionType, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>Where an API's actions go, for messages.</summary>
    public static string DisplayName(SecurityActionApi api)
    {
        switch (api)
        {
            case SecurityActionApi.DefenderMachineActions: return Defender + " machine actions";
            case SecurityActionApi.DefenderIndicators: return Defender + " indicators";
            case SecurityActionApi.GraphIdentityAccounts: return "Microsoft Graph identity accounts";
            default: return "Microsoft Graph securityActions (beta)";
        }
    }

    private static ResponseAction Device(string name, string verb, string permission, string? undo, string description) =>
        new ResponseAction(name, SecurityActionApi.DefenderMachineActions, ResponseTargetKind.Device, verb, permission, undo, description);

    private static ResponseAction Block(string name, ResponseTargetKind target, string description) =>
        new ResponseAction(name, SecurityActionApi.DefenderIndicators, target, "Block", "Ti.ReadWrite.All", null, description);

    private static ResponseAction Identity(string name, string action, string? undo, string description) =>
        new ResponseAction(name, SecurityActionApi.GraphIdentityAccounts, ResponseTargetKind.User, action, IdentityPermission, undo, description);
}
