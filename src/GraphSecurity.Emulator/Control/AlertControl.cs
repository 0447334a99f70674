using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Control;

/// <summary>Body of <c>POST /_emulator/tenants/{tenant}/alerts</c>. Every property is optional.</summary>
public sealed class NewAlertsRequest
{
    public int Count { get; set; } = 1;
    /// <summary>Defaults to now. An older value with the default <see cref="LastUpdateDateTime"/> makes a "late-arriving" alert.</summary>
    public DateTimeOffset? CreatedDateTime { get; set; }
    public DateTimeOffset? LastUpdateDateTime { get; set; }
    public string Severity { get; set; }
    public string Status { get; set; }
    public string AssignedTo { get; set; }
    public string Title { get; set; }
}

/// <summary>Body of <c>PATCH /_emulator/tenants/{tenant}/alerts/{id}</c>: a change made "in the portal".</summary>
public sealed class PortalAlertChange
{
    public string Status { get; set; }
    public string AssignedTo { get; set; }
    public string Classification { get; set; }
    public string Determination { get; set; }
    /// <summary>Appended as a comment by <see cref="CommentBy"/>.</summary>
    public string Comment { get; set; }
    public string CommentBy { get; set; } = "Microsoft Defender portal";
    /// <summary>Defaults to now.</summary>
    public DateTimeOffset? LastUpdateDateTime { get; set; }
    /// <summary>Set <c>assignedTo</c> to null (a null <see cref="AssignedTo"/> means "leave unchanged").</summary>
    public bool Unassign { get; set; }
}

/// <summary>Creates and changes alerts_v2 alerts behind the API's back, so watcher tests can drive scenarios.</summary>
public sealed class AlertControl
{
    private readonly AlertRepository _repository;
    private readonly EmulatorClock _clock;
    private readonly EmulatorOptions _options;
    private readonly SeedPools _pools;
    private int _created;

    public AlertControl(AlertRepository repository, EmulatorClock clock, EmulatorOptions options, SeedPools pools)
    {
        _pools = pools;
        _repository = repository;
        _clock = clock;
        _options = options;
    }

    /// <summary>
    /// Generates realistic alerts with the seeder (deterministic: data seed + how many were created before), moved
    /// so that <c>createdDateTime</c> is the requested one, status <c>new</c> unless given.
    /// </summary>
    public List<Alert> Create(Tenant tenant, NewAlertsRequest request)
    {
        if (request.Count is < 1 or > 1000) throw new ArgumentException("'count' must be between 1 and 1000.");
        var status = ParseEnum(SecurityEnums.AlertStatus, request.Status, "status") ?? "new";
        var severity = ParseEnum(SecurityEnums.AlertSeverity, request.Severity, "severity");
        var store = _repository.For(tenant.Id);
        var now = _clock.UtcNow;
        var result = new List<Alert>();
        var batch = new List<Alert>();
        while (result.Count < request.Count)
        {
            var n = Interlocked.Increment(ref _created);
            var created = request.CreatedDateTime ?? now;
            var alert = new AlertSeeder(_options.Seed + n * 7919, tenant, created, 1, _pools.For(tenant.Id)).Generate(1)[0];
            var shift = created - alert.CreatedDateTime;
            alert.CreatedDateTime = created;
            alert.FirstActivityDateTime += shift;
            alert.LastActivityDateTime += shift;
            alert.LastUpdateDateTime = request.LastUpdateDateTime ?? now;
            foreach (var e in alert.Evidence) ShiftEvidence(e, shift);
            alert.Status = status;
            alert.ResolvedDateTime = status == "resolved" ? alert.LastUpdateDateTime : null;
            alert.Classification = status == "resolved" ? alert.Classification : "unknown";
            alert.Determination = status == "resolved" ? alert.Determination : "unknown";
            alert.AssignedTo = request.AssignedTo;
            alert.Comments = new List<AlertComment>();
            if (severity != null) alert.Severity = severity;
            if (request.Title != null) alert.Title = request.Title;
            batch.Add(alert);
            if (batch.Count + result.Count == request.Count)
            {
                result.AddRange(store.AddRange(batch)); // ids are random; a clash (never seen) is simply generated again
                batch.Clear();
            }
        }
        return result;
    }

    /// <summary>Applies a portal change; null when the alert does not exist.</summary>
    public Alert Change(Tenant tenant, string id, PortalAlertChange change)
    {
        var status = ParseEnum(SecurityEnums.AlertStatus, change.Status, "status");
        var classification = ParseEnum(SecurityEnums.AlertClassification, change.Classification, "classification");
        var determination = ParseEnum(SecurityEnums.AlertDetermination, change.Determination, "determination");
        var when = change.LastUpdateDateTime ?? _clock.UtcNow;
        return _repository.For(tenant.Id).Update(id, a =>
        {
            if (status != null)
            {
                if (status == "resolved" && a.Status != "resolved") a.ResolvedDateTime = when;
                if (status != "resolved") a.ResolvedDateTime = null;
                a.Status = status;
            }
            if (classification != null) a.Classification = classification;
            if (determination != null) a.Determination = determination;
            if (change.AssignedTo != null) a.AssignedTo = change.AssignedTo;
            if (change.Unassign) a.AssignedTo = null;
            if (!string.IsNullOrWhiteSpace(change.Comment)) a.Comments.Add(new AlertComment(change.Comment, change.CommentBy, when));
            a.LastUpdateDateTime = when;
        });
    }

    private static string ParseEnum(EnumDef def, string value, string name)
    {
        if (value == null) return null;
        var canonical = def.Parse(value);
        if (canonical == null || canonical == EnumDef.UnknownFutureValue)
            throw new ArgumentException($"'{name}': '{value}' is not one of {string.Join(", ", def.Members.Where(m => m != EnumDef.UnknownFutureValue))}.");
        return canonical;
    }

    private static void ShiftEvidence(JsonObject evidence, TimeSpan shift)
    {
        if (evidence["createdDateTime"] is JsonValue v && v.TryGetValue(out string text) && DateTimeOffset.TryParse(text, out var t))
            evidence["createdDateTime"] = AlertSchema.FormatDate(t + shift);
    }

    /// <summary>The short description the control endpoints return for an alert.</summary>
    public static object Describe(Alert a) => new
    {
        id = a.Id,
        title = a.Title,
        severity = a.Severity,
        status = a.Status,
        assignedTo = a.AssignedTo,
        classification = a.Classification,
        determination = a.Determination,
        createdDateTime = AlertSchema.FormatDate(a.CreatedDateTime),
        lastUpdateDateTime = a.LastUpdateDateTime is { } u ? AlertSchema.FormatDate(u) : null,
        comments = a.Comments.Count,
    };

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
