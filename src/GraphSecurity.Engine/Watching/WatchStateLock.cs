using System;
using System.IO;

namespace GraphSecurity.Engine.Watching;

/// <summary>A watch state file could not be used: locked by another watcher, unreadable or unwritable. The message names the file.</summary>
public sealed class WatchStateException : IOException
{
    public WatchStateException(string path, string message, bool inUse = false, Exception? inner = null) : base(message, inner)
    {
        Path = path;
        InUse = inUse;
    }

    public string Path { get; }
    /// <summary>Another watcher holds the file.</summary>
    public bool InUse { get; }
}

/// <summary>
/// Keeps one watcher per state file: an exclusive lock on "&lt;state&gt;.lock", held while the watcher
/// runs. A second watcher on the same file would emit every change the first one emits. The lock
/// file stays after release (deleting it would let a waiting opener lock a file nobody else sees).
/// </summary>
public sealed class WatchStateLock : IDisposable
{
    private readonly FileStream _stream;

    private WatchStateLock(FileStream stream) { _stream = stream; }

    public static string LockPathFor(string statePath) => statePath + ".lock";

    public static WatchStateLock Acquire(string statePath)
    {
        var lockPath = LockPathFor(System.IO.Path.GetFullPath(statePath));
        try
        {
            var folder = System.IO.Path.GetDirectoryName(lockPath);
            if (!Strings.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            return new WatchStateLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex) when (!(ex is FileNotFoundException) && !(ex is DirectoryNotFoundException) && !(ex is PathTooLongException) && File.Exists(lockPath))
        {
            throw new WatchStateException(statePath,
                $"Another watcher is using the state file '{statePath}' (it holds '{lockPath}'). Stop it, or give this watcher its own -StatePath.", inUse: true, inner: ex);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new WatchStateException(statePath, $"The watch state file '{statePath}' cannot be used: {ex.Message}", inner: ex);
        }
    }

    public void Dispose() => _stream.Dispose();
}
