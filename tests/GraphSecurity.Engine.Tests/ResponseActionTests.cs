using System;
using System.Linq;
using System.Text.Json;
using GraphSecurity.Engine.SecurityActions;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class ResponseActionTests
{
    private const string DeviceA = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07";
    private const string DeviceB = "7f1c0b2a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b";

    private static ResponseAction Action(string name) => ResponseActionCatalog.Find(name) ?? throw new InvalidOperationException(name);

    private static Alert With(params AlertEvidence[] evidence) =>
        new Alert { Id = "da1", Title = "Suspicious PowerShell", Evidence = new ValueList<AlertEvidence>(evidence) };

    [Fact]
    public void An_alert_with_one_device_names_its_Defender_id_and_says_where_it_came_from()
    {
        var alert = With(new DeviceEvidence { MdeDeviceId = DeviceA, DeviceDnsName = "ws-01.contoso.example" }, new IpEvidence { IpAddress = "203.0.113.9", Verdict = EvidenceVerdict.Suspicious });
        var target = Assert.Single(ResponseTargets.From(alert, Action("IsolateDevice")));
        Assert.Equal(DeviceA, target.Value);
        Assert.Equal("da1", target.AlertId);
        Assert.Contains("ws-01.contoso.example", target.Source);
        Assert.Contains("alert da1", target.Source);
    }

    [Fact]
    public void An_alert_naming_two_devices_is_refused_rather_than_guessed()
    {
        var alert = With(new DeviceEvidence { MdeDeviceId = DeviceA, DeviceDnsName = "a" }, new DeviceEvidence { MdeDeviceId = DeviceB, DeviceDnsName = "b" });
        var error = Assert.Throws<ArgumentException>(() => ResponseTargets.From(alert, Action("IsolateDevice")));
        Assert.Contains("2 devices", error.Message);
        Assert.Contains("-Device", error.Message);
    }

    [Fact]
    public void Blocks_from_an_alert_take_the_evidence_it_found_suspicious_once_each()
    {
        var alert = With(
            new IpEvidence { IpAddress = "203.0.113.9", Verdict = EvidenceVerdict.Suspicious },
            new IpEvidence { IpAddress = "198.51.100.1", Verdict = EvidenceVerdict.NoThreatsFound },
            new IpEvidence { IpAddress = "203.0.113.9", Verdict = EvidenceVerdict.Malicious },
            new UrlEvidence { Url = "https://bad.example/x", Verdict = EvidenceVerdict.Malicious });
        Assert.Equal(new[] { "203.0.113.9" }, ResponseTargets.From(alert, Action("BlockIp")).Select(t => t.Value));
        Assert.Equal(new[] { "bad.example" }, ResponseTargets.From(alert, Action("BlockDomain")).Select(t => t.Value));
        Assert.Equal(new[] { "https://bad.example/x" }, ResponseTargets.From(alert, Action("BlockUrl")).Select(t => t.Value));
        Assert.Throws<ArgumentException>(() => ResponseTargets.From(alert, Action("BlockFile")));
    }

    [Fact]
    public void Identity_actions_take_the_user_of_user_evidence_and_quarantine_takes_the_file_on_that_device()
    {
        var user = new UserEvidence { UserAccount = new UserAccount { UserPrincipalName = "ada@contoso.example", AzureAdUserId = Guid.NewGuid().ToString() } };
        Assert.Equal("ada@contoso.example", Assert.Single(ResponseTargets.From(With(user), Action("DisableUser"))).Value);
        var alert = With(new DeviceEvidence { MdeDeviceId = DeviceA },
            new FileEvidence { MdeDeviceId = DeviceB, FileDetails = new FileDetails { Sha1 = new string('b', 40) } },
            new FileEvidence { MdeDeviceId = DeviceA, FileDetails = new FileDetails { Sha1 = new string('a', 40) } });
        Assert.Equal(new string('a', 40), Assert.Single(ResponseTargets.From(alert, Action("StopAndQuarantineFile"))).FileSha1);
    }

    [Fact]
    public void A_piped_object_of_another_kind_gets_an_error_that_says_what_is_taken()
    {
        var error = Assert.Throws<ArgumentException>(() => ResponseTargets.From(42, Action("IsolateDevice")));
        Assert.Contains("alert", error.Message);
        Assert.Throws<ArgumentException>(() => ResponseTargets.From(new IpEvidence { IpAddress = "203.0.113.1" }, Action("DisableUser")));
    }

    [Theory]
    [InlineData("IpAddress", "203.0.113.7", "IpAddress")]
    [InlineData("IpAddress", "2001:db8::1", "IpAddress")]
    [InlineData("IpAddress", "10.1.2.3", null)]
    [InlineData("IpAddress", "not-an-ip", null)]
    [InlineData("Domain", "bad.example", "DomainName")]
    [InlineData("Domain", "https://bad.example", null)]
    [InlineData("Url", "https://bad.example/pay", "Url")]
    [InlineData("Url", "ftp://bad.example", null)]
    [InlineData("File", "e3b8f5a4c1d2e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1", "FileSha256")]
    [InlineData("File", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", "FileSha1")]
    [InlineData("File", "d41d8cd98f00b204e9800998ecf8427e", "FileMd5")]
    [InlineData("File", "xyz", null)]
    public void Block_values_are_checked_before_sending(string kind, string value, string expected)
    {
        var type = IndicatorBlocks.IndicatorType(Enum.Parse<ResponseTargetKind>(kind), value, out var reason);
        Assert.Equal(expected, type);
        if (expected == null) Assert.False(string.IsNullOrEmpty(reason));
    }

    [Theory]
    [InlineData("Pending", OperationStatus.NotStarted)]
    [InlineData("InProgress", OperationStatus.Running)]
    [InlineData("Succeeded", OperationStatus.Completed)]
    [InlineData("Failed", OperationStatus.Failed)]
    [InlineData("TimeOut", OperationStatus.Failed)]
    [InlineData("Cancelled", OperationStatus.Cancelled)]
    [InlineData("SomethingNew", OperationStatus.UnknownFutureValue)]
    public void Defender_statuses_map_to_the_common_one_and_back(string apiStatus, OperationStatus common)
    {
        Assert.Equal(common, DefenderMachineActions.StatusOf(apiStatus));
        if (common != OperationStatus.UnknownFutureValue) Assert.Contains(apiStatus, DefenderMachineActions.ApiStatusesOf(common));
    }

    [Fact]
    public void A_machine_action_reads_as_the_common_result_with_its_own_status_kept()
    {
        using var json = JsonDocument.Parse($$"""
            {"id":"a1","type":"Isolate","status":"TimeOut","scope":"Full","requestor":"ada@contoso.example","requestorComment":"c2 seen",
             "machineId":"{{DeviceA}}","computerDnsName":"ws-01.contoso.example","creationDateTimeUtc":"2026-12-01T10:00:00Z",
             "lastUpdateDateTimeUtc":"2026-12-01T10:05:00Z","errorHResult":0,"troubleshootInfo":null,"somethingNew":1}
            """);
        var action = DefenderMachineActions.ToSecurityAction(json.RootElement);
        Assert.Equal("IsolateDevice", action.Name);
        Assert.Equal(SecurityActionApi.DefenderMachineActions, action.Api);
        Assert.Equal(OperationStatus.Failed, action.Status);
        Assert.Equal("TimeOut", action.ApiStatus);
        Assert.Equal("ws-01.contoso.example", action.Target);
        Assert.Equal(DeviceA, action.TargetId);
        Assert.Equal("ada@contoso.example", action.Requestor);
        Assert.Equal("c2 seen", action.Comment);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 5, 0, TimeSpan.Zero), action.CompletedDateTime);
        Assert.Contains("TimeOut", action.FailureReason);
    }

    [Fact]
    public void Every_action_has_an_API_a_permission_and_an_undo_that_exists()
    {
        Assert.Equal(ResponseActionCatalog.All.Count, ResponseActionCatalog.All.Select(a => a.Name.ToUpperInvariant()).Distinct().Count());
        foreach (var action in ResponseActionCatalog.All)
        {
            Assert.False(string.IsNullOrEmpty(action.Permission));
            if (action.Undo != null) Assert.NotNull(ResponseActionCatalog.Find(action.Undo));
        }
        Assert.Equal("Isolate", Action("IsolateDevice").MachineActionType);
        Assert.Equal("StopAndQuarantineFile", Action("StopAndQuarantineFile").MachineActionType);
        Assert.Equal("RunAntiVirusScan", Action("runantivirusscan").MachineActionType);
        Assert.Equal("IsolateDevice", ResponseActionCatalog.ForMachineActionType("Isolate")?.Name);
        Assert.True(DefenderMachineActions.IsMachineId(DeviceA));
        Assert.False(DefenderMachineActions.IsMachineId("ws-01"));
    }
}
