using System.Text.Json;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

/// <summary>Security actions; the lifecycle is driven by advancing the emulator clock, not by waiting.</summary>
public class SecurityActionTests : IClassFixture<MutableEmulatorFixture>
{
    private const string Url = "/beta/security/securityActions";
    private readonly MutableEmulatorFixture _f;
    public SecurityActionTests(MutableEmulatorFixture f) => _f = f;

    private EmulatorClock Clock => (EmulatorClock)_f.App.Services.GetService(typeof(EmulatorClock));

    private static string BlockIp(string ip, string name = "BlockIp", string clientContext = "ctx") => JsonSerializer.Serialize(new
    {
        name,
        actionReason = "Known command-and-control address",
        parameters = new[] { new { name = "IP", value = ip } },
        vendorInformation = new { provider = "Windows Defender ATP", vendor = "Microsoft" },
        clientContext,
    });

    private async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string url, string json = null, string token = null) =>
        await EmulatorFixture.ReadAsync(await _f.SendAsync(method, url, token, json));

    private static string Message(JsonElement body) => body.GetProperty("error").GetProperty("message").GetString();

    private async Task<JsonElement> CreateAsync(string json)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, Url, json);
        Assert.True(status == 201, body.ToString());
        return body;
    }

    private static List<string> States(JsonElement action) =>
        action.GetProperty("states").EnumerateArray().Select(s => s.GetProperty("status").GetString()).ToList();

    [Fact]
    public async Task An_action_goes_from_NotStarted_to_Running_to_Completed()
    {
        var created = await CreateAsync(BlockIp("203.0.113.77", name: "blockIp"));
        Assert.Equal("http://localhost/beta/$metadata#Security/securityActions/$entity", created.GetProperty("@odata.context").GetString());
        Assert.Equal(new[] { "@odata.context", "actionReason", "appId", "azureTenantId", "clientContext", "completedDateTime", "createdDateTime", "errorInfo",
            "id", "lastActionDateTime", "name", "parameters", "states", "status", "user", "vendorInformation" }, created.EnumerateObject().Select(p => p.Name));
        Assert.Equal("NotStarted", created.GetProperty("status").GetString());
        Assert.Equal("BlockIp", created.GetProperty("name").GetString());
        Assert.Equal(TenantDirectory.DefaultClientId, created.GetProperty("appId").GetString());
        Assert.Equal(TenantDirectory.DefaultTenantId, created.GetProperty("azureTenantId").GetString());
        Assert.Equal("203.0.113.77", created.GetProperty("parameters")[0].GetProperty("value").GetString());
        Assert.Equal("Windows Defender ATP", created.GetProperty("vendorInformation").GetProperty("provider").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("completedDateTime").ValueKind);
        var item = $"{Url}/{created.GetProperty("id").GetString()}";

        Clock.Advance(TimeSpan.FromSeconds(6));
        var running = await _f.GetJsonAsync(item);
        Assert.Equal("Running", running.GetProperty("status").GetString());
        Assert.Equal(new[] { "NotStarted", "Running" }, States(running));

        Clock.Advance(TimeSpan.FromSeconds(30));
        var done = await _f.GetJsonAsync(item);
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(new[] { "NotStarted", "Running", "Completed" }, States(done));
        Assert.Equal(done.GetProperty("lastActionDateTime").GetString(), done.GetProperty("completedDateTime").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("errorInfo").ValueKind);
    }

    [Fact]
    public async Task A_parameter_that_is_not_an_ip_ends_Failed_with_errorInfo()
    {
        var created = await CreateAsync(BlockIp("not-an-ip"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var failed = await _f.GetJsonAsync($"{Url}/{created.GetProperty("id").GetString()}");
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        var error = failed.GetProperty("errorInfo");
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal("The value 'not-an-ip' of parameter 'IP' is not a valid IP address.", error.GetProperty("message").GetString());
        Assert.Equal(0, error.GetProperty("subcode").GetInt32());
    }

    [Fact]
    public async Task Cancel_only_works_while_the_action_is_pending()
    {
        var id = (await CreateAsync(BlockIp("198.51.100.20"))).GetProperty("id").GetString();
        Clock.Advance(TimeSpan.FromSeconds(6));
        var response = await _f.SendAsync(HttpMethod.Post, $"{Url}/{id}/cancelSecurityAction");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        var cancelled = await _f.GetJsonAsync($"{Url}/{id}");
        Assert.Equal("Failed", cancelled.GetProperty("status").GetString());
        Assert.Equal(new[] { "NotStarted", "Running", "Failed" }, States(cancelled));
        Assert.Equal(409, cancelled.GetProperty("errorInfo").GetProperty("code").GetInt32());
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("Failed", (await _f.GetJsonAsync($"{Url}/{id}")).GetProperty("status").GetString());

        var (status, body) = await SendAsync(HttpMethod.Post, $"{Url}/{id}/cancelSecurityAction");
        Assert.Equal(400, status);
        Assert.Equal($"The securityAction '{id}' cannot be cancelled because its status is 'Failed'.", Message(body));
        Assert.Equal(404, (await SendAsync(HttpMethod.Post, $"{Url}/unknown/cancelSecurityAction")).Status);
    }

    [Fact]
    public async Task List_filters_on_status_and_name()
    {
        var pending = (await CreateAsync(BlockIp("198.51.100.30"))).GetProperty("id").GetString();
        var page = await _f.GetJsonAsync($"{Url}?$filter=status eq 'notstarted' and name eq 'BlockIp'&$count=true");
        var ids = page.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("id").GetString()).ToList();
        Assert.Contains(pending, ids);
        Assert.All(page.GetProperty("value").EnumerateArray(), v => Assert.Equal("NotStarted", v.GetProperty("status").GetString()));
        Assert.Equal(ids.Count, page.GetProperty("@odata.count").GetInt32());

        await CreateAsync(BlockIp("198.51.100.31"));
        var top = await _f.GetJsonAsync($"{Url}?$top=1");
        Assert.Single(top.GetProperty("value").EnumerateArray());
        Assert.Contains("$skip=1", top.GetProperty("@odata.nextLink").GetString());

        var (status, body) = await SendAsync(HttpMethod.Get, $"{Url}?$filter=status eq 'Cancelled'");
        Assert.Equal(400, status);
        Assert.StartsWith("Invalid filter clause: The string 'Cancelled' is not a valid enumerated type constant for 'microsoft.graph.operationStatus'.", Message(body));
    }

    [Theory]
    [InlineData("{\"name\":\"IsolateDevice\",\"parameters\":[{\"name\":\"IP\",\"value\":\"203.0.113.1\"}]}", "The action name 'IsolateDevice' is not supported. Supported actions: BlockIp.")]
    [InlineData("{\"name\":\"BlockIp\"}", "The property 'parameters' is required and must not be empty.")]
    [InlineData("{\"name\":\"BlockIp\",\"parameters\":[{\"name\":\"Url\",\"value\":\"https://a.example\"}]}", "The action 'BlockIp' needs the parameter 'IP'.")]
    [InlineData("{\"name\":\"BlockIp\",\"parameters\":[{\"name\":\"IP\",\"value\":\"203.0.113.1\"}],\"vendorInformation\":{\"provider\":\"IPC\",\"vendor\":\"Microsoft\"}}", "The provider 'IPC' does not support security actions. Supported providers: Windows Defender ATP.")]
    [InlineData("{\"name\":\"BlockIp\",\"parameters\":[{\"name\":\"IP\",\"value\":\"203.0.113.1\"}],\"status\":\"Completed\"}", "The property 'status' is set by the service and cannot be supplied.")]
    public async Task Invalid_creates_are_400(string json, string message)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, Url, json);
        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(message, Message(body));
    }

    [Fact]
    public async Task Application_permissions_only()
    {
        var delegated = TestTokens.Delegated(_f, "SecurityActions.ReadWrite.All SecurityActions.Read.All");
        var (status, body) = await SendAsync(HttpMethod.Get, Url, token: delegated);
        Assert.Equal(403, status);
        Assert.Equal("Missing application roles. API required roles: SecurityActions.Read.All,SecurityActions.ReadWrite.All, application roles: .", Message(body));
        (status, body) = await SendAsync(HttpMethod.Post, Url, BlockIp("203.0.113.5"), delegated);
        Assert.Equal(403, status);

        var reader = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        (status, body) = await SendAsync(HttpMethod.Post, Url, BlockIp("203.0.113.5"), reader);
        Assert.Equal(403, status);
        Assert.Equal("Missing application roles. API required roles: SecurityActions.ReadWrite.All, application roles: SecurityAlert.Read.All.", Message(body));

        var readOnly = await TestTokens.ExtraAppAsync(_f, "1d2c3b4a-0000-4000-8000-00000000b001", "SecurityActions.Read.All");
        Assert.Equal(200, (await SendAsync(HttpMethod.Get, Url, token: readOnly)).Status);
        Assert.Equal(403, (await SendAsync(HttpMethod.Post, Url, BlockIp("203.0.113.5"), readOnly)).Status);

        (status, body) = await SendAsync(HttpMethod.Get, "/v1.0/security/securityActions", token: "");
        Assert.Equal(400, status);
        Assert.Equal("Resource not found for the segment 'securityActions'.", Message(body));
    }

    [Fact]
    public void Config_file_sets_timing_and_failure_rate()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gs-emulator-actions-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"securityActions\": { \"startDelaySeconds\": 1.5, \"runSeconds\": 120, \"failureRate\": 0.25 } }");
        try
        {
            var o = EmulatorOptions.Parse(new[] { "--config", path });
            Assert.Equal(TimeSpan.FromSeconds(1.5), o.SecurityActionStartDelay);
            Assert.Equal(TimeSpan.FromMinutes(2), o.SecurityActionRunTime);
            Assert.Equal(0.25, o.SecurityActionFailureRate);
            File.WriteAllText(path, "{ \"securityActions\": { \"failureRate\": 2 } }");
            Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--config", path }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Failures_drawn_from_the_seed_are_repeatable()
    {
        var a = new Graph.SecurityActions.SecurityActionStore(7);
        var b = new Graph.SecurityActions.SecurityActionStore(7);
        var drawsA = Enumerable.Range(0, 50).Select(_ => a.NextFails(0.3)).ToList();
        var drawsB = Enumerable.Range(0, 50).Select(_ => b.NextFails(0.3)).ToList();
        Assert.Equal(drawsA, drawsB);
        Assert.InRange(drawsA.Count(x => x), 5, 30);
        Assert.DoesNotContain(true, Enumerable.Range(0, 20).Select(_ => a.NextFails(0)));
    }
}
