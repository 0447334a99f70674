using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>Effective settings of one emulator instance (command line over config file over defaults).</summary>
public sealed partial class EmulatorOptions
{
    public const int DefaultSeed = 20260501;
    public const int DefaultAlertCount = 1000;
    public const int DefaultDays = 30;
    public const int DefaultFabrikamAlertCount = 150;

    public int Port { get; set; }
    public string InfoFile { get; set; }
    public string ConfigPath { get; set; }
    public int Seed { get; set; } = DefaultSeed;
    public int AlertCount { get; set; } = DefaultAlertCount;
    public int Days { get; set; } = DefaultDays;
    public DateTimeOffset Now { get; set; }
    /// <summary>True when the anchor came from --now or the config file (writes then follow the anchor's timeline).</summary>
    public bool NowGiven { get; private set; }
    private bool _finished;
    public TenantDirectory Directory { get; set; }
    /// <summary>How long a new security action stays NotStarted, then how long it runs before Completed/Failed.</summary>
    public TimeSpan SecurityActionStartDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan SecurityActionRunTime { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Share (0–1) of valid security actions that end Failed, drawn from a stream seeded with <see cref="Seed"/>.</summary>
    public double SecurityActionFailureRate { get; set; }
    /// <summary>At most this many rows are returned by runHuntingQuery (the documented quota is 100,000).</summary>
    public int HuntingRowLimit { get; set; } = 100_000;
    /// <summary>Legacy /security/alerts switches (config file "legacy" section; also changeable through /_emulator/legacy).</summary>
    public EmulatorConfigFile.LegacyEntry Legacy { get; set; } = new();
    /// <summary>Multiplies the change-notification retry delays (config "notificationTimeScale"; tests use a small value).</summary>
    public double NotificationTimeScale { get; set; } = 1.0;

    public static string DefaultInfoFile =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".graphsecurity", "emulator.json");

    /// <summary>Builds options from command-line arguments (and the config file they name).</summary>
    public static EmulatorOptions Parse(string[] args)
    {
        string port = null, info = null, config = null, seed = null, count = null, now = null, days = null;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option '{a}' needs a value.");
            switch (a.ToLowerInvariant())
            {
                case "--port": port = Next(); break;
                case "--info-file": info = Next(); break;
                case "--config": config = Next(); break;
                case "--seed": seed = Next(); break;
                case "--alert-count": count = Next(); break;
                case "--days": days = Next(); break;
                case "--now": now = Next(); break;
                default: throw new ArgumentException($"Unknown option '{a}'.");
            }
        }
        var o = new EmulatorOptions { ConfigPath = config, InfoFile = info ?? DefaultInfoFile };
        EmulatorConfigFile file = config != null ? EmulatorConfigFile.Load(config) : null;
        if (file?.Seed != null) o.Seed = file.Seed.Value;
        if (file?.AlertCount != null) o.AlertCount = file.AlertCount.Value;
        if (file?.Days != null) o.Days = file.Days.Value;
        if (file != null) o.ApplyAccessSettings(file);
        if (file?.Now != null) o.Now = file.Now.Value;
        o.ApplySecurityActions(file?.SecurityActions);
        o.ApplySentinel(file?.Sentinel);
        o.ApplyProviders(file?.Providers);
        o.ApplyConsent(file);
        o.ApplyIngestion(file?.Ingestion);
        o.ApplyDetectionRules(file?.DetectionRules);
        o.ApplyThreatIntelligence(file?.ThreatIntelligence);
        if (file?.Legacy != null) o.Legacy = file.Legacy;
        foreach (var f in o.Legacy.FailingProviders ?? new())
            if (!Data.LegacyAlertSeeder.ProviderNames.Contains(f.Provider, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"Config: unknown legacy provider '{f.Provider}'. Known: {string.Join(", ", Data.LegacyAlertSeeder.ProviderNames)}.");
        if (file?.NotificationTimeScale != null) o.NotificationTimeScale = file.NotificationTimeScale.Value;
        if (port != null) o.Port = ParseInt(port, "--port", 0, 65535);
        if (seed != null) o.Seed = ParseInt(seed, "--seed", int.MinValue, int.MaxValue);
        if (count != null) o.AlertCount = ParseInt(count, "--alert-count", 0, 1_000_000);
        if (days != null) o.Days = ParseInt(days, "--days", 1, 3650);
        if (now != null)
        {
            if (!DateTimeOffset.TryParse(now, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var n))
                throw new ArgumentException($"--now: '{now}' is not an ISO 8601 date-time.");
            o.Now = n;
        }
        o.Finish(file);
        return o;
    }

    /// <summary>Fills defaults: anchor time and the tenant directory (merged with the config file's tenants).</summary>
    public EmulatorOptions Finish(EmulatorConfigFile file = null)
    {
        if (!_finished) NowGiven = Now != default; // a second Finish must not mistake the default anchor for a given one
        _finished = true;
        if (Now == default)
        {
            var t = DateTimeOffset.UtcNow;
            Now = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);
        }
        Now = Now.ToUniversalTime();
        Directory ??= TenantDirectory.CreateDefault(AlertCount);
        Directory.Tenants.First(t => t.Id == TenantDirectory.DefaultTenantId).AlertCount = AlertCount;
        if (file?.Tenants != null)
        {
            var baseDir = ConfigPath != null ? Path.GetDirectoryName(Path.GetFullPath(ConfigPath)) : Environment.CurrentDirectory;
            foreach (var ct in file.Tenants) MergeTenant(ct, baseDir);
        }
        return this;
    }

    /// <summary>The API an <c>apiRoles</c> key names (Graph's roles are the app's <c>roles</c>).</summary>
    private static string ApiRoleTarget(string api)
    {
        var resource = Identity.ApiResources.ByName(api);
        if (resource == Identity.ApiResources.Graph)
            throw new ArgumentException("Config: an app's Graph roles go in 'roles'; 'apiRoles' is for the other APIs.");
        return resource.Name;
    }

    private void MergeTenant(EmulatorConfigFile.TenantEntry ct, string baseDir)
    {
        if (string.IsNullOrWhiteSpace(ct.Id) || !Guid.TryParse(ct.Id, out _))
            throw new ArgumentException($"Config: every tenant needs an 'id' that is a GUID (got '{ct.Id}').");
        var tenant = Directory.Tenants.FirstOrDefault(t => string.Equals(t.Id, ct.Id, StringComparison.OrdinalIgnoreCase));
        if (tenant == null)
        {
            tenant = new Tenant { Id = ct.Id.ToLowerInvariant(), Domain = ct.Domain ?? ct.Id, DisplayName = ct.DisplayName ?? ct.Domain ?? ct.Id, AlertCount = 0 };
            Directory.Tenants.Add(tenant);
        }
        if (ct.Domain != null) tenant.Domain = ct.Domain;
        if (ct.DisplayName != null) tenant.DisplayName = ct.DisplayName;
        if (ct.AlertCount != null) tenant.AlertCount = ct.AlertCount.Value;
        foreach (var ca in ct.Apps ?? new List<EmulatorConfigFile.AppEntry>())
        {
            if (string.IsNullOrWhiteSpace(ca.ClientId))
                throw new ArgumentException($"Config: an app of tenant '{ct.Id}' has no 'clientId'.");
            var app = tenant.FindApp(ca.ClientId);
            if (app == null)
            {
                app = new AppRegistration { ClientId = ca.ClientId.ToLowerInvariant(), DisplayName = ca.DisplayName ?? ca.ClientId };
                tenant.Apps.Add(app);
            }
            if (ca.DisplayName != null) app.DisplayName = ca.DisplayName;
            if (ca.Secret != null) app.Secret = ca.Secret;
            if (ca.Roles != null) app.Roles = ca.Roles.ToList();
            foreach (var (api, roles) in ca.ApiRoles ?? new Dictionary<string, List<string>>())
                app.ApiRoles[ApiRoleTarget(api)] = roles?.ToList() ?? new List<string>();
            foreach (var c in ca.Certificates ?? new List<string>())
                app.Certificates.Add(LoadCertificate(c, baseDir));
        }
    }

    /// <summary>Loads a public certificate from a .cer/.crt (DER or PEM) file, a .pem file, or base64 DER text.</summary>
    public static X509Certificate2 LoadCertificate(string value, string baseDir)
    {
        var path = Path.IsPathRooted(value) ? value : Path.Combine(baseDir, value);
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            var text = System.Text.Encoding.ASCII.GetString(bytes);
            if (text.Contains("-----BEGIN CERTIFICATE-----"))
                return X509Certificate2.CreateFromPem(text);
            return X509CertificateLoader.LoadCertificate(bytes);
        }
        try
        {
            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(value.Trim()));
        }
        catch (FormatException)
        {
            throw new ArgumentException($"Config: certificate '{value}' is neither an existing file nor base64 DER.");
        }
    }

    private void ApplySecurityActions(EmulatorConfigFile.SecurityActionsEntry entry)
    {
        if (entry == null) return;
        if (entry.StartDelaySeconds is < 0 || entry.RunSeconds is < 0)
            throw new ArgumentException("Config: securityActions.startDelaySeconds and runSeconds must not be negative.");
        if (entry.FailureRate is < 0 or > 1)
            throw new ArgumentException("Config: securityActions.failureRate must be between 0 and 1.");
        if (entry.StartDelaySeconds != null) SecurityActionStartDelay = TimeSpan.FromSeconds(entry.StartDelaySeconds.Value);
        if (entry.RunSeconds != null) SecurityActionRunTime = TimeSpan.FromSeconds(entry.RunSeconds.Value);
        if (entry.FailureRate != null) SecurityActionFailureRate = entry.FailureRate.Value;
    }

    private static int ParseInt(string s, string name, int min, int max)
    {
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new ArgumentException($"{name}: '{s}' is not an integer between {min} and {max}.");
        return v;
    }
}

/// <summary>The JSON config file (camelCase).</summary>
public sealed partial class EmulatorConfigFile
{
    public int? Seed { get; set; }
    public int? AlertCount { get; set; }
    public int? Days { get; set; }
    public DateTimeOffset? Now { get; set; }
    public List<TenantEntry> Tenants { get; set; }
    public SecurityActionsEntry SecurityActions { get; set; }

    /// <summary>Timing of the security-action lifecycle (NotStarted → Running → Completed/Failed).</summary>
    public sealed class SecurityActionsEntry
    {
        public double? StartDelaySeconds { get; set; }
        public double? RunSeconds { get; set; }
        public double? FailureRate { get; set; }
    }

    public LegacyEntry Legacy { get; set; }
    public double? NotificationTimeScale { get; set; }

    /// <summary>"legacy": {"retired": false, "failingProviders": [{"provider": "IPC", "status": 504, "latencyMs": 10000}]}</summary>
    public sealed class LegacyEntry
    {
        public bool Retired { get; set; }
        public List<FailingProvider> FailingProviders { get; set; } = new();
    }

    public sealed class FailingProvider
    {
        public string Provider { get; set; }
        public int Status { get; set; } = 504;
        public int LatencyMs { get; set; } = 10000;
    }

    public sealed class TenantEntry
    {
        public string Id { get; set; }
        public string Domain { get; set; }
        public string DisplayName { get; set; }
        public int? AlertCount { get; set; }
        public List<AppEntry> Apps { get; set; }
    }

    public sealed class AppEntry
    {
        public string ClientId { get; set; }
        public string DisplayName { get; set; }
        public string Secret { get; set; }
        [System.Text.Json.Serialization.JsonConverter(typeof(StringOrListConverter))]
        public List<string> Certificates { get; set; }
        [System.Text.Json.Serialization.JsonConverter(typeof(StringOrListConverter))]
        public List<string> Roles { get; set; }
        /// <summary>Application roles on the other APIs, e.g. {"DefenderForEndpoint": ["Ti.ReadWrite.All"]}.</summary>
        public Dictionary<string, List<string>> ApiRoles { get; set; }
    }

    /// <summary>Accepts a single string where a list is expected (PowerShell's ConvertTo-Json unrolls one-item arrays).</summary>
    public sealed class StringOrListConverter : System.Text.Json.Serialization.JsonConverter<List<string>>
    {
        public override List<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return null;
            if (reader.TokenType == JsonTokenType.String) return new List<string> { reader.GetString() };
            if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Expected a string or an array of strings.");
            var list = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String) throw new JsonException("Expected an array of strings.");
                list.Add(reader.GetString());
            }
            return list;
        }

        public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, options);
    }

    public static EmulatorConfigFile Load(string path)
    {
        var json = File.ReadAllText(path);
        return JsonSerializer.Deserialize<EmulatorConfigFile>(json, new JsonSerializerOptions
        {
            PropertyNameCaseInsensitive = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        }) ?? new EmulatorConfigFile();
    }
}
