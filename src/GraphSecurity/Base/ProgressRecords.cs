using System.Management.Automation;
using GraphSecurity.Engine;

namespace GraphSecurity.Commands.Base;

internal static class ProgressRecords
{
    public static ProgressRecord ToRecord(this ProgressUpdate update) =>
        new ProgressRecord(update.ActivityId, update.Activity, string.IsNullOrEmpty(update.Status) ? " " : update.Status)
        {
            PercentComplete = update.PercentComplete,
            SecondsRemaining = update.SecondsRemaining,
            RecordType = update.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
}
