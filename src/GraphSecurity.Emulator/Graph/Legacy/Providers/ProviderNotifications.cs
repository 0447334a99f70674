using System.Text.Json;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.Legacy.Providers;

/// <summary>
/// <c>POST /gsprov/v1/notifications</c>: where partner providers report their alerts' changes. The caller is
/// the provider's own app (a Graph token from its home tenant); each item must be an alert of that provider for
/// a tenant that consented to it. Accepted changes go to the subscriptions on security/alerts like any other.
/// </summary>
public static class ProviderNotifications
{
    public const string Path = "/gsprov/v1/notifications";
    private static readonly string[] ChangeTypes = { "created", "updated" };

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(Path, ReceiveAsync);

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message } }, statusCode: status);

    private static async Task<IResult> ReceiveAsync(HttpContext ctx, PartnerProviderRegistry registry, PartnerClient client, AlertBroker broker, LegacyAlertEvents events)
    {
        CallerPrincipal caller;
        try { caller = await ApiAuth.AuthenticateAsync(ctx, ApiResources.Graph); }
        catch (GraphError e)
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer";
            return Error(401, "InvalidAuthenticationToken", e.Message);
        }
        var mine = registry.ForApp(caller.AppId).ToList();
        if (mine.Count == 0) return Error(403, "Forbidden", $"The app '{caller.AppId}' is not a registered provider.");

        JsonElement body;
        try { body = (await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted)).RootElement; }
        catch (JsonException e) { return Error(400, "BadRequest", "The body is not JSON: " + e.Message); }
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            return Error(400, "BadRequest", "The body must be {\"value\": [ {changeType, tenantId, resource, alert}, … ]}.");

        // Every item is checked before any is published, so a bad batch changes nothing.
        var accepted = new List<(string Tenant, PartnerProvider Provider, LegacyAlert Alert, string ChangeType)>();
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            string Text(string name) => item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var changeType = Text("changeType");
            var tenantId = Text("tenantId")?.ToLowerInvariant();
            if (!ChangeTypes.Contains(changeType)) return Error(400, "BadRequest", $"value[{index}]: 'changeType' must be created or updated, not '{changeType}'.");
            if (tenantId == null || !item.TryGetProperty("alert", out var alertJson)) return Error(400, "BadRequest", $"value[{index}]: 'tenantId' and 'alert' are required.");
            var vendor = alertJson.ValueKind == JsonValueKind.Object && alertJson.TryGetProperty("vendorInformation", out var vi) && vi.ValueKind == JsonValueKind.Object ? vi : default;
            string VendorText(string name) => vendor.ValueKind == JsonValueKind.Object && vendor.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var provider = mine.FirstOrDefault(p => p.Owns(VendorText("vendor"), VendorText("provider")));
            if (provider == null)
                return Error(403, "Forbidden", $"value[{index}]: the app may report only its own providers' alerts ({string.Join(", ", mine.Select(p => p.Vendor + "/" + p.Provider))}).");
            if (!client.IsConsented(provider, tenantId)) return Error(403, "Forbidden", $"value[{index}]: tenant '{tenantId}' has not consented to {provider.Vendor}/{provider.Provider}.");
            var alert = PartnerAlertReader.Read(alertJson, provider, tenantId, out var problem);
            if (alert == null) return Error(400, "BadRequest", $"value[{index}]: {problem}.");
            accepted.Add((tenantId, provider, alert, changeType));
            index++;
        }
        foreach (var (tenant, provider, alert, changeType) in accepted)
        {
            broker.Remember(tenant, new PartnerAlertProvider(provider, client), new[] { alert });
            events.Publish(tenant, alert, changeType);
        }
        return Results.Json(new { accepted = accepted.Count }, statusCode: 202);
    }
}
