using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.DetectionRules;

/// <summary>
/// One column-to-entity mapping of an alert template: the evidence type and identifier a column fills. The
/// columns of one mapping item share <paramref name="Item"/>: they describe one entity, which takes the first of them with a value.
/// </summary>
public sealed record EntityColumn(string EvidenceType, string Identifier, string Column, bool Impacted, int Item);

/// <summary>
/// A custom detection rule (beta <c>microsoft.graph.security.detectionRule</c>, successor-apis.md §5) of one
/// tenant, with what its runs remember: the rows already made alerts (a hash of each row's values).
/// Instances are replaced on change (the store swaps them), except the run state, which the runner owns.
/// </summary>
public sealed class DetectionRule
{
    public string Id { get; set; }
    public string TenantId { get; set; }
    public string DisplayName { get; set; }
    public string Description { get; set; }
    /// <summary>enabled, disabled or autoDisabled.</summary>
    public string Status { get; set; }
    public string QueryText { get; set; }
    /// <summary>How often the rule runs; zero is continuous (every scheduler tick).</summary>
    public TimeSpan Frequency { get; set; }
    /// <summary>The frequency as the caller wrote it in the 2026 shape (PT1H …).</summary>
    public string FrequencyText { get; set; }
    public string Title { get; set; }
    public string AlertDescription { get; set; }
    public string Severity { get; set; }
    public string Category { get; set; }
    public List<string> MitreTechniques { get; set; } = new();
    public string RecommendedActions { get; set; }
    public List<EntityColumn> Entities { get; set; } = new();
    /// <summary>entityMappings, automatedActions and responseActions as sent (echoed back unchanged).</summary>
    public JsonObject EntityMappings { get; set; }
    public JsonNode AutomatedActions { get; set; }
    public JsonNode ResponseActions { get; set; }
    public string CreatedBy { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public string LastModifiedBy { get; set; }
    public DateTimeOffset LastModifiedDateTime { get; set; }

    public DetectionRuleRunState Run { get; set; } = new();

    public DetectionRule Clone() => (DetectionRule)MemberwiseClone();
}

/// <summary>What the runs of one rule remember; shared by every version of the rule (PATCH keeps it).</summary>
public sealed class DetectionRuleRunState
{
    public DateTimeOffset? LastRunDateTime { get; set; }
    /// <summary>completed, failed or running; null before the first run.</summary>
    public string Status { get; set; }
    public string FailureReason { get; set; }
    public string ErrorCode { get; set; }
    public HashSet<string> SeenRows { get; } = new(StringComparer.Ordinal);
    public List<string> AlertIds { get; } = new();
}
