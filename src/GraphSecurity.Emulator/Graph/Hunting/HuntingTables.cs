using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Hunting.Kql;

namespace GraphSecurity.Emulator.Graph.Hunting;

/// <summary>
/// The advanced-hunting tables the emulator derives from a tenant's alerts_v2 data, with the column
/// names of the Defender XDR schema: AlertInfo (one row per alert) and AlertEvidence (one row per
/// evidence item). Strings are never null in Kusto, so missing text is "".
/// </summary>
public static class HuntingTables
{
    public static readonly string[] Names = { "AlertInfo", "AlertEvidence" };

    private static readonly KqlColumn[] AlertInfoColumns =
    {
        new("Timestamp", KqlType.DateTime), new("AlertId", KqlType.String), new("Title", KqlType.String), new("Category", KqlType.String),
        new("Severity", KqlType.String), new("ServiceSource", KqlType.String), new("DetectionSource", KqlType.String),
        new("AttackTechniques", KqlType.String),
    };

    private static readonly KqlColumn[] AlertEvidenceColumns =
    {
        new("Timestamp", KqlType.DateTime), new("AlertId", KqlType.String), new("Title", KqlType.String), new("Categories", KqlType.String),
        new("AttackTechniques", KqlType.String), new("ServiceSource", KqlType.String), new("DetectionSource", KqlType.String),
        new("EntityType", KqlType.String), new("EvidenceRole", KqlType.String), new("EvidenceDirection", KqlType.String),
        new("FileName", KqlType.String), new("FolderPath", KqlType.String), new("SHA1", KqlType.String), new("SHA256", KqlType.String),
        new("FileSize", KqlType.Int64), new("ThreatFamily", KqlType.String), new("RemoteIP", KqlType.String), new("RemoteUrl", KqlType.String),
        new("AccountName", KqlType.String), new("AccountDomain", KqlType.String), new("AccountSid", KqlType.String),
        new("AccountObjectId", KqlType.String), new("AccountUpn", KqlType.String), new("DeviceId", KqlType.String),
        new("DeviceName", KqlType.String), new("LocalIP", KqlType.String), new("NetworkMessageId", KqlType.String),
        new("EmailSubject", KqlType.String), new("ProcessCommandLine", KqlType.String), new("Severity", KqlType.String),
        new("AdditionalFields", KqlType.Dynamic),
    };

    /// <summary>The table of that name built from <paramref name="alerts"/> within [from, to]; null for an unknown name.</summary>
    public static KqlTable Build(string name, IReadOnlyList<Alert> alerts, DateTimeOffset from, DateTimeOffset to)
    {
        var inWindow = alerts.Where(a => a.CreatedDateTime >= from && a.CreatedDateTime <= to).OrderBy(a => a.CreatedDateTime).ThenBy(a => a.Id, StringComparer.Ordinal);
        return name switch
        {
            "AlertInfo" => new KqlTable(AlertInfoColumns, inWindow.Select(InfoRow).ToList()),
            "AlertEvidence" => new KqlTable(AlertEvidenceColumns, inWindow.SelectMany(a => a.Evidence.Select(e => EvidenceRow(a, e))).ToList()),
            _ => null,
        };
    }

    private static object[] InfoRow(Alert a) => new object[]
    {
        a.CreatedDateTime, a.Id, a.Title ?? "", a.Category ?? "", Severity(a), ServiceSource(a.ServiceSource), DetectionSource(a.DetectionSource),
        Techniques(a),
    };

    private static string Severity(Alert a) => a.Severity is null ? "" : char.ToUpperInvariant(a.Severity[0]) + a.Severity[1..];

    /// <summary>A JSON array in a string column, as Defender writes AttackTechniques and Categories.</summary>
    private static string Techniques(Alert a) => new JsonArray(a.MitreTechniques.Select(t => (JsonNode)t).ToArray()).ToJsonString();

    private static object[] EvidenceRow(Alert a, JsonObject e)
    {
        var type = ((string)e["@odata.type"] ?? "").Replace("#microsoft.graph.security.", "");
        string S(JsonNode n) => n is JsonValue v && v.TryGetValue(out string s) ? s : "";
        var row = new Dictionary<string, object>
        {
            ["Timestamp"] = a.CreatedDateTime,
            ["AlertId"] = a.Id,
            ["Title"] = a.Title ?? "",
            ["Categories"] = new JsonArray(a.Categories.Select(c => (JsonNode)c).ToArray()).ToJsonString(),
            ["AttackTechniques"] = Techniques(a),
            ["ServiceSource"] = ServiceSource(a.ServiceSource),
            ["DetectionSource"] = DetectionSource(a.DetectionSource),
            ["EntityType"] = EntityTypes.GetValueOrDefault(type, type),
            ["EvidenceRole"] = (e["roles"] as JsonArray)?.Any(r => S(r) is "compromised" or "attacked" or "destination") == true ? "Impacted" : "Related",
            ["Severity"] = Severity(a),
            ["AdditionalFields"] = new JsonObject
            {
                ["Verdict"] = S(e["verdict"]),
                ["RemediationStatus"] = S(e["remediationStatus"]),
                ["DetailedRoles"] = e["detailedRoles"]?.DeepClone(),
                ["Location"] = e["location"]?.DeepClone(),
            },
        };
        void Account(JsonNode account)
        {
            if (account is not JsonObject u) return;
            row["AccountName"] = S(u["accountName"]);
            row["AccountDomain"] = S(u["domainName"]);
            row["AccountSid"] = S(u["userSid"]);
            row["AccountObjectId"] = S(u["azureAdUserId"]);
            row["AccountUpn"] = S(u["userPrincipalName"]);
        }
        void File(JsonNode details)
        {
            if (details is not JsonObject f) return;
            row["FileName"] = S(f["fileName"]);
            row["FolderPath"] = S(f["filePath"]);
            row["SHA1"] = S(f["sha1"]);
            row["SHA256"] = S(f["sha256"]);
            row["FileSize"] = f["fileSize"] is JsonValue size && size.TryGetValue(out long l) ? l : (f["fileSize"] is JsonValue i && i.TryGetValue(out int n) ? n : null);
        }
        switch (type)
        {
            case "deviceEvidence":
                row["DeviceId"] = S(e["mdeDeviceId"]);
                row["DeviceName"] = S(e["deviceDnsName"]);
                row["LocalIP"] = S(e["lastIpAddress"]);
                break;
            case "userEvidence":
            case "mailboxEvidence":
                Account(e["userAccount"]);
                break;
            case "processEvidence":
                File(e["imageFile"]);
                Account(e["userAccount"]);
                row["DeviceId"] = S(e["mdeDeviceId"]);
                row["ProcessCommandLine"] = S(e["processCommandLine"]);
                break;
            case "fileEvidence":
                File(e["fileDetails"]);
                row["DeviceId"] = S(e["mdeDeviceId"]);
                row["ThreatFamily"] = a.ThreatFamilyName ?? "";
                break;
            case "ipEvidence":
                row["RemoteIP"] = S(e["ipAddress"]);
                break;
            case "urlEvidence":
                row["RemoteUrl"] = S(e["url"]);
                break;
            case "analyzedMessageEvidence":
                row["NetworkMessageId"] = S(e["networkMessageId"]);
                row["EmailSubject"] = S(e["subject"]);
                row["AccountUpn"] = S(e["recipientEmailAddress"]);
                row["EvidenceDirection"] = S(e["antiSpamDirection"]);
                break;
        }
        return AlertEvidenceColumns.Select(c => row.TryGetValue(c.Name, out var v) ? v : (c.Type == KqlType.String ? "" : null)).ToArray();
    }

    private static readonly Dictionary<string, string> EntityTypes = new()
    {
        ["deviceEvidence"] = "Machine", ["userEvidence"] = "User", ["processEvidence"] = "Process", ["fileEvidence"] = "File",
        ["ipEvidence"] = "Ip", ["urlEvidence"] = "Url", ["mailboxEvidence"] = "Mailbox", ["analyzedMessageEvidence"] = "MailMessage",
    };

    /// <summary>serviceSource as the hunting tables spell it (product names, not enum members).</summary>
    private static readonly Dictionary<string, string> ServiceSources = new()
    {
        ["microsoftDefenderForEndpoint"] = "Microsoft Defender for Endpoint",
        ["microsoftDefenderForIdentity"] = "Microsoft Defender for Identity",
        ["microsoftDefenderForCloudApps"] = "Microsoft Defender for Cloud Apps",
        ["microsoftDefenderForOffice365"] = "Microsoft Defender for Office 365",
        ["microsoft365Defender"] = "Microsoft Defender XDR",
        ["azureAdIdentityProtection"] = "Microsoft Entra ID Protection",
        ["dataLossPrevention"] = "Microsoft Data Loss Prevention",
        ["microsoftDefenderForCloud"] = "Microsoft Defender for Cloud",
        ["microsoftSentinel"] = "Microsoft Sentinel",
    };

    private static string ServiceSource(string member) => member == null ? "" : ServiceSources.GetValueOrDefault(member, Words(member));

    private static string DetectionSource(string member) => member switch
    {
        null => "",
        "microsoftDefenderForEndpoint" => "EDR",
        "antivirus" => "Antivirus",
        "smartScreen" => "SmartScreen",
        "customDetection" => "Custom detection",
        _ => ServiceSources.GetValueOrDefault(member, Words(member)),
    };

    /// <summary>camelCase → "Title case words" (e.g. automatedInvestigation → "Automated investigation").</summary>
    private static string Words(string camel)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var c in camel)
        {
            if (char.IsUpper(c) && sb.Length > 0) sb.Append(' ').Append(char.ToLowerInvariant(c));
            else sb.Append(sb.Length == 0 ? char.ToUpperInvariant(c) : c);
        }
        return sb.ToString();
    }
}
