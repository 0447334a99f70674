namespace GraphSecurity.Emulator.Defender.Machines;

/// <summary>The machineAction types (successor-apis.md §2.2).</summary>
public static class MachineActionType
{
    public const string Isolate = "Isolate";
    public const string Unisolate = "Unisolate";
    public const string RestrictCodeExecution = "RestrictCodeExecution";
    public const string UnrestrictCodeExecution = "UnrestrictCodeExecution";
    public const string RunAntiVirusScan = "RunAntiVirusScan";
    public const string CollectInvestigationPackage = "CollectInvestigationPackage";
    public const string Offboard = "Offboard";
    public const string StopAndQuarantineFile = "StopAndQuarantineFile";
    public const string LiveResponse = "LiveResponse";

    public static readonly string[] All =
    {
        Isolate, Unisolate, RestrictCodeExecution, UnrestrictCodeExecution, RunAntiVirusScan, CollectInvestigationPackage,
        Offboard, StopAndQuarantineFile, LiveResponse,
    };
}

/// <summary>The machineAction statuses; the last four are final.</summary>
public static class MachineActionStatus
{
    public const string Pending = "Pending";
    public const string InProgress = "InProgress";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string TimeOut = "TimeOut";
    public const string Cancelled = "Cancelled";

    public static bool IsFinal(string status) => status is Succeeded or Failed or TimeOut or Cancelled;
}

/// <summary>Who cancelled an action, why and when.</summary>
public sealed record MachineActionCancellation(string Requestor, string Comment, DateTimeOffset At);

/// <summary>
/// A machine action as created. Its whole lifecycle is planned then: Pending until <see cref="InProgressAt"/>,
/// InProgress until <see cref="EndAt"/>, then <see cref="Outcome"/>; <see cref="At"/> reads the status off the
/// clock, so nothing runs in the background. Only a cancellation changes it afterwards.
/// </summary>
public sealed class MachineAction
{
    /// <summary>E_ACCESSDENIED, the errorHResult of a failed action (any non-zero value would do).</summary>
    public const int FailedHResult = -2147024891;

    public string Id { get; init; }
    public string TenantId { get; init; }
    public string Type { get; init; }
    public string Scope { get; init; }
    /// <summary>The app id of an app token, the UPN of a user token.</summary>
    public string Requestor { get; init; }
    public string RequestorComment { get; init; }
    public string MachineId { get; init; }
    public string ComputerDnsName { get; init; }
    public string Title { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset InProgressAt { get; init; }
    public DateTimeOffset EndAt { get; init; }
    /// <summary>Succeeded, Failed or TimeOut.</summary>
    public string Outcome { get; init; }
    /// <summary>StopAndQuarantineFile: the SHA-1 of the file.</summary>
    public string Sha1 { get; init; }
    /// <summary>Live response: the commands, each with the status it ends with.</summary>
    public IReadOnlyList<LiveResponseCommand> Commands { get; init; } = Array.Empty<LiveResponseCommand>();
    /// <summary>Set once, by <see cref="MachineActionLog.Cancel"/> under its lock.</summary>
    public MachineActionCancellation Cancellation { get; internal set; }

    /// <summary>The status at <paramref name="now"/> and when it was reached.</summary>
    public (string Status, DateTimeOffset Since) At(DateTimeOffset now)
    {
        if (Cancellation is { } c && c.At <= now) return (MachineActionStatus.Cancelled, c.At);
        if (now < InProgressAt) return (MachineActionStatus.Pending, CreatedAt);
        if (now < EndAt) return (MachineActionStatus.InProgress, InProgressAt);
        return (Outcome, EndAt);
    }

    public bool IsOpenAt(DateTimeOffset now) => !MachineActionStatus.IsFinal(At(now).Status);

    public static string TitleOf(string type) => type switch
    {
        MachineActionType.Isolate => "Isolate device",
        MachineActionType.Unisolate => "Release device from isolation",
        MachineActionType.RestrictCodeExecution => "Restrict app execution",
        MachineActionType.UnrestrictCodeExecution => "Remove app execution restriction",
        MachineActionType.RunAntiVirusScan => "Run antivirus scan",
        MachineActionType.CollectInvestigationPackage => "Collect investigation package",
        MachineActionType.Offboard => "Offboard device",
        MachineActionType.StopAndQuarantineFile => "Stop and quarantine file",
        _ => "Live response",
    };
}
