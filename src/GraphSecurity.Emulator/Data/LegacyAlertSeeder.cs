using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Legacy;

namespace GraphSecurity.Emulator.Data;

/// <summary>
/// Derives the legacy /security/alerts view from the seeded alerts_v2: every alert from a source that
/// federated into the legacy API becomes a microsoft.graph.alert of the matching provider, with the
/// same users, devices, files, processes and addresses mapped into the legacy state types.
/// </summary>
public sealed class LegacyAlertSeeder
{
    /// <summary>v2 serviceSource → legacy vendorInformation (provider, providerVersion, subProvider).</summary>
    public static readonly IReadOnlyDictionary<string, (string Provider, string Version, string SubProvider)> Providers =
        new Dictionary<string, (string, string, string)>
        {
            ["microsoftDefenderForEndpoint"] = ("Microsoft Defender ATP", "3.0", "MicrosoftDefenderATP"),
            ["azureAdIdentityProtection"] = ("IPC", "2.0", null),
            ["microsoftDefenderForCloudApps"] = ("MCAS", "0.1", null),
            ["microsoftDefenderForIdentity"] = ("Azure Advanced Threat Protection", "2.1", null),
            ["microsoftDefenderForCloud"] = ("ASC", "3", "Detection"),
            ["microsoftSentinel"] = ("Azure Sentinel", "1.0", null),
            ["microsoftDefenderForOffice365"] = ("Office 365 Security and Compliance", "1.0", null),
        };

    /// <summary>Provider names in the order the federation answers (also the Warning header order).</summary>
    public static IEnumerable<string> ProviderNames => Providers.Values.Select(p => p.Provider);

    private readonly Random _rnd;
    private readonly string _tenantId;

    public LegacyAlertSeeder(int seed, string tenantId)
    {
        _tenantId = tenantId;
        _rnd = new Random(seed ^ BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes("legacy:" + tenantId.ToLowerInvariant())), 0));
    }

    public List<LegacyAlert> Generate(IEnumerable<Alert> alerts) =>
        alerts.Where(a => Providers.ContainsKey(a.ServiceSource)).Select(FromV2).ToList();

    private static string Date(DateTimeOffset? d) => d == null ? null : EntitySchema.FormatDate(d.Value);
    private static IEnumerable<JsonObject> OfType(Alert a, string type) => a.Evidence.Where(e => (string)e["@odata.type"] == "#microsoft.graph.security." + type);
    private static JsonArray Array(IEnumerable<JsonNode> items) => new(items.ToArray());

    public LegacyAlert FromV2(Alert a)
    {
        var (provider, version, sub) = Providers[a.ServiceSource];
        var mde = provider == "Microsoft Defender ATP";
        var l = new LegacyAlert
        {
            Id = mde ? a.Id : a.ProviderAlertId.ToUpperInvariant(),
            AzureTenantId = _tenantId,
            Title = a.Title,
            Category = a.Category,
            Description = a.Description,
            Severity = a.Severity,
            Status = a.Status == "new" ? "newAlert" : a.Status,
            Feedback = a.Classification switch
            {
                "truePositive" => "truePositive",
                "falsePositive" => "falsePositive",
                "informationalExpectedActivity" => "benignPositive",
                _ => null,
            },
            AssignedTo = a.AssignedTo,
            Confidence = _rnd.Next(40, 101),
            CreatedDateTime = a.CreatedDateTime,
            EventDateTime = a.FirstActivityDateTime ?? a.CreatedDateTime,
            LastEventDateTime = a.LastActivityDateTime,
            LastModifiedDateTime = a.LastUpdateDateTime ?? a.CreatedDateTime,
            ClosedDateTime = a.ResolvedDateTime,
            Comments = a.Comments.Select(c => c.Comment).ToList(),
            IncidentIds = new List<string> { a.IncidentId },
            RecommendedActions = (a.RecommendedActions ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            SourceMaterials = new List<string> { a.AlertWebUrl },
            Tags = a.SystemTags.ToList(),
            VendorInformation = new JsonObject { ["provider"] = provider, ["providerVersion"] = version, ["subProvider"] = sub, ["vendor"] = "Microsoft" },
            ActivityGroupName = mde && a.Severity == "high" && _rnd.NextDouble() < 0.15 ? "Storm-0501" : null,
        };
        if (provider == "ASC") l.AzureSubscriptionId = AppGuid("sub:" + _tenantId);
        l.SetStatesFactory(() => States(a, provider, l.AzureSubscriptionId));
        if (a.ThreatFamilyName != null)
            l.MalwareStates.Add(new JsonObject { ["category"] = a.Category == "Impact" ? "Ransomware" : "Trojan", ["family"] = a.ThreatFamilyName, ["name"] = a.ThreatDisplayName, ["severity"] = "Severe", ["wasRunning"] = a.Status != "resolved" });
        switch (provider)
        {
            case "IPC":
            case "MCAS":
                l.Triggers.Add(new JsonObject { ["name"] = "riskEventType", ["type"] = "string", ["value"] = a.Title.Contains("travel") ? "impossibleTravel" : "unfamiliarFeatures" });
                break;
            case "Azure Sentinel":
                l.DetectionIds.Add(AppGuid("rule:" + a.Title));
                l.AlertDetections.Add(new JsonObject { ["detectionType"] = "Scheduled", ["method"] = "Analytics rule", ["name"] = a.Title });
                break;
        }
        if (mde)
        {
            if (a.InvestigationState != null && a.InvestigationState != "unsupportedAlertType")
                l.InvestigationSecurityStates.Add(new JsonObject { ["name"] = "Automated investigation", ["status"] = a.InvestigationState });
            if (a.Category == "Execution" && _rnd.NextDouble() < 0.2)
                l.VulnerabilityStates.Add(new JsonObject { ["cve"] = "CVE-2021-34527", ["severity"] = "Critical", ["wasRunning"] = true });
        }
        if (a.Status != "new")
            l.HistoryStates.Add(new JsonObject
            {
                ["appId"] = null, ["assignedTo"] = a.AssignedTo, ["comments"] = new JsonArray(l.Comments.Select(c => (JsonNode)c).ToArray()), ["feedback"] = l.Feedback,
                ["status"] = l.Status, ["updatedDateTime"] = Date(l.LastModifiedDateTime), ["user"] = a.AssignedTo,
            });
        return l;
    }

    /// <summary>The state collections that come from the v2 alert's evidence (built on first use, see <see cref="LegacyAlert.States"/>).</summary>
    private static LegacyStates States(Alert a, string provider, string subscriptionId)
    {
        var mde = provider == "Microsoft Defender ATP";
        var ips = OfType(a, "ipEvidence").ToList();
        var logonIp = (string)ips.FirstOrDefault()?["ipAddress"];
        var users = Array(OfType(a, "userEvidence").Select(u => (JsonNode)UserState((JsonObject)u["userAccount"], a, logonIp, ips.FirstOrDefault())));
        var hosts = Array(OfType(a, "deviceEvidence").Select(d => (JsonNode)HostState(d)));
        var processes = Array(OfType(a, "processEvidence").Select(p => (JsonNode)Process(p)));
        var states = new LegacyStates
        {
            UserStates = users,
            HostStates = hosts,
            FileStates = Array(OfType(a, "fileEvidence").Select(f => (JsonNode)FileState((JsonObject)f["fileDetails"], a.Severity))),
            Processes = processes,
            NetworkConnections = Array(ips.Skip(mde ? 0 : 1).Select(ip => (JsonNode)Connection(ip, a)).Concat(OfType(a, "urlEvidence").Select(u => (JsonNode)UrlConnection(u)))),
            MessageSecurityStates = Array(OfType(a, "analyzedMessageEvidence").Select(m => (JsonNode)Message(m))),
        };
        if (provider == "MCAS")
            states.CloudAppStates.Add(new JsonObject { ["destinationServiceIp"] = logonIp, ["destinationServiceName"] = "Microsoft Exchange Online", ["riskScore"] = "7" });
        if (provider == "ASC")
        {
            var host = (string)hosts.FirstOrDefault()?["netBiosName"] ?? "vm-web01";
            states.SecurityResources.Add(new JsonObject { ["resource"] = $"/subscriptions/{subscriptionId}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/{host.ToLowerInvariant()}", ["resourceType"] = "attacked" });
        }
        if (provider == "Office 365 Security and Compliance")
            foreach (var u in OfType(a, "urlEvidence"))
                states.UriClickSecurityStates.Add(new JsonObject
                {
                    ["clickAction"] = "Allowed", ["clickDateTime"] = Date(a.LastActivityDateTime), ["id"] = AppGuid("click:" + a.Id),
                    ["sourceId"] = (string)users.FirstOrDefault()?["userPrincipalName"], ["uriDomain"] = new Uri((string)u["url"]).Host, ["verdict"] = "Malicious",
                });
        if (mde && a.Category == "Persistence")
            states.RegistryKeyStates.Add(new JsonObject
            {
                ["hive"] = "currentUser", ["key"] = @"Software\Microsoft\Windows\CurrentVersion\Run", ["oldKey"] = null, ["oldValueData"] = null, ["oldValueName"] = null,
                ["operation"] = "create", ["processId"] = (int?)processes.FirstOrDefault()?["processId"], ["valueData"] = @"C:\Users\Public\update.vbs", ["valueName"] = "Updater", ["valueType"] = "sz",
            });
        return states;
    }

    private static string AppGuid(string text) => Identity.AppRegistration.DeterministicGuid(text).ToString();

    private static JsonObject UserState(JsonObject account, Alert a, string logonIp, JsonObject ip) => new()
    {
        ["aadUserId"] = (string)account?["azureAdUserId"],
        ["accountName"] = (string)account?["accountName"],
        ["domainName"] = (string)account?["domainName"],
        ["emailRole"] = a.ServiceSource == "microsoftDefenderForOffice365" ? "recipient" : "unknown",
        ["isVpn"] = null,
        ["logonDateTime"] = Date(a.FirstActivityDateTime),
        ["logonId"] = null,
        ["logonIp"] = logonIp,
        ["logonLocation"] = ip?["location"] is JsonObject loc ? $"{(string)loc["city"]}, {(string)loc["countryName"]}" : null,
        ["logonType"] = a.ServiceSource is "azureAdIdentityProtection" or "microsoftDefenderForCloudApps" ? "network" : "interactive",
        ["onPremisesSecurityIdentifier"] = (string)account?["userSid"],
        ["riskScore"] = a.Severity == "high" ? "90" : "50",
        ["userAccountType"] = "standard",
        ["userPrincipalName"] = (string)account?["userPrincipalName"],
    };

    private static JsonObject HostState(JsonObject d) => new()
    {
        ["fqdn"] = (string)d["deviceDnsName"],
        ["isAzureAdJoined"] = true,
        ["isAzureAdRegistered"] = false,
        ["isHybridAzureDomainJoined"] = true,
        ["netBiosName"] = ((string)d["hostName"])?.ToUpperInvariant(),
        ["os"] = (string)d["osPlatform"],
        ["privateIpAddress"] = (string)d["lastIpAddress"],
        ["publicIpAddress"] = (string)d["lastExternalIpAddress"],
        ["riskScore"] = (string)d["riskScore"],
    };

    private static JsonObject Hash(JsonObject file) => new() { ["hashType"] = "sha256", ["hashValue"] = (string)file?["sha256"] };

    private static JsonObject FileState(JsonObject file, string severity) => new()
    {
        ["fileHash"] = Hash(file),
        ["name"] = (string)file?["fileName"],
        ["path"] = (string)file?["filePath"],
        ["riskScore"] = severity == "high" ? "100" : "60",
    };

    private static JsonObject Process(JsonObject p)
    {
        var image = (JsonObject)p["imageFile"];
        var parent = (JsonObject)p["parentProcessImageFile"];
        return new JsonObject
        {
            ["accountName"] = (string)p["userAccount"]?["accountName"],
            ["commandLine"] = (string)p["processCommandLine"],
            ["createdDateTime"] = (string)p["processCreationDateTime"],
            ["fileHash"] = Hash(image),
            ["integrityLevel"] = "high",
            ["isElevated"] = true,
            ["name"] = (string)image?["fileName"],
            ["parentProcessCreatedDateTime"] = (string)p["parentProcessCreationDateTime"],
            ["parentProcessId"] = (int?)(long?)p["parentProcessId"],
            ["parentProcessName"] = (string)parent?["fileName"],
            ["path"] = (string)image?["filePath"],
            ["processId"] = (int?)(long?)p["processId"],
        };
    }

    private static JsonObject Connection(JsonObject ip, Alert a)
    {
        var loc = ip["location"] as JsonObject;
        return new JsonObject
        {
            ["applicationName"] = null,
            ["destinationAddress"] = (string)ip["ipAddress"],
            ["destinationDomain"] = null,
            ["destinationLocation"] = loc == null ? null : $"{(string)loc["city"]}, {(string)loc["countryName"]}",
            ["destinationPort"] = "443",
            ["destinationUrl"] = null,
            ["direction"] = "outbound",
            ["domainRegisteredDateTime"] = null,
            ["localDnsName"] = null,
            ["natDestinationAddress"] = null,
            ["natDestinationPort"] = null,
            ["natSourceAddress"] = null,
            ["natSourcePort"] = null,
            ["protocol"] = "tcp",
            ["riskScore"] = a.Severity == "high" ? "80" : "40",
            ["sourceAddress"] = null,
            ["sourceLocation"] = null,
            ["sourcePort"] = null,
            ["status"] = a.Status == "resolved" ? "blocked" : "succeeded",
            ["urlParameters"] = null,
        };
    }

    private static JsonObject UrlConnection(JsonObject url)
    {
        var u = new Uri((string)url["url"]);
        return new JsonObject
        {
            ["applicationName"] = "msedge.exe", ["destinationAddress"] = null, ["destinationDomain"] = u.Host, ["destinationLocation"] = null,
            ["destinationPort"] = "443", ["destinationUrl"] = u.ToString(), ["direction"] = "outbound", ["domainRegisteredDateTime"] = null,
            ["localDnsName"] = null, ["natDestinationAddress"] = null, ["natDestinationPort"] = null, ["natSourceAddress"] = null,
            ["natSourcePort"] = null, ["protocol"] = "tcp", ["riskScore"] = null, ["sourceAddress"] = null, ["sourceLocation"] = null,
            ["sourcePort"] = null, ["status"] = "attempted", ["urlParameters"] = u.Query.Length > 0 ? u.Query : null,
        };
    }

    private static JsonObject Message(JsonObject m) => new()
    {
        ["connectingIP"] = (string)m["senderIp"],
        ["deliveryAction"] = (string)m["deliveryAction"],
        ["deliveryLocation"] = (string)m["deliveryLocation"],
        ["directionality"] = (string)m["antiSpamDirection"],
        ["internetMessageId"] = (string)m["internetMessageId"],
        ["messageFingerprint"] = null,
        ["messageReceivedDateTime"] = (string)m["receivedDateTime"],
        ["messageSubject"] = (string)m["subject"],
        ["networkMessageId"] = (string)m["networkMessageId"],
    };
}
