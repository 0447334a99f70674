using System.Linq;
using System.Text.Json;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class GraphJsonTests
{
    internal const string AlertJson = @"{
          ""@odata.type"": ""#microsoft.graph.security.alert"",
          ""id"": ""da638500000000000000_1234567890"", ""incidentId"": ""4711"", ""status"": ""new"", ""severity"": ""high"",
          ""classification"": null, ""determination"": ""unknown"", ""serviceSource"": ""microsoftSentinel"",
          ""detectionSource"": ""somethingNewerThanThisModule"", ""title"": ""Ransomware behavior detected"", ""category"": ""Impact"",
          ""mitreTechniques"": [""T1486"", ""T1490""], ""createdDateTime"": ""2026-05-02T10:00:00.0000000Z"",
          ""lastUpdateDateTime"": ""2026-05-02T10:05:00Z"", ""resolvedDateTime"": null, ""assignedTo"": null,
          ""comments"": [ { ""comment"": ""Looking"", ""createdByDisplayName"": ""SOC bot"", ""createdDateTime"": ""2026-05-02T10:06:00Z"" } ],
          ""systemTags"": null,
          ""evidence"": [
            { ""@odata.type"": ""#microsoft.graph.security.deviceEvidence"", ""createdDateTime"": ""2026-05-02T10:00:00Z"",
              ""verdict"": ""malicious"", ""remediationStatus"": ""none"", ""roles"": [""compromised""], ""detailedRoles"": [""Main device""], ""tags"": [],
              ""deviceDnsName"": ""ws-042.contoso.example"", ""mdeDeviceId"": ""0123456789abcdef0123456789abcdef01234567"", ""osBuild"": 22631,
              ""loggedOnUsers"": [ { ""accountName"": ""ada"", ""domainName"": ""CONTOSO"" } ] },
            { ""@odata.type"": ""#microsoft.graph.security.userEvidence"", ""createdDateTime"": ""2026-05-02T10:00:00Z"",
              ""verdict"": ""suspicious"", ""remediationStatus"": ""none"", ""roles"": [], ""detailedRoles"": [], ""tags"": [],
              ""userAccount"": { ""accountName"": ""ada"", ""userPrincipalName"": ""ada@contoso.example"" } },
            { ""@odata.type"": ""#microsoft.graph.security.ipEvidence"", ""createdDateTime"": ""2026-05-02T10:00:00Z"",
              ""verdict"": ""unknown"", ""remediationStatus"": ""none"", ""roles"": [""attacker""], ""ipAddress"": ""203.0.113.7"" },
            { ""@odata.type"": ""#microsoft.graph.security.registryKeyEvidence"", ""createdDateTime"": ""2026-05-02T10:00:00Z"",
              ""verdict"": ""unknown"", ""remediationStatus"": ""active"", ""registryKey"": ""Software\\Run"" }
          ]
        }";

    private static Alert Parse() => JsonSerializer.Deserialize<Alert>(AlertJson, GraphJson.Options);

    [Fact]
    public void Reads_scalar_properties_and_enums_case_insensitively()
    {
        var alert = Parse();
        Assert.Equal("da638500000000000000_1234567890", alert.Id);
        Assert.Equal(AlertSeverity.High, alert.Severity);
        Assert.Equal(AlertStatus.New, alert.Status);
        Assert.Null(alert.Classification);
        Assert.Equal(AlertDetermination.Unknown, alert.Determination);
        Assert.Equal(ServiceSource.MicrosoftSentinel, alert.ServiceSource);
        Assert.Equal(2026, alert.CreatedDateTime.Year);
        Assert.Null(alert.ResolvedDateTime);
    }

    [Fact]
    public void An_enum_value_unknown_to_the_module_becomes_UnknownFutureValue()
    {
        Assert.Equal(DetectionSource.UnknownFutureValue, Parse().DetectionSource);
    }

    [Fact]
    public void Evidence_is_typed_by_its_odata_type_and_unknown_types_keep_their_json()
    {
        var evidence = Parse().Evidence;
        Assert.IsType<DeviceEvidence>(evidence[0]);
        Assert.Equal(22631, ((DeviceEvidence)evidence[0]).OsBuild);
        Assert.Equal(EvidenceRole.Compromised, evidence[0].Roles.Single());
        Assert.IsType<UserEvidence>(evidence[1]);
        Assert.IsType<IpEvidence>(evidence[2]);
        var other = Assert.IsType<OtherEvidence>(evidence[3]);
        Assert.Equal("registryKeyEvidence", other.EvidenceType);
        Assert.Contains("Software", other.Json);
        Assert.Equal(EvidenceRemediationStatus.Active, other.RemediationStatus);
    }

    [Fact]
    public void Convenience_properties_collect_names_from_the_evidence()
    {
        var alert = Parse();
        Assert.Equal(new[] { "ada@contoso.example" }, alert.UserPrincipalNames);
        Assert.Equal(new[] { "ws-042.contoso.example" }, alert.DeviceNames);
        Assert.Equal(new[] { "203.0.113.7" }, alert.IpAddresses);
    }

    [Fact]
    public void Collections_print_their_content_and_null_collections_are_empty()
    {
        var alert = Parse();
        Assert.Equal("T1486; T1490", alert.MitreTechniques.ToString());
        Assert.Empty(alert.SystemTags);
        Assert.Equal("", alert.SystemTags.ToString());
        Assert.Contains("deviceEvidence: ws-042.contoso.example", alert.Evidence.ToString());
        Assert.Contains("SOC bot: Looking", alert.Comments.ToString());
    }

    [Fact]
    public void Evidence_type_is_found_after_other_members_and_the_reader_continues_after_each_item()
    {
        const string json = @"{ ""id"": ""a1"", ""evidence"": [
                { ""verdict"": ""Malicious"", ""loggedOnUsers"": [ { ""accountName"": ""x"", ""@odata.type"": ""decoy"" } ], ""roles"": [""compromised"", null],
                  ""@odata.type"": ""#microsoft.graph.security.deviceEvidence"", ""deviceDnsName"": ""ws-1.contoso.example"" },
                null,
                { ""ipAddress"": ""203.0.113.9"", ""@odata.type"": ""#microsoft.graph.security.ipEvidence"" },
                { ""verdict"": ""suspicious"" } ],
              ""severity"": ""HIGH"", ""title"": ""after the evidence"" }";
        var alert = JsonSerializer.Deserialize<Alert>(json, GraphJson.Options);

        Assert.Equal(4, alert.Evidence.Count);
        var device = Assert.IsType<DeviceEvidence>(alert.Evidence[0]);
        Assert.Equal("ws-1.contoso.example", device.DeviceDnsName);
        Assert.Equal(EvidenceVerdict.Malicious, device.Verdict);
        Assert.Equal("x", Assert.Single(device.LoggedOnUsers).AccountName);
        Assert.Equal(new[] { EvidenceRole.Compromised, default(EvidenceRole) }, device.Roles.ToArray());
        Assert.Null(alert.Evidence[1]);
        Assert.Equal("203.0.113.9", Assert.IsType<IpEvidence>(alert.Evidence[2]).IpAddress);
        var untyped = Assert.IsType<OtherEvidence>(alert.Evidence[3]);
        Assert.Equal("alertEvidence", untyped.TypeName);
        Assert.Equal(AlertSeverity.High, alert.Severity);
        Assert.Equal("after the evidence", alert.Title);
    }

    [Fact]
    public void Pages_carry_next_link_and_count()
    {
        var page = JsonSerializer.Deserialize<ODataPage<Alert>>(
            "{\"@odata.context\":\"x\",\"@odata.count\":3,\"@odata.nextLink\":\"https://graph.test/v1.0/security/alerts_v2?$skip=1\",\"value\":[" + AlertJson + "]}",
            GraphJson.Options);
        Assert.Equal(3, page.Count);
        Assert.Single(page.Value);
        Assert.EndsWith("$skip=1", page.NextLink);
    }

    [Fact]
    public void Wire_names_are_camel_case()
    {
        Assert.Equal("inProgress", GraphJson.ToWire(AlertStatus.InProgress));
        Assert.Equal("microsoft365Defender", GraphJson.ToWire(ServiceSource.Microsoft365Defender));
        Assert.Equal("informationalExpectedActivity", GraphJson.ToWire(AlertClassification.InformationalExpectedActivity));
    }
}
