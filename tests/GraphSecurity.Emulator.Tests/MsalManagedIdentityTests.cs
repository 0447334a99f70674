using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Tests;

/// <summary>
/// MSAL.NET's ManagedIdentityApplication against the emulator over HTTPS, steered by the environment variables
/// MSAL reads. The variables are process-wide, so every MSAL managed-identity test lives in this one class.
/// </summary>
public class MsalManagedIdentityTests : IClassFixture<HttpsEmulatorFixture>, IDisposable
{
    private static readonly string[] Variables = { "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "AZURE_POD_IDENTITY_AUTHORITY_HOST", "IMDS_ENDPOINT", "MSI_ENDPOINT", "IDENTITY_SERVER_THUMBPRINT" };
    private readonly HttpsEmulatorFixture _f;

    public MsalManagedIdentityTests(HttpsEmulatorFixture f)
    {
        _f = f;
        ClearVariables();
    }

    public void Dispose() => ClearVariables();

    private static void ClearVariables()
    {
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
    }

    private async Task<AuthenticationResult> AcquireAsync(ManagedIdentityId id) =>
        await ManagedIdentityApplicationBuilder.Create(id)
            .WithHttpClientFactory(_f.HttpClientFactory())
            .Build()
            .AcquireTokenForManagedIdentity("https://graph.microsoft.com")
            .ExecuteAsync();

    [Fact]
    public async Task App_service_source_and_imds_source_both_reach_the_emulator()
    {
        // App Service / Functions: IDENTITY_ENDPOINT + IDENTITY_HEADER.
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", _f.Url + ManagedIdentityEndpoints.AppServicePath);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", EmulatorOptions.DefaultManagedIdentityHeader);
        var system = await AcquireAsync(ManagedIdentityId.SystemAssigned);
        Assert.Equal(DirectorySeed.SystemAssignedClientId, new JsonWebToken(system.AccessToken).GetClaim("appid").Value);
        var user = await AcquireAsync(ManagedIdentityId.WithUserAssignedClientId(DirectorySeed.UserAssignedClientId));
        Assert.Equal(DirectorySeed.UserAssignedClientId, new JsonWebToken(user.AccessToken).GetClaim("appid").Value);
        Assert.True(user.ExpiresOn > DateTimeOffset.UtcNow.AddSeconds(HttpsEmulatorFixture.TokenLifetimeSeconds - 30));

        // IMDS: AZURE_POD_IDENTITY_AUTHORITY_HOST replaces http://169.254.169.254.
        ClearVariables();
        Environment.SetEnvironmentVariable("AZURE_POD_IDENTITY_AUTHORITY_HOST", _f.Url);
        var imds = await AcquireAsync(ManagedIdentityId.WithUserAssignedResourceId(DirectorySeed.UserAssignedResourceId));
        Assert.Equal(DirectorySeed.UserAssignedClientId, new JsonWebToken(imds.AccessToken).GetClaim("appid").Value);

        // Each source called its own route exactly as often as tokens were asked for (no retries, no probing).
        using var http = _f.CreateClient();
        var counters = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(_f.Url + "/_emulator/counters")).RootElement;
        int Count(string route) => counters.GetProperty("routes").EnumerateArray().Where(r => r.GetProperty("route").GetString() == route).Sum(r => r.GetProperty("count").GetInt32());
        Assert.Equal(2, Count(ManagedIdentityEndpoints.AppServicePath));
        Assert.Equal(1, Count(ManagedIdentityEndpoints.ImdsPath));
    }
}
