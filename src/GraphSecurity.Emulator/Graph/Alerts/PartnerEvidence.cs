using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.Alerts;

/// <summary>
/// Evidence of the alerts_v2 schema for an entity a partner names by one identifier (createAlert's
/// entityDefinitions, the columns an analytics rule maps): the evidence type of the entity type with the
/// identifier in its property, the rest of the evidence left empty as the service does for what it was not told.
/// </summary>
public static class PartnerEvidence
{
    /// <summary>createAlert's entity types, each with the identifiers it takes (provider-and-correlation.md §1.4 A).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Identifiers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["user"] = new[] { "userPrincipalName", "aadUserId", "sid" },
        ["device"] = new[] { "deviceId", "deviceName" },
        ["file"] = new[] { "sha256", "sha1" },
        ["process"] = new[] { "sha256", "sha1" },
        ["ip"] = new[] { "address" },
        ["url"] = new[] { "url" },
        ["mailbox"] = new[] { "mailboxPrimaryAddress" },
        ["cloudApplication"] = new[] { "appId", "name" },
        ["securityGroup"] = new[] { "distinguishedName", "objectGuid", "sid" },
        ["azureResource"] = new[] { "resourceId" },
        ["amazonResource"] = new[] { "amazonResourceId" },
        ["googleCloudResource"] = new[] { "fullResourceName" },
        ["oAuthApplication"] = new[] { "oAuthAppId" },
        ["emailMessage"] = new[] { "networkMessageId" },
        ["emailCluster"] = new[] { "networkMessageId" },
        ["registryKey"] = new[] { "key" },
        ["registryValue"] = new[] { "key", "valueName" },
    };

    /// <summary>The canonical spelling of an entity type, or null.</summary>
    public static string EntityType(string name) => Identifiers.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The canonical spelling of an identifier of the entity type, or null.</summary>
    public static string Identifier(string entityType, string name) =>
        Identifiers.TryGetValue(entityType, out var ids) ? ids.FirstOrDefault(i => string.Equals(i, name, StringComparison.OrdinalIgnoreCase)) : null;

    /// <param name="impacted">The entity's role: impacted (evidence role compromised) or related (contextual).</param>
    public static JsonObject Build(string entityType, string identifier, string value, bool impacted, DateTimeOffset created, string tenantId)
    {
        var (type, fill) = Shape(entityType, identifier, value, tenantId);
        var o = new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.security." + type,
            ["createdDateTime"] = AlertSchema.FormatDate(created),
            ["detailedRoles"] = new JsonArray(impacted ? "Impacted" : "Related"),
            ["remediationStatus"] = "none",
            ["remediationStatusDetails"] = null,
            ["roles"] = new JsonArray(impacted ? "compromised" : "contextual"),
            ["tags"] = new JsonArray(),
            ["verdict"] = "unknown",
        };
        foreach (var (k, v) in fill.ToList())
        {
            fill.Remove(k); // a node has one parent
            o[k] = v;
        }
        return o;
    }

    private static (string Type, JsonObject Fill) Shape(string entityType, string identifier, string value, string tenantId)
    {
        switch (entityType)
        {
            case "user":
                var account = new JsonObject
                {
                    ["accountName"] = identifier == "userPrincipalName" ? value.Split('@')[0] : null,
                    ["azureAdUserId"] = identifier == "aadUserId" ? value : null,
                    ["displayName"] = null,
                    ["domainName"] = identifier == "userPrincipalName" && value.Contains('@') ? value.Split('@')[1] : null,
                    ["tenantId"] = tenantId,
                    ["userPrincipalName"] = identifier == "userPrincipalName" ? value : null,
                    ["userSid"] = identifier == "sid" ? value : null,
                };
                return ("userEvidence", new JsonObject { ["userAccount"] = account });
            case "device":
                return ("deviceEvidence", identifier == "deviceId"
                    ? new JsonObject { ["mdeDeviceId"] = value }
                    : new JsonObject { ["deviceDnsName"] = value, ["hostName"] = value.Split('.')[0] });
            case "file":
                return ("fileEvidence", new JsonObject { ["fileDetails"] = new JsonObject { [identifier] = value } });
            case "process":
                return ("processEvidence", new JsonObject { ["imageFile"] = new JsonObject { [identifier] = value } });
            case "ip":
                return ("ipEvidence", new JsonObject { ["ipAddress"] = value });
            case "url":
                return ("urlEvidence", new JsonObject { ["url"] = value });
            case "mailbox":
                return ("mailboxEvidence", new JsonObject { ["primaryAddress"] = value, ["upn"] = value });
            case "cloudApplication":
                return ("cloudApplicationEvidence", identifier == "appId" ? new JsonObject { ["appId"] = value } : new JsonObject { ["displayName"] = value });
            case "securityGroup":
                return ("securityGroupEvidence", new JsonObject { [identifier == "objectGuid" ? "securityGroupId" : identifier] = value });
            case "azureResource":
                return ("azureResourceEvidence", new JsonObject { ["resourceId"] = value });
            case "amazonResource":
                return ("amazonResourceEvidence", new JsonObject { ["amazonResourceId"] = value });
            case "googleCloudResource":
                return ("googleCloudResourceEvidence", new JsonObject { ["fullResourceName"] = value });
            case "oAuthApplication":
                return ("oauthApplicationEvidence", new JsonObject { ["appId"] = value });
            case "emailMessage":
                return ("analyzedMessageEvidence", new JsonObject { ["networkMessageId"] = value });
            case "emailCluster":
                return ("mailClusterEvidence", new JsonObject { ["networkMessageIds"] = new JsonArray(value) });
            case "registryKey":
                return ("registryKeyEvidence", new JsonObject { ["registryKey"] = value });
            default:
                return ("registryValueEvidence", new JsonObject { [identifier == "key" ? "registryKey" : "registryValueName"] = value });
        }
    }
}
