using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Data;

/// <summary>A user of a tenant's seed pool: its Entra object id (<see cref="AadId"/>) and on-premises SID.</summary>
public sealed record SeedUser(string First, string Last, string AccountName, string Upn, string DisplayName, string AadId, string Sid, string ObjectGuid);

/// <summary>A device of a tenant's seed pool: <see cref="MdeId"/> is its Defender for Endpoint machine id.</summary>
public sealed record SeedDevice(string HostName, string Dns, string MdeId, string AadDeviceId, string OsPlatform, long OsBuild, string Version, string Ip, DateTimeOffset FirstSeen, bool Server);

/// <summary>The users and devices a tenant's alerts are drawn from (read-only; Defender machines and identity accounts are built from it).</summary>
public sealed record SeedPool(string NetBiosDomain, IReadOnlyList<SeedUser> Users, IReadOnlyList<SeedDevice> Devices, IReadOnlyList<string> Analysts);

/// <summary>Every tenant's <see cref="SeedPool"/>, as the alerts module seeded it.</summary>
public sealed class SeedPools
{
    private readonly Dictionary<string, SeedPool> _pools = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string tenantId, SeedPool pool) => _pools[tenantId] = pool;

    public SeedPool For(string tenantId) =>
        _pools.TryGetValue(tenantId, out var pool) ? pool : throw new InvalidOperationException($"Tenant '{tenantId}' has no seed pool.");
}

/// <summary>
/// Generates a deterministic, realistic set of alerts_v2 for one tenant from (seed, tenant id, anchor time).
/// Alerts are grouped into incidents; related alerts share users and devices from fixed pools.
/// </summary>
public sealed class AlertSeeder
{
    private readonly Random _rnd;
    private static readonly (string Value, double Weight)[] SourceWeights =
        AlertCatalogue.SourceWeights.Select(s => (s.Source, (double)s.Weight)).ToArray();
    private static readonly Dictionary<string, List<CatalogueEntry>> EntriesBySource =
        AlertCatalogue.Entries.GroupBy(e => e.ServiceSource).ToDictionary(g => g.Key, g => g.ToList());
    private static readonly Dictionary<string, double> SeverityWeights = new() { ["informational"] = 10, ["low"] = 30, ["medium"] = 35, ["high"] = 25 };
    private readonly Tenant _tenant;
    private readonly DateTimeOffset _now;
    private readonly int _days;
    private readonly string _netbios;
    private readonly List<SeedUser> _users = new();
    private readonly List<SeedDevice> _devices = new();
    private readonly List<string> _analysts = new();
    private readonly HashSet<string> _ids = new(StringComparer.OrdinalIgnoreCase);

    private static readonly string[] FirstNames =
    {
        "Adele", "Alex", "Allan", "Bianca", "Brian", "Christie", "Debra", "Diego", "Emily", "Enrico", "Grady", "Henrietta",
        "Irvin", "Isaiah", "Johanna", "Joni", "Lee", "Lidia", "Lynne", "Megan", "Miriam", "Nestor", "Patti", "Pradeep",
        "Raul", "Sanjay", "Tomasz", "Yuki", "Zainab", "Oskar", "Ingrid", "Mateo", "Chloe", "Farid", "Noor", "Kwame",
        "Sofia", "Hana", "Luis", "Greta",
    };
    private static readonly string[] LastNames =
    {
        "Vance", "Wilber", "Deyoung", "Pinto", "Johnson", "Cline", "Berger", "Siciliani", "Braun", "Rossi", "Archie", "Mueller",
        "Bellew", "Patel", "Lauer", "Sherman", "Gu", "Holloway", "Robbins", "Bowen", "Graham", "Wilke", "Fernandez", "Gupta",
        "Hernandez", "Kumar", "Nowak", "Tanaka", "Haddad", "Lindqvist", "Berg", "Garcia", "Dubois", "Rahimi", "Khan", "Mensah",
        "Costa", "Sato", "Moreno", "Schmidt",
    };
    private static readonly (string Code, string Country, string City, string State, double Lat, double Lon)[] Places =
    {
        ("US", "United States", "Seattle", "Washington", 47.61, -122.33),
        ("US", "United States", "New York", "New York", 40.71, -74.01),
        ("GB", "United Kingdom", "London", "England", 51.51, -0.13),
        ("DE", "Germany", "Frankfurt am Main", "Hesse", 50.11, 8.68),
        ("NL", "Netherlands", "Amsterdam", "North Holland", 52.37, 4.90),
        ("FR", "France", "Paris", "Ile-de-France", 48.86, 2.35),
        ("BR", "Brazil", "Sao Paulo", "Sao Paulo", -23.55, -46.63),
        ("SG", "Singapore", "Singapore", "Singapore", 1.35, 103.82),
        ("RU", "Russia", "Moscow", "Moscow", 55.76, 37.62),
        ("NG", "Nigeria", "Lagos", "Lagos", 6.52, 3.38),
        ("JP", "Japan", "Tokyo", "Tokyo", 35.68, 139.69),
        ("AU", "Australia", "Sydney", "New South Wales", -33.87, 151.21),
    };

    /// <summary>
    /// Builds the tenant's pools from the seed, then generates alerts from the same stream. With
    /// <paramref name="pool"/> the alerts use that pool instead (alerts created later through the control
    /// API name the same users and devices as the seeded ones).
    /// </summary>
    public AlertSeeder(int seed, Tenant tenant, DateTimeOffset now, int days, SeedPool pool = null)
    {
        _tenant = tenant;
        _now = now.ToUniversalTime();
        _days = Math.Max(1, days);
        _rnd = new Random(seed ^ StableHash(tenant.Id));
        _netbios = tenant.Domain.Split('.')[0].ToUpperInvariant();
        if (pool == null) BuildPools();
        else
        {
            _users.AddRange(pool.Users);
            _devices.AddRange(pool.Devices);
            _analysts.AddRange(pool.Analysts);
        }
    }

    /// <summary>The users and devices this seeder's alerts name in their evidence.</summary>
    public SeedPool Pool => new(_netbios, _users, _devices, _analysts);

    /// <summary>A generator sharing the parent's pools but drawing from its own stream (used for lazy evidence).</summary>
    private AlertSeeder(AlertSeeder parent, int seed)
    {
        _tenant = parent._tenant;
        _now = parent._now;
        _days = parent._days;
        _netbios = parent._netbios;
        _users = parent._users;
        _devices = parent._devices;
        _analysts = parent._analysts;
        _rnd = new Random(seed);
    }

    private static int StableHash(string s) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(s.ToLowerInvariant())), 0);

    // ---- pools -------------------------------------------------------------------------------------

    private void BuildPools()
    {
        var domain = _tenant.Domain;
        var domainSid = $"S-1-5-21-{_rnd.Next(100000000, 999999999)}-{_rnd.Next(100000000, 999999999)}-{_rnd.Next(100000000, 999999999)}";
        for (int i = 0; i < 40; i++)
        {
            var first = FirstNames[i];
            var last = LastNames[(i * 7 + 3) % LastNames.Length];
            var account = $"{first}.{last}".ToLowerInvariant();
            _users.Add(new SeedUser(first, last, account, $"{account}@{domain}", $"{first} {last}", NewGuid(), $"{domainSid}-{1100 + i}", NewGuid()));
        }
        for (int i = 1; i <= 6; i++) _analysts.Add($"soc.analyst{i}@{domain}");
        _analysts.Add($"aoife.o'brien@{domain}");

        var platforms = new[] { ("Windows11", 22631L, "23H2"), ("Windows11", 26100L, "24H2"), ("Windows10", 19045L, "22H2") };
        for (int i = 1; i <= 48; i++)
        {
            var (os, build, ver) = platforms[_rnd.Next(platforms.Length)];
            AddDevice($"ws-{i:000}", os, build, ver, false);
        }
        for (int i = 1; i <= 4; i++) AddDevice($"dc{i:00}", "WindowsServer2022", 20348, "21H2", true);
        for (int i = 1; i <= 4; i++) AddDevice($"srv-app{i:00}", "WindowsServer2019", 17763, "1809", true);
        for (int i = 1; i <= 2; i++) AddDevice($"mac-{i:000}", "macOS", 0, "14.5", false);
        for (int i = 1; i <= 2; i++) AddDevice($"lnx-web{i:00}", "Linux", 0, "Ubuntu 22.04", true);
    }

    private void AddDevice(string host, string os, long build, string version, bool server)
    {
        var ip = $"192.0.2.{10 + _devices.Count * 3 % 240}";
        _devices.Add(new SeedDevice(host, $"{host}.{_tenant.Domain}", Hex(20), NewGuid(), os, build, version, ip,
            _now.AddDays(-_rnd.Next(120, 900)), server));
    }

    // ---- random helpers ----------------------------------------------------------------------------

    private string NewGuid()
    {
        var b = new byte[16];
        _rnd.NextBytes(b);
        b[7] = (byte)((b[7] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b).ToString();
    }

    private string Hex(int bytes)
    {
        var b = new byte[bytes];
        _rnd.NextBytes(b);
        return Convert.ToHexString(b).ToLowerInvariant();
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_rnd.Next(items.Count)];
    private bool Chance(double p) => _rnd.NextDouble() < p;

    private string Weighted(params (string Value, double Weight)[] items)
    {
        var total = items.Sum(i => i.Weight);
        var x = _rnd.NextDouble() * total;
        foreach (var (v, w) in items)
        {
            if (x < w) return v;
            x -= w;
        }
        return items[^1].Value;
    }

    private string ExternalIp() => Chance(0.5) ? $"198.51.100.{_rnd.Next(1, 255)}" : $"203.0.113.{_rnd.Next(1, 255)}";

    // ---- alerts ------------------------------------------------------------------------------------

    public List<Alert> Generate(int count)
    {
        var alerts = new List<Alert>(count);
        int incidentId = 1000 + _rnd.Next(0, 9000);
        var sourcesTotal = AlertCatalogue.SourceWeights.Sum(s => s.Weight);
        while (alerts.Count < count)
        {
            incidentId += _rnd.Next(1, 4);
            var size = Math.Min(count - alerts.Count, Weighted(("1", 45), ("2", 22), ("3", 14), ("4", 9), ("5", 6), ("6", 4))[0] - '0');
            var user = Pick(_users);
            var device = Pick(_devices);
            var baseTime = _now.AddSeconds(-_rnd.NextDouble() * _days * 86400);
            for (int k = 0; k < size; k++)
            {
                var source = Weighted(SourceWeights);
                var entries = EntriesBySource[source];
                var entry = Pick(entries);
                var created = baseTime.AddMinutes(k * _rnd.Next(1, 90));
                if (created > _now) created = _now.AddMinutes(-_rnd.Next(1, 30));
                created = new DateTimeOffset(created.UtcTicks - created.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
                alerts.Add(BuildAlert(entry, incidentId.ToString(CultureInfo.InvariantCulture), created, user, device));
            }
        }
        return alerts;
    }

    private Alert BuildAlert(CatalogueEntry e, string incidentId, DateTimeOffset created, SeedUser user, SeedDevice device)
    {
        var a = new Alert
        {
            Id = NewId(e.ServiceSource, created),
            TenantId = _tenant.Id,
            Title = e.Title,
            Category = e.Category,
            Categories = new List<string> { e.Category },
            MitreTechniques = e.Mitre.ToList(),
            ServiceSource = e.ServiceSource,
            DetectionSource = e.DetectionSource,
            ProductName = AlertCatalogue.ProductNames[e.ServiceSource],
            Description = e.Description,
            RecommendedActions = e.RecommendedActions,
            ThreatDisplayName = e.ThreatDisplayName,
            ThreatFamilyName = e.ThreatFamilyName,
            IncidentId = incidentId,
            CreatedDateTime = created,
            AdditionalData = new JsonObject(),
            CustomDetails = new JsonObject(),
            DetectorId = AppRegistration.DeterministicGuid("detector:" + e.Title).ToString(),
        };
        a.ProviderAlertId = e.ServiceSource == "microsoftDefenderForEndpoint" ? a.Id : a.Id[2..];
        a.AlertWebUrl = $"https://security.microsoft.com/alerts/{a.Id}?tid={_tenant.Id}";
        a.IncidentWebUrl = $"https://security.microsoft.com/incidents/{incidentId}?tid={_tenant.Id}";
        if (e.ServiceSource is "dataLossPrevention" or "microsoftDefenderForOffice365" or "microsoftSentinel")
            a.AlertPolicyId = AppRegistration.DeterministicGuid("policy:" + e.Title).ToString();
        if (e.ThreatFamilyName == "LockBit" && Chance(0.5)) a.ActorDisplayName = "Storm-0501";

        // Severity: the global mix (10% informational, 30% low, 35% medium, 25% high) restricted to what fits the alert.
        a.Severity = Weighted(e.Severities.Select(s => (s, SeverityWeights[s])).ToArray());

        // Activity times around creation.
        a.FirstActivityDateTime = created.AddMinutes(-_rnd.Next(2, 180));
        a.LastActivityDateTime = a.FirstActivityDateTime.Value.AddMinutes(_rnd.NextDouble() * (created - a.FirstActivityDateTime.Value).TotalMinutes);

        // Status by age.
        var ageDays = (_now - created).TotalDays;
        a.Status = ageDays < 2 ? Weighted(("new", 70), ("inProgress", 25), ("resolved", 5))
            : ageDays < 7 ? Weighted(("new", 35), ("inProgress", 35), ("resolved", 30))
            : Weighted(("new", 10), ("inProgress", 15), ("resolved", 75));
        var sinceCreated = (_now - created).TotalMinutes;
        a.LastUpdateDateTime = created.AddMinutes(_rnd.NextDouble() * Math.Min(sinceCreated, 60 * 24 * 3));
        a.Classification = "unknown";
        a.Determination = "unknown";
        if (a.Status == "resolved")
        {
            a.ResolvedDateTime = created.AddMinutes(Math.Max(1, _rnd.NextDouble() * Math.Min(sinceCreated, 60 * 24 * 5)));
            if (a.ResolvedDateTime > a.LastUpdateDateTime) a.LastUpdateDateTime = a.ResolvedDateTime;
            a.Classification = Weighted(("truePositive", 45), ("falsePositive", 25), ("informationalExpectedActivity", 30));
            a.Determination = a.Classification switch
            {
                "truePositive" => TruePositiveDetermination(e),
                "falsePositive" => Weighted(("notMalicious", 60), ("notEnoughDataToValidate", 30), ("other", 10)),
                _ => Weighted(("securityTesting", 35), ("securityPersonnel", 15), ("lineOfBusinessApplication", 30), ("confirmedActivity", 20)),
            };
        }
        var assignChance = a.Status switch { "inProgress" => 0.9, "resolved" => 0.8, _ => 0.15 };
        if (Chance(assignChance)) a.AssignedTo = Pick(_analysts);

        a.InvestigationState = e.ServiceSource == "microsoftDefenderForEndpoint"
            ? a.Status == "resolved" ? Weighted(("successfullyRemediated", 50), ("benign", 40), ("terminatedByUser", 10))
              : Weighted(("running", 30), ("pendingApproval", 30), ("queued", 20), ("partiallyRemediated", 20))
            : "unsupportedAlertType";

        if (Chance(0.05)) a.SystemTags.Add("Defender Experts");
        if (e.Severities.Contains("high") && a.Severity == "high" && Chance(0.1)) a.SystemTags.Add("Attack disruption");

        // Comments from analysts.
        var analyst = a.AssignedTo ?? Pick(_analysts);
        if (a.Status == "inProgress" && Chance(0.3))
            a.Comments.Add(new AlertComment("Investigating. Collected the device timeline.", analyst, a.LastUpdateDateTime.Value));
        if (a.Status == "resolved" && Chance(0.5))
        {
            if (Chance(0.4))
                a.Comments.Add(new AlertComment("Triage started.", analyst, created.AddMinutes(5)));
            a.Comments.Add(new AlertComment($"Closed as {a.Classification} ({a.Determination}).", analyst, a.ResolvedDateTime.Value));
        }

        // Evidence is generated on first use from its own random stream (see Alert.Evidence).
        var evidenceSeed = _rnd.Next();
        a.SetEvidenceFactory(() => new AlertSeeder(this, evidenceSeed).BuildEvidence(e, a, user, device));
        a.SeedDeviceDns = e.Evidence.HasFlag(EvidenceKinds.Device) ? device.Dns : null;
        return a;
    }

    private string TruePositiveDetermination(CatalogueEntry e) => e.Category switch
    {
        "Malware" or "Impact" => "malware",
        "InitialAccess" when e.ServiceSource == "microsoftDefenderForOffice365" => "phishing",
        "InitialAccess" or "CredentialAccess" => Weighted(("compromisedAccount", 70), ("multiStagedAttack", 30)),
        "Exfiltration" or "Collection" => "maliciousUserActivity",
        _ => Weighted(("multiStagedAttack", 50), ("apt", 15), ("malware", 35)),
    };

    private string NewId(string source, DateTimeOffset created)
    {
        while (true)
        {
            string id;
            if (source == "microsoftDefenderForEndpoint")
            {
                var digits = (created.UtcTicks + _rnd.Next(0, 9999)).ToString(CultureInfo.InvariantCulture).PadLeft(18, '0');
                id = $"da{digits}_{_rnd.Next(int.MinValue, int.MaxValue)}";
            }
            else
            {
                id = AlertCatalogue.IdPrefixes[source] + NewGuid();
            }
            if (_ids.Add(id)) return id;
        }
    }

    // ---- evidence ----------------------------------------------------------------------------------

    private List<JsonObject> BuildEvidence(CatalogueEntry e, Alert a, SeedUser user, SeedDevice device)
    {
        var list = new List<JsonObject>();
        var resolved = a.Status == "resolved";
        var malicious = e.Severities.Contains("high") ? "malicious" : "suspicious";
        string Remediation() => resolved
            ? Weighted(("remediated", 40), ("prevented", 20), ("none", 30), ("partiallyRemediated", 5), ("unremediated", 5))
            : Weighted(("none", 70), ("active", 10), ("pendingApproval", 10), ("blocked", 10));

        if (e.Evidence.HasFlag(EvidenceKinds.Device))
            list.Add(DeviceEvidence(a, device, user, malicious));
        if (e.Evidence.HasFlag(EvidenceKinds.User))
            list.Add(UserEvidence(a, user, e.ServiceSource == "microsoftDefenderForIdentity" ? "attacked" : "compromised"));
        if (e.Evidence.HasFlag(EvidenceKinds.Process))
            list.Add(ProcessEvidence(a, e, device, user, malicious, Remediation()));
        if (e.Evidence.HasFlag(EvidenceKinds.File))
            list.Add(FileEvidence(a, e, device, malicious, Remediation()));
        if (e.Evidence.HasFlag(EvidenceKinds.Ip))
            list.Add(IpEvidence(a, ExternalIp(), Pick(Places), "suspicious"));
        if (e.Evidence.HasFlag(EvidenceKinds.TwoIps))
        {
            list.Add(IpEvidence(a, ExternalIp(), Places[_rnd.Next(0, 2)], "noThreatsFound"));
            list.Add(IpEvidence(a, ExternalIp(), Places[_rnd.Next(6, Places.Length)], "suspicious"));
        }
        if (e.Evidence.HasFlag(EvidenceKinds.Url))
            list.Add(UrlEvidence(a, malicious, Remediation()));
        if (e.Evidence.HasFlag(EvidenceKinds.Mailbox))
            list.Add(MailboxEvidence(a, user));
        if (e.Evidence.HasFlag(EvidenceKinds.Message))
            list.Add(MessageEvidence(a, e, user, malicious, Remediation()));
        return list;
    }

    private static JsonObject Base(string type, Alert a, string verdict, string remediation, string[] roles, string[] detailedRoles)
    {
        return new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.security." + type,
            ["createdDateTime"] = AlertSchema.FormatDate(a.CreatedDateTime),
            ["detailedRoles"] = StringArray(detailedRoles),
            ["remediationStatus"] = remediation,
            ["remediationStatusDetails"] = null,
            ["roles"] = StringArray(roles),
            ["tags"] = new JsonArray(),
            ["verdict"] = verdict,
        };
    }

    private static JsonArray StringArray(IEnumerable<string> items) => new(items.Select(i => (JsonNode)JsonValue.Create(i)).ToArray());

    private JsonObject UserAccount(SeedUser u) => new()
    {
        ["accountName"] = u.AccountName,
        ["activeDirectoryObjectGuid"] = u.ObjectGuid,
        ["azureAdUserId"] = u.AadId,
        ["displayName"] = u.DisplayName,
        ["domainName"] = _netbios,
        ["resourceAccessEvents"] = new JsonArray(),
        ["tenantId"] = _tenant.Id,
        ["userPrincipalName"] = u.Upn,
        ["userSid"] = u.Sid,
    };

    private JsonObject DeviceEvidence(Alert a, SeedDevice d, SeedUser u, string verdict)
    {
        var o = Base("deviceEvidence", a, verdict, "none", new[] { "compromised" }, new[] { "Main device" });
        o["azureAdDeviceId"] = d.AadDeviceId;
        o["defenderAvStatus"] = Weighted(("updated", 85), ("notUpdated", 10), ("disabled", 5));
        o["deviceDnsName"] = d.Dns;
        o["dnsDomain"] = _tenant.Domain;
        o["firstSeenDateTime"] = AlertSchema.FormatDate(d.FirstSeen);
        o["healthStatus"] = Weighted(("active", 90), ("inactive", 5), ("impairedCommunication", 5));
        o["hostName"] = d.HostName;
        o["ipInterfaces"] = StringArray(new[] { d.Ip, "fe80::" + Hex(2) + ":" + Hex(2) });
        o["lastExternalIpAddress"] = ExternalIp();
        o["lastIpAddress"] = d.Ip;
        o["loggedOnUsers"] = new JsonArray(new JsonObject { ["accountName"] = u.AccountName, ["domainName"] = _netbios });
        o["mdeDeviceId"] = d.MdeId;
        o["ntDomain"] = _netbios;
        o["onboardingStatus"] = "onboarded";
        o["osBuild"] = d.OsBuild;
        o["osPlatform"] = d.OsPlatform;
        o["rbacGroupId"] = d.Server ? 2 : 1;
        o["rbacGroupName"] = d.Server ? "Servers" : "Workstations";
        o["resourceAccessEvents"] = new JsonArray();
        o["riskScore"] = a.Severity switch { "high" => "high", "medium" => "medium", "low" => "low", _ => "informational" };
        o["version"] = d.Version;
        o["vmMetadata"] = null;
        return o;
    }

    private JsonObject UserEvidence(Alert a, SeedUser u, string role)
    {
        var o = Base("userEvidence", a, "suspicious", "none", new[] { role }, Array.Empty<string>());
        o["stream"] = null;
        o["userAccount"] = UserAccount(u);
        return o;
    }

    private JsonObject FileDetails(string name, string path, long size, bool signed)
    {
        return new JsonObject
        {
            ["fileName"] = name,
            ["filePath"] = path,
            ["filePublisher"] = signed ? "Microsoft Corporation" : null,
            ["fileSize"] = size,
            ["issuer"] = signed ? "Microsoft Windows Production PCA 2011" : null,
            ["md5"] = Hex(16),
            ["sha1"] = Hex(20),
            ["sha256"] = Hex(32),
            ["sha256Ac"] = null,
            ["signer"] = signed ? "Microsoft Windows" : null,
        };
    }

    private JsonObject ProcessEvidence(Alert a, CatalogueEntry e, SeedDevice d, SeedUser u, string verdict, string remediation)
    {
        var (exe, cmd) = e.Title switch
        {
            var t when t.Contains("PowerShell") => ("powershell.exe", "powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA"),
            var t when t.Contains("Ransomware") => ("svch0st.exe", @"C:\Users\Public\svch0st.exe -path C:\ -enc"),
            var t when t.Contains("Mimikatz") => ("mimikatz.exe", "mimikatz.exe \"privilege::debug\" \"sekurlsa::logonpasswords\" exit"),
            var t when t.Contains("PsExec") => ("PsExec.exe", @"PsExec.exe \\srv-app01 -s cmd.exe"),
            var t when t.Contains("scheduled task") => ("schtasks.exe", @"schtasks.exe /create /tn Updater /tr C:\Users\Public\update.vbs /sc onlogon"),
            _ => ("rundll32.exe", @"rundll32.exe C:\ProgramData\cache.dll,Start"),
        };
        var o = Base("processEvidence", a, verdict, remediation, new[] { "suspicious" }, new[] { "Referred in command line" });
        var created = a.FirstActivityDateTime ?? a.CreatedDateTime;
        o["detectionStatus"] = remediation is "prevented" or "blocked" ? "prevented" : "detected";
        o["imageFile"] = FileDetails(exe, exe.StartsWith("svch0st") ? @"C:\Users\Public" : @"C:\Windows\System32", _rnd.Next(40_000, 900_000), !exe.StartsWith("svch0st") && exe != "mimikatz.exe");
        o["mdeDeviceId"] = d.MdeId;
        o["parentProcessCreationDateTime"] = AlertSchema.FormatDate(created.AddMinutes(-_rnd.Next(1, 600)));
        o["parentProcessId"] = (long)_rnd.Next(400, 20000);
        o["parentProcessImageFile"] = FileDetails("explorer.exe", @"C:\Windows", 5_000_000, true);
        o["processCommandLine"] = cmd;
        o["processCreationDateTime"] = AlertSchema.FormatDate(created);
        o["processId"] = (long)_rnd.Next(400, 40000);
        o["userAccount"] = UserAccount(u);
        return o;
    }

    private JsonObject FileEvidence(Alert a, CatalogueEntry e, SeedDevice d, string verdict, string remediation)
    {
        var name = e.ThreatFamilyName switch
        {
            "LockBit" => "svch0st.exe",
            "Mimikatz" => "mimikatz.exe",
            "Wacatac" => "invoice_" + _rnd.Next(1000, 9999) + ".exe",
            _ => e.ServiceSource == "dataLossPrevention" ? "Q3-payments-export.xlsx" : "Remittance_" + _rnd.Next(100, 999) + ".docm",
        };
        var o = Base("fileEvidence", a, verdict, remediation, new[] { "contextual" }, Array.Empty<string>());
        o["detectionStatus"] = remediation is "prevented" or "blocked" ? "blocked" : "detected";
        o["fileDetails"] = FileDetails(name, e.ServiceSource == "microsoftDefenderForEndpoint" ? @"C:\Users\Public\Downloads" : null, _rnd.Next(20_000, 4_000_000), false);
        o["mdeDeviceId"] = e.ServiceSource == "microsoftDefenderForEndpoint" ? d.MdeId : null;
        return o;
    }

    private JsonObject IpEvidence(Alert a, string ip, (string Code, string Country, string City, string State, double Lat, double Lon) place, string verdict)
    {
        var o = Base("ipEvidence", a, verdict, "none", new[] { "source" }, Array.Empty<string>());
        o["countryLetterCode"] = place.Code;
        o["ipAddress"] = ip;
        o["location"] = new JsonObject
        {
            ["city"] = place.City,
            ["countryName"] = place.Country,
            ["latitude"] = place.Lat,
            ["longitude"] = place.Lon,
            ["state"] = place.State,
        };
        o["stream"] = null;
        return o;
    }

    private JsonObject UrlEvidence(Alert a, string verdict, string remediation)
    {
        var o = Base("urlEvidence", a, verdict, remediation, new[] { "contextual" }, Array.Empty<string>());
        var hosts = new[] { "login-micros0ft.example", "invoice-portal.example", "cdn-update.example", "secure-docs.example" };
        o["url"] = $"https://{Pick(hosts)}/{Hex(4)}/index.html";
        return o;
    }

    private JsonObject MailboxEvidence(Alert a, SeedUser u)
    {
        var o = Base("mailboxEvidence", a, "suspicious", "none", new[] { "destination" }, Array.Empty<string>());
        o["displayName"] = u.DisplayName;
        o["primaryAddress"] = u.Upn;
        o["upn"] = u.Upn;
        o["userAccount"] = UserAccount(u);
        return o;
    }

    private JsonObject MessageEvidence(Alert a, CatalogueEntry e, SeedUser u, string verdict, string remediation)
    {
        var senderDomain = Pick(new[] { "invoice-portal.example", "shipping-notice.example", "hr-benefits.example" });
        var sender = $"no-reply@{senderDomain}";
        var hasUrl = e.Evidence.HasFlag(EvidenceKinds.Url);
        var o = Base("analyzedMessageEvidence", a, verdict, remediation, new[] { "contextual" }, Array.Empty<string>());
        o["antiSpamDirection"] = "Inbound";
        o["attachmentsCount"] = (long)(e.Evidence.HasFlag(EvidenceKinds.File) ? 1 : 0);
        o["deliveryAction"] = "Delivered";
        o["deliveryLocation"] = remediation == "remediated" ? "Quarantine" : "Inbox/folder";
        o["internetMessageId"] = $"<{Hex(8)}@{senderDomain}>";
        o["language"] = "en";
        o["networkMessageId"] = NewGuid();
        o["p1Sender"] = new JsonObject { ["displayName"] = "Accounts Payable", ["domainName"] = senderDomain, ["emailAddress"] = sender };
        o["p2Sender"] = new JsonObject { ["displayName"] = "Accounts Payable", ["domainName"] = senderDomain, ["emailAddress"] = sender };
        o["receivedDateTime"] = AlertSchema.FormatDate(a.FirstActivityDateTime ?? a.CreatedDateTime);
        o["recipientEmailAddress"] = u.Upn;
        o["senderIp"] = ExternalIp();
        o["subject"] = Pick(new[] { "Overdue invoice #" + _rnd.Next(10000, 99999), "Your package could not be delivered", "Action required: benefits enrollment" });
        o["threatDetectionMethods"] = StringArray(new[] { hasUrl ? "urlDetonationReputation" : "fileDetonation" });
        o["threats"] = StringArray(new[] { hasUrl ? "Phish" : "Malware" });
        o["urlCount"] = (long)(hasUrl ? 1 : 0);
        o["urls"] = hasUrl ? StringArray(new[] { $"https://{senderDomain}/{Hex(4)}" }) : new JsonArray();
        o["urn"] = $"urn:MailEntity:{Hex(16)}";
        return o;
    }
}
