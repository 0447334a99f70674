using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace GraphSecurity.ProviderKit.Tests;

/// <summary>The sample as the one-command process other tests start: free port, info file, exit codes.</summary>
public sealed class SampleProcessTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sentry-process-" + Guid.NewGuid().ToString("N"));

    public SampleProcessTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SentryFirewall.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    [Fact]
    public async Task ItListensOnAFreePortAndWritesItsInfoFile()
    {
        var infoFile = Path.Combine(_folder, "sentry.json");
        using var process = Start("--authority", "https://127.0.0.1:1", "--urls", "http://127.0.0.1:0", "--info-file", infoFile);
        try
        {
            Assert.True(await TestAuthority.WaitFor(() => File.Exists(infoFile), 60000), "no info file: " + await ErrorText(process));
            using var info = JsonDocument.Parse(await File.ReadAllTextAsync(infoFile));
            var url = info.RootElement.GetProperty("url").GetString()!;
            Assert.Matches(@"^http://127\.0\.0\.1:\d+/gsprov/v1$", url);
            Assert.DoesNotContain(":0/", url);
            Assert.Equal(process.Id, info.RootElement.GetProperty("pid").GetInt32());

            using var http = new HttpClient();
            var root = await http.GetFromJsonAsync<JsonElement>(url);
            Assert.Equal("gsprov/1", root.GetProperty("contract").GetString());
            var raw = await http.GetFromJsonAsync<JsonElement>(url.Replace("/gsprov/v1", "/firewall/alerts"));
            Assert.Equal(40, raw.GetProperty("value").GetArrayLength());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ABadCommandLineExitsWith2AndSaysWhy()
    {
        using var process = Start("--authority", "https://127.0.0.1:1", "--tenant", "fabrikam");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--tenant", error);
        Assert.Contains("Usage:", error);
    }

    private static async Task<string> ErrorText(Process process) =>
        process.HasExited ? await process.StandardError.ReadToEndAsync() : "(still running)";
}
