using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>Settings of the threat-intelligence API (/security/threatIntelligence).</summary>
public sealed partial class EmulatorOptions
{
    /// <summary>Tenants without the Defender Threat Intelligence licence (answered 403); Fabrikam by default.</summary>
    public List<string> ThreatIntelligenceUnlicensedTenants { get; set; } = new() { TenantDirectory.FabrikamTenantId };

    private void ApplyThreatIntelligence(EmulatorConfigFile.ThreatIntelligenceEntry entry)
    {
        if (entry?.UnlicensedTenants != null) ThreatIntelligenceUnlicensedTenants = entry.UnlicensedTenants;
    }
}

public sealed partial class EmulatorConfigFile
{
    /// <summary>"threatIntelligence": {"unlicensedTenants": ["tenant id", …]}</summary>
    public ThreatIntelligenceEntry ThreatIntelligence { get; set; }

    public sealed class ThreatIntelligenceEntry
    {
        public List<string> UnlicensedTenants { get; set; }
    }
}
