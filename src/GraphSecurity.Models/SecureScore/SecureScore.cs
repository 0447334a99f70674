using System;
using System.Linq;

namespace GraphSecurity;

/// <summary>A tenant's Secure Score on one day (microsoft.graph.secureScore).</summary>
public class SecureScore : IConnectionBound
{
    public string? Id { get; set; }
    public string? AzureTenantId { get; set; }
    /// <summary>The day the score was taken (midnight UTC).</summary>
    public DateTimeOffset CreatedDateTime { get; set; }
    public double CurrentScore { get; set; }
    public double MaxScore { get; set; }
    /// <summary>CurrentScore as a percentage of MaxScore, rounded to two decimals.</summary>
    public double Percentage => MaxScore > 0 ? Math.Round(CurrentScore * 100 / MaxScore, 2) : 0;
    public int ActiveUserCount { get; set; }
    public int LicensedUserCount { get; set; }
    public ValueList<string> EnabledServices { get; set; } = ValueList<string>.Empty;
    public ValueList<ControlScore> ControlScores { get; set; } = ValueList<ControlScore>.Empty;
    public ValueList<AverageComparativeScore> AverageComparativeScores { get; set; } = ValueList<AverageComparativeScore>.Empty;
    /// <summary>The average score of all tenants, when the service reports it.</summary>
    public double? AllTenantsAverage => AverageComparativeScores.FirstOrDefault(a => string.Equals(a.Basis, "AllTenants", StringComparison.OrdinalIgnoreCase))?.AverageScore;
    public string? ConnectionName { get; set; }

    public override string? ToString() => Id;
}

/// <summary>One control's contribution to a secure score (microsoft.graph.controlScore, with the members real payloads carry).</summary>
public class ControlScore
{
    /// <summary>The control profile's id (Get-GsSecureScoreControlProfile -Id).</summary>
    public string? ControlName { get; set; }
    public string? ControlCategory { get; set; }
    public string? Description { get; set; }
    public double Score { get; set; }
    public double? ScoreInPercentage { get; set; }
    public string? ImplementationStatus { get; set; }
    public bool? IsApplicable { get; set; }
    public int? Count { get; set; }
    public int? Total { get; set; }
    public DateTimeOffset? On { get; set; }
    public DateTimeOffset? LastSynced { get; set; }

    public override string ToString() => $"{ControlName}={Score}";
}

/// <summary>An average score of comparable tenants (all tenants, similar seat count, same industry).</summary>
public class AverageComparativeScore
{
    public string? Basis { get; set; }
    public double AverageScore { get; set; }
    public double? IdentityScore { get; set; }
    public double? DataScore { get; set; }
    public double? DeviceScore { get; set; }
    public double? AppsScore { get; set; }
    public double? InfrastructureScore { get; set; }
    public int? SeatSizeRangeLowerValue { get; set; }
    public int? SeatSizeRangeUpperValue { get; set; }
    public string? IndustryName { get; set; }

    public override string ToString() => $"{Basis}={AverageScore}";
}

/// <summary>What an administrator decided about a control.</summary>
public enum SecureScoreControlState { Default, Ignored, ThirdParty, Reviewed }

/// <summary>A Secure Score control (microsoft.graph.secureScoreControlProfile).</summary>
public class SecureScoreControlProfile : IConnectionBound
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? ControlCategory { get; set; }
    public string? Service { get; set; }
    public string? Tier { get; set; }
    public string? ActionType { get; set; }
    public string? ActionUrl { get; set; }
    public string? AzureTenantId { get; set; }
    public bool Deprecated { get; set; }
    public string? ImplementationCost { get; set; }
    public string? UserImpact { get; set; }
    public double MaxScore { get; set; }
    public int Rank { get; set; }
    public string? Remediation { get; set; }
    public string? RemediationImpact { get; set; }
    public ValueList<string> Threats { get; set; } = ValueList<string>.Empty;
    public ValueList<ComplianceInformation> ComplianceInformation { get; set; } = ValueList<ComplianceInformation>.Empty;
    public ValueList<SecureScoreControlStateUpdate> ControlStateUpdates { get; set; } = ValueList<SecureScoreControlStateUpdate>.Empty;
    public DateTimeOffset? LastModifiedDateTime { get; set; }
    /// <summary>The state of the latest update (Default when never updated).</summary>
    public SecureScoreControlState State => ControlStateUpdates.LastOrDefault()?.State ?? SecureScoreControlState.Default;
    /// <summary>The owner named by the latest update.</summary>
    public string? AssignedTo => ControlStateUpdates.LastOrDefault()?.AssignedTo;
    public string? ConnectionName { get; set; }

    public override string? ToString() => Id;
}

public class SecureScoreControlStateUpdate
{
    public string? AssignedTo { get; set; }
    public string? Comment { get; set; }
    public SecureScoreControlState State { get; set; }
    public string? UpdatedBy { get; set; }
    public DateTimeOffset? UpdatedDateTime { get; set; }

    public override string ToString() => $"{UpdatedDateTime:u} {State} by {UpdatedBy}";
}

public class ComplianceInformation
{
    public string? CertificationName { get; set; }
    public ValueList<CertificationControl> CertificationControls { get; set; } = ValueList<CertificationControl>.Empty;
    public override string? ToString() => CertificationName;
}

public class CertificationControl
{
    public string? Name { get; set; }
    public string? Url { get; set; }
    public override string? ToString() => Name;
}

/// <summary>How one control's score moved between two days (Compare-GsSecureScore).</summary>
public enum SecureScoreChange { Worse, Better, Same, Added, Removed }

/// <summary>One control's score on two days and the difference (Compare-GsSecureScore).</summary>
public class SecureScoreControlDelta
{
    public string? ControlName { get; set; }
    public string? ControlCategory { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset ReferenceDate { get; set; }
    public DateTimeOffset DifferenceDate { get; set; }
    /// <summary>The score on the earlier day (null: the control was not scored then).</summary>
    public double? ReferenceScore { get; set; }
    /// <summary>The score on the later day (null: the control is no longer scored).</summary>
    public double? DifferenceScore { get; set; }
    /// <summary>DifferenceScore − ReferenceScore (missing scores count as 0).</summary>
    public double Delta { get; set; }
    public SecureScoreChange Change { get; set; }
    public string? ReferenceStatus { get; set; }
    public string? DifferenceStatus { get; set; }

    public override string ToString() => $"{ControlName} {Delta:+0.##;-0.##;0}";
}
