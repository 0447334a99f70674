using GraphSecurity.Emulator.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GraphSecurity.Emulator.Tests;

/// <summary>Tokens the token endpoint does not issue (delegated ones) and extra apps, for authorization tests.</summary>
public static class TestTokens
{
    /// <summary>A delegated (user) Graph token for the default app, signed with the emulator's key, with the given 'scp'.</summary>
    public static string Delegated(EmulatorFixture f, string scopes)
    {
        var tenant = Directory(f).Find(TenantDirectory.DefaultTenantId);
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["aud"] = TokenIssuer.GraphResource,
            ["iss"] = TokenIssuer.Issuer(tenant.Id),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
            ["appid"] = TenantDirectory.DefaultClientId,
            ["app_displayname"] = "GraphSecurity Emulator",
            ["idtyp"] = "user",
            ["tid"] = tenant.Id,
            ["upn"] = "soc.analyst1@contoso.example",
            ["scp"] = scopes,
            ["ver"] = "1.0",
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(f.Issuer.Key, SecurityAlgorithms.RsaSha256),
            TokenType = "JWT",
        });
    }

    /// <summary>Registers another app in the default tenant (at run time) and returns an app-only token for it.</summary>
    public static Task<string> ExtraAppAsync(EmulatorFixture f, string clientId, params string[] roles)
    {
        var tenant = Directory(f).Find(TenantDirectory.DefaultTenantId);
        lock (tenant.Apps)
        {
            if (tenant.FindApp(clientId) == null)
                tenant.Apps.Add(new AppRegistration { ClientId = clientId, DisplayName = "Test app " + clientId[..8], Secret = "test-secret-" + clientId[..8], Roles = roles.ToList() });
        }
        return f.TokenAsync(clientId, "test-secret-" + clientId[..8]);
    }

    private static TenantDirectory Directory(EmulatorFixture f) => (TenantDirectory)f.App.Services.GetService(typeof(TenantDirectory));
}
