using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GraphSecurity.Engine.Watching;

/// <summary>
/// Where a watcher is: the cursor (the latest lastUpdateDateTime it has emitted) and every
/// (id, lastUpdateDateTime) version emitted recently, which de-duplicates the overlap window and
/// tells New from Updated. Saved as JSON, atomically (temporary file, then rename).
/// </summary>
public sealed class WatchState
{
    /// <summary>How long an emitted version is remembered after the cursor has passed it.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    [JsonPropertyName("version")] public int Version { get; set; } = 1;
    /// <summary>The collection watched, e.g. "security/alerts_v2"; a state file of another collection is refused.</summary>
    [JsonPropertyName("resource")] public string? Resource { get; set; }
    [JsonPropertyName("cursor")] public DateTimeOffset Cursor { get; set; }
    /// <summary>Nothing older is ever read (the -Since of the first run), even inside the overlap window.</summary>
    [JsonPropertyName("start")] public DateTimeOffset? Start { get; set; }

    /// <summary>Where the next poll starts reading: the cursor minus the overlap, but not before <see cref="Start"/>.</summary>
    public DateTimeOffset ReadFrom(TimeSpan overlap)
    {
        var from = Cursor - overlap;
        return Start.HasValue && Start.Value > from ? Start.Value : from;
    }
    /// <summary>id → lastUpdateDateTime of the latest version emitted.</summary>
    [JsonPropertyName("known")] public Dictionary<string, DateTimeOffset> Known { get; set; } = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>Records a version as emitted and moves the cursor forward.</summary>
    public void Commit(string id, DateTimeOffset lastUpdate)
    {
        if (!Known.TryGetValue(id, out var known) || lastUpdate > known) Known[id] = lastUpdate;
        if (lastUpdate > Cursor) Cursor = lastUpdate;
    }

    /// <summary>Whether this version (or a newer one) of the object was already emitted.</summary>
    public bool IsKnown(string id, DateTimeOffset lastUpdate) => Known.TryGetValue(id, out var known) && known >= lastUpdate;

    public bool HasSeen(string id) => Known.ContainsKey(id);

    /// <summary>Forgets versions older than the retention before the cursor (they can no longer be read again).</summary>
    public void Prune(TimeSpan overlap)
    {
        var limit = Cursor - overlap - Retention;
        foreach (var id in Known.Where(k => k.Value < limit).Select(k => k.Key).ToList()) Known.Remove(id);
    }

    public static WatchState Load(string path, string resource)
    {
        WatchState? state;
        try
        {
            state = JsonSerializer.Deserialize<WatchState>(File.ReadAllText(path, Encoding.UTF8));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The watch state file '{path}' is not valid: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new WatchStateException(path, $"The watch state file '{path}' could not be read: {ex.Message}", inner: ex);
        }
        if (state == null || state.Version != 1)
            throw new InvalidDataException($"The watch state file '{path}' has an unknown format.");
        if (!string.Equals(state.Resource, resource, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"The watch state file '{path}' belongs to a watcher of '{state.Resource}', not '{resource}'. Use another -StatePath.");
        state.Known = new Dictionary<string, DateTimeOffset>(state.Known ?? new Dictionary<string, DateTimeOffset>(), StringComparer.Ordinal);
        return state;
    }

    /// <summary>
    /// Writes the state atomically: a reader (or a restart after a kill) sees the old file or the new
    /// one, never half of one. A file marked read-only is not replaced. Failures name the file.
    /// </summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
                throw new UnauthorizedAccessException("the file is read-only");
            var folder = Path.GetDirectoryName(full);
            if (!Strings.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            File.WriteAllText(temporary, JsonSerializer.Serialize(this), new UTF8Encoding(false));
            if (File.Exists(full))
            {
                // Replacing keeps the old inode's attributes on Windows; a file nobody may write is refused there and here.
                using (new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) { }
                File.Replace(temporary, full, null);
            }
            else File.Move(temporary, full);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (Exception cleanup) when (cleanup is IOException || cleanup is UnauthorizedAccessException) { }
            throw new WatchStateException(path, $"The watch state could not be saved to '{path}': {ex.Message}", inner: ex);
        }
    }
}
