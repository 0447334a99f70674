using System.Text.Json;

namespace GraphSecurity.Emulator.Graph.Legacy.Providers;

/// <summary>A partner's provider reached over gsprov/1; its replies are checked before they join the merged answer.</summary>
public sealed class PartnerAlertProvider : IAlertProvider
{
    /// <summary>The list options passed through to a provider; $select and $count stay with the broker.</summary>
    private static readonly string[] PassedOptions = { "$filter", "$orderby", "$skip" };

    private readonly PartnerClient _client;

    public PartnerAlertProvider(PartnerProvider registration, PartnerClient client)
    {
        Registration = registration;
        _client = client;
    }

    public PartnerProvider Registration { get; }
    public string Vendor => Registration.Vendor;
    public string Provider => Registration.Provider;

    public bool Serves(string tenantId) => _client.IsConsented(Registration, tenantId);

    public async Task<ProviderReply<ProviderPage>> ListAsync(string tenantId, ProviderQuery query, CancellationToken cancellationToken)
    {
        // $top is per provider: each is asked for the caller's $top (the broker's default page when absent).
        var top = query.Options.Top ?? LegacyAlertSchema.DefaultTopPerProvider;
        var parts = PassedOptions.Where(o => query.Raw.ContainsKey(o))
            .Select(o => $"{o}={Uri.EscapeDataString(query.Raw[o].ToString())}")
            .Append($"$top={top}");
        var answer = await _client.SendAsync(Registration, tenantId, HttpMethod.Get, "alerts?" + string.Join("&", parts), null, cancellationToken).ConfigureAwait(false);
        if (!answer.Succeeded) return Failure<ProviderPage>(answer);
        if (answer.Body is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
            return ProviderReply<ProviderPage>.Failure(502, answer.LatencyMs, "the list reply has no 'value' array");
        if (value.GetArrayLength() > top)
            return ProviderReply<ProviderPage>.Failure(502, answer.LatencyMs, $"the list reply has {value.GetArrayLength()} alerts for $top={top}");
        var alerts = new List<LegacyAlert>();
        foreach (var item in value.EnumerateArray())
        {
            var alert = PartnerAlertReader.Read(item, Registration, tenantId, out var problem);
            if (alert == null) return ProviderReply<ProviderPage>.Failure(502, answer.LatencyMs, problem);
            alerts.Add(alert);
        }
        bool more = body.TryGetProperty("@odata.nextLink", out var next) && next.ValueKind == JsonValueKind.String;
        int total = body.TryGetProperty("@odata.count", out var count) && count.TryGetInt32(out var n) ? n : query.Options.Skip + alerts.Count + (more ? 1 : 0);
        return ProviderReply<ProviderPage>.Ok(new ProviderPage(alerts, total, more), answer.LatencyMs);
    }

    public Task<ProviderReply<LegacyAlert>> GetAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        ItemAsync(tenantId, HttpMethod.Get, id, null, cancellationToken);

    public Task<ProviderReply<LegacyAlert>> UpdateAsync(string tenantId, string id, AlertUpdate update, CancellationToken cancellationToken) =>
        ItemAsync(tenantId, HttpMethod.Patch, id, update.Body, cancellationToken);

    private async Task<ProviderReply<LegacyAlert>> ItemAsync(string tenantId, HttpMethod method, string id, object body, CancellationToken cancellationToken)
    {
        var answer = await _client.SendAsync(Registration, tenantId, method, "alerts/" + Uri.EscapeDataString(id), body, cancellationToken).ConfigureAwait(false);
        if (answer.Status == 404) return ProviderReply<LegacyAlert>.NotFound(answer.LatencyMs);
        if (!answer.Succeeded) return Failure<LegacyAlert>(answer);
        if (answer.Body is not { } json) return ProviderReply<LegacyAlert>.Failure(502, answer.LatencyMs, $"the {method} reply has no alert");
        var alert = PartnerAlertReader.Read(json, Registration, tenantId, out var problem);
        if (alert == null) return ProviderReply<LegacyAlert>.Failure(502, answer.LatencyMs, problem);
        if (!string.Equals(alert.Id, id, StringComparison.OrdinalIgnoreCase))
            return ProviderReply<LegacyAlert>.Failure(502, answer.LatencyMs, $"asked for alert '{id}', answered with '{alert.Id}'");
        return ProviderReply<LegacyAlert>.Ok(alert, answer.LatencyMs);
    }

    /// <summary>A client error of the provider (400) is the caller's to see; anything else is the provider failing.</summary>
    private static ProviderReply<T> Failure<T>(PartnerAnswer answer) => ProviderReply<T>.Failure(answer.Status, answer.LatencyMs, answer.Problem);
}
