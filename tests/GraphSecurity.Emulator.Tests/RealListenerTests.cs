using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;
using Microsoft.Identity.Client;

namespace GraphSecurity.Emulator.Tests;

/// <summary>
/// Runs the real emulator process (HTTPS on loopback, info file) and talks to it with MSAL.NET
/// through an HttpClient that pins the emulator's certificate by thumbprint.
/// </summary>
public class RealListenerTests
{
    private sealed class PinnedHttpClientFactory : IMsalHttpClientFactory
    {
        private readonly HttpClient _client;
        public PinnedHttpClientFactory(string thumbprint) => _client = CreateClient(thumbprint);
        public HttpClient GetHttpClient() => _client;
    }

    public static HttpClient CreateClient(string thumbprint) => new(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            cert != null && string.Equals(cert.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase),
    });

    private static string EmulatorDll()
    {
        var baseDir = AppContext.BaseDirectory; // tests/GraphSecurity.Emulator.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(baseDir).Parent!.Parent!.Name;
        var dir = new DirectoryInfo(baseDir);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props"))) dir = dir.Parent;
        if (dir != null)
        {
            var own = Path.Combine(dir.FullName, "src", "GraphSecurity.Emulator", "bin", configuration, "net10.0", "GraphSecurity.Emulator.dll");
            if (File.Exists(own)) return own;
        }
        return Path.Combine(baseDir, "GraphSecurity.Emulator.dll");
    }

    [Fact]
    public async Task Https_listener_info_file_and_msal_with_secret_and_certificate()
    {
        var work = Directory.CreateTempSubdirectory("gs-emu-real");
        var infoFile = Path.Combine(work.FullName, "sub", "emulator.json");
        using var clientCert = TestCertificates.Create();
        const string certClientId = "5e1f0c2a-8b3d-4e6f-9a1b-2c3d4e5f6a7b";
        File.WriteAllBytes(Path.Combine(work.FullName, "client.cer"), clientCert.Export(X509ContentType.Cert));
        var configPath = Path.Combine(work.FullName, "config.json");
        File.WriteAllText(configPath, JsonSerializer.Serialize(new
        {
            alertCount = 40,
            tenants = new object[]
            {
                new
                {
                    id = TenantDirectory.DefaultTenantId,
                    apps = new object[]
                    {
                        new { clientId = certClientId, displayName = "Cert Runbook", certificates = new[] { "client.cer" }, roles = new[] { "SecurityAlert.Read.All" } },
                    },
                },
            },
        }));

        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { EmulatorDll(), "--port", "0", "--info-file", infoFile, "--config", configPath, "--seed", "77" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = new List<string>();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (stdout) stdout.Add(e.Data);
            if (e.Data.StartsWith("GraphSecurity emulator listening on ")) ready.TrySetResult(e.Data);
        };
        var stderr = new List<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var finished = await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(finished == ready.Task, "emulator did not start: " + string.Join("\n", stderr));
            var line = await ready.Task;

            // Info file.
            Assert.True(File.Exists(infoFile));
            var infoText = File.ReadAllText(infoFile);
            var info = JsonDocument.Parse(infoText).RootElement;
            var url = info.GetProperty("url").GetString();
            Assert.Equal($"GraphSecurity emulator listening on {url}", line);
            Assert.Matches(@"^https://127\.0\.0\.1:\d+$", url);
            Assert.Equal(new Uri(url).Port, info.GetProperty("port").GetInt32());
            Assert.Equal(process.Id, info.GetProperty("pid").GetInt32());
            Assert.Equal(77, info.GetProperty("seed").GetInt32());
            Assert.Equal(40, info.GetProperty("alertCount").GetInt32());
            var thumbprint = info.GetProperty("thumbprint").GetString();
            Assert.Matches("^[0-9A-F]{40}$", thumbprint);
            var tenants = info.GetProperty("tenants").EnumerateArray().ToList();
            Assert.Equal(new[] { "contoso.example", "fabrikam.example", "northwindsec.example" }, tenants.Select(t => t.GetProperty("domain").GetString()));
            Assert.Contains(tenants[0].GetProperty("apps").EnumerateArray(), a => a.GetProperty("clientId").GetString() == certClientId);
            Assert.DoesNotContain("secret", infoText, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("PRIVATE", infoText);
            lock (stdout) Assert.DoesNotContain(stdout, l => l.Contains("secret", StringComparison.OrdinalIgnoreCase));

            using var http = CreateClient(thumbprint);
            var health = await http.GetStringAsync(url + "/_emulator/health");
            Assert.Equal("{\"status\":\"ok\"}", health);

            // MSAL with a client secret.
            var secretApp = ConfidentialClientApplicationBuilder.Create(TenantDirectory.DefaultClientId)
                .WithAuthority($"{url}/{TenantDirectory.DefaultTenantId}")
                .WithInstanceDiscovery(false)
                .WithHttpClientFactory(new PinnedHttpClientFactory(thumbprint))
                .WithClientSecret(TenantDirectory.DefaultClientSecret)
                .Build();
            var secretResult = await secretApp.AcquireTokenForClient(new[] { "https://graph.microsoft.com/.default" }).ExecuteAsync();
            Assert.False(string.IsNullOrEmpty(secretResult.AccessToken));
            Assert.Equal(TokenSource.IdentityProvider, secretResult.AuthenticationResultMetadata.TokenSource);

            var request = new HttpRequestMessage(HttpMethod.Get, url + "/v1.0/security/alerts_v2?$top=5&$count=true");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretResult.AccessToken);
            var response = await http.SendAsync(request);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(40, page.GetProperty("@odata.count").GetInt32());
            Assert.Equal($"{url}/v1.0/$metadata#security/alerts_v2", page.GetProperty("@odata.context").GetString());
            Assert.StartsWith($"{url}/v1.0/security/alerts_v2?", page.GetProperty("@odata.nextLink").GetString());

            // MSAL with a certificate registered through the config file (tenant given by domain this time).
            var certApp = ConfidentialClientApplicationBuilder.Create(certClientId)
                .WithAuthority($"{url}/contoso.example")
                .WithInstanceDiscovery(false)
                .WithHttpClientFactory(new PinnedHttpClientFactory(thumbprint))
                .WithCertificate(clientCert)
                .Build();
            var certResult = await certApp.AcquireTokenForClient(new[] { "https://graph.microsoft.com/.default" }).ExecuteAsync();
            var request2 = new HttpRequestMessage(HttpMethod.Get, url + "/v1.0/security/alerts_v2?$top=1");
            request2.Headers.Authorization = new AuthenticationHeaderValue("Bearer", certResult.AccessToken);
            Assert.Equal(200, (int)(await http.SendAsync(request2)).StatusCode);

            // With instance discovery left on, MSAL asks the emulator's /common/discovery/instance.
            var discoveringApp = ConfidentialClientApplicationBuilder.Create(TenantDirectory.ReaderClientId)
                .WithAuthority($"{url}/{TenantDirectory.DefaultTenantId}")
                .WithHttpClientFactory(new PinnedHttpClientFactory(thumbprint))
                .WithClientSecret(TenantDirectory.ReaderClientSecret)
                .Build();
            var discovered = await discoveringApp.AcquireTokenForClient(new[] { "https://graph.microsoft.com/.default" }).ExecuteAsync();
            Assert.False(string.IsNullOrEmpty(discovered.AccessToken));

            // MSAL surfaces the AAD error for a wrong secret.
            var badApp = ConfidentialClientApplicationBuilder.Create(TenantDirectory.DefaultClientId)
                .WithAuthority($"{url}/{TenantDirectory.DefaultTenantId}")
                .WithInstanceDiscovery(false)
                .WithHttpClientFactory(new PinnedHttpClientFactory(thumbprint))
                .WithClientSecret("wrong")
                .Build();
            var ex = await Assert.ThrowsAsync<MsalServiceException>(() => badApp.AcquireTokenForClient(new[] { "https://graph.microsoft.com/.default" }).ExecuteAsync());
            Assert.Equal("invalid_client", ex.ErrorCode);
            Assert.Contains("AADSTS7000215", ex.Message);

            // Graceful shutdown (SIGTERM) removes the info file. Windows has no SIGTERM to send.
            if (OperatingSystem.IsWindows()) return;
            using (var kill = Process.Start("kill", new[] { "-TERM", process.Id.ToString() })) await kill!.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(cts.Token);
            Assert.False(File.Exists(infoFile), "info file should be deleted on shutdown");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            work.Delete(true);
        }
    }
}
