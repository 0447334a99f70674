using System.Text.Json;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GraphSecurity.Emulator.Tests;

/// <summary>A clock tests move by hand; starts at the real time so issued tokens still validate.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>
/// An in-process emulator whose identity flows and throttling run on a <see cref="ManualTimeProvider"/>,
/// with a 2 s device-code polling interval, 60 s device-code lifetime and 60 alerts in Contoso.
/// </summary>
public class ClockedEmulatorFixture : EmulatorFixture
{
    public ManualTimeProvider Time { get; } = new();

    protected override void Configure(EmulatorOptions options)
    {
        options.AlertCount = 60; // keeps start-up fast; these tests are about identity and control, not data
        options.DeviceCodeIntervalSeconds = 2;
        options.DeviceCodeExpiresInSeconds = 60;
    }

    protected override void ConfigureServices(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Time);

    public async Task<(int Status, JsonElement Body)> PostFormAsync(string url, IDictionary<string, string> form) =>
        await ReadAsync(await Client.PostAsync(url, new FormUrlEncodedContent(form)));

    public async Task<(int Status, JsonElement Body)> PostJsonAsync(string url, object body) =>
        await ReadAsync(await Client.PostAsync(url, new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json")));

    public async Task<JsonElement> StartDeviceCodeAsync(string scope, string clientId = DirectorySeed.PowerShellClientId, string tenant = "contoso.example")
    {
        var (status, body) = await PostFormAsync($"/{tenant}/oauth2/v2.0/devicecode", new Dictionary<string, string> { ["client_id"] = clientId, ["scope"] = scope });
        Assert.True(status == 200, body.ToString());
        return body;
    }

    public Task<(int Status, JsonElement Body)> PollAsync(string deviceCode, string clientId = DirectorySeed.PowerShellClientId, string tenant = "contoso.example") =>
        PostFormAsync($"/{tenant}/oauth2/v2.0/token", new Dictionary<string, string>
        {
            ["grant_type"] = UserGrants.DeviceCodeGrant, ["client_id"] = clientId, ["device_code"] = deviceCode,
        });

    /// <summary>Runs the device code flow to the end for <paramref name="user"/> and returns the token response.</summary>
    public async Task<JsonElement> UserTokenResponseAsync(string user, string scope)
    {
        var start = await StartDeviceCodeAsync(scope);
        var (approved, approveBody) = await PostJsonAsync("/_emulator/devicecode/approve", new { userCode = start.GetProperty("user_code").GetString(), user });
        Assert.True(approved == 200, approveBody.ToString());
        var (status, body) = await PollAsync(start.GetProperty("device_code").GetString());
        Assert.True(status == 200, body.ToString());
        return body;
    }

    public async Task<string> UserTokenAsync(string user, string scope) =>
        (await UserTokenResponseAsync(user, scope)).GetProperty("access_token").GetString();
}
