using System.Text.Json;
using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.Alerts;

/// <summary>
/// A <c>microsoft.graph.security.alert</c>. Instances are treated as immutable once published in an
/// <see cref="AlertStore"/>: updates clone, modify and swap (copy-on-write), so readers never lock.
/// Enum-typed properties hold canonical camelCase member names.
/// </summary>
public sealed class Alert
{
    public string Id { get; set; }
    public string ActorDisplayName { get; set; }
    public JsonObject AdditionalData { get; set; }
    public string AlertPolicyId { get; set; }
    public string AlertWebUrl { get; set; }
    public string AssignedTo { get; set; }
    public List<string> Categories { get; set; } = new();
    public string Category { get; set; }
    public string Classification { get; set; }
    public List<AlertComment> Comments { get; set; } = new();
    public DateTimeOffset CreatedDateTime { get; set; }
    public JsonObject CustomDetails { get; set; }
    public string Description { get; set; }
    public string DetectionSource { get; set; }
    public string DetectorId { get; set; }
    public string Determination { get; set; }
    /// <summary>
    /// Evidence is built on first use from a deterministic factory, so large tenants start fast and only
    /// the alerts actually read pay for their evidence. Published alerts are never mutated, so the
    /// factory always sees the values the alert was seeded with.
    /// </summary>
    public List<JsonObject> Evidence
    {
        get => _evidence ?? LazyInitializer.EnsureInitialized(ref _evidence, _evidenceFactory ?? (() => new List<JsonObject>()));
        set => _evidence = value;
    }
    private List<JsonObject> _evidence;
    private Func<List<JsonObject>> _evidenceFactory;
    public void SetEvidenceFactory(Func<List<JsonObject>> factory) => _evidenceFactory = factory;

    /// <summary>Seeding hint, not part of the Graph schema: DNS name of the alert's main device, or null.</summary>
    public string SeedDeviceDns { get; set; }
    public DateTimeOffset? FirstActivityDateTime { get; set; }
    public string IncidentId { get; set; }
    public string IncidentWebUrl { get; set; }
    public string InvestigationState { get; set; }
    public DateTimeOffset? LastActivityDateTime { get; set; }
    public DateTimeOffset? LastUpdateDateTime { get; set; }
    public List<string> MitreTechniques { get; set; } = new();
    public string ProductName { get; set; }
    public string ProviderAlertId { get; set; }
    public string RecommendedActions { get; set; }
    public DateTimeOffset? ResolvedDateTime { get; set; }
    public string ServiceSource { get; set; }
    public string Severity { get; set; }
    public string Status { get; set; }
    public List<string> SystemTags { get; set; } = new();
    public string TenantId { get; set; }
    public string ThreatDisplayName { get; set; }
    public string ThreatFamilyName { get; set; }
    public string Title { get; set; }

    /// <summary>A copy whose mutable collections (comments) are new lists.</summary>
    public Alert Clone()
    {
        var c = (Alert)MemberwiseClone();
        c.Comments = new List<AlertComment>(Comments);
        c._json = null;
        return c;
    }

    /// <summary>
    /// The alert's JSON with every property (no $select), as list pages write it, built on first use for
    /// each include-unknown-enum-members choice. A published alert never changes (an update publishes a
    /// clone, which starts without it), so later pages copy these bytes instead of serializing the
    /// evidence again: that is what lets one emulator feed several fast clients.
    /// </summary>
    public byte[] FullJson(bool includeUnknownMembers)
    {
        var cache = _json ?? LazyInitializer.EnsureInitialized(ref _json, () => new byte[2][]);
        var slot = includeUnknownMembers ? 1 : 0;
        var json = Volatile.Read(ref cache[slot]);
        if (json != null) return json;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, GraphResponse.WriterOptions))
            AlertSchema.Write(w, this, null, includeUnknownMembers);
        json = buffer.WrittenSpan.ToArray();
        Volatile.Write(ref cache[slot], json);
        return json;
    }
    private byte[][] _json;
}

public sealed record AlertComment(string Comment, string CreatedByDisplayName, DateTimeOffset CreatedDateTime);
