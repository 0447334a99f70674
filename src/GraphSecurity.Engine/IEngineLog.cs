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
