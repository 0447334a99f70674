using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Models.Security;

namespace GraphSecurity.Emulator.Tests;

/// <summary>The official Microsoft Graph .NET SDK (Kiota models) against the emulator's payloads.</summary>
public class GraphSdkTests : IClassFixture<MutableEmulatorFixture>
{
    private readonly MutableEmulatorFixture _f;
    public GraphSdkTests(MutableEmulatorFixture f) => _f = f;

    private Task<GraphServiceClient> ClientAsync(string clientId = null, string secret = null) => SdkClient.CreateAsync(_f, clientId, secret);

    [Fact]
    public async Task Sdk_lists_filters_and_parses_typed_evidence()
    {
        var client = await ClientAsync();
        var page = await client.Security.Alerts_v2.GetAsync(r =>
        {
            r.QueryParameters.Filter = "status eq 'new' and severity ge 'medium'";
            r.QueryParameters.Top = 50;
            r.QueryParameters.Count = true;
        });
        Assert.NotNull(page);
        Assert.True(page.OdataCount > 0);
        Assert.All(page.Value, a =>
        {
            Assert.Equal(AlertStatus.New, a.Status);
            Assert.True(a.Severity is AlertSeverity.Medium or AlertSeverity.High);
            Assert.NotNull(a.CreatedDateTime);
        });
        var evidence = page.Value.SelectMany(a => a.Evidence).ToList();
        Assert.Contains(evidence, e => e is DeviceEvidence d && d.DeviceDnsName.EndsWith(".contoso.example") && d.MdeDeviceId.Length == 40);
        Assert.Contains(evidence, e => e is UserEvidence u && u.UserAccount.UserPrincipalName.EndsWith("@contoso.example"));
    }

    [Fact]
    public async Task Sdk_page_iterator_reads_every_alert()
    {
        var client = await ClientAsync();
        var first = await client.Security.Alerts_v2.GetAsync(r => r.QueryParameters.Top = 300);
        var ids = new List<string>();
        var iterator = PageIterator<Alert, AlertCollectionResponse>.CreatePageIterator(client, first, a => { ids.Add(a.Id); return true; });
        await iterator.IterateAsync();
        Assert.Equal(1000, ids.Count);
        Assert.Equal(1000, ids.Distinct().Count());
    }

    [Fact]
    public async Task Sdk_patch_comment_and_errors()
    {
        var client = await ClientAsync();
        var first = await client.Security.Alerts_v2.GetAsync(r => { r.QueryParameters.Top = 1; r.QueryParameters.Filter = "status eq 'inProgress'"; });
        var id = first.Value.Single().Id;

        var updated = await client.Security.Alerts_v2[id].PatchAsync(new Alert
        {
            Status = AlertStatus.Resolved,
            Classification = AlertClassification.TruePositive,
            Determination = AlertDetermination.Malware,
        });
        Assert.Equal(AlertStatus.Resolved, updated.Status);
        Assert.Equal(AlertDetermination.Malware, updated.Determination);
        Assert.NotNull(updated.ResolvedDateTime);

        // The SDK posts a JSON array of comments; the emulator answers with the documented {"value":[...]} envelope.
        await client.Security.Alerts_v2[id].Comments.PostAsync(new List<AlertComment> { new() { Comment = "Posted through the SDK" } });
        var reread = await client.Security.Alerts_v2[id].GetAsync();
        Assert.Equal("Posted through the SDK", reread.Comments.Last().Comment);
        Assert.Equal("GraphSecurity Emulator", reread.Comments.Last().CreatedByDisplayName);

        var missing = await Assert.ThrowsAsync<ODataError>(() => client.Security.Alerts_v2["nope"].GetAsync());
        Assert.Equal(404, missing.ResponseStatusCode);
        Assert.Equal("NotFound", missing.Error.Code);

        var noRoles = await ClientAsync(Identity.TenantDirectory.NoRolesClientId, Identity.TenantDirectory.NoRolesClientSecret);
        var forbidden = await Assert.ThrowsAsync<ODataError>(() => noRoles.Security.Alerts_v2.GetAsync());
        Assert.Equal(403, forbidden.ResponseStatusCode);
        Assert.StartsWith("Missing application roles.", forbidden.Error.Message);
    }

    [Fact]
    public async Task Sdk_runs_a_hunting_query_into_typed_results()
    {
        var client = await ClientAsync();
        var results = await client.Security.MicrosoftGraphSecurityRunHuntingQuery.PostAsync(new Microsoft.Graph.Security.MicrosoftGraphSecurityRunHuntingQuery.RunHuntingQueryPostRequestBody
        {
            Query = "AlertEvidence | where EntityType == 'File' | project Timestamp, AlertId, FileName, FileSize, AdditionalFields | take 3",
            Timespan = "P30D",
        });
        Assert.Equal(new[] { ("Timestamp", "DateTime"), ("AlertId", "String"), ("FileName", "String"), ("FileSize", "Int64"), ("AdditionalFields", "Dynamic") },
            results.Schema.Select(c => (c.Name, c.Type)));
        Assert.Equal(3, results.Results.Count);
        Assert.All(results.Results, row =>
        {
            Assert.Equal(new[] { "Timestamp", "AlertId", "FileName", "FileSize", "AdditionalFields" }, row.AdditionalData.Keys);
            Assert.False(string.IsNullOrEmpty(row.AdditionalData["AlertId"]?.ToString()));
        });
        Assert.DoesNotContain(results.AdditionalData.Keys, k => !k.StartsWith("@odata."));
    }
}
