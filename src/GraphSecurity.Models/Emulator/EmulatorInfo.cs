using System;

namespace GraphSecurity;

/// <summary>A running local emulator, as read from its info file.</summary>
public class EmulatorInfo
{
    public Uri? Url { get; set; }
    public int Port { get; set; }
    public string? Thumbprint { get; set; }
    public int Pid { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public int Seed { get; set; }
    public int AlertCount { get; set; }
    public string? InfoPath { get; set; }
    public ValueList<EmulatorTenant> Tenants { get; set; } = ValueList<EmulatorTenant>.Empty;

    public override string? ToString() => Url?.ToString();
}

public class EmulatorTenant
{
    public string? Id { get; set; }
    public string? Domain { get; set; }
    public string? DisplayName { get; set; }
    public ValueList<EmulatorApp> Apps { get; set; } = ValueList<EmulatorApp>.Empty;
    public override string? ToString() => Domain ?? Id;
}

public class EmulatorApp
{
    public string? ClientId { get; set; }
    public string? DisplayName { get; set; }
    public ValueList<string> Roles { get; set; } = ValueList<string>.Empty;
    public override string? ToString() => DisplayName ?? ClientId;
}
