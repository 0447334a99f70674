namespace GraphSecurity.Engine.Emulator;

/// <summary>
/// The emulator's well-known default identity (documented in about_GraphSecurity_Emulator, like
/// a storage emulator's well-known account key). It only opens the local emulator, never a real tenant.
/// </summary>
public static class EmulatorDefaults
{
    public const string TenantId = "b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c";
    public const string ClientId = "6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20";
    public const string ClientSecret = "gs-emulator-default-secret";
    /// <summary>The emulator's public client app, used by -DeviceCode and -Interactive when no -ClientId is given.</summary>
    public const string PublicClientId = "c5e1a7b3-2d4f-4e6a-9b8c-0d1e2f3a4b5c";
    public const string InfoPathVariable = "GRAPHSECURITY_EMULATOR_INFO";
    public const string ExecutableVariable = "GRAPHSECURITY_EMULATOR_PATH";
}
