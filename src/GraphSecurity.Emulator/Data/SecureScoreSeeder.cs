using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.SecureScore;

namespace GraphSecurity.Emulator.Data;

/// <summary>
/// Deterministic Secure Score data for one tenant: the control profiles of <see cref="SecureScoreCatalogue"/>
/// and 90 daily scores whose per-control implementation mostly improves over time, with some regressions.
/// </summary>
public sealed class SecureScoreSeeder
{
    public const int Days = 90;
    private readonly Random _rnd;
    private readonly string _tenantId;
    private readonly DateTimeOffset _now;

    public SecureScoreSeeder(int seed, string tenantId, DateTimeOffset now)
    {
        _tenantId = tenantId;
        _now = now.ToUniversalTime();
        _rnd = new Random(seed ^ BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes("securescore:" + tenantId.ToLowerInvariant())), 0));
    }

    private static JsonObject Vendor(string provider) => new() { ["provider"] = provider, ["providerVersion"] = null, ["subProvider"] = null, ["vendor"] = "Microsoft" };

    public List<SecureScoreControlProfile> Profiles()
    {
        int rank = 0;
        return SecureScoreCatalogue.Controls.Select(c => new SecureScoreControlProfile
        {
            Id = c.Id,
            ActionType = c.ActionType,
            ActionUrl = $"https://security.microsoft.com/securescore?viewid=actions&actionId={c.Id}",
            AzureTenantId = _tenantId,
            ComplianceInformation = Compliance(c),
            ControlCategory = c.Category,
            Deprecated = c.Deprecated,
            ImplementationCost = c.ImplementationCost,
            LastModifiedDateTime = _now.Date.AddDays(-(c.Id.Length * 7 % 60)),
            MaxScore = c.MaxScore,
            Rank = c.Deprecated ? 0 : ++rank,
            Remediation = c.Remediation,
            RemediationImpact = c.RemediationImpact,
            Service = c.Service,
            Threats = c.Threats.ToList(),
            Tier = c.Tier,
            Title = c.Title,
            UserImpact = c.UserImpact,
            VendorInformation = Vendor("SecureScore"),
        }).ToList();
    }

    private static JsonArray Compliance(ControlDef c)
    {
        var controls = c.Category switch
        {
            "Identity" => new[] { ("NIST 800-53", "IA-2(1)"), ("CIS Microsoft 365 Foundations Benchmark", "1.1.1") },
            "Data" => new[] { ("NIST 800-53", "AC-4"), ("ISO 27001", "A.8.2.3") },
            "Apps" => new[] { ("CIS Microsoft 365 Foundations Benchmark", "2.1.1") },
            "Device" => new[] { ("NIST 800-53", "SI-3") },
            _ => new[] { ("NIST 800-53", "CM-6") },
        };
        return new JsonArray(controls.Select(x => (JsonNode)new JsonObject
        {
            ["certificationName"] = x.Item1,
            ["certificationControls"] = new JsonArray(new JsonObject { ["name"] = x.Item2, ["url"] = null }),
        }).ToArray());
    }

    /// <summary>90 daily scores, newest first, with ids {tenantId}_{yyyy-MM-dd}.</summary>
    public List<SecureScore> Scores()
    {
        var controls = SecureScoreCatalogue.Controls.Where(c => !c.Deprecated).ToList();
        // Implementation level per control, walked from the oldest day to today.
        var level = controls.Select(_ => new[] { 0.0, 0.0, 0.25, 0.5, 1.0 }[_rnd.Next(5)]).ToArray();
        // Days each control still stays regressed (a setting switched back for a few days, then restored).
        var regressedDaysLeft = new int[controls.Count];
        var licensed = 45;
        var days = new List<SecureScore>();
        for (int d = Days - 1; d >= 0; d--)
        {
            var day = new DateTimeOffset(_now.Date, TimeSpan.Zero).AddDays(-d);
            var scores = new JsonArray();
            double current = 0;
            for (int i = 0; i < controls.Count; i++)
            {
                if (level[i] < 1 && _rnd.NextDouble() < 0.03) level[i] = Math.Min(1, level[i] + 0.25);
                if (regressedDaysLeft[i] == 0 && level[i] >= 0.5 && _rnd.NextDouble() < 0.006) regressedDaysLeft[i] = _rnd.Next(2, 8);
                var regressed = regressedDaysLeft[i] > 0;
                if (regressed) regressedDaysLeft[i]--;
                var effective = regressed ? level[i] / 2 : level[i];
                var c = controls[i];
                var score = Math.Round(c.MaxScore * effective, 2);
                current += score;
                scores.Add(ControlScore(c, score, effective, licensed, day));
            }
            licensed = Math.Clamp(licensed + _rnd.Next(-1, 2), 40, 52);
            days.Add(new SecureScore
            {
                Id = $"{_tenantId}_{day:yyyy-MM-dd}",
                AzureTenantId = _tenantId,
                CreatedDateTime = day,
                ActiveUserCount = licensed - _rnd.Next(2, 8),
                LicensedUserCount = licensed,
                CurrentScore = Math.Round(current, 2),
                MaxScore = controls.Sum(c => c.MaxScore),
                EnabledServices = new List<string> { "HasExchange", "HasSharePoint", "HasOD4B", "HasTeams", "HasInTune", "HasMCAS", "HasAADP2", "HasMDATP", "HasMDO" },
                AverageComparativeScores = Comparatives(controls.Sum(c => c.MaxScore)),
                ControlScores = scores,
                VendorInformation = Vendor("SecureScore"),
            });
        }
        days.Reverse();
        return days;
    }

    private static JsonObject ControlScore(ControlDef c, double score, double level, int licensed, DateTimeOffset day)
    {
        var total = c.Category == "Identity" ? licensed : c.Category == "Device" ? 60 : 1;
        var count = (int)Math.Round(total * level);
        var stamp = EntitySchema.FormatDate(day);
        return new JsonObject
        {
            ["controlCategory"] = c.Category,
            ["controlName"] = c.Id,
            ["description"] = c.Title,
            ["score"] = score,
            // Real payloads carry these undocumented members, several of them as strings.
            ["scoreInPercentage"] = Math.Round(level * 100, 2),
            ["IsApplicable"] = "true",
            ["implementationStatus"] = total == 1
                ? (level >= 1 ? "The setting is turned on." : "The setting is turned off.")
                : $"{count} of {total} {(c.Category == "Device" ? "devices" : "users")} are compliant.",
            ["count"] = count.ToString(CultureInfo.InvariantCulture),
            ["total"] = total.ToString(CultureInfo.InvariantCulture),
            ["on"] = stamp,
            ["lastSynced"] = stamp,
        };
    }

    private JsonArray Comparatives(double max)
    {
        JsonObject Basis(string basis, double share)
        {
            var avg = Math.Round(max * (share + (_rnd.NextDouble() - 0.5) * 0.02), 2);
            return new JsonObject
            {
                ["basis"] = basis,
                ["averageScore"] = avg,
                ["identityScore"] = Math.Round(avg * 0.36, 2),
                ["dataScore"] = Math.Round(avg * 0.12, 2),
                ["deviceScore"] = Math.Round(avg * 0.24, 2),
                ["appsScore"] = Math.Round(avg * 0.25, 2),
                ["infrastructureScore"] = Math.Round(avg * 0.03, 2),
            };
        }
        var seats = Basis("TotalSeats", 0.38);
        seats["seatSizeRangeLowerValue"] = "26";
        seats["seatSizeRangeUpperValue"] = "100";
        var industry = Basis("IndustryTypes", 0.44);
        industry["industryName"] = "Technology";
        return new JsonArray(Basis("AllTenants", 0.41), seats, industry);
    }
}
