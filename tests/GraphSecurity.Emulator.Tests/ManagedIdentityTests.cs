using System.Text.Json;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GraphSecurity.Emulator.Tests;

public class ManagedIdentityTests : IClassFixture<ClockedEmulatorFixture>
{
    private const string Graph = "https://graph.microsoft.com";
    private readonly ClockedEmulatorFixture _f;
    public ManagedIdentityTests(ClockedEmulatorFixture f) => _f = f;

    private async Task<(int Status, JsonElement Body)> GetAsync(string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await EmulatorFixture.ReadAsync(await _f.Client.SendAsync(request));
    }

    private static readonly (string, string) Metadata = ("Metadata", "true");
    private static readonly (string, string) IdentityHeader = ("X-IDENTITY-HEADER", EmulatorOptions.DefaultManagedIdentityHeader);
    private string UserAssignedObjectId => _f.Options.Directory.Find("contoso.example").ManagedIdentities[1].App.ObjectId(TenantDirectory.DefaultTenantId);

    private static JsonWebToken AssertToken(JsonElement body, string clientId)
    {
        Assert.Equal(clientId, body.GetProperty("client_id").GetString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        var jwt = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal(clientId, jwt.GetClaim("appid").Value);
        Assert.Equal("app", jwt.GetClaim("idtyp").Value);
        return jwt;
    }

    [Fact]
    public async Task Imds_issues_the_system_assigned_identity_token_with_string_times()
    {
        var (status, body) = await GetAsync($"{ManagedIdentityEndpoints.ImdsPath}?api-version=2018-02-01&resource={Graph}/", Metadata);
        Assert.Equal(200, status);
        Assert.Equal(new[] { "access_token", "refresh_token", "expires_in", "expires_on", "ext_expires_in", "not_before", "resource", "token_type", "client_id" },
            body.EnumerateObject().Select(p => p.Name));
        foreach (var name in new[] { "expires_in", "expires_on", "not_before", "refresh_token" })
            Assert.Equal(JsonValueKind.String, body.GetProperty(name).ValueKind);
        Assert.Equal("3599", body.GetProperty("expires_in").GetString());
        Assert.Equal(long.Parse(body.GetProperty("not_before").GetString()) + 3599, long.Parse(body.GetProperty("expires_on").GetString()));
        Assert.Equal(Graph + "/", body.GetProperty("resource").GetString());
        var jwt = AssertToken(body, DirectorySeed.SystemAssignedClientId);
        Assert.Equal(TenantDirectory.FullRoles, jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal(200, (int)(await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=1", jwt.EncodedToken)).StatusCode);
    }

    [Fact]
    public async Task Imds_selects_user_assigned_identities_by_client_object_or_resource_id()
    {
        Assert.Equal("e0b48f2c-cf11-4759-99c6-e4f74f3cdea7", UserAssignedObjectId); // the value docs/emulator.md lists
        foreach (var selector in new[]
                 {
                     "client_id=" + DirectorySeed.UserAssignedClientId,
                     "object_id=" + UserAssignedObjectId,
                     "msi_res_id=" + Uri.EscapeDataString(DirectorySeed.UserAssignedResourceId),
                 })
        {
            var (status, body) = await GetAsync($"{ManagedIdentityEndpoints.ImdsPath}?api-version=2018-02-01&resource={Graph}&{selector}", Metadata);
            Assert.Equal(200, status);
            var jwt = AssertToken(body, DirectorySeed.UserAssignedClientId);
            Assert.Equal("SecurityAlert.Read.All", jwt.GetClaim("roles").Value);
        }
        var (fabrikamStatus, fabrikam) = await GetAsync($"{ManagedIdentityEndpoints.ImdsPath}?api-version=2018-02-01&resource={Graph}&client_id={DirectorySeed.FabrikamUserAssignedClientId}", Metadata);
        Assert.Equal(200, fabrikamStatus);
        Assert.Equal(TenantDirectory.FabrikamTenantId, AssertToken(fabrikam, DirectorySeed.FabrikamUserAssignedClientId).GetClaim("tid").Value);
    }

    [Theory]
    [InlineData("api-version=2018-02-01&resource=https://graph.microsoft.com", false, false, "invalid_request", "Required metadata header not specified")]
    [InlineData("api-version=2018-02-01&resource=https://graph.microsoft.com", true, true, "invalid_request", "Request contains X-Forwarded-For header and was rejected")]
    [InlineData("resource=https://graph.microsoft.com", true, false, "invalid_request", "Required query variable 'api-version' is missing")]
    [InlineData("api-version=2018-02-01", true, false, "invalid_request", "Required audience parameter not specified")]
    [InlineData("api-version=2018-02-01&resource=https://graph.microsoft.com&client_id=00000000-1111-4222-8333-444444444444", true, false, "invalid_request", "Identity not found")]
    [InlineData("api-version=2018-02-01&resource=https://graph.microsoft.com&client_id=a&object_id=b", true, false, "invalid_request", "Only one of client_id, object_id, msi_res_id may be specified.")]
    public async Task Imds_errors(string query, bool metadata, bool forwarded, string error, string description)
    {
        var headers = new List<(string, string)>();
        if (metadata) headers.Add(Metadata);
        if (forwarded) headers.Add(("X-Forwarded-For", "192.0.2.7"));
        var (status, body) = await GetAsync($"{ManagedIdentityEndpoints.ImdsPath}?{query}", headers.ToArray());
        Assert.Equal(400, status);
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(description, body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Imds_refuses_resources_of_no_emulated_api()
    {
        var (status, body) = await GetAsync($"{ManagedIdentityEndpoints.ImdsPath}?api-version=2018-02-01&resource=https://vault.azure.net", Metadata);
        Assert.Equal(400, status);
        Assert.Equal("invalid_resource", body.GetProperty("error").GetString());
        Assert.StartsWith("AADSTS500011: The resource principal named https://vault.azure.net was not found", body.GetProperty("error_description").GetString());
    }

    [Theory]
    [InlineData("https://api.securitycenter.microsoft.com", "https://api.securitycenter.microsoft.com")]
    [InlineData("https://management.azure.com/", "https://management.azure.com")]
    [InlineData("https://monitor.azure.com", "https://monitor.azure.com")]
    public async Task Imds_issues_tokens_for_the_other_apis(string resource, string audience)
    {
        var (status, body) = await GetAsync($"{ManagedIdentityEndpoints.ImdsPath}?api-version=2018-02-01&resource={resource}", Metadata);
        Assert.Equal(200, status);
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal(audience, jwt.Audiences.Single());
    }

    [Fact]
    public async Task App_service_needs_the_identity_header_and_api_version()
    {
        var url = $"{ManagedIdentityEndpoints.AppServicePath}?api-version=2019-08-01&resource={Graph}";
        var (status, body) = await GetAsync(url, IdentityHeader);
        Assert.Equal(200, status);
        Assert.Equal(new[] { "access_token", "expires_on", "resource", "token_type", "client_id" }, body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, body.GetProperty("expires_on").ValueKind);
        AssertToken(body, DirectorySeed.SystemAssignedClientId);

        (status, body) = await GetAsync(url + "&principal_id=" + UserAssignedObjectId, IdentityHeader);
        Assert.Equal(200, status);
        AssertToken(body, DirectorySeed.UserAssignedClientId);
        (status, body) = await GetAsync(url + "&mi_res_id=" + Uri.EscapeDataString(DirectorySeed.UserAssignedResourceId), IdentityHeader);
        AssertToken(body, DirectorySeed.UserAssignedClientId);

        (status, body) = await GetAsync(url, ("X-IDENTITY-HEADER", "wrong"));
        Assert.Equal(401, status);
        Assert.Equal(401, body.GetProperty("statusCode").GetInt32());
        Assert.Equal("The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.", body.GetProperty("message").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("correlationId").GetString(), out _));

        (status, body) = await GetAsync(url.Replace("2019-08-01", "2017-09-01"), IdentityHeader);
        Assert.Equal(400, status);
        Assert.Equal("Unsupported api-version '2017-09-01'. Use 2019-08-01.", body.GetProperty("message").GetString());

        (status, body) = await GetAsync(url + "&client_id=00000000-1111-4222-8333-444444444444", IdentityHeader);
        Assert.Equal(400, status);
        Assert.Equal("Unable to load the requested Managed Identity.", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Automation_accepts_get_and_form_post_with_both_headers()
    {
        var (status, body) = await GetAsync($"{ManagedIdentityEndpoints.AutomationPath}?resource={Graph}", ("Metadata", "True"), IdentityHeader);
        Assert.Equal(200, status);
        AssertToken(body, DirectorySeed.SystemAssignedClientId);

        var post = new HttpRequestMessage(HttpMethod.Post, ManagedIdentityEndpoints.AutomationPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["resource"] = Graph, ["client_id"] = DirectorySeed.UserAssignedClientId }),
        };
        post.Headers.Add("Metadata", "True");
        post.Headers.Add(IdentityHeader.Item1, IdentityHeader.Item2);
        (status, body) = await EmulatorFixture.ReadAsync(await _f.Client.SendAsync(post));
        Assert.Equal(200, status);
        AssertToken(body, DirectorySeed.UserAssignedClientId);

        (status, body) = await GetAsync($"{ManagedIdentityEndpoints.AutomationPath}?resource={Graph}", IdentityHeader);
        Assert.Equal(400, status);
        Assert.Equal("The 'Metadata: True' header is required.", body.GetProperty("Message").GetString());
        (status, _) = await GetAsync($"{ManagedIdentityEndpoints.AutomationPath}?resource={Graph}", ("Metadata", "True"));
        Assert.Equal(401, status);
        (status, body) = await GetAsync($"{ManagedIdentityEndpoints.AutomationPath}?resource={Graph}&client_id=nope", ("Metadata", "True"), IdentityHeader);
        Assert.Equal(400, status);
        Assert.StartsWith("No managed identity was found for Automation account", body.GetProperty("Message").GetString());
    }
}
