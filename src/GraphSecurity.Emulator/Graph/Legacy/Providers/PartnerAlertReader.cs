using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.Legacy.Providers;

/// <summary>
/// Reads a partner's gsprov/1 alert into the broker's legacy alert, checking what the broker vouches for:
/// an id, a creation time, known enum values, the customer's tenant, and vendorInformation naming the
/// registered provider — a provider cannot speak for another vendor or another tenant.
/// </summary>
public static class PartnerAlertReader
{
    /// <summary>The alert, or null with the reason it was refused.</summary>
    public static LegacyAlert Read(JsonElement json, PartnerProvider provider, string tenantId, out string problem)
    {
        problem = null;
        if (json.ValueKind != JsonValueKind.Object) { problem = "an alert is not a JSON object"; return null; }
        string Text(string name) => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var id = Text("id");
        if (string.IsNullOrEmpty(id)) { problem = "an alert has no 'id'"; return null; }
        string Refuse(string why) => $"alert '{id}': {why}";

        if (!json.TryGetProperty("vendorInformation", out var vendorJson) || vendorJson.ValueKind != JsonValueKind.Object)
        { problem = Refuse("no vendorInformation"); return null; }
        string VendorText(string name) => vendorJson.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (!provider.Owns(VendorText("vendor"), VendorText("provider")))
        { problem = Refuse($"vendorInformation names '{VendorText("vendor")}/{VendorText("provider")}', not the registered '{provider.Vendor}/{provider.Provider}'"); return null; }
        var tenant = Text("azureTenantId");
        if (tenant != null && !string.Equals(tenant, tenantId, StringComparison.OrdinalIgnoreCase))
        { problem = Refuse($"azureTenantId '{tenant}' is not the caller's tenant"); return null; }

        var created = Date(json, "createdDateTime", out var bad);
        if (created == null || bad != null) { problem = Refuse(bad ?? "no createdDateTime"); return null; }
        var alert = new LegacyAlert
        {
            Id = id,
            AzureTenantId = tenantId,
            Title = Text("title"),
            Description = Text("description"),
            Category = Text("category"),
            AssignedTo = Text("assignedTo"),
            ActivityGroupName = Text("activityGroupName"),
            CreatedDateTime = created.Value,
            Comments = Strings(json, "comments"),
            Tags = Strings(json, "tags"),
            SourceMaterials = Strings(json, "sourceMaterials"),
            RecommendedActions = Strings(json, "recommendedActions"),
            DetectionIds = Strings(json, "detectionIds"),
            VendorInformation = new JsonObject
            {
                ["provider"] = provider.Provider,
                ["providerVersion"] = VendorText("providerVersion") ?? provider.ProviderVersion,
                ["subProvider"] = VendorText("subProvider"),
                ["vendor"] = provider.Vendor,
            },
        };
        foreach (var (name, set) in new (string, Action<DateTimeOffset?>)[]
                 {
                     ("eventDateTime", d => alert.EventDateTime = d), ("lastEventDateTime", d => alert.LastEventDateTime = d),
                     ("lastModifiedDateTime", d => alert.LastModifiedDateTime = d), ("closedDateTime", d => alert.ClosedDateTime = d),
                 })
        {
            set(Date(json, name, out bad));
            if (bad != null) { problem = Refuse(bad); return null; }
        }
        foreach (var (name, def, set) in new (string, EnumDef, Action<string>)[]
                 {
                     ("severity", LegacyAlertSchema.Severity, v => alert.Severity = v), ("status", LegacyAlertSchema.Status, v => alert.Status = v),
                     ("feedback", LegacyAlertSchema.Feedback, v => alert.Feedback = v),
                 })
        {
            var text = Text(name);
            var member = def.Parse(text);
            if (text != null && member == null) { problem = Refuse($"'{name}' is '{text}', not one of {string.Join(", ", def.Members)}"); return null; }
            set(member);
        }
        alert.Severity ??= "unknown";
        alert.Status ??= "newAlert";
        if (json.TryGetProperty("confidence", out var confidence) && confidence.ValueKind == JsonValueKind.Number && confidence.TryGetInt32(out var c)) alert.Confidence = c;
        alert.States = new LegacyStates
        {
            CloudAppStates = Array(json, "cloudAppStates"), FileStates = Array(json, "fileStates"), HostStates = Array(json, "hostStates"),
            MessageSecurityStates = Array(json, "messageSecurityStates"), NetworkConnections = Array(json, "networkConnections"),
            Processes = Array(json, "processes"), RegistryKeyStates = Array(json, "registryKeyStates"),
            SecurityResources = Array(json, "securityResources"), UriClickSecurityStates = Array(json, "uriClickSecurityStates"),
            UserStates = Array(json, "userStates"),
        };
        alert.MalwareStates = Array(json, "malwareStates");
        alert.Triggers = Array(json, "triggers");
        alert.VulnerabilityStates = Array(json, "vulnerabilityStates");
        return alert;
    }

    private static DateTimeOffset? Date(JsonElement json, string name, out string problem)
    {
        problem = null;
        if (!json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d))
            return d.ToUniversalTime();
        problem = $"'{name}' is not an ISO 8601 date-time";
        return null;
    }

    private static List<string> Strings(JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()).ToList()
            : new List<string>();

    private static JsonArray Array(JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? (JsonArray)JsonNode.Parse(v.GetRawText()) : new JsonArray();
}
