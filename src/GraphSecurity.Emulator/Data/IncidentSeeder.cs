using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Incidents;

namespace GraphSecurity.Emulator.Data;

/// <summary>
/// Derives one incident per distinct alerts_v2 incidentId, consistent with its alerts: severity is the
/// highest alert severity, status follows the alerts' statuses, times span the alerts' times.
/// Deterministic for a given seed, tenant and alert set.
/// </summary>
public static class IncidentSeeder
{
    private static readonly string[] CustomTagPool = { "VIP", "Phishing campaign", "Red team exercise", "Ransomware", "Finance", "Needs escalation" };

    public static List<Incident> Generate(int seed, string tenantId, IReadOnlyList<Alert> alerts)
    {
        var rnd = new Random(seed ^ BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes("incidents:" + tenantId)), 0));
        var incidents = alerts
            .GroupBy(a => a.IncidentId)
            .OrderBy(g => long.Parse(g.Key, System.Globalization.CultureInfo.InvariantCulture))
            .Select(g => Build(g.OrderBy(a => a.CreatedDateTime).ThenBy(a => a.Id, StringComparer.Ordinal).ToList(), rnd))
            .ToList();

        // A few older, unresolved incidents were merged into a later one: status redirected.
        for (int i = 0; i + 1 < incidents.Count; i++)
        {
            var inc = incidents[i];
            if (inc.Status is "active" or "inProgress" && inc.AlertIds.Count == 1 && rnd.NextDouble() < 0.08)
            {
                inc.Status = "redirected";
                inc.RedirectIncidentId = incidents[i + 1].Id;
            }
        }
        return incidents;
    }

    private static Incident Build(List<Alert> alerts, Random rnd)
    {
        var first = alerts[0];
        var severity = alerts.Select(a => a.Severity).MaxBy(s => SecurityEnums.AlertSeverity.Ordinal(s));
        string status = alerts.All(a => a.Status == "resolved") ? "resolved"
            : alerts.Any(a => a.Status == "inProgress") ? "inProgress"
            : "active";
        if (status == "active" && rnd.NextDouble() < 0.05) status = "awaitingAction"; // evolvable member
        var resolvedAlert = alerts.LastOrDefault(a => a.Status == "resolved");
        var inc = new Incident
        {
            Id = first.IncidentId,
            TenantId = first.TenantId,
            IncidentWebUrl = first.IncidentWebUrl,
            CreatedDateTime = alerts.Min(a => a.CreatedDateTime),
            LastUpdateDateTime = alerts.Max(a => a.LastUpdateDateTime ?? a.CreatedDateTime),
            Severity = severity,
            Status = status,
            AssignedTo = alerts.Select(a => a.AssignedTo).FirstOrDefault(a => a != null),
            Classification = status == "resolved" ? resolvedAlert.Classification : "unknown",
            Determination = status == "resolved" ? resolvedAlert.Determination : "unknown",
            DisplayName = DisplayName(alerts),
            AlertIds = alerts.Select(a => a.Id).ToList(),
            SystemTags = alerts.SelectMany(a => a.SystemTags).Distinct().ToList(),
            PriorityScore = Priority(severity, alerts.Count, rnd),
        };
        if (rnd.NextDouble() < 0.2) inc.CustomTags.Add(CustomTagPool[rnd.Next(CustomTagPool.Length)]);
        if (inc.AssignedTo != null && status != "active")
        {
            inc.LastModifiedBy = inc.AssignedTo;
            inc.Comments.Add(new AlertComment("Incident triaged; related alerts reviewed together.", inc.AssignedTo, inc.LastUpdateDateTime));
        }
        if (status == "resolved")
        {
            inc.ResolvingComment = $"Resolved as {inc.Classification} ({inc.Determination}).";
            inc.Summary = $"{alerts.Count} alert(s) on {DeviceOrUser(alerts)}; closed by the SOC.";
        }
        return inc;
    }

    private static int Priority(string severity, int alertCount, Random rnd)
    {
        var baseScore = severity switch { "high" => 70, "medium" => 45, "low" => 20, _ => 5 };
        return Math.Min(100, baseScore + alertCount * 3 + rnd.Next(0, 10));
    }

    /// <summary>Names in the portal's style: the alert title for single-alert incidents, "Multi-stage incident involving A &amp; B …" otherwise.</summary>
    private static string DisplayName(List<Alert> alerts)
    {
        var where = alerts[0].SeedDeviceDns != null ? "on one endpoint" : "involving one user";
        if (alerts.Count == 1) return $"{alerts[0].Title} {where}";
        var tactics = alerts.Select(a => a.Category).Where(c => c != null).Distinct().Select(Humanize).ToList();
        if (tactics.Count == 1) return $"{tactics[0]} incident involving multiple alerts {where}";
        var named = string.Join(" & ", tactics.Take(2));
        return tactics.Count > 2 ? $"Multi-stage incident involving {named} and more {where}" : $"Multi-stage incident involving {named} {where}";
    }

    private static string DeviceOrUser(List<Alert> alerts) => alerts[0].SeedDeviceDns ?? "one user";

    /// <summary>InitialAccess → Initial access.</summary>
    private static string Humanize(string tactic)
    {
        var words = Regex.Replace(tactic, "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant();
        return char.ToUpperInvariant(words[0]) + words[1..];
    }
}
