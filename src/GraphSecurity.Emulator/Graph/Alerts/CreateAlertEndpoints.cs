using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Incidents;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Alerts;

/// <summary>
/// beta createAlert in its two 2026 shapes (provider-and-correlation.md §1.4 A): <c>POST alerts_v2/createAlert</c>
/// with <c>{"createAlertInput":{…}}</c>, and <c>POST alerts_v2</c> with the body typed
/// <c>#microsoft.graph.security.manualAlert</c>. The alert lands in alerts_v2 (detectionSource manual,
/// serviceSource microsoft365Defender, status new) in a new incident or the one linkToIncident names.
/// </summary>
public static partial class CreateAlertEndpoints
{
    public const string ManualAlertType = "microsoft.graph.security.manualAlert";
    public const int MaxDescription = 5000;
    public const int MaxIdentifierValue = 1000;
    public const int MaxEntities = 100;

    /// <summary>The MITRE ATT&amp;CK enterprise tactics createAlert takes as category.</summary>
    public static readonly string[] Tactics =
    {
        "Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence", "PrivilegeEscalation", "DefenseEvasion",
        "CredentialAccess", "Discovery", "LateralMovement", "Collection", "CommandAndControl", "Exfiltration", "Impact",
    };

    private static readonly string[] Severities = { "informational", "low", "medium", "high" };

    [GeneratedRegex(@"^T\d{4}(\.\d{3})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Technique();

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/beta/security/alerts_v2");
        g.MapPost("/createAlert", ctx => CreateAsync(ctx, wrapped: true)).Requires(Permissions.AlertCreate);
        g.MapPost("", ctx => CreateAsync(ctx, wrapped: false)).Requires(Permissions.AlertCreate);
    }

    private static async Task CreateAsync(HttpContext ctx, bool wrapped)
    {
        var caller = ctx.Caller();
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        JsonElement input;
        string prefix;
        if (wrapped)
        {
            if (!body.TryGetProperty("createAlertInput", out input) || input.ValueKind != JsonValueKind.Object)
                throw GraphError.BadRequest("The parameter 'createAlertInput' is required and must be an object.");
            foreach (var p in body.EnumerateObject())
                if (p.Name != "createAlertInput") throw GraphError.BadRequest($"The parameter '{p.Name}' is not defined for the action 'createAlert'.");
            prefix = "createAlertInput.";
        }
        else
        {
            // The plain collection takes no other POST: only a manualAlert may be created through it.
            if (!body.TryGetProperty("@odata.type", out var type) || !string.Equals(type.ValueKind == JsonValueKind.String ? type.GetString().TrimStart('#') : null, ManualAlertType, StringComparison.OrdinalIgnoreCase))
                throw GraphError.BadRequest($"Only alerts of type '#{ManualAlertType}' can be created; set '@odata.type' to it (or use alerts_v2/createAlert).");
            input = body;
            prefix = "";
        }
        var services = ctx.RequestServices;
        var now = services.GetRequiredService<EmulatorClock>().UtcNow;
        var request = Parse(input, prefix);
        var writer = services.GetRequiredService<IncidentWriter>();
        var alert = ToAlert(request, caller.Tenant.Id, now);
        if (request.LinkToIncident is { } link)
        {
            if (writer.AddToIncident(caller.Tenant.Id, link, new[] { alert }) == null)
                throw GraphError.NotFound($"The incident '{link}' given in '{prefix}linkToIncident' was not found.");
        }
        else writer.AddWithNewIncident(caller.Tenant.Id, new[] { alert });

        var root = GraphResponse.ServiceRoot(ctx.Request, "beta");
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        ctx.Response.Headers.Location = $"{root}/security/alerts_v2/{alert.Id}";
        await GraphResponse.WriteAsync(ctx, 201, w => AlertSchema.Write(w, alert, null, includeUnknown, $"{root}/$metadata#security/alerts_v2/$entity"));
    }

    /// <summary>A createAlert input that passed validation.</summary>
    /// <param name="EntityList">Each entity as (type, identifier, value, impacted).</param>
    public sealed record ManualAlertRequest(string Title, string Description, string Category, string Severity,
        List<(string Type, string Identifier, string Value, bool Impacted)> EntityList, string RecommendedActions, List<string> MitreTechniques,
        string LinkToIncident, bool ExcludedFromCorrelation, JsonNode SentinelWorkspace);

    /// <summary>Validates the input; a 400 naming the first field that is wrong.</summary>
    public static ManualAlertRequest Parse(JsonElement input, string prefix = "")
    {
        string title = null, description = null, category = null, severity = null, recommended = null, link = null;
        var mitre = new List<string>();
        var entities = new List<(string, string, string, bool)>();
        var excluded = false;
        JsonNode workspace = null;
        bool sawEntities = false;
        foreach (var p in input.EnumerateObject())
        {
            var field = prefix + p.Name;
            switch (p.Name)
            {
                case "@odata.type": break;
                case "title": title = Text(p, field); break;
                case "description": description = Text(p, field); break;
                case "category": category = Text(p, field); break;
                case "severity": severity = Text(p, field); break;
                case "recommendedActions": recommended = Text(p, field); break;
                case "mitreTechniques":
                    if (p.Value.ValueKind != JsonValueKind.Array || p.Value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
                        throw Invalid(field, "must be an array of strings");
                    mitre = p.Value.EnumerateArray().Select(v => v.GetString()).ToList();
                    var bad = mitre.FirstOrDefault(t => !Technique().IsMatch(t));
                    if (bad != null) throw Invalid(field, $"'{bad}' is not a MITRE ATT&CK technique id (T1234 or T1234.001)");
                    break;
                case "linkToIncident":
                    link = p.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.Number when p.Value.TryGetInt64(out var n) && n > 0 => n.ToString(CultureInfo.InvariantCulture),
                        JsonValueKind.String when long.TryParse(p.Value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => n.ToString(CultureInfo.InvariantCulture),
                        _ => throw Invalid(field, "must be a positive Int64 incident id"),
                    };
                    break;
                case "isExcludedFromCorrelation":
                    excluded = p.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False or JsonValueKind.Null => false,
                        _ => throw Invalid(field, "must be true or false"),
                    };
                    break;
                case "sentinelWorkspace":
                    workspace = JsonNode.Parse(p.Value.GetRawText());
                    break;
                case "entityDefinitions":
                    sawEntities = true;
                    if (p.Value.ValueKind != JsonValueKind.Array) throw Invalid(field, "must be an array");
                    int i = 0;
                    foreach (var e in p.Value.EnumerateArray()) entities.Add(Entity(e, $"{field}[{i++}]"));
                    break;
                default:
                    throw GraphRequest.UnknownProperty(p.Name, ManualAlertType);
            }
        }
        Required(title, prefix + "title");
        Required(description, prefix + "description");
        if (description.Length > MaxDescription) throw Invalid(prefix + "description", $"is {description.Length} characters long; at most {MaxDescription} are allowed");
        Required(category, prefix + "category");
        var tactic = Tactics.FirstOrDefault(t => string.Equals(t, category, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(prefix + "category", $"'{category}' is not a MITRE ATT&CK tactic. Valid values: {string.Join(", ", Tactics)}");
        Required(severity, prefix + "severity");
        var sev = Severities.FirstOrDefault(s => string.Equals(s, severity, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(prefix + "severity", $"'{severity}' is not a severity. Valid values: {string.Join(", ", Severities)}");
        if (!sawEntities || entities.Count == 0) throw Invalid(prefix + "entityDefinitions", "is required and must hold at least 1 entity");
        if (entities.Count > MaxEntities) throw Invalid(prefix + "entityDefinitions", $"holds {entities.Count} entities; at most {MaxEntities} are allowed");
        return new ManualAlertRequest(title, description, tactic, sev, entities, recommended, mitre, link, excluded, workspace);
    }

    private static (string, string, string, bool) Entity(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Invalid(field, "must be an object");
        string type = null, identifier = null, value = null, role = null;
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "entityType": type = Text(p, $"{field}.entityType"); break;
                case "entityIdentifier": identifier = Text(p, $"{field}.entityIdentifier"); break;
                case "identifierValue": value = Text(p, $"{field}.identifierValue"); break;
                case "role": role = Text(p, $"{field}.role"); break;
                default: throw Invalid($"{field}.{p.Name}", "is not a property of an entity definition (entityType, entityIdentifier, identifierValue, role)");
            }
        }
        Required(type, $"{field}.entityType");
        var canonical = PartnerEvidence.EntityType(type)
            ?? throw Invalid($"{field}.entityType", $"'{type}' is not an entity type. Valid values: {string.Join(", ", PartnerEvidence.Identifiers.Keys)}");
        Required(identifier, $"{field}.entityIdentifier");
        var id = PartnerEvidence.Identifier(canonical, identifier)
            ?? throw Invalid($"{field}.entityIdentifier", $"'{identifier}' is not an identifier of '{canonical}'. Valid values: {string.Join(", ", PartnerEvidence.Identifiers[canonical])}");
        Required(value, $"{field}.identifierValue");
        if (value.Length > MaxIdentifierValue) throw Invalid($"{field}.identifierValue", $"is {value.Length} characters long; at most {MaxIdentifierValue} are allowed");
        Required(role, $"{field}.role");
        var impacted = role.ToLowerInvariant() switch
        {
            "impacted" => true,
            "related" => false,
            _ => throw Invalid($"{field}.role", $"'{role}' is not a role. Valid values: impacted, related"),
        };
        return (canonical, id, value, impacted);
    }

    /// <summary>A string property (null allowed); shared with the detection-rule parser.</summary>
    internal static string Text(JsonProperty p, string field) => p.Value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => p.Value.GetString(),
        _ => throw Invalid(field, "must be a string"),
    };

    internal static void Required(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) throw Invalid(field, "is required");
    }

    internal static GraphError Invalid(string field, string why) => GraphError.BadRequest($"Invalid value for '{field}': it {why}.");

    /// <summary>The alert a validated input makes (its incident is attached when published).</summary>
    public static Alert ToAlert(ManualAlertRequest r, string tenantId, DateTimeOffset now)
    {
        var guid = Guid.NewGuid().ToString();
        var alert = new Alert
        {
            Id = "ma" + guid, ProviderAlertId = "manual_" + guid, TenantId = tenantId, Title = r.Title, Description = r.Description,
            Category = r.Category, Categories = new List<string> { r.Category }, Severity = r.Severity, Status = "new",
            Classification = "unknown", Determination = "unknown", DetectionSource = "manual", ServiceSource = "microsoft365Defender",
            ProductName = "Microsoft Defender XDR", MitreTechniques = r.MitreTechniques, RecommendedActions = r.RecommendedActions,
            CreatedDateTime = now, LastUpdateDateTime = now, FirstActivityDateTime = now, LastActivityDateTime = now,
            InvestigationState = "unsupportedAlertType", AlertWebUrl = $"https://security.microsoft.com/alerts/ma{guid}?tid={tenantId}",
            AdditionalData = new JsonObject { ["isExcludedFromCorrelation"] = r.ExcludedFromCorrelation }, CustomDetails = new JsonObject(),
        };
        if (r.SentinelWorkspace != null) alert.AdditionalData["sentinelWorkspace"] = r.SentinelWorkspace.DeepClone();
        alert.Evidence = r.EntityList.Select(e => PartnerEvidence.Build(e.Type, e.Identifier, e.Value, e.Impacted, now, tenantId)).ToList();
        return alert;
    }
}
