using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>One STIX object as a workspace holds it: the uploaded object plus what the service adds.</summary>
public sealed class ThreatIntelObject
{
    public string TenantId { get; init; }
    /// <summary>The workspace's customerId (the GUID the upload API takes).</summary>
    public string WorkspaceId { get; init; }
    public string Id { get; init; }
    public string Type { get; init; }
    public string SourceSystem { get; init; }
    /// <summary>The object as uploaded (STIX property names).</summary>
    public JsonObject Data { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Modified { get; init; }
    /// <summary>When the workspace first received the id (TimeGenerated); kept across updates.</summary>
    public DateTimeOffset TimeGenerated { get; set; }
    public DateTimeOffset LastUpdated { get; init; }
    /// <summary>The uploading caller: app client id or user UPN.</summary>
    public string UploadedBy { get; init; }
    /// <summary>The API it came through (<see cref="UploadApi.Method"/>), or ARM for deletions.</summary>
    public string LastUpdateMethod { get; set; }
    public bool Deleted { get; set; }

    public bool Revoked => Data["revoked"] is JsonValue v && v.TryGetValue(out bool b) && b;
    /// <summary>The UUID part of the STIX id: the ARM indicator's name.</summary>
    public string Name => Id[(Id.IndexOf("--", StringComparison.Ordinal) + 2)..];
    public string Text(string property) => Data[property] is JsonValue v && v.TryGetValue(out string s) ? s : null;
    public DateTimeOffset? Time(string property) => StixValidator.ParseTimestamp(Data[property]);
    public int? Confidence => Data["confidence"] is JsonValue v && v.TryGetValue(out int c) ? c : null;
    public IReadOnlyList<string> Strings(string property) =>
        Data[property] is JsonArray a ? a.Select(i => i is JsonValue v && v.TryGetValue(out string s) ? s : null).Where(s => s != null).ToList() : Array.Empty<string>();
}

/// <summary>
/// Every workspace's threat intelligence, keyed by workspace and STIX id. The upload APIs write it; the
/// ARM indicator routes, advanced hunting and the control API read it.
/// </summary>
public sealed class ThreatIntelStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, ThreatIntelObject> _objects = new(StringComparer.OrdinalIgnoreCase);

    private static string Key(string workspaceId, string id) => workspaceId + "|" + id;

    /// <summary>Stores the object unless the workspace holds the same id with a later <c>modified</c>; false when ignored.</summary>
    public bool Upsert(ThreatIntelObject incoming)
    {
        lock (_lock)
        {
            var key = Key(incoming.WorkspaceId, incoming.Id);
            if (_objects.TryGetValue(key, out var stored))
            {
                if (!stored.Deleted && incoming.Modified < stored.Modified) return false;
                incoming.TimeGenerated = stored.TimeGenerated;
            }
            _objects[key] = incoming;
            return true;
        }
    }

    /// <summary>Marks the indicator of that ARM name deleted; false when the workspace has none.</summary>
    public bool Delete(string workspaceId, string name, DateTimeOffset now)
    {
        lock (_lock)
        {
            var found = _objects.Values.FirstOrDefault(o => !o.Deleted && o.Type == "indicator" &&
                string.Equals(o.WorkspaceId, workspaceId, StringComparison.OrdinalIgnoreCase) && string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));
            if (found == null) return false;
            found.Deleted = true;
            found.LastUpdateMethod = "ARM";
            return true;
        }
    }

    /// <summary>A copy of the list, oldest first; null arguments match everything.</summary>
    public List<ThreatIntelObject> Snapshot(string tenantId = null, string workspaceId = null)
    {
        lock (_lock)
            return _objects.Values
                .Where(o => (tenantId == null || string.Equals(o.TenantId, tenantId, StringComparison.OrdinalIgnoreCase)) &&
                            (workspaceId == null || string.Equals(o.WorkspaceId, workspaceId, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(o => o.TimeGenerated).ThenBy(o => o.Id, StringComparer.Ordinal).ToList();
    }

    public void Clear()
    {
        lock (_lock) _objects.Clear();
    }
}
