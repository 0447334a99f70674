using System;
using System.Collections.Generic;
using System.Linq;

namespace GraphSecurity;

/// <summary>A custom detection rule (beta microsoft.graph.security.detectionRule): a hunting query run on a schedule that raises alerts.</summary>
public class DetectionRule : IConnectionBound
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    /// <summary>enabled, disabled or autoDisabled (the service turned it off after repeated failures).</summary>
    public string? Status { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset? CreatedDateTime { get; set; }
    public string? LastModifiedBy { get; set; }
    public DateTimeOffset? LastModifiedDateTime { get; set; }
    public DetectionRuleQuery? QueryCondition { get; set; }
    public DetectionRuleSchedule? Schedule { get; set; }
    public DetectionRuleAction? DetectionAction { get; set; }
    public DetectionRuleRunDetails? LastRunDetails { get; set; }
    public string? ConnectionName { get; set; }

    /// <summary>The KQL the rule runs.</summary>
    public string? Query => QueryCondition?.QueryText;
    /// <summary>How often it runs (ISO 8601 duration; PT0S is continuous).</summary>
    public string? Frequency => Schedule?.Frequency;
    public string? Severity => DetectionAction?.AlertTemplate?.Severity;
    public string? Title => DetectionAction?.AlertTemplate?.Title;
    public string? LastRunStatus => LastRunDetails?.Status;
    public DateTimeOffset? LastRunDateTime => LastRunDetails?.LastRunDateTime;

    public override string? ToString() => Id;
}

public class DetectionRuleQuery
{
    public string? QueryText { get; set; }
}

public class DetectionRuleSchedule
{
    public string? Frequency { get; set; }
    public DateTimeOffset? NextRunDateTime { get; set; }
}

public class DetectionRuleAction
{
    public DetectionRuleAlertTemplate? AlertTemplate { get; set; }
    /// <summary>The response actions as the service returns them (device isolation, investigations …).</summary>
    public object? ResponseActions { get; set; }
    public object? AutomatedActions { get; set; }
}

/// <summary>What the alerts a rule raises look like.</summary>
public class DetectionRuleAlertTemplate
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? Severity { get; set; }
    public string? RecommendedActions { get; set; }
    public List<DetectionRuleTactic> Tactics { get; set; } = new List<DetectionRuleTactic>();
    /// <summary>Per entity collection (accounts, hosts, mailboxes, ipAddresses, files, urls): the items, each mapping column properties to query columns.</summary>
    public Dictionary<string, List<Dictionary<string, string>>> EntityMappings { get; set; } = new Dictionary<string, List<Dictionary<string, string>>>();

    /// <summary>The techniques and sub-techniques of every tactic, flat.</summary>
    public IEnumerable<string> MitreTechniques =>
        Tactics.SelectMany(t => t.Techniques).SelectMany(t => new[] { t.Technique ?? "" }.Concat(t.SubTechniques)).Where(t => t.Length > 0);
}

public class DetectionRuleTactic
{
    public string? Tactic { get; set; }
    public List<DetectionRuleTechnique> Techniques { get; set; } = new List<DetectionRuleTechnique>();
}

public class DetectionRuleTechnique
{
    public string? Technique { get; set; }
    public List<string> SubTechniques { get; set; } = new List<string>();
}

/// <summary>How the rule's last run went.</summary>
public class DetectionRuleRunDetails
{
    public DateTimeOffset? LastRunDateTime { get; set; }
    /// <summary>running, completed, failed or partiallyFailed.</summary>
    public string? Status { get; set; }
    public string? FailureReason { get; set; }
    public string? ErrorCode { get; set; }
}
