using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Legacy.Providers;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph.SecurityActions;

/// <summary>
/// Security actions whose vendorInformation names a partner provider: the broker creates them at the provider
/// (gsprov/1 <c>POST securityActions</c>), keeps only the link, and reads their state from the provider each
/// time, so what Graph shows is what the partner's product did. Ids are Graph's own, mapped to the partner's.
/// </summary>
public sealed class PartnerSecurityActions
{
    private sealed record Link(string TenantId, string ProviderId, string RemoteId, DateTimeOffset Created, string AppId)
    {
        public SecurityAction.View Last { get; set; }
    }

    private readonly ConcurrentDictionary<string, Link> _links = new(StringComparer.OrdinalIgnoreCase);
    private readonly PartnerProviderRegistry _registry;
    private readonly PartnerClient _client;

    public PartnerSecurityActions(PartnerProviderRegistry registry, PartnerClient client)
    {
        _registry = registry;
        _client = client;
    }

    /// <summary>The partner provider a create request's vendorInformation names, when the tenant has consented to it.</summary>
    public PartnerProvider ProviderFor(string tenantId, JsonElement body)
    {
        if (!body.TryGetProperty("vendorInformation", out var vendor) || vendor.ValueKind != JsonValueKind.Object) return null;
        string Member(string name) => vendor.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var provider = _registry.FindByName(Member("vendor"), Member("provider"));
        return provider != null && _client.IsConsented(provider, tenantId) ? provider : null;
    }

    public bool Holds(string tenantId, string id) => _links.TryGetValue(id, out var l) && l.TenantId == tenantId;

    public async Task<SecurityAction.View> CreateAsync(CallerPrincipal caller, PartnerProvider provider, JsonElement body, CancellationToken cancellationToken)
    {
        var answer = await _client.SendAsync(provider, caller.Tenant.Id, HttpMethod.Post, "securityActions", ToContract(body), cancellationToken).ConfigureAwait(false);
        if (answer.Status == 400) throw GraphError.BadRequest($"{provider.Vendor}/{provider.Provider} refused the action: {answer.Problem}");
        if (!answer.Succeeded || answer.Body is not { } json) throw Failed(provider, answer, "create the action");
        var remoteId = json.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        if (string.IsNullOrEmpty(remoteId)) throw Failed(provider, answer with { Problem = "the reply has no action id" }, "create the action");
        var link = new Link(caller.Tenant.Id, provider.Id, remoteId, DateTimeOffset.UtcNow, caller.AppId);
        var graphId = Guid.NewGuid().ToString();
        link.Last = Read(graphId, link, provider, json);
        _links[graphId] = link;
        return link.Last;
    }

    /// <summary>
    /// Graph's documented BlockIp takes its address as parameter <c>IP</c>; gsprov/1 names actions in camelCase with
    /// <c>ipAddress</c>. The broker translates that one documented action and passes every other body through.
    /// </summary>
    public static JsonNode ToContract(JsonElement body)
    {
        var node = JsonNode.Parse(body.GetRawText())!.AsObject();
        if (!string.Equals((string)node["name"], SecurityActionsEndpoints.BlockIp, StringComparison.OrdinalIgnoreCase)) return node;
        node["name"] = "blockIp";
        if (node["parameters"] is JsonArray parameters)
            foreach (var p in parameters.OfType<JsonObject>())
                if (string.Equals((string)p["name"], "IP", StringComparison.OrdinalIgnoreCase)) p["name"] = "ipAddress";
        return node;
    }

    /// <summary>The action as the provider reports it now; the last known state when the provider cannot be reached.</summary>
    public async Task<SecurityAction.View> GetAsync(string id, CancellationToken cancellationToken)
    {
        var link = _links[id];
        var provider = _registry.Find(link.ProviderId);
        if (provider == null) return link.Last;
        var answer = await _client.SendAsync(provider, link.TenantId, HttpMethod.Get, "securityActions/" + Uri.EscapeDataString(link.RemoteId), null, cancellationToken).ConfigureAwait(false);
        if (answer.Succeeded && answer.Body is { } json) link.Last = Read(id, link, provider, json);
        return link.Last;
    }

    public async Task<IReadOnlyList<SecurityAction.View>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var ids = _links.Where(l => l.Value.TenantId == tenantId).OrderByDescending(l => l.Value.Created).Select(l => l.Key).ToList();
        return await Task.WhenAll(ids.Select(id => GetAsync(id, cancellationToken))).ConfigureAwait(false);
    }

    public async Task CancelAsync(string id, CancellationToken cancellationToken)
    {
        var link = _links[id];
        var provider = _registry.Find(link.ProviderId) ?? throw GraphError.NotFound($"The provider of securityAction '{id}' is no longer registered.");
        var answer = await _client.SendAsync(provider, link.TenantId, HttpMethod.Post, "securityActions/" + Uri.EscapeDataString(link.RemoteId) + "/cancel", null, cancellationToken).ConfigureAwait(false);
        if (answer.Status == 409)
            throw GraphError.BadRequest($"The securityAction '{id}' cannot be cancelled because its status is '{link.Last?.Status}'.");
        if (!answer.Succeeded) throw Failed(provider, answer, "cancel the action");
        if (answer.Body is { } json) link.Last = Read(id, link, provider, json);
    }

    private static GraphError Failed(PartnerProvider provider, PartnerAnswer answer, string what) =>
        new(502, "BadGateway", $"The provider {provider.Vendor}/{provider.Provider} could not {what} (HTTP {answer.Status}: {answer.Problem}).");

    /// <summary>Maps a gsprov/1 action onto Graph's securityAction (status names in Graph's casing).</summary>
    private static SecurityAction.View Read(string graphId, Link link, PartnerProvider provider, JsonElement json)
    {
        string Text(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        DateTimeOffset? Date(JsonElement e, string name) =>
            DateTimeOffset.TryParse(Text(e, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d.ToUniversalTime() : null;
        string Status(string s) => OperationStatus.Enum.Members.FirstOrDefault(m => string.Equals(m, s, StringComparison.OrdinalIgnoreCase)) ?? OperationStatus.NotStarted;

        var parameters = json.TryGetProperty("parameters", out var ps) && ps.ValueKind == JsonValueKind.Array
            ? ps.EnumerateArray().Select(p => new KeyValuePair<string, string>(Text(p, "name"), Text(p, "value"))).ToList()
            : new List<KeyValuePair<string, string>>();
        var action = new SecurityAction
        {
            Id = graphId,
            Name = Text(json, "name"),
            ActionReason = Text(json, "actionReason"),
            AppId = link.AppId,
            AzureTenantId = link.TenantId,
            ClientContext = Text(json, "clientContext"),
            CreatedDateTime = Date(json, "createdDateTime") ?? link.Created,
            Parameters = parameters,
            VendorInformation = SecurityActionsEndpoints.Vendor(provider.Provider, provider.ProviderVersion, null, provider.Vendor),
        };
        var states = json.TryGetProperty("states", out var st) && st.ValueKind == JsonValueKind.Array
            ? st.EnumerateArray().Select(s => new SecurityAction.State(Status(Text(s, "status")), Date(s, "updatedDateTime") ?? action.CreatedDateTime)).ToList()
            : new List<SecurityAction.State> { new(OperationStatus.NotStarted, action.CreatedDateTime) };
        var status = Status(Text(json, "status"));
        SecurityAction.ResultInfo error = null;
        if (json.TryGetProperty("errorInfo", out var ei) && ei.ValueKind == JsonValueKind.Object)
            error = string.Equals(Text(ei, "code"), "cancelled", StringComparison.OrdinalIgnoreCase)
                ? SecurityAction.Cancelled : new SecurityAction.ResultInfo(500, Text(ei, "message") ?? Text(ei, "code"));
        return new SecurityAction.View(action, status, states, Date(json, "completedDateTime"), error);
    }
}
