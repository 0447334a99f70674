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

    public override string? ToString() => QueryText;
}

public class DetectionRuleSchedule
{
    public string? Frequency { get; set; }
    public DateTimeOffset? NextRunDateTime { get; set; }

    public override string? ToString() => Frequency;
}

public class DetectionRuleAction
{
    public DetectionRuleAlertTemplate? AlertTemplate { get; set; }
    /// <summary>The response actions as the service returns them (device isolation, investigations …).</summary>
    public object? ResponseActions { get; set; }
    public object? AutomatedActions { get; set; }

    public override string? ToString() => AlertTemplate?.ToString();
}

/// <summary>What the alerts a rule raises look like.</summary>
public class DetectionRuleAlertTemplate
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? Severity { get; set; }
    public string? RecommendedActions { get; set; }
    public ValueList<DetectionRuleTactic> Tactics { get; set; } = ValueList<DetectionRuleTactic>.Empty;
    /// <summary>Which query columns hold the entities of each alert.</summary>
    public DetectionRuleEntityMappings? EntityMappings { get; set; }

    /// <summary>The techniques and sub-techniques of every tactic, flat.</summary>
    public ValueList<string> MitreTechniques => new ValueList<string>(
        Tactics.SelectMany(t => t.Techniques).SelectMany(t => new[] { t.Technique ?? "" }.Concat(t.SubTechniques)).Where(t => t.Length > 0).ToList());

    public override string? ToString() => $"{Severity}: {Title}";
}

/// <summary>The entity mappings of an alert template, per entity collection.</summary>
public class DetectionRuleEntityMappings
{
    public ValueList<DetectionRuleEntityColumns> Accounts { get; set; } = ValueList<DetectionRuleEntityColumns>.Empty;
    public ValueList<DetectionRuleEntityColumns> Hosts { get; set; } = ValueList<DetectionRuleEntityColumns>.Empty;
    public ValueList<DetectionRuleEntityColumns> Mailboxes { get; set; } = ValueList<DetectionRuleEntityColumns>.Empty;
    public ValueList<DetectionRuleEntityColumns> IpAddresses { get; set; } = ValueList<DetectionRuleEntityColumns>.Empty;
    public ValueList<DetectionRuleEntityColumns> Files { get; set; } = ValueList<DetectionRuleEntityColumns>.Empty;
    public ValueList<DetectionRuleEntityColumns> Urls { get; set; } = ValueList<DetectionRuleEntityColumns>.Empty;

    /// <summary>Every mapped entity with the collection it is in (accounts, hosts …), in that order.</summary>
    public IEnumerable<KeyValuePair<string, DetectionRuleEntityColumns>> Entities()
    {
        var collections = new[] { ("accounts", Accounts), ("hosts", Hosts), ("mailboxes", Mailboxes), ("ipAddresses", IpAddresses), ("files", Files), ("urls", Urls) };
        return collections.SelectMany(c => (c.Item2 ?? ValueList<DetectionRuleEntityColumns>.Empty).Select(e => new KeyValuePair<string, DetectionRuleEntityColumns>(c.Item1, e)));
    }

    public override string ToString() => string.Join("; ", Entities().Select(e => $"{e.Key}: {e.Value}"));
}

/// <summary>One mapped entity: the query column of each of its identifiers (those the entity type has).</summary>
public class DetectionRuleEntityColumns
{
    public string? UpnColumn { get; set; }
    public string? AadUserIdColumn { get; set; }
    public string? SidColumn { get; set; }
    public string? DeviceNameColumn { get; set; }
    public string? DeviceIdColumn { get; set; }
    public string? PrimaryAddressColumn { get; set; }
    public string? AddressColumn { get; set; }
    public string? Sha256Column { get; set; }
    public string? Sha1Column { get; set; }
    public string? UrlColumn { get; set; }

    /// <summary>The column properties that are set, by their service names (upnColumn …).</summary>
    public Dictionary<string, string> Columns()
    {
        var columns = new Dictionary<string, string>();
        foreach (var p in GetType().GetProperties())
            if (p.GetValue(this) is string column && column.Length > 0) columns[char.ToLowerInvariant(p.Name[0]) + p.Name.Substring(1)] = column;
        return columns;
    }

    public override string ToString() => string.Join(", ", Columns().Select(c => $"{c.Key}={c.Value}"));
}

public class DetectionRuleTactic
{
    public string? Tactic { get; set; }
    public ValueList<DetectionRuleTechnique> Techniques { get; set; } = ValueList<DetectionRuleTechnique>.Empty;

    public override string? ToString() => Tactic;
}

public class DetectionRuleTechnique
{
    public string? Technique { get; set; }
    public ValueList<string> SubTechniques { get; set; } = ValueList<string>.Empty;

    public override string? ToString() => SubTechniques.Count == 0 ? Technique : $"{Technique} ({SubTechniques})";
}

/// <summary>How the rule's last run went.</summary>
public class DetectionRuleRunDetails
{
    public DateTimeOffset? LastRunDateTime { get; set; }
    /// <summary>running, completed, failed or partiallyFailed.</summary>
    public string? Status { get; set; }
    public string? FailureReason { get; set; }
    public string? ErrorCode { get; set; }

    public override string? ToString() => FailureReason == null ? Status : $"{Status}: {FailureReason}";
}
