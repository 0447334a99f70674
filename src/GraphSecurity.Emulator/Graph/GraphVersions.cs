namespace GraphSecurity.Emulator.Graph;

/// <summary>The Graph API versions the emulator serves.</summary>
public static class GraphVersions
{
    public static readonly string[] All = { "v1.0", "beta" };
}
