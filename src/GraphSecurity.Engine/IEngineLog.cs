using System.Threading;

namespace GraphSecurity.Engine
{
    /// <summary>
    /// How the engine reports. The engine never writes to PowerShell streams itself; the cmdlet layer
    /// implements this and drains the messages on the pipeline thread.
    /// </summary>
    public interface IEngineLog
    {
        void Verbose(string message);
        void Warning(string message);
        void Debug(string message);
    }

    /// <summary>Discards everything (used when nobody listens, e.g. in unit tests).</summary>
    public sealed class NullEngineLog : IEngineLog
    {
        public static readonly NullEngineLog Instance = new NullEngineLog();
        public void Verbose(string message) { }
        public void Warning(string message) { }
        public void Debug(string message) { }
    }

    /// <summary>
    /// The log of the operation running on the current async flow. HTTP handlers are shared by every
    /// call on a connection, so they find the caller's log here rather than holding one.
    /// </summary>
    public static class EngineLogScope
    {
        private static readonly AsyncLocal<IEngineLog> CurrentLog = new AsyncLocal<IEngineLog>();

        public static IEngineLog Current => CurrentLog.Value ?? NullEngineLog.Instance;

        public static void Set(IEngineLog log) => CurrentLog.Value = log;
    }
}

namespace GraphSecurity.Engine
{
    /// <summary>Progress of long work (paging, waits for Retry-After), for logs that can show it.</summary>
    public interface IProgressLog
    {
        void Progress(ProgressUpdate update);
    }

    public sealed class ProgressUpdate
    {
        /// <summary>Distinguishes concurrent progress bars; the same id updates the same bar.</summary>
        public int ActivityId { get; set; }
        public string? Activity { get; set; }
        public string? Status { get; set; }
        public int PercentComplete { get; set; } = -1;
        public int SecondsRemaining { get; set; } = -1;
        public bool Completed { get; set; }
    }

    public static class ProgressIds
    {
        public const int Paging = 1;
        public const int RetryWait = 2;
        public const int PartnerAlerts = 3;
    }
}
