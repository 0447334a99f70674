using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.Legacy;

/// <summary>The typed filters of Get-GsAlert -Legacy, as lambda and vendorInformation filters of the legacy API.</summary>
public sealed class LegacyAlertQuery
{
    public IList<string> Provider { get; set; } = new List<string>();
    public IList<AlertSeverity> Severity { get; set; } = new List<AlertSeverity>();
    /// <summary>Users by UPN, or by Entra object id (a GUID).</summary>
    public IList<string> User { get; set; } = new List<string>();
    /// <summary>Hosts by FQDN or NetBIOS name.</summary>
    public IList<string> Host { get; set; } = new List<string>();
    /// <summary>Alerts assigned to any of these; an empty string selects unassigned alerts.</summary>
    public IList<string> AssignedTo { get; set; } = new List<string>();
    public DateTimeOffset? Since { get; set; }
    public DateTimeOffset? Until { get; set; }

    public CollectionQuery ToCollectionQuery()
    {
        var query = new CollectionQuery(LegacyAlertService.CollectionPath)
            .AnyOf("vendorInformation/provider", Provider)
            .AnyOf("severity", Severity)
            .AnyOf("assignedTo", AssignedTo)
            .Between("createdDateTime", Since, Until);
        if (User.Count > 0)
            query.Add("userStates/any(u: " + string.Join(" or ", User.Select(u =>
                (EvidenceCriteria.IsObjectId(u) ? "u/aadUserId eq " : "u/userPrincipalName eq ") + ODataFilter.Quote(u))) + ")");
        if (Host.Count > 0)
            query.Add("hostStates/any(h: " + string.Join(" or ", Host.Select(h =>
                $"h/fqdn eq {ODataFilter.Quote(h)} or h/netBiosName eq {ODataFilter.Quote(h)}")) + ")");
        return query;
    }
}

/// <summary>The fields Set-GsAlert may change on a legacy alert, mapped from the alerts_v2 vocabulary.</summary>
public sealed class LegacyAlertUpdate
{
    public LegacyAlertStatus? Status { get; set; }
    public LegacyAlertFeedback? Feedback { get; set; }
    public string? AssignedTo { get; set; }
    /// <summary>The whole comment list to store (the API replaces the array).</summary>
    public IList<string>? Comments { get; set; }

    /// <summary>alerts_v2 status → legacy status: New → newAlert, InProgress → inProgress, Resolved → resolved.</summary>
    public static LegacyAlertStatus MapStatus(AlertStatus status)
    {
        switch (status)
        {
            case AlertStatus.New: return LegacyAlertStatus.NewAlert;
            case AlertStatus.InProgress: return LegacyAlertStatus.InProgress;
            case AlertStatus.Resolved: return LegacyAlertStatus.Resolved;
            default: return LegacyAlertStatus.Unknown;
        }
    }

    /// <summary>alerts_v2 classification → legacy feedback: InformationalExpectedActivity → benignPositive.</summary>
    public static LegacyAlertFeedback MapFeedback(AlertClassification classification)
    {
        switch (classification)
        {
            case AlertClassification.TruePositive: return LegacyAlertFeedback.TruePositive;
            case AlertClassification.FalsePositive: return LegacyAlertFeedback.FalsePositive;
            case AlertClassification.InformationalExpectedActivity: return LegacyAlertFeedback.BenignPositive;
            default: return LegacyAlertFeedback.Unknown;
        }
    }

    public bool IsEmpty => Status == null && Feedback == null && AssignedTo == null && Comments == null;

    /// <summary>The PATCH body, with the vendorInformation that routes it to the alert's provider.</summary>
    public Dictionary<string, object?> ToBody(SecurityVendorInformation vendor)
    {
        var body = new Dictionary<string, object?>
        {
            ["vendorInformation"] = new Dictionary<string, object?> { ["provider"] = vendor.Provider, ["vendor"] = vendor.Vendor },
        };
        if (Status.HasValue) body["status"] = GraphJson.ToWire(Status.Value);
        if (Feedback.HasValue) body["feedback"] = GraphJson.ToWire(Feedback.Value);
        if (AssignedTo != null) body["assignedTo"] = AssignedTo.Length == 0 ? null : AssignedTo; // "" clears the owner
        if (Comments != null) body["comments"] = Comments.ToArray();
        return body;
    }
}

/// <summary>
/// The deprecated legacy alerts API (/security/alerts, v1.0). It fans out to every provider: $top
/// applies per provider (at most 1000), $skip stops at 500, and a failing provider makes the
/// answer 206 with a Warning per provider.
/// </summary>
public sealed class LegacyAlertService : EntityService<LegacyAlert>
{
    public const string CollectionPath = "security/alerts";
    public const int MaxPageSize = 1000;
    /// <summary>Microsoft's announced retirement date of the legacy alerts API.</summary>
    public static readonly DateTime RetirementDate = new DateTime(2026, 8, 31);

    /// <summary>The provider names of vendorInformation/provider.</summary>
    public static readonly string[] Providers =
    {
        "Microsoft Defender ATP", "IPC", "MCAS", "Azure Advanced Threat Protection", "ASC", "Azure Sentinel", "Office 365 Security and Compliance",
    };

    public LegacyAlertService(ApiClient graph) : base(graph, "v1.0", CollectionPath) { }

    /// <summary>
    /// A checked update (see <see cref="CheckedUpdate"/>): reads the alert, refuses when it changed
    /// after the caller's copy, leaves out fields that already hold the value and a comment already
    /// in the list, and sends nothing when nothing is left. The provider comes from
    /// <paramref name="vendor"/>, else from the alert read. The comment list is replaced as a whole.
    /// </summary>
    public async Task<UpdateOutcome<LegacyAlert>> UpdateCheckedAsync(string id, LegacyAlertUpdate update, SecurityVendorInformation? vendor,
        UpdateRequest checks, bool wantItem, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        CheckedUpdate.ThrowIfChangedSince(checks, "legacy alert", id, current.LastModifiedDateTime, null);
        var routing = vendor ?? current.VendorInformation
            ?? throw new InvalidOperationException($"The legacy alert {id} names no provider (vendorInformation), which the API needs to route a change; nothing was changed.");
        var unchanged = new List<string>();
        if (update.Status.HasValue && update.Status == current.Status) { update.Status = null; unchanged.Add("status"); }
        if (update.Feedback.HasValue && update.Feedback == current.Feedback) { update.Feedback = null; unchanged.Add("feedback"); }
        if (update.AssignedTo != null && CheckedUpdate.Holds(current, "assignedTo", update.AssignedTo)) { update.AssignedTo = null; unchanged.Add("assignedTo"); }
        var comment = checks.Comment;
        var commentThere = comment != null && !checks.AllowDuplicateComment && current.Comments.Contains(comment);
        if (comment != null && !commentThere) update.Comments = current.Comments.Concat(new[] { comment }).ToList();

        var outcome = new UpdateOutcome<LegacyAlert>
        {
            Unchanged = unchanged,
            CommentAlreadyThere = commentThere,
            Sent = update.ToBody(routing).Keys.Where(k => k != "vendorInformation" && k != "comments").ToList(),
            CommentAdded = update.Comments != null,
        };
        if (outcome.NothingSent)
        {
            outcome.Item = wantItem ? current : null;
            return outcome;
        }
        outcome.Item = await UpdateAsync(id, update.ToBody(routing), cancellationToken, returnRepresentation: wantItem).ConfigureAwait(false);
        return outcome;
    }
}
