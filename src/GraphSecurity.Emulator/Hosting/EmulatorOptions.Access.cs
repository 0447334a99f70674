using GraphSecurity.Emulator.Control;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>Settings of the user and managed-identity flows, throttling and fault injection.</summary>
public sealed partial class EmulatorOptions
{
    /// <summary>Well-known value of the <c>X-IDENTITY-HEADER</c> the App Service / Automation endpoints expect.</summary>
    public const string DefaultManagedIdentityHeader = "gs-emulator-identity-header";

    /// <summary>Lifetime of every access token, in seconds.</summary>
    public int TokenLifetimeSeconds { get; set; } = Identity.TokenIssuer.LifetimeSeconds;
    public int DeviceCodeExpiresInSeconds { get; set; } = 900;
    public int DeviceCodeIntervalSeconds { get; set; } = 5;
    /// <summary>UPN the authorize endpoint signs in when the request has no <c>login_hint</c>; null = the tenant's first user.</summary>
    public string InteractiveUser { get; set; }
    public string ManagedIdentityHeader { get; set; } = DefaultManagedIdentityHeader;
    public ThrottleSettings Throttling { get; set; } = new();
    public FaultSettings Faults { get; set; } = new();
    /// <summary>Defender for Endpoint's indicator cap and rate limits (config file key <c>defender</c>).</summary>
    public Defender.DefenderSettings Defender { get; set; } = new();
    /// <summary>APIs that answer as retired from the start (<see cref="RetiredApis"/>).</summary>
    public List<string> RetiredApis { get; set; } = new();

    private void ApplyAccessSettings(EmulatorConfigFile file)
    {
        if (file.RetiredApis != null) RetiredApis = file.RetiredApis.Select(Control.RetiredApis.Canonical).ToList();
        if (file.TokenLifetimeSeconds != null) TokenLifetimeSeconds = Positive(file.TokenLifetimeSeconds.Value, "tokenLifetimeSeconds");
        if (file.DeviceCode?.ExpiresInSeconds != null) DeviceCodeExpiresInSeconds = Positive(file.DeviceCode.ExpiresInSeconds.Value, "deviceCode.expiresInSeconds");
        if (file.DeviceCode?.IntervalSeconds != null) DeviceCodeIntervalSeconds = Positive(file.DeviceCode.IntervalSeconds.Value, "deviceCode.intervalSeconds");
        if (file.InteractiveUser != null) InteractiveUser = file.InteractiveUser;
        if (file.ManagedIdentityHeader != null) ManagedIdentityHeader = file.ManagedIdentityHeader;
        if (file.Throttling != null) Throttling = file.Throttling.MergedOverDefaults();
        if (file.Defender != null) Defender = file.Defender.MergedOverDefaults();
        if (file.Faults != null)
        {
            file.Faults.Validate();
            Faults = file.Faults;
        }
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new ArgumentException($"Config: '{name}' must be a positive number of seconds.");
}

public sealed partial class EmulatorConfigFile
{
    public int? TokenLifetimeSeconds { get; set; }
    public DeviceCodeEntry DeviceCode { get; set; }
    public string InteractiveUser { get; set; }
    public string ManagedIdentityHeader { get; set; }
    public ThrottleSettings Throttling { get; set; }
    public FaultSettings Faults { get; set; }
    /// <summary>"defender": {"indicatorCap": 15000, "rateLimits": {"import": [{"requests": 30, "windowSeconds": 60}]}}</summary>
    public Defender.DefenderSettings Defender { get; set; }
    /// <summary>"retiredApis": ["tiIndicators", "securityActions", "alerts"]</summary>
    public List<string> RetiredApis { get; set; }

    public sealed class DeviceCodeEntry
    {
        public int? ExpiresInSeconds { get; set; }
        public int? IntervalSeconds { get; set; }
    }
}
