using System.Text.Json;
using GraphSecurity.ProviderKit;

namespace SentryFirewall;

/// <summary>The sample's command line.</summary>
public sealed class SentryOptions
{
    public const string Vendor = "Northwind Security";
    public const string Provider = "Sentry Firewall";
    public const string ProviderVersion = "1.2";
    public const string AppId = "5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f";
    public const string Audience = "api://northwind-sentry";
    public const string HomeTenantId = "7a1c9e3b-5d2f-4a8e-b6c4-0e9f8d7c6b5a";
    public const string ContosoTenantId = "b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c";

    /// <summary>The partner app's secret the emulator seeds (a published test value, not a real credential).</summary>
    public const string EmulatorPartnerSecret = "gs-emulator-partner-secret";

    public const string Usage =
        "Usage: SentryFirewall --authority https://127.0.0.1:PORT [--authority-thumbprint X | --emulator-info FILE] " +
        "[--urls http://127.0.0.1:0] [--info-file PATH] [--broker URL] [--client-secret S] [--tenant ID]... " +
        "[--log FILE] [--break RULE[,RULE...]]";

    public Uri Authority { get; set; }
    public string AuthorityThumbprint { get; set; }
    public string Urls { get; set; } = "http://127.0.0.1:0";
    public string InfoFile { get; set; }
    public Uri Broker { get; set; }
    public string ClientSecret { get; set; } = EmulatorPartnerSecret;
    public List<string> Tenants { get; } = new();
    public HashSet<string> Breaks { get; } = new(StringComparer.Ordinal);

    /// <summary>The seeded log; default Data/sentry-seed.log beside the program. Empty string: start with no log.</summary>
    public string SeedLog { get; set; } = Path.Combine(AppContext.BaseDirectory, "Data", "sentry-seed.log");

    /// <summary>How long the <c>slow</c> variant holds every alerts call.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Further provider settings (tests shorten action timings or supply an in-memory authority).</summary>
    public Action<GsProviderOptions> ConfigureProvider { get; set; }

    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public bool Has(string rule) => Breaks.Contains(rule);

    public IReadOnlyList<string> ConsentedTenants => Tenants.Count > 0 ? Tenants : new[] { ContosoTenantId };

    /// <summary>Parses the command line; a bad or unknown argument is an <see cref="ArgumentException"/> naming it.</summary>
    public static SentryOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SentryOptions();
        string emulatorInfo = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--authority": options.Authority = HttpUrl(name, Value()); break;
                case "--authority-thumbprint": options.AuthorityThumbprint = Thumbprint(Value()); break;
                case "--emulator-info": emulatorInfo = Value(); break;
                case "--urls": options.Urls = Value(); break;
                case "--info-file": options.InfoFile = Value(); break;
                case "--broker": options.Broker = HttpUrl(name, Value()); break;
                case "--client-secret": options.ClientSecret = Value(); break;
                case "--log": options.SeedLog = Value(); break;
                case "--tenant":
                    // One or more ids: "--tenant A B", "--tenant A,B" or "--tenant A --tenant B".
                    var ids = new List<string> { Value() };
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) ids.Add(args[++i]);
                    foreach (var tenant in ids.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                    {
                        if (!Guid.TryParse(tenant, out var id)) throw new ArgumentException($"--tenant takes tenant ids (GUIDs); '{tenant}' is not one.");
                        if (!options.Tenants.Contains(id.ToString())) options.Tenants.Add(id.ToString());
                    }
                    break;
                case "--break":
                    foreach (var rule in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!BreakRules.All.Contains(rule))
                            throw new ArgumentException($"--break: '{rule}' is not a rule; use {string.Join(", ", BreakRules.All)}.");
                        options.Breaks.Add(rule);
                    }
                    break;
                default: throw new ArgumentException($"Unknown argument '{name}'.");
            }
        }
        if (emulatorInfo != null)
        {
            var (url, thumbprint) = ReadEmulatorInfo(emulatorInfo);
            options.Authority ??= url;
            options.AuthorityThumbprint ??= thumbprint;
        }
        if (options.Authority == null) throw new ArgumentException("--authority (or --emulator-info) is required.");
        if (!options.Urls.Split(';').All(u => Uri.TryCreate(u, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"))
            throw new ArgumentException($"--urls must be http(s) URLs, not '{options.Urls}'.");
        if (options.Broker != null && string.IsNullOrWhiteSpace(options.ClientSecret))
            throw new ArgumentException("--broker needs --client-secret.");
        return options;
    }

    private static Uri HttpUrl(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new ArgumentException($"{name} must be an http(s) URL, not '{value}'.");

    private static string Thumbprint(string value)
    {
        var hex = value.Replace(":", "", StringComparison.Ordinal);
        if (hex.Length != 40 || !hex.All(Uri.IsHexDigit))
            throw new ArgumentException("--authority-thumbprint must be the 40 hex digits of a SHA-1 thumbprint.");
        return hex;
    }

    private static (Uri Url, string Thumbprint) ReadEmulatorInfo(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var url = root.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            var thumbprint = root.TryGetProperty("thumbprint", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (url == null) throw new ArgumentException($"--emulator-info: '{path}' has no url.");
            return (HttpUrl("--emulator-info url", url), thumbprint == null ? null : Thumbprint(thumbprint));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ArgumentException($"--emulator-info: cannot read '{path}': {e.Message}");
        }
    }
}
