namespace GraphSecurity.ProviderKit.Models;

/// <summary>The enumerations of the legacy alert schema, in their wire (camelCase) spelling and schema order.</summary>
public static class AlertValues
{
    public const string SeverityUnknown = "unknown";
    public const string SeverityInformational = "informational";
    public const string SeverityLow = "low";
    public const string SeverityMedium = "medium";
    public const string SeverityHigh = "high";

    public const string StatusUnknown = "unknown";
    public const string StatusNewAlert = "newAlert";
    public const string StatusInProgress = "inProgress";
    public const string StatusResolved = "resolved";
    public const string StatusDismissed = "dismissed";

    public const string FeedbackUnknown = "unknown";
    public const string FeedbackTruePositive = "truePositive";
    public const string FeedbackFalsePositive = "falsePositive";
    public const string FeedbackBenignPositive = "benignPositive";

    /// <summary>Ordered from least to most severe; ordering and gt/lt on severity follow this rank.</summary>
    public static readonly IReadOnlyList<string> Severities = new[] { SeverityUnknown, SeverityInformational, SeverityLow, SeverityMedium, SeverityHigh };

    /// <summary>In schema order; ordering and gt/lt on status follow it.</summary>
    public static readonly IReadOnlyList<string> Statuses = new[] { StatusUnknown, StatusNewAlert, StatusInProgress, StatusResolved, StatusDismissed };

    public static readonly IReadOnlyList<string> Feedbacks = new[] { FeedbackUnknown, FeedbackTruePositive, FeedbackFalsePositive, FeedbackBenignPositive };

    /// <summary>The canonical spelling of <paramref name="value"/> in <paramref name="values"/> (matched ignoring case), or null.</summary>
    public static string Canonical(IReadOnlyList<string> values, string value) =>
        value == null ? null : values.FirstOrDefault(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));

    /// <summary>The rank of a value in its enumeration (-1 when it is not a member).</summary>
    public static int Rank(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}
