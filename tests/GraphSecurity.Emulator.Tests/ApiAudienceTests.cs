using System.Net.Http.Headers;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

/// <summary>Each API on the emulator's one listener takes only tokens of its own audience, and authorizes its own way.</summary>
public class ApiAudienceTests : IClassFixture<EmulatorFixture>
{
    private const string Defender = "https://api.securitycenter.microsoft.com/.default";
    private const string Arm = "https://management.azure.com/.default";
    private const string Workspace = "/arm/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-secops/providers/Microsoft.OperationalInsights/workspaces/law-secops?api-version=2023-09-01";
    private readonly EmulatorFixture _f;
    public ApiAudienceTests(EmulatorFixture f) => _f = f;

    private async Task<string> TokenAsync(string scope, string clientId = TenantDirectory.DefaultClientId, string secret = TenantDirectory.DefaultClientSecret)
    {
        var response = await _f.RequestTokenAsync(TenantDirectory.DefaultTenantId, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = scope,
        });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("access_token").GetString();
    }

    private async Task<(int Status, JsonElement Body)> GetAsync(string url, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _f.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }

    [Fact]
    public async Task Defender_lists_the_tenants_indicators_to_a_Ti_ReadWrite_All_app()
    {
        var (status, body) = await GetAsync("/defender/api/indicators", await TokenAsync(Defender));
        Assert.Equal(200, status);
        Assert.EndsWith("/defender/api/$metadata#Indicators", body.GetProperty("@odata.context").GetString());
        var items = body.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        Assert.All(items, i => Assert.Equal("Portal", i.GetProperty("createdBySource").GetString()));

        var (_, blocked) = await GetAsync("/defender/api/indicators?$filter=action eq 'Block'", await TokenAsync(Defender));
        Assert.Equal(2, blocked.GetProperty("value").GetArrayLength());
        var (_, page) = await GetAsync("/defender/api/indicators?$top=2", await TokenAsync(Defender));
        Assert.Equal(2, page.GetProperty("value").GetArrayLength());
        Assert.Contains("$skip=2", page.GetProperty("@odata.nextLink").GetString());
    }

    [Fact]
    public async Task A_token_of_another_api_is_refused_with_a_401_of_the_api_asked()
    {
        var graph = await TokenAsync("https://graph.microsoft.com/.default");
        var (status, body) = await GetAsync("/defender/api/indicators", graph);
        Assert.Equal(401, status);
        Assert.Equal("Unauthorized", body.GetProperty("error").GetProperty("code").GetString());
        Assert.True(body.GetProperty("error").TryGetProperty("target", out _));

        (status, body) = await GetAsync(Workspace, graph);
        Assert.Equal(401, status);
        Assert.Equal("InvalidAuthenticationTokenAudience", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("https://graph.microsoft.com", body.GetProperty("error").GetProperty("message").GetString());

        var (graphStatus, graphBody) = await GetAsync("/v1.0/security/alerts_v2?$top=1", await TokenAsync(Defender));
        Assert.Equal(401, graphStatus);
        Assert.Equal("InvalidAuthenticationToken", graphBody.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_missing_defender_role_is_a_403_that_names_it()
    {
        var (status, body) = await GetAsync("/defender/api/indicators", await TokenAsync(Defender, TenantDirectory.NoRolesClientId, TenantDirectory.NoRolesClientSecret));
        Assert.Equal(403, status);
        Assert.Contains("Ti.ReadWrite,Ti.ReadWrite.All", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Arm_authorizes_by_the_role_on_the_workspace()
    {
        var (status, body) = await GetAsync(Workspace, await TokenAsync(Arm));
        Assert.Equal(200, status);
        Assert.Equal("5e1c7a3b-9d2f-4b6e-8a1c-3f5d7b9e1a2c", body.GetProperty("properties").GetProperty("customerId").GetString());
        var (_, subscriptions) = await GetAsync("/arm/subscriptions?api-version=2022-12-01", await TokenAsync(Arm));
        Assert.Equal("00000000-0000-4000-8000-000000000001", subscriptions.GetProperty("value")[0].GetProperty("subscriptionId").GetString());

        Assert.Equal(200, (await GetAsync(Workspace, await TokenAsync(Arm, TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret))).Status);
        (status, body) = await GetAsync(Workspace, await TokenAsync(Arm, TenantDirectory.NoRolesClientId, TenantDirectory.NoRolesClientSecret));
        Assert.Equal(403, status);
        Assert.Equal("AuthorizationFailed", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("Microsoft.OperationalInsights/workspaces/read", body.GetProperty("error").GetProperty("message").GetString());

        (status, body) = await GetAsync(Workspace.Replace("?api-version=2023-09-01", ""), await TokenAsync(Arm));
        Assert.Equal(400, status);
        Assert.Equal("MissingApiVersionParameter", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_subscriptions_workspaces_are_listed_to_callers_with_a_role_on_them()
    {
        const string List = "/arm/subscriptions/00000000-0000-4000-8000-000000000001/providers/Microsoft.OperationalInsights/workspaces?api-version=2022-10-01";
        var (status, body) = await GetAsync(List, await TokenAsync(Arm));
        Assert.Equal(200, status);
        var workspace = Assert.Single(body.GetProperty("value").EnumerateArray());
        Assert.Equal("law-secops", workspace.GetProperty("name").GetString());
        Assert.Equal("5e1c7a3b-9d2f-4b6e-8a1c-3f5d7b9e1a2c", workspace.GetProperty("properties").GetProperty("customerId").GetString());

        (status, body) = await GetAsync(List, await TokenAsync(Arm, TenantDirectory.NoRolesClientId, TenantDirectory.NoRolesClientSecret));
        Assert.Equal(200, status);
        Assert.Empty(body.GetProperty("value").EnumerateArray());
    }

    [Fact]
    public async Task A_path_no_module_serves_under_an_api_root_is_that_apis_404()
    {
        var (status, body) = await GetAsync("/defender/api/nothing-here", await TokenAsync(Defender));
        Assert.Equal(404, status);
        Assert.Equal("NotFound", body.GetProperty("error").GetProperty("code").GetString());
    }
}
