using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Graph.TiIndicators;

/// <summary>
/// Creation and update rules of tiIndicators (reference §4.2–4.3). Every violation is a 400
/// <see cref="GraphError"/> whose message names the property and the rule.
/// </summary>
public static class TiIndicatorRules
{
    /// <summary>
    /// Required on create for both target products. The per-product table lists fewer for Microsoft
    /// Defender ATP, but the generic create page requires these for everyone; the emulator follows the stricter page.
    /// </summary>
    public static readonly string[] RequiredOnCreate = { "action", "description", "expirationDateTime", "targetProduct", "threatType", "tlpLevel" };

    private static readonly Dictionary<string, int> HashLengths = new() { ["sha1"] = 40, ["sha256"] = 64, ["md5"] = 32 };

    /// <summary>Builds a new indicator from a create body, stamped with the caller's tenant, a new id and ingestedDateTime.</summary>
    public static JsonObject Create(JsonElement body, string tenantId, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object) throw GraphError.BadRequest("Each tiIndicator must be a JSON object.");
        var indicator = TiIndicatorSchema.Empty();
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prop in body.EnumerateObject())
        {
            var p = Declared(prop);
            if (p == null) continue;
            if (p.SystemSet) throw GraphError.BadRequest($"The property '{p.Name}' is set by the service and cannot be supplied.");
            indicator[p.Name] = TiIndicatorSchema.Convert(p, prop.Value);
            if (prop.Value.ValueKind != JsonValueKind.Null) given.Add(p.Name);
        }

        var targetProduct = (string)indicator["targetProduct"]
            ?? throw GraphError.BadRequest($"The property 'targetProduct' is required. Valid values: {string.Join(", ", TiIndicatorSchema.TargetProducts)}.");
        var required = RequiredOnCreate.AsEnumerable();
        if (targetProduct == TiIndicatorSchema.Sentinel) required = required.Append("azureTenantId");
        var missing = required.Where(r => !given.Contains(r)).ToList();
        if (missing.Count > 0)
            throw GraphError.BadRequest($"Missing required properties for targetProduct '{targetProduct}': {string.Join(", ", missing)}.");
        if (given.Contains("azureTenantId") && !string.Equals((string)indicator["azureTenantId"], tenantId, StringComparison.OrdinalIgnoreCase))
            throw GraphError.BadRequest($"The property 'azureTenantId' must be the caller's tenant id '{tenantId}'.");

        var observables = TiIndicatorSchema.Properties.Where(p => p.Observable && given.Contains(p.Name)).Select(p => p.Name).ToList();
        if (targetProduct == TiIndicatorSchema.DefenderAtp)
        {
            if (observables.Count != 1 || !TiIndicatorSchema.DefenderAtpObservables.Contains(observables[0]))
                throw GraphError.BadRequest($"An indicator for '{TiIndicatorSchema.DefenderAtp}' must have exactly one of these observables: {string.Join(", ", TiIndicatorSchema.DefenderAtpObservables)}. Found: {(observables.Count == 0 ? "none" : string.Join(", ", observables))}.");
        }
        else if (observables.Count == 0)
        {
            throw GraphError.BadRequest("An indicator needs at least one email, file or network observable (e.g. domainName, url, networkIPv4, fileHashValue, emailSenderAddress).");
        }
        CheckHash(indicator, given);

        indicator["id"] = Guid.NewGuid().ToString();
        indicator["ingestedDateTime"] = Alerts.AlertSchema.FormatDate(now);
        indicator["azureTenantId"] = tenantId;
        return indicator;
    }

    /// <summary>fileHashValue needs fileHashType, and a known hash type fixes the length.</summary>
    private static void CheckHash(JsonObject indicator, HashSet<string> given)
    {
        if (!given.Contains("fileHashValue")) return;
        var type = (string)indicator["fileHashType"]
            ?? throw GraphError.BadRequest("The property 'fileHashType' is required when 'fileHashValue' is set.");
        var value = (string)indicator["fileHashValue"];
        if (HashLengths.TryGetValue(type, out var length) && value.Length != length)
            throw GraphError.BadRequest($"A {type} hash has {length} hexadecimal characters; 'fileHashValue' has {value.Length}.");
    }

    /// <summary>
    /// Applies an update body to a copy of <paramref name="existing"/>. The body must carry
    /// expirationDateTime and targetProduct (the latter cannot change); other properties must be
    /// editable for the indicator's target product. <paramref name="idIsKey"/>: bulk updates name the indicator by "id".
    /// </summary>
    public static JsonObject Update(JsonObject existing, JsonElement body, bool idIsKey)
    {
        if (body.ValueKind != JsonValueKind.Object) throw GraphError.BadRequest("Each tiIndicator must be a JSON object.");
        var updated = existing.DeepClone().AsObject();
        var targetProduct = (string)existing["targetProduct"];
        var sentinel = targetProduct == TiIndicatorSchema.Sentinel;
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prop in body.EnumerateObject())
        {
            var p = Declared(prop);
            if (p == null) continue;
            given.Add(p.Name);
            if (p.Name == "id" && (idIsKey || string.Equals(prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString() : null, (string)existing["id"], StringComparison.OrdinalIgnoreCase)))
                continue;
            var value = TiIndicatorSchema.Convert(p, prop.Value);
            if (p.Name == "targetProduct")
            {
                if ((string)value != targetProduct)
                    throw GraphError.BadRequest($"The property 'targetProduct' cannot be changed (the indicator's is '{targetProduct}').");
                continue;
            }
            if (!(sentinel ? p.SentinelEditable : p.MdeEditable))
                throw GraphError.BadRequest($"The property '{p.Name}' cannot be updated on an indicator for '{targetProduct}'. Updatable properties: {string.Join(", ", TiIndicatorSchema.Properties.Where(x => sentinel ? x.SentinelEditable : x.MdeEditable).Select(x => x.Name))}.");
            updated[p.Name] = value;
        }
        if (!given.Contains("expirationDateTime") || !given.Contains("targetProduct"))
            throw GraphError.BadRequest("The properties 'expirationDateTime' and 'targetProduct' are required when updating a tiIndicator.");
        return updated;
    }

    /// <summary>The declared property a body member names; null for an accepted @odata.type; 400 otherwise.</summary>
    private static TiProperty Declared(JsonProperty prop)
    {
        if (prop.Name == "@odata.type")
        {
            var t = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString().TrimStart('#') : null;
            if (!string.Equals(t, TiIndicatorSchema.TypeName, StringComparison.OrdinalIgnoreCase))
                throw GraphError.BadRequest($"The @odata.type '{prop.Value}' does not match the type '{TiIndicatorSchema.TypeName}'.");
            return null;
        }
        return TiIndicatorSchema.Find(prop.Name)
            ?? throw GraphError.BadRequest($"The property '{prop.Name}' does not exist on type '{TiIndicatorSchema.TypeName}'. Make sure to only use property names that are defined by the type.");
    }
}
