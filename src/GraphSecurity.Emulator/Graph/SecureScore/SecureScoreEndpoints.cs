using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.SecureScore;

/// <summary>/security/secureScores and /security/secureScoreControlProfiles on v1.0 and beta.</summary>
public static class SecureScoreEndpoints
{
    private const string ScoresPath = "security/secureScores";
    private const string ProfilesPath = "security/secureScoreControlProfiles";
    private const string ProfileType = "microsoft.graph.secureScoreControlProfile";
    /// <summary>Values of secureScoreControlStateUpdate.state accepted by PATCH (case-insensitive, stored as listed).</summary>
    private static readonly string[] States = { "Default", "Ignored", "ThirdParty", "Reviewed" };

    public static void Map(IEndpointRouteBuilder app, string version)
    {
        var scores = app.MapGroup($"/{version}/{ScoresPath}").Requires(Permissions.SecurityEventsRead);
        scores.MapGet("", async (HttpContext ctx, TenantStores<SecureScore> store) =>
        {
            var tenant = ctx.Caller().Tenant.Id;
            await SimpleResource.ListAsync(ctx, version, ScoresPath, SecureScoreSchemas.ScoreRules, store.For(tenant).Snapshot(),
                CollectionQuery.NewestFirst<SecureScore>(s => s.CreatedDateTime), s => s.Id);
        });
        scores.MapGet("/{id}", async (HttpContext ctx, string id, TenantStores<SecureScore> store) =>
        {
            var tenant = ctx.Caller().Tenant.Id;
            var score = store.For(tenant).Get(id) ?? throw GraphError.NotFound($"Secure score with id '{id}' was not found.");
            await SimpleResource.GetAsync(ctx, version, ScoresPath, SecureScoreSchemas.ScoreRules, score);
        });

        var profiles = app.MapGroup($"/{version}/{ProfilesPath}");
        profiles.MapGet("", async (HttpContext ctx, TenantStores<SecureScoreControlProfile> store) =>
        {
            var tenant = ctx.Caller().Tenant.Id;
            await SimpleResource.ListAsync(ctx, version, ProfilesPath, SecureScoreSchemas.ProfileRules, store.For(tenant).Snapshot(),
                xs => xs.OrderBy(p => p.Deprecated).ThenBy(p => p.Rank), p => p.Id);
        }).Requires(Permissions.SecurityEventsRead);
        profiles.MapGet("/{id}", async (HttpContext ctx, string id, TenantStores<SecureScoreControlProfile> store) =>
        {
            var tenant = ctx.Caller().Tenant.Id;
            await SimpleResource.GetAsync(ctx, version, ProfilesPath, SecureScoreSchemas.ProfileRules, store.For(tenant).Get(id) ?? throw ProfileNotFound(id));
        }).Requires(Permissions.SecurityEventsRead);
        profiles.MapMethods("/{id}", new[] { "PATCH" }, (HttpContext ctx, string id, TenantStores<SecureScoreControlProfile> store, EmulatorClock clock) =>
            PatchAsync(ctx, version, id, store, clock)).Requires(Permissions.SecurityEventsWrite);
    }

    private static GraphError ProfileNotFound(string id) => GraphError.NotFound($"Secure score control profile with id '{id}' was not found.");

    /// <summary>
    /// The flat body (assignedTo, comment, state, vendorInformation) appends one controlStateUpdates entry.
    /// 204, or 200 with the profile when the caller sends Prefer: return=representation.
    /// </summary>
    private static async Task PatchAsync(HttpContext ctx, string version, string id, TenantStores<SecureScoreControlProfile> stores, EmulatorClock clock)
    {
        var principal = ctx.Caller();
        var store = stores.For(principal.Tenant.Id);
        if (store.Get(id) == null) throw ProfileNotFound(id);
        var body = await GraphRequest.ReadJsonObjectAsync(ctx);
        string assignedTo = null, comment = null, state = null;
        bool vendor = false;
        foreach (var prop in body.EnumerateObject())
        {
            switch (prop.Name)
            {
                case "@odata.type": GraphRequest.CheckODataType(prop.Value, ProfileType); break;
                case "assignedTo": assignedTo = GraphRequest.StringOrNull(prop); break;
                case "comment": comment = GraphRequest.StringOrNull(prop); break;
                case "state":
                    var text = GraphRequest.StringOrNull(prop);
                    state = States.FirstOrDefault(s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase))
                        ?? throw GraphError.BadRequest($"Invalid value '{text}' for 'state'. Valid values: {string.Join(", ", States)}.");
                    break;
                case "vendorInformation":
                    VendorInformation.Require(prop.Value, "SecureScore");
                    vendor = true;
                    break;
                default:
                    if (SecureScoreSchemas.ControlProfile.Find(prop.Name) != null)
                        throw GraphError.BadRequest($"The property '{prop.Name}' is read-only and cannot be updated. Updatable properties: assignedTo, comment, state (plus vendorInformation).");
                    throw GraphRequest.UnknownProperty(prop.Name, ProfileType);
            }
        }
        if (!vendor) throw VendorInformation.Missing();
        var updated = store.Update(id, p =>
        {
            var now = clock.UtcNow;
            p.ControlStateUpdates.Add(new JsonObject
            {
                ["assignedTo"] = assignedTo,
                ["comment"] = comment,
                ["state"] = state ?? "Default",
                ["updatedBy"] = principal.AppId,
                ["updatedDateTime"] = EntitySchema.FormatDate(now),
            });
            p.LastModifiedDateTime = now;
        });
        if (GraphRequest.WantsRepresentation(ctx.Request))
            await SimpleResource.WriteEntityAsync(ctx, version, ProfilesPath, SecureScoreSchemas.ControlProfile, updated);
        else
            ctx.Response.StatusCode = 204;
    }
}

/// <summary>The securityVendorInformation that legacy-style PATCH bodies must carry (it routes the update to a provider).</summary>
public static class VendorInformation
{
    public static GraphError Missing() =>
        GraphError.BadRequest("The property 'vendorInformation' is required: it must name the 'provider' and 'vendor' of the entity being updated.");

    /// <summary>Checks provider and vendor; <paramref name="expectedProvider"/> null accepts any provider. Returns the provider.</summary>
    public static string Require(JsonElement value, string expectedProvider)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Missing();
        string Read(string name) => value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var provider = Read("provider");
        var vendor = Read("vendor");
        if (string.IsNullOrEmpty(provider) || string.IsNullOrEmpty(vendor)) throw Missing();
        if (expectedProvider != null && !string.Equals(provider, expectedProvider, StringComparison.OrdinalIgnoreCase))
            throw GraphError.BadRequest($"Invalid vendorInformation: provider '{provider}' does not match '{expectedProvider}'.");
        if (!string.Equals(vendor, "Microsoft", StringComparison.OrdinalIgnoreCase))
            throw GraphError.BadRequest($"Invalid vendorInformation: vendor '{vendor}' does not match 'Microsoft'.");
        return provider;
    }
}
