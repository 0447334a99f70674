using GraphSecurity.Emulator.Graph.Legacy.Providers;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>The partner providers of the legacy alerts broker registered by the config file.</summary>
public sealed partial class EmulatorOptions
{
    public List<PartnerProvider> PartnerProviders { get; set; } = new();

    private void ApplyProviders(List<EmulatorConfigFile.ProviderEntry> entries)
    {
        foreach (var e in entries ?? new())
        {
            try { PartnerProviders.Add(PartnerProvider.Validated(e.Vendor, e.Provider, e.ProviderVersion, e.BaseUrl, e.AppId, e.Audience, e.TimeoutMs)); }
            catch (ArgumentException ex) { throw new ArgumentException($"Config: provider '{e.Vendor}/{e.Provider}': {ex.Message}"); }
        }
    }
}

public sealed partial class EmulatorConfigFile
{
    /// <summary>"providers": [{"vendor", "provider", "providerVersion", "baseUrl", "appId", "audience", "timeoutMs"}]</summary>
    public List<ProviderEntry> Providers { get; set; }

    public sealed class ProviderEntry
    {
        public string Vendor { get; set; }
        public string Provider { get; set; }
        public string ProviderVersion { get; set; }
        public string BaseUrl { get; set; }
        public string AppId { get; set; }
        public string Audience { get; set; }
        public int? TimeoutMs { get; set; }
    }
}
