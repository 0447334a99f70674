using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.Query;
using ProfileP = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Graph.SecureScore.SecureScoreControlProfile>;
using ScoreP = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Graph.SecureScore.SecureScore>;

namespace GraphSecurity.Emulator.Graph.SecureScore;

/// <summary>A daily <c>microsoft.graph.secureScore</c> (read-only).</summary>
public sealed class SecureScore
{
    public string Id { get; set; }
    public int ActiveUserCount { get; set; }
    public JsonArray AverageComparativeScores { get; set; }
    public string AzureTenantId { get; set; }
    public JsonArray ControlScores { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public double CurrentScore { get; set; }
    public List<string> EnabledServices { get; set; }
    public int LicensedUserCount { get; set; }
    public double MaxScore { get; set; }
    public JsonObject VendorInformation { get; set; }
}

/// <summary>A <c>microsoft.graph.secureScoreControlProfile</c>; only controlStateUpdates changes (PATCH appends).</summary>
public sealed class SecureScoreControlProfile
{
    public string Id { get; set; }
    public string ActionType { get; set; }
    public string ActionUrl { get; set; }
    public string AzureTenantId { get; set; }
    public JsonArray ComplianceInformation { get; set; }
    public string ControlCategory { get; set; }
    public JsonArray ControlStateUpdates { get; set; } = new();
    public bool Deprecated { get; set; }
    public string ImplementationCost { get; set; }
    public DateTimeOffset? LastModifiedDateTime { get; set; }
    public double MaxScore { get; set; }
    public int Rank { get; set; }
    public string Remediation { get; set; }
    public string RemediationImpact { get; set; }
    public string Service { get; set; }
    public List<string> Threats { get; set; }
    public string Tier { get; set; }
    public string Title { get; set; }
    public string UserImpact { get; set; }
    public JsonObject VendorInformation { get; set; }

    public SecureScoreControlProfile Clone()
    {
        var c = (SecureScoreControlProfile)MemberwiseClone();
        c.ControlStateUpdates = (JsonArray)ControlStateUpdates.DeepClone();
        return c;
    }
}

/// <summary>Schemas of the two secure score entity types (CSDL v1.0 member order).</summary>
public static class SecureScoreSchemas
{
    public static readonly EntitySchema Score = new("microsoft.graph.secureScore", "secureScores", new List<PropertyDef>
    {
        ScoreP.S("id", s => s.Id),
        ScoreP.I("activeUserCount", s => s.ActiveUserCount),
        ScoreP.J("averageComparativeScores", s => s.AverageComparativeScores),
        ScoreP.S("azureTenantId", s => s.AzureTenantId),
        ScoreP.J("controlScores", s => s.ControlScores),
        ScoreP.D("createdDateTime", s => s.CreatedDateTime, filterable: true),
        ScoreP.Dbl("currentScore", s => s.CurrentScore),
        ScoreP.C("enabledServices", s => s.EnabledServices),
        ScoreP.I("licensedUserCount", s => s.LicensedUserCount),
        ScoreP.Dbl("maxScore", s => s.MaxScore),
        ScoreP.J("vendorInformation", s => s.VendorInformation),
    })
    { WriteODataType = false };

    public static readonly EntitySchema ControlProfile = new("microsoft.graph.secureScoreControlProfile", "secureScoreControlProfiles", new List<PropertyDef>
    {
        ProfileP.S("id", p => p.Id),
        ProfileP.S("actionType", p => p.ActionType),
        ProfileP.S("actionUrl", p => p.ActionUrl),
        ProfileP.S("azureTenantId", p => p.AzureTenantId),
        ProfileP.J("complianceInformation", p => p.ComplianceInformation),
        ProfileP.S("controlCategory", p => p.ControlCategory, filterable: true),
        ProfileP.J("controlStateUpdates", p => p.ControlStateUpdates),
        ProfileP.B("deprecated", p => p.Deprecated, filterable: true),
        ProfileP.S("implementationCost", p => p.ImplementationCost),
        ProfileP.D("lastModifiedDateTime", p => p.LastModifiedDateTime),
        ProfileP.Dbl("maxScore", p => p.MaxScore),
        ProfileP.I("rank", p => p.Rank),
        ProfileP.S("remediation", p => p.Remediation),
        ProfileP.S("remediationImpact", p => p.RemediationImpact),
        ProfileP.S("service", p => p.Service, filterable: true),
        ProfileP.C("threats", p => p.Threats),
        ProfileP.S("tier", p => p.Tier, filterable: true),
        ProfileP.S("title", p => p.Title),
        ProfileP.S("userImpact", p => p.UserImpact),
        ProfileP.J("vendorInformation", p => p.VendorInformation),
    })
    { WriteODataType = false };

    /// <summary>90 daily scores: one page holds them all unless $top says otherwise.</summary>
    public static readonly QueryRules ScoreRules = new(Score, 1000) { DefaultTop = 100 };
    public static readonly QueryRules ProfileRules = new(ControlProfile, 1000) { DefaultTop = 100 };
}
