using System.Text.Json;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Incidents;

/// <summary>
/// beta <c>POST /security/incidents/mergeIncidents</c> and <c>POST /security/alerts_v2/moveAlerts</c>
/// (provider-and-correlation.md §2.1), with Defender's refusals: nothing closed is merged or reopened, nor
/// incidents with different assignees or classifications, and at most five incidents at a time. Both answer
/// <c>{"targetIncidentId": "…"}</c>; a merged-away incident becomes <c>redirected</c>, closed, pointing at its target.
/// </summary>
public static class IncidentMerging
{
    public const int MaxMergedIncidents = 5;
    public const int MaxMovedAlerts = 50;

    /// <summary>The flags enum <c>correlationReason</c>, sent comma-separated.</summary>
    public static readonly EnumDef CorrelationReason = new("correlationReason",
        "repeatedAlertOccurrence", "sameGeography", "similarArtifacts", "sameTargetedAsset", "sameNetworkSegment", "eventSequence", "timeFrame",
        "sameThreatSource", "similarTTPsOrBehavior", "sameActor", "sameCampaign", "sharedIndicators", "sameAsset", "networkProximity",
        "eventCasualSequence", "temporalProximity", "lateralMovementPath", "unknownFutureValue");

    private static readonly object Lock = new();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/beta/security/incidents/mergeIncidents", MergeAsync).Requires(Permissions.IncidentWrite);
        app.MapPost("/beta/security/alerts_v2/moveAlerts", MoveAsync).Requires(Permissions.AlertWrite);
    }

    private static bool IsClosed(Incident i) => i.Status is "resolved" or "redirected";

    private static List<string> Ids(JsonElement body, string name, int min, int max)
    {
        if (!body.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array)
            throw GraphError.BadRequest($"The parameter '{name}' is required: an array of ids.");
        var ids = v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : throw GraphError.BadRequest($"'{name}' must hold strings."))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (ids.Count < min || ids.Count > max) throw GraphError.BadRequest($"'{name}' must hold {min} to {max} distinct ids, not {ids.Count}.");
        return ids;
    }

    /// <summary>Checks a comma-separated correlationReason value; null when absent.</summary>
    private static string Reasons(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw GraphError.BadRequest($"'{name}' must be a string of comma-separated correlationReason values.");
        var members = v.GetString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(m => CorrelationReason.Parse(m) ?? throw GraphError.BadRequest($"'{m}' is not a member of 'microsoft.graph.security.correlationReason'.")).ToList();
        return string.Join(", ", members);
    }

    private static string Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static Task WriteTarget(HttpContext ctx, string targetId) =>
        GraphResponse.WriteAsync(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", $"{GraphResponse.ServiceRoot(ctx.Request, "beta")}/$metadata#microsoft.graph.security.mergeResponse");
            w.WriteString("targetIncidentId", targetId);
            w.WriteEndObject();
        });

    private static async Task MergeAsync(HttpContext ctx, TenantStores<Incident> incidents, AlertRepository alerts, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        var ids = Ids(body, "incidentIds", 2, MaxMergedIncidents);
        var reasons = Reasons(body, "mergeReasons");
        var comment = Text(body, "incidentComment");
        var store = incidents.For(principal.Tenant.Id);
        string target;
        lock (Lock)
        {
            var found = ids.Select(id => store.Get(id) ?? throw GraphError.NotFound($"Incident with id '{id}' was not found.")).ToList();
            CheckMergeable(found);
            // Defender picks the direction: the incident with the most alerts absorbs the others (the oldest on a tie).
            var into = found.OrderByDescending(i => i.AlertIds.Count).ThenBy(i => i.CreatedDateTime).ThenBy(i => i.Id, StringComparer.Ordinal).First();
            target = into.Id;
            var moved = found.Where(i => i.Id != target).ToList();
            Absorb(store, alerts.For(principal.Tenant.Id), into, moved.SelectMany(i => i.AlertIds).ToList(), moved.SelectMany(i => i.CustomTags),
                comment, reasons, principal, clock.UtcNow);
            foreach (var source in moved) Redirect(store, source.Id, target, clock.UtcNow);
        }
        await WriteTarget(ctx, target);
    }

    private static void CheckMergeable(IReadOnlyList<Incident> found)
    {
        if (found.FirstOrDefault(IsClosed) is { } closed)
            throw GraphError.BadRequest($"Incident '{closed.Id}' is {closed.Status}: closed incidents are not merged.");
        var assignees = found.Select(i => i.AssignedTo).Where(a => !string.IsNullOrEmpty(a)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (assignees.Count > 1) throw GraphError.BadRequest($"Incidents with different assignees ({string.Join(", ", assignees)}) are not merged.");
        foreach (var (name, get) in new (string, Func<Incident, string>)[] { ("classification", i => i.Classification), ("determination", i => i.Determination) })
        {
            var values = found.Select(get).Where(v => v != null && v != "unknown").Distinct().ToList();
            if (values.Count > 1) throw GraphError.BadRequest($"Incidents with different {name}s ({string.Join(", ", values)}) are not merged.");
        }
    }

    private static async Task MoveAsync(HttpContext ctx, TenantStores<Incident> incidents, AlertRepository alertRepository, IncidentWriter writer, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        var ids = Ids(body, "alertIds", 1, MaxMovedAlerts);
        var reasons = Reasons(body, "newCorrelationReasons");
        var comment = Text(body, "alertComment");
        var targetId = body.TryGetProperty("incidentId", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var store = incidents.For(principal.Tenant.Id);
        var alerts = alertRepository.For(principal.Tenant.Id);
        string target;
        lock (Lock)
        {
            var moving = ids.Select(id => alerts.Get(id) ?? throw GraphError.NotFound($"Alert with id '{id}' was not found.")).ToList();
            var sources = moving.Select(a => a.IncidentId).Where(i => i != null).Distinct().Select(store.Get).Where(i => i != null).ToList();
            if (sources.FirstOrDefault(IsClosed) is { } closedSource)
                throw GraphError.BadRequest($"Alerts of incident '{closedSource.Id}', which is {closedSource.Status}, are not moved.");
            Incident into;
            if (targetId != null)
            {
                into = store.Get(targetId) ?? throw GraphError.NotFound($"Incident with id '{targetId}' was not found.");
                if (IsClosed(into)) throw GraphError.BadRequest($"Incident '{targetId}' is {into.Status}: alerts are not moved into a closed incident.");
            }
            else into = writer.NewIncidentFor(principal.Tenant.Id, moving);
            target = into.Id;
            var now = clock.UtcNow;
            Absorb(store, alerts, into, ids, Array.Empty<string>(), comment, reasons, principal, now);
            foreach (var source in sources.Where(s => s.Id != target))
            {
                var left = store.Update(source.Id, i => { i.AlertIds = i.AlertIds.Where(a => !ids.Contains(a, StringComparer.OrdinalIgnoreCase)).ToList(); i.LastUpdateDateTime = now; });
                // An incident left without alerts goes where they went.
                if (left.AlertIds.Count == 0) Redirect(store, left.Id, target, now);
            }
        }
        await WriteTarget(ctx, target);
    }

    /// <summary>Moves the alerts (and tags) into the target; the alerts' incidentId and web URL follow.</summary>
    private static void Absorb(EntityStore<Incident> store, AlertStore alerts, Incident into, IReadOnlyList<string> alertIds, IEnumerable<string> tags,
        string comment, string reasons, CallerPrincipal principal, DateTimeOffset now)
    {
        foreach (var id in alertIds)
            alerts.Update(id, a => { a.IncidentId = into.Id; a.IncidentWebUrl = IncidentWriter.WebUrl(principal.Tenant.Id, into.Id); a.LastUpdateDateTime = now; });
        var moved = alertIds.Select(alerts.Get).Where(a => a != null).ToList();
        store.Update(into.Id, i =>
        {
            i.AlertIds = i.AlertIds.Concat(alertIds).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            i.CustomTags = i.CustomTags.Concat(tags).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            i.Severity = moved.Select(a => a.Severity).Append(i.Severity).MaxBy(s => SecurityEnums.AlertSeverity.Ordinal(s));
            i.LastUpdateDateTime = now;
            i.LastModifiedBy = principal.ActorDisplayName;
            var text = string.Join(" ", new[] { comment, reasons == null ? null : $"(correlation: {reasons})" }.Where(s => s != null));
            if (text.Length > 0) i.Comments = i.Comments.Append(new AlertComment(text, principal.ActorDisplayName, now)).ToList();
        });
    }

    private static void Redirect(EntityStore<Incident> store, string sourceId, string targetId, DateTimeOffset now) =>
        store.Update(sourceId, i =>
        {
            i.Status = "redirected";
            i.RedirectIncidentId = targetId;
            i.AlertIds = new List<string>();
            i.SystemTags = i.SystemTags.Append("Redirected").Distinct().ToList();
            i.LastUpdateDateTime = now;
        });
}
