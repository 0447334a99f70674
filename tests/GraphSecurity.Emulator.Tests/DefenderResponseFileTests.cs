using System.IO.Compression;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

/// <summary>The investigation package (GetPackageUri and the zip behind it) and live response (commands, library, result links).</summary>
public class DefenderResponseFileTests : IClassFixture<DefenderFixture>
{
    private const string Actions = DefenderMachineActionTests.Actions;
    private readonly DefenderFixture _f;
    public DefenderResponseFileTests(DefenderFixture f) => _f = f;

    private async Task<JsonElement> MachineAsync(int index)
    {
        var (_, body, _) = await _f.CallAsync(HttpMethod.Get, DefenderMachineTests.Machines);
        return body.GetProperty("value")[index];
    }

    private async Task<JsonElement> CreatedAsync(string machineId, string verb, object body)
    {
        var (status, action, _) = await _f.CallAsync(HttpMethod.Post, $"{DefenderMachineTests.Machines}/{machineId}/{verb}", body);
        Assert.True(status == 201, action.ToString());
        return action;
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString();

    private void RunToEnd() => _f.Clock.Advance(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task The_package_link_exists_once_the_collection_succeeded_and_serves_a_zip_without_a_token()
    {
        var machine = await MachineAsync(30);
        var collect = await CreatedAsync(Id(machine), "collectInvestigationPackage", new { Comment = "triage" });
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Id(collect)}/GetPackageUri"), 404, "ResourceNotFound",
            "The investigation package is not available: the collection is Pending.");
        RunToEnd();
        var (status, link, _) = await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Id(collect)}/getPackageUri");
        Assert.True(status == 200, link.ToString());
        Assert.EndsWith("$metadata#Edm.String", link.GetProperty("@odata.context").GetString());
        var url = new Uri(link.GetProperty("value").GetString());
        Assert.Equal($"/_blob/packages/{Id(collect)}.zip", url.AbsolutePath);
        Assert.Contains("sig=", url.Query);

        var download = await _f.Client.GetAsync(url.PathAndQuery);
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal("application/zip", download.Content.Headers.ContentType?.MediaType);
        using (var zip = new ZipArchive(await download.Content.ReadAsStreamAsync(), ZipArchiveMode.Read))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "Processes/processes.csv");
            Assert.Contains(zip.Entries, e => e.FullName == "Network connections/netstat.txt");
            using var readme = new StreamReader(zip.GetEntry("README.txt").Open());
            var text = await readme.ReadToEndAsync();
            Assert.Contains(machine.GetProperty("computerDnsName").GetString(), text);
            Assert.Contains(Id(collect), text);
        }

        Assert.Equal(403, (int)(await _f.Client.GetAsync(url.PathAndQuery.Replace("sig=", "sig=x"))).StatusCode);
        _f.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(403, (int)(await _f.Client.GetAsync(url.PathAndQuery)).StatusCode);

        var scan = await CreatedAsync(Id(machine), "runAntiVirusScan", new { Comment = "not a package" });
        RunToEnd();
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Id(scan)}/GetPackageUri"), 404, "ResourceNotFound");
    }

    [Fact]
    public async Task GetPackageUri_is_limited_to_2_a_minute_with_throttling_on()
    {
        var collect = await CreatedAsync(Id(await MachineAsync(31)), "collectInvestigationPackage", new { Comment = "c" });
        RunToEnd();
        var (on, _) = await _f.PostJsonAsync("/_emulator/throttling", new { enabled = true });
        Assert.Equal(200, on);
        try
        {
            for (int i = 0; i < 2; i++) Assert.Equal(200, (await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Id(collect)}/GetPackageUri")).Status);
            var refused = await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Id(collect)}/GetPackageUri");
            DefenderFixture.AssertError(refused, 429, "TooManyRequests", "2 per 1m");
            Assert.True(refused.Response.Headers.RetryAfter != null);
        }
        finally
        {
            await _f.PostJsonAsync("/_emulator/throttling", new { enabled = false });
            await _f.PostJsonAsync("/_emulator/reset", new { });
        }
    }

    private static object Commands(params (string Type, string Key, string Value)[] commands) => new
    {
        Comment = "live",
        Commands = commands.Select(c => new { type = c.Type, @params = new[] { new { key = c.Key, value = c.Value } } }).ToArray(),
    };

    [Fact]
    public async Task Live_response_runs_library_scripts_and_links_their_results()
    {
        var machine = await MachineAsync(32);
        var body = Commands(("RunScript", "ScriptName", "Get-ProcessList.ps1"), ("GetFile", "Path", @"C:\Windows\Temp\a.log"));
        var action = await CreatedAsync(Id(machine), "runliveresponse", body);
        Assert.Equal("LiveResponse", action.GetProperty("type").GetString());
        Assert.Equal(new[] { "Created", "Created" }, action.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("commandStatus").GetString()));
        Assert.Equal("RunScript", action.GetProperty("commands")[0].GetProperty("command").GetProperty("type").GetString());

        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, $"{DefenderMachineTests.Machines}/{Id(machine)}/runliveresponse", body), 400, "ActiveRequestAlreadyExists");
        var link = $"{Actions}/{Id(action)}/GetLiveResponseResultDownloadLink(index=0)";
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, link), 404, "ResourceNotFound");
        RunToEnd();

        var (_, done, _) = await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Id(action)}");
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
        Assert.All(done.GetProperty("commands").EnumerateArray(), c => Assert.Equal("Completed", c.GetProperty("commandStatus").GetString()));
        var (status, answer, _) = await _f.CallAsync(HttpMethod.Get, link);
        Assert.True(status == 200, answer.ToString());
        var url = new Uri(answer.GetProperty("value").GetString());
        Assert.Equal($"/_blob/liveresponse/{Id(action)}/0", url.AbsolutePath);
        var transcript = JsonDocument.Parse(await _f.Client.GetStringAsync(url.PathAndQuery)).RootElement;
        Assert.Equal("Get-ProcessList.ps1", transcript.GetProperty("script_name").GetString());
        Assert.Equal(0, transcript.GetProperty("exit_code").GetInt32());
        Assert.Contains(machine.GetProperty("computerDnsName").GetString(), transcript.GetProperty("script_output").GetString());

        var (_, fileLink, _) = await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Id(action)}/GetLiveResponseResultDownloadLink(index=1)");
        var file = await _f.Client.GetStringAsync(new Uri(fileLink.GetProperty("value").GetString()).PathAndQuery);
        Assert.Contains(@"C:\Windows\Temp\a.log", file);
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Id(action)}/GetLiveResponseResultDownloadLink(index=5)"), 404, "ResourceNotFound");
    }

    [Fact]
    public async Task A_script_not_in_the_library_fails_its_command_and_stops_the_rest()
    {
        var library = await _f.GetJsonAsync($"/_emulator/tenants/{TenantDirectory.DefaultTenantId}/defender/library", token: "");
        Assert.Contains("Collect-Triage.ps1", library.EnumerateArray().Select(n => n.GetString()));
        var action = await CreatedAsync(Id(await MachineAsync(33)), "runliveresponse",
            Commands(("RunScript", "ScriptName", "Get-NetworkConnections.ps1"), ("RunScript", "ScriptName", "x.ps1"), ("GetFile", "Path", @"C:\a.txt")));
        RunToEnd();
        var (_, done, _) = await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Id(action)}");
        Assert.Equal("Failed", done.GetProperty("status").GetString());
        var commands = done.GetProperty("commands").EnumerateArray().ToList();
        Assert.Equal(new[] { "Completed", "Failed", "Created" }, commands.Select(c => c.GetProperty("commandStatus").GetString()));
        Assert.Equal("The file x.ps1 was not found in the library.", commands[1].GetProperty("errors")[0].GetString());

        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, $"{DefenderMachineTests.Machines}/{Id(await MachineAsync(34))}/runliveresponse",
            new { Comment = "c", Commands = Array.Empty<object>() }), 400, "InvalidRequestBody");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, $"{DefenderMachineTests.Machines}/{Id(await MachineAsync(34))}/runliveresponse",
            Commands(("RunScript", "ScriptName", "Get-ProcessList.ps1")), TenantDirectory.ResponderClientId), 403, "Forbidden", "Machine.LiveResponse");
    }
}
