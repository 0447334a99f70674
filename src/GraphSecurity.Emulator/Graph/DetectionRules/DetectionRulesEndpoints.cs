using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.DetectionRules;

/// <summary>The custom detection rules of every tenant, by tenant and id (ids compare case-insensitively).</summary>
public sealed class DetectionRuleStore
{
    private readonly Dictionary<string, DetectionRule> _rules = new(StringComparer.OrdinalIgnoreCase);

    private static string Key(string tenantId, string id) => tenantId + "/" + id;

    public List<DetectionRule> List(string tenantId)
    {
        lock (_rules) return _rules.Values.Where(r => r.TenantId == tenantId).OrderBy(r => r.CreatedDateTime).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    public List<DetectionRule> All()
    {
        lock (_rules) return _rules.Values.ToList();
    }

    public DetectionRule Find(string tenantId, string id)
    {
        lock (_rules) return _rules.GetValueOrDefault(Key(tenantId, id));
    }

    /// <summary>Any tenant's rule of that id (the control route names no tenant).</summary>
    public DetectionRule FindAny(string id)
    {
        lock (_rules) return _rules.Values.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
    }

    public bool Add(DetectionRule rule)
    {
        lock (_rules) return _rules.TryAdd(Key(rule.TenantId, rule.Id), rule);
    }

    public void Replace(DetectionRule rule)
    {
        lock (_rules) _rules[Key(rule.TenantId, rule.Id)] = rule;
    }

    public bool Remove(string tenantId, string id)
    {
        lock (_rules) return _rules.Remove(Key(tenantId, id));
    }

    public List<DetectionRule> Clear()
    {
        lock (_rules)
        {
            var all = _rules.Values.ToList();
            _rules.Clear();
            return all;
        }
    }
}

/// <summary>beta /security/rules/detectionRules: list, get, create (201 + Location), PATCH, DELETE (204).</summary>
public static class DetectionRulesEndpoints
{
    public const string Path = "/beta/security/rules/detectionRules";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ListAsync).Requires(Permissions.CustomDetectionRead);
        app.MapGet(Path + "/{id}", GetAsync).Requires(Permissions.CustomDetectionRead);
        app.MapPost(Path, CreateAsync).Requires(Permissions.CustomDetectionWrite);
        app.MapMethods(Path + "/{id}", new[] { "PATCH" }, PatchAsync).Requires(Permissions.CustomDetectionWrite);
        app.MapDelete(Path + "/{id}", Delete).Requires(Permissions.CustomDetectionWrite);
    }

    private static async Task ListAsync(HttpContext ctx)
    {
        var s = Services(ctx);
        var root = GraphResponse.ServiceRoot(ctx.Request, "beta");
        var value = new JsonArray(s.Store.List(ctx.Caller().Tenant.Id).Select(r => (JsonNode)ToJson(r, s.TimeScale)).ToArray());
        var body = new JsonObject { ["@odata.context"] = $"{root}/$metadata#security/rules/detectionRules", ["value"] = value };
        await GraphResponse.WriteAsync(ctx, 200, w => body.WriteTo(w));
    }

    private static async Task GetAsync(HttpContext ctx)
    {
        var s = Services(ctx);
        var rule = Existing(s.Store, ctx);
        await WriteAsync(ctx, 200, rule, s.TimeScale);
    }

    private static async Task CreateAsync(HttpContext ctx)
    {
        var caller = ctx.Caller();
        var s = Services(ctx);
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        var now = s.Clock.UtcNow;
        var by = Actor(caller);
        var rule = new DetectionRule { TenantId = caller.Tenant.Id, Description = "", CreatedBy = by, LastModifiedBy = by, CreatedDateTime = now, LastModifiedDateTime = now };
        DetectionRuleParser.Apply(body, rule, patch: false);
        s.Runner.Validate(rule);
        if (!s.Store.Add(rule)) throw new GraphError(409, "Conflict", $"A detection rule with the id '{rule.Id}' already exists.");
        ctx.Response.Headers.Location = $"{GraphResponse.ServiceRoot(ctx.Request, "beta")}/security/rules/detectionRules/{rule.Id}";
        await WriteAsync(ctx, 201, rule, s.TimeScale);
    }

    private static async Task PatchAsync(HttpContext ctx)
    {
        var s = Services(ctx);
        var current = Existing(s.Store, ctx);
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        var rule = current.Clone();
        DetectionRuleParser.Apply(body, rule, patch: true);
        if (string.IsNullOrWhiteSpace(rule.DisplayName)) throw DetectionRuleParser.Invalid("displayName", "is required");
        if (body.TryGetProperty("queryCondition", out _) || body.TryGetProperty("detectionAction", out _) || body.TryGetProperty("schedule", out _)) s.Runner.Validate(rule);
        rule.LastModifiedBy = Actor(ctx.Caller());
        rule.LastModifiedDateTime = s.Clock.UtcNow;
        s.Store.Replace(rule);
        await WriteAsync(ctx, 200, rule, s.TimeScale);
    }

    private static IResult Delete(HttpContext ctx, string id)
    {
        var s = Services(ctx);
        if (!s.Store.Remove(ctx.Caller().Tenant.Id, id)) throw NotFound(id);
        return Results.NoContent();
    }

    private static DetectionRule Existing(DetectionRuleStore store, HttpContext ctx)
    {
        var id = (string)ctx.Request.RouteValues["id"];
        return store.Find(ctx.Caller().Tenant.Id, id) ?? throw NotFound(id);
    }

    private static GraphError NotFound(string id) => GraphError.NotFound($"The detection rule '{id}' was not found.");

    private static string Actor(CallerPrincipal caller) => caller.UserPrincipalName ?? caller.AppDisplayName ?? caller.AppId;

    private static (DetectionRuleStore Store, DetectionRuleRunner Runner, EmulatorClock Clock, double TimeScale) Services(HttpContext ctx)
    {
        var sp = ctx.RequestServices;
        return (sp.GetRequiredService<DetectionRuleStore>(), sp.GetRequiredService<DetectionRuleRunner>(), sp.GetRequiredService<EmulatorClock>(),
            sp.GetRequiredService<EmulatorOptions>().DetectionRuleTimeScale);
    }

    private static async Task WriteAsync(HttpContext ctx, int status, DetectionRule rule, double timeScale)
    {
        var json = ToJson(rule, timeScale);
        json.Insert(0, "@odata.context", $"{GraphResponse.ServiceRoot(ctx.Request, "beta")}/$metadata#security/rules/detectionRules/$entity");
        await GraphResponse.WriteAsync(ctx, status, w => json.WriteTo(w));
    }

    /// <summary>The rule in the 2026 shape (tactics and entityMappings; category, mitreTechniques and impactedAssets are gone).</summary>
    public static JsonObject ToJson(DetectionRule r, double timeScale)
    {
        var mappings = new JsonObject();
        foreach (var (collection, m) in DetectionRuleParser.Mappings)
        {
            var items = r.Entities.Where(e => e.EvidenceType == m.Type).GroupBy(e => e.Item)
                .Select(g => (JsonNode)new JsonObject(g.Select(e => KeyValuePair.Create(m.Columns.First(c => c.Value == e.Identifier).Key, (JsonNode)e.Column)))).ToArray();
            if (items.Length > 0) mappings[collection] = new JsonArray(items);
        }
        var tactics = new JsonArray();
        if (r.Category != null || r.MitreTechniques.Count > 0)
        {
            var techniques = r.MitreTechniques.Where(t => !t.Contains('.', StringComparison.Ordinal))
                .Select(t => (JsonNode)new JsonObject
                {
                    ["technique"] = t,
                    ["subTechniques"] = new JsonArray(r.MitreTechniques.Where(s => s.StartsWith(t + ".", StringComparison.Ordinal)).Select(s => (JsonNode)s).ToArray()),
                }).ToArray();
            tactics.Add(new JsonObject { ["tactic"] = r.Category, ["techniques"] = new JsonArray(techniques) });
        }
        var run = r.Run;
        return new JsonObject
        {
            ["id"] = r.Id,
            ["displayName"] = r.DisplayName,
            ["description"] = r.Description,
            ["status"] = r.Status,
            ["createdBy"] = r.CreatedBy,
            ["createdDateTime"] = DetectionRuleRunner.Format(r.CreatedDateTime),
            ["lastModifiedBy"] = r.LastModifiedBy,
            ["lastModifiedDateTime"] = DetectionRuleRunner.Format(r.LastModifiedDateTime),
            ["queryCondition"] = new JsonObject { ["queryText"] = r.QueryText },
            ["schedule"] = new JsonObject
            {
                ["frequency"] = r.FrequencyText,
                ["nextRunDateTime"] = r.Status == "enabled" ? DetectionRuleRunner.Format(DetectionRuleRunner.NextRun(r, timeScale)) : null,
            },
            ["detectionAction"] = new JsonObject
            {
                ["alertTemplate"] = new JsonObject
                {
                    ["title"] = r.Title,
                    ["description"] = r.AlertDescription,
                    ["severity"] = r.Severity,
                    ["recommendedActions"] = r.RecommendedActions,
                    ["tactics"] = tactics,
                    ["entityMappings"] = mappings,
                },
                ["automatedActions"] = r.AutomatedActions?.DeepClone(),
                ["responseActions"] = r.ResponseActions?.DeepClone() ?? new JsonArray(),
            },
            ["lastRunDetails"] = run.LastRunDateTime == null ? null : new JsonObject
            {
                ["lastRunDateTime"] = DetectionRuleRunner.Format(run.LastRunDateTime.Value),
                ["status"] = run.Status,
                ["failureReason"] = run.FailureReason,
                ["errorCode"] = run.ErrorCode,
            },
        };
    }
}
