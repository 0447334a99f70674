using System.Collections;
using System.Reflection;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions.Serialization;
using Security = Microsoft.Graph.Models.Security;

namespace GraphSecurity.Emulator.Tests;

/// <summary>
/// The official Microsoft Graph .NET SDK against incidents, secure score, legacy alerts, subscriptions and
/// $batch: every property the SDK knows must arrive typed, i.e. nothing unexpected lands in AdditionalData
/// (which is where Kiota puts members with a wrong name or type), and paging sees every item once.
/// </summary>
public class GraphSdkResourceTests : IClassFixture<SubscriptionEmulatorFixture>
{
    private readonly SubscriptionEmulatorFixture _f;
    public GraphSdkResourceTests(SubscriptionEmulatorFixture f) => _f = f;

    private Task<GraphServiceClient> ClientAsync() => SdkClient.CreateAsync(_f);

    /// <summary>Members real payloads carry on open types the SDK does not model (reference §6.1); nothing else may be untyped.</summary>
    private static readonly Dictionary<Type, string[]> AllowedExtras = new()
    {
        [typeof(ControlScore)] = new[] { "scoreInPercentage", "IsApplicable", "implementationStatus", "count", "total", "on", "lastSynced" },
        [typeof(AverageComparativeScore)] = new[] { "identityScore", "dataScore", "deviceScore", "appsScore", "infrastructureScore",
            "seatSizeRangeLowerValue", "seatSizeRangeUpperValue", "industryName" },
    };

    /// <summary>Walks a parsed model and fails on any AdditionalData key that is not an allowed extra.</summary>
    private static void AssertFullyTyped(object model, string path = "$")
    {
        if (model is null or string || model.GetType().IsPrimitive || model is Enum or DateTimeOffset or Guid) return;
        if (model is IEnumerable list)
        {
            int i = 0;
            foreach (var item in list) AssertFullyTyped(item, $"{path}[{i++}]");
            return;
        }
        if (model is not IParsable) return;
        if (model is IAdditionalDataHolder holder)
        {
            var allowed = AllowedExtras.GetValueOrDefault(model.GetType()) ?? Array.Empty<string>();
            // The @odata.context annotation is never modelled by Kiota; any other untyped key is a fidelity bug.
            var unexpected = holder.AdditionalData.Keys.Where(k => k != "@odata.context" && !allowed.Contains(k)).ToList();
            Assert.True(unexpected.Count == 0, $"{path} ({model.GetType().Name}) has untyped members: {string.Join(", ", unexpected)}");
        }
        foreach (var p in model.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.Name is "AdditionalData" or "BackingStore" || p.GetIndexParameters().Length > 0) continue;
            AssertFullyTyped(p.GetValue(model), $"{path}.{p.Name}");
        }
    }

    [Fact]
    public async Task Incidents_with_expanded_alerts_page_once_each_and_parse_fully()
    {
        var client = await ClientAsync();
        var first = await client.Security.Incidents.GetAsync(r =>
        {
            r.QueryParameters.Top = 40;
            r.QueryParameters.Expand = new[] { "alerts" };
            r.QueryParameters.Count = true;
        });
        var ids = new List<string>();
        var iterator = PageIterator<Security.Incident, Security.IncidentCollectionResponse>.CreatePageIterator(client, first, i =>
        {
            AssertFullyTyped(i);
            Assert.NotEmpty(i.Alerts);
            Assert.All(i.Alerts, a => Assert.Equal(i.Id, a.IncidentId));
            ids.Add(i.Id);
            return true;
        });
        await iterator.IterateAsync();
        Assert.Equal(first.OdataCount, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var patched = await client.Security.Incidents[ids[0]].PatchAsync(new Security.Incident { Status = Security.IncidentStatus.Resolved, Classification = Security.AlertClassification.FalsePositive, CustomTags = new List<string> { "sdk" } });
        Assert.Equal(Security.IncidentStatus.Resolved, patched.Status);
        Assert.Equal(new[] { "sdk" }, patched.CustomTags);
        var tooMany = await Assert.ThrowsAsync<ODataError>(() => client.Security.Incidents.GetAsync(r => r.QueryParameters.Top = 51));
        Assert.Equal(400, tooMany.ResponseStatusCode);
    }

    [Fact]
    public async Task Secure_scores_and_control_profiles_parse_fully()
    {
        var client = await ClientAsync();
        var scores = await client.Security.SecureScores.GetAsync();
        Assert.Equal(90, scores.Value.Count);
        AssertFullyTyped(scores);
        Assert.All(scores.Value, s => Assert.True(s.CurrentScore <= s.MaxScore));
        Assert.Contains(scores.Value[0].ControlScores, c => c.AdditionalData.ContainsKey("scoreInPercentage"));

        var profiles = await client.Security.SecureScoreControlProfiles.GetAsync();
        AssertFullyTyped(profiles);
        Assert.Equal(scores.Value[0].ControlScores.Select(c => c.ControlName).ToHashSet(),
            profiles.Value.Where(p => p.Deprecated != true).Select(p => p.Id).ToHashSet());
        var one = await client.Security.SecureScoreControlProfiles["AdminMFAV2"].GetAsync();
        Assert.Equal("Identity", one.ControlCategory);
    }

    // The SDK marks the legacy API obsolete; exercising it is the point of this test.
#pragma warning disable CS0618
    [Fact]
    public async Task Legacy_alerts_page_and_parse_fully()
    {
        var client = await ClientAsync();
        var first = await client.Security.Alerts.GetAsync(r => r.QueryParameters.Top = 100);
        var ids = new List<string>();
        var iterator = PageIterator<Alert, AlertCollectionResponse>.CreatePageIterator(client, first, a =>
        {
            AssertFullyTyped(a);
            ids.Add(a.Id);
            return true;
        });
        await iterator.IterateAsync();
        var total = (await client.Security.Alerts.GetAsync(r => { r.QueryParameters.Top = 1000; r.QueryParameters.Count = true; })).Value.Count;
        Assert.Equal(total, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var alert = (await client.Security.Alerts.GetAsync(r => r.QueryParameters.Filter = "vendorInformation/provider eq 'Microsoft Defender ATP' and status eq 'newAlert'")).Value.First();
        Assert.Equal(AlertStatus.NewAlert, alert.Status);
        Assert.Equal("Microsoft", alert.VendorInformation.Vendor);
        Assert.Contains(alert.HostStates, h => h.Fqdn.EndsWith(".contoso.example"));
        await client.Security.Alerts[alert.Id].PatchAsync(new Alert
        {
            Status = AlertStatus.InProgress,
            VendorInformation = new SecurityVendorInformation { Provider = alert.VendorInformation.Provider, Vendor = "Microsoft" },
        });
        Assert.Equal(AlertStatus.InProgress, (await client.Security.Alerts[alert.Id].GetAsync()).Status);
    }
#pragma warning restore CS0618

    [Fact]
    public async Task Subscriptions_through_the_sdk()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        var client = await ClientAsync();
        var created = await client.Subscriptions.PostAsync(new Subscription
        {
            ChangeType = "updated",
            NotificationUrl = hook.Url + "/hook",
            Resource = "security/alerts?$filter=severity eq 'high'",
            ExpirationDateTime = DateTimeOffset.UtcNow.AddDays(1),
            ClientState = "sdk-state",
        });
        AssertFullyTyped(created);
        Assert.Equal("sdk-state", created.ClientState);
        var listed = await client.Subscriptions.GetAsync();
        AssertFullyTyped(listed);
        Assert.Contains(listed.Value, s => s.Id == created.Id);
        var renewed = await client.Subscriptions[created.Id].PatchAsync(new Subscription { ExpirationDateTime = DateTimeOffset.UtcNow.AddDays(2) });
        Assert.True(renewed.ExpirationDateTime > created.ExpirationDateTime);
        await client.Subscriptions[created.Id].DeleteAsync();
        var gone = await Assert.ThrowsAsync<ODataError>(() => client.Subscriptions[created.Id].GetAsync());
        Assert.Equal(404, gone.ResponseStatusCode);
    }

    [Fact]
    public async Task Batch_through_the_sdk()
    {
        var client = await ClientAsync();
        var batch = new BatchRequestContentCollection(client);
        var incidentsStep = await batch.AddBatchRequestStepAsync(client.Security.Incidents.ToGetRequestInformation(r => r.QueryParameters.Top = 5));
        var scoresStep = await batch.AddBatchRequestStepAsync(client.Security.SecureScores.ToGetRequestInformation(r => r.QueryParameters.Top = 1));
        var badStep = await batch.AddBatchRequestStepAsync(client.Security.Incidents.ToGetRequestInformation(r => r.QueryParameters.Top = 100));
        var response = await client.Batch.PostAsync(batch);
        var incidents = await response.GetResponseByIdAsync<Security.IncidentCollectionResponse>(incidentsStep);
        Assert.Equal(5, incidents.Value.Count);
        AssertFullyTyped(incidents);
        var scores = await response.GetResponseByIdAsync<SecureScoreCollectionResponse>(scoresStep);
        Assert.Single(scores.Value);
        var codes = await response.GetResponsesStatusCodesAsync();
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, codes[badStep]);
    }
}
