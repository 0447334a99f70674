using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using GraphSecurity.Engine.TiIndicators;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class DefenderIndicatorMappingTests
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly TiIndicatorDefaults Defaults = new TiIndicatorDefaults { AzureTenantId = "b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c" };
    private const string App = DefenderIndicatorMapping.DefaultApplication;

    /// <summary>A draft as a Defender command makes it: a Defender action is taken out before validation.</summary>
    private static TiIndicatorDraft Draft(params (string Field, object Value)[] fields)
    {
        var input = fields.ToDictionary(f => f.Field, f => f.Value);
        var defenderAction = DefenderIndicatorMapping.TakeDefenderAction(input);
        var draft = TiIndicatorValidator.Validate(input, Defaults, Now, out var errors);
        Assert.Empty(errors);
        Assert.NotNull(draft);
        draft.DefenderAction = defenderAction;
        return draft;
    }

    private static Dictionary<string, object> ToDefender(params (string Field, object Value)[] fields)
    {
        var body = DefenderIndicatorMapping.ToDefender(Draft(fields), App, out var reason);
        Assert.Null(reason);
        Assert.NotNull(body);
        return body;
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.251")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00::1")]
    [InlineData("fc00::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("not an address")]
    [InlineData("")]
    public void Private_loopback_link_local_cgnat_and_multicast_addresses_are_not_public(string address)
    {
        Assert.False(DefenderIndicatorMapping.IsPublic(address));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("223.255.255.254")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_unicast_addresses_are_public(string address)
    {
        Assert.True(DefenderIndicatorMapping.IsPublic(address));
    }

    [Fact]
    public void Documentation_addresses_are_treated_as_public()
    {
        // The documentation ranges (RFC 5737) are not filtered: they go to Defender like any other address.
        Assert.True(DefenderIndicatorMapping.IsPublic("203.0.113.7"));
        Assert.True(DefenderIndicatorMapping.IsPublic("198.51.100.1"));
        Assert.True(DefenderIndicatorMapping.IsPublic("192.0.2.1"));
    }

    [Theory]
    [InlineData("networkDestinationCidrBlock", "203.0.113.0/24", "Sentinel")]
    [InlineData("networkDestinationCidrBlock", "2001:4860::/32", "Sentinel")]
    [InlineData("indicator", "phish@evil.example", "Sentinel")]
    [InlineData("indicator", "10.0.0.1", "public")]
    [InlineData("indicator", "fe80::1", "public")]
    [InlineData("emailSubject", "Your invoice", "cannot go there")]
    public void What_defender_cannot_hold_is_refused_with_a_reason(string field, string value, string expected)
    {
        var body = DefenderIndicatorMapping.ToDefender(Draft((field, value)), App, out var reason);
        Assert.Null(body);
        Assert.NotNull(reason);
        Assert.Contains(expected, reason);
        if (expected != "cannot go there") Assert.Contains(value, reason);
    }

    [Theory]
    [InlineData("evil.example", "DomainName")]
    [InlineData("https://evil.example/login", "Url")]
    [InlineData("203.0.113.7", "IpAddress")]
    public void Only_files_can_be_remediated(string indicator, string type)
    {
        foreach (var action in new[] { "BlockAndRemediate", "AlertAndBlock" })
        {
            var body = DefenderIndicatorMapping.ToDefender(Draft(("indicator", indicator), ("action", action)), App, out var reason);
            Assert.Null(body);
            Assert.Contains(action, reason);
            Assert.Contains(type, reason);
        }
        var file = ToDefender(("indicator", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), ("action", "BlockAndRemediate"));
        Assert.Equal("FileSha256", file["indicatorType"]);
        Assert.Equal("BlockAndRemediate", file["action"]);
    }

    [Theory]
    [InlineData("alert", "Audit", true)]
    [InlineData("allow", "Allowed", false)]
    [InlineData("block", "Block", false)]
    [InlineData("Warn", "Warn", false)]
    [InlineData("Audit", "Audit", true)]
    [InlineData("Allowed", "Allowed", false)]
    public void Actions_become_defender_s_and_only_an_audit_alerts(string given, string action, bool alerts)
    {
        var body = ToDefender(("indicator", "evil.example"), ("action", given));
        Assert.Equal(action, body["action"]);
        Assert.Equal(alerts, body["generateAlert"]);
    }

    [Fact]
    public void The_default_action_alert_is_an_audit_with_an_alert()
    {
        var body = ToDefender(("indicator", "evil.example"));
        Assert.Equal("Audit", body["action"]);
        Assert.Equal(true, body["generateAlert"]);
    }

    [Fact]
    public void A_body_has_the_value_type_title_application_and_expiry_to_the_second()
    {
        var body = ToDefender(
            ("indicator", "203.0.113.7"),
            ("threatType", "Botnet"),
            ("severity", 4),
            ("description", "Botnet controller"),
            ("expirationDateTime", "2026-12-31T23:59:59.789+02:00"));
        Assert.Equal("203.0.113.7", body["indicatorValue"]);
        Assert.Equal("IpAddress", body["indicatorType"]);
        Assert.Equal("Botnet: 203.0.113.7", body["title"]);
        Assert.Equal("Botnet controller", body["description"]);
        Assert.Equal("GraphSecurity", body["application"]);
        Assert.Equal("High", body["severity"]);
        Assert.Equal("2026-12-31T21:59:59Z", body["expirationTime"]);
        Assert.Matches(new Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"), (string)body["expirationTime"]);
        Assert.StartsWith("gs-", (string)body["externalID"]);
        Assert.False(body.ContainsKey("rbacGroupNames"));
    }

    [Fact]
    public void The_application_and_device_groups_are_the_caller_s()
    {
        var draft = Draft(("indicator", "evil.example"));
        draft.RbacGroupNames.Add("Servers");
        var body = DefenderIndicatorMapping.ToDefender(draft, "SOC feed", out _);
        Assert.Equal("SOC feed", body["application"]);
        Assert.Equal(new[] { "Servers" }, Assert.IsAssignableFrom<IEnumerable<string>>(body["rbacGroupNames"]));
    }

    [Fact]
    public void A_title_is_cut_at_100_characters()
    {
        var url = "https://evil.example/" + new string('a', 150);
        var title = (string)ToDefender(("url", url))["title"];
        Assert.Equal(100, title.Length);
        Assert.StartsWith("WatchList: https://evil.example/aaa", title);
    }

    [Fact]
    public void An_ipv6_address_is_written_with_all_eight_groups()
    {
        var body = ToDefender(("indicator", "2001:4860:4860::8888"));
        Assert.Equal("IpAddress", body["indicatorType"]);
        Assert.Equal("2001:4860:4860:0000:0000:0000:0000:8888", body["indicatorValue"]);
    }

    [Theory]
    [InlineData("2001:4860:4860::8888", "2001:4860:4860:0000:0000:0000:0000:8888")]
    [InlineData("::1", "0000:0000:0000:0000:0000:0000:0000:0001")]
    [InlineData("2001:DB8:0:0:1::", "2001:0db8:0000:0000:0001:0000:0000:0000")]
    [InlineData("2606:4700:4700:0000:0000:0000:0000:1111", "2606:4700:4700:0000:0000:0000:0000:1111")]
    public void Full_ipv6_writes_out_every_group(string address, string full)
    {
        var written = DefenderIndicatorMapping.FullIPv6(address);
        Assert.Equal(full, written);
        Assert.Equal(8, written.Split(':').Length);
    }

    [Theory]
    [InlineData(0, "Informational")]
    [InlineData(1, "Informational")]
    [InlineData(2, "Low")]
    [InlineData(3, "Medium")]
    [InlineData(4, "High")]
    [InlineData(5, "High")]
    public void Severities_map_to_defender_s_four_levels(int level, string severity)
    {
        Assert.Equal(severity, DefenderIndicatorMapping.SeverityOf(level));
    }

    [Theory]
    [InlineData("Warn", "Warn", "block")]
    [InlineData("warn", "Warn", "block")]
    [InlineData(" BlockAndRemediate ", "BlockAndRemediate", "block")]
    [InlineData("AlertAndBlock", "AlertAndBlock", "block")]
    [InlineData("Audit", "Audit", "alert")]
    [InlineData("allowed", "Allowed", "allow")]
    public void A_defender_action_is_taken_and_its_closest_tiindicator_action_left(string given, string taken, string left)
    {
        var fields = new Dictionary<string, object> { ["action"] = given, ["domainName"] = "evil.example" };
        Assert.Equal(taken, DefenderIndicatorMapping.TakeDefenderAction(fields));
        Assert.Equal(left, fields["action"]);
    }

    [Theory]
    [InlineData("block")]
    [InlineData("Block")]
    [InlineData("alert")]
    [InlineData("Alert")]
    [InlineData("allow")]
    [InlineData("blok")]
    public void A_tiindicator_action_or_an_unknown_one_is_not_taken(string given)
    {
        var fields = new Dictionary<string, object> { ["action"] = given };
        Assert.Null(DefenderIndicatorMapping.TakeDefenderAction(fields));
        Assert.Equal(given, fields["action"]);
    }

    [Fact]
    public void No_action_or_one_that_is_not_text_is_not_taken()
    {
        Assert.Null(DefenderIndicatorMapping.TakeDefenderAction(new Dictionary<string, object> { ["domainName"] = "evil.example" }));
        var fields = new Dictionary<string, object> { ["action"] = TiAction.Block };
        Assert.Null(DefenderIndicatorMapping.TakeDefenderAction(fields));
        Assert.Equal(TiAction.Block, fields["action"]);
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("Evil.Example")]
    [InlineData("https://Evil.Example/Login?id=1")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e")]
    public void An_indicator_read_back_has_the_key_of_the_input_it_was_written_from(string indicator)
    {
        var draft = Draft(("indicator", indicator));
        var body = DefenderIndicatorMapping.ToDefender(draft, App, out _);
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = "123",
            ["indicatorValue"] = body["indicatorValue"],
            ["indicatorType"] = body["indicatorType"],
            ["action"] = body["action"],
            ["application"] = body["application"],
            ["expirationTime"] = body["expirationTime"],
        });
        using var document = JsonDocument.Parse(json);
        var read = DefenderIndicatorMapping.FromDefender(document.RootElement);

        Assert.Equal(TiObservable.Of(draft).Key, DefenderIndicatorMapping.ObservableOf(read).Key);
        Assert.Equal(TiObservable.Of(draft).Key, TiTargetStores.ObservableOf(read).Key);
        Assert.Equal(TiTarget.DefenderForEndpoint, read.Target);
        Assert.Equal(App, read.Source);
        Assert.Equal("Audit", read.DefenderAction);
        Assert.Equal(TiAction.Alert, read.Action);
        Assert.Equal(draft.Body["expirationDateTime"], read.ExpirationDateTime);
    }

    [Fact]
    public void A_defender_indicator_is_read_into_the_common_fields()
    {
        const string Json = """
            {
              "id": "9001",
              "indicatorValue": "evil.example",
              "indicatorType": "DomainName",
              "action": "Warn",
              "severity": "Medium",
              "title": "Phishing: evil.example",
              "description": "Phishing domain",
              "application": null,
              "createdBy": "analyst@contoso.example",
              "externalID": "case-42",
              "creationTimeDateTimeUtc": "2026-11-01T10:00:00Z",
              "expirationTime": "2026-12-01T00:00:00Z"
            }
            """;
        using var document = JsonDocument.Parse(Json);
        var indicator = DefenderIndicatorMapping.FromDefender(document.RootElement);
        Assert.Equal("9001", indicator.Id);
        Assert.Equal("evil.example", indicator.DomainName);
        Assert.Equal("Warn", indicator.DefenderAction);
        Assert.Equal(TiAction.Block, indicator.Action);
        Assert.Equal(3, indicator.Severity);
        Assert.Null(indicator.Source);
        Assert.Equal("analyst@contoso.example", indicator.CreatedBy);
        Assert.Equal("case-42", indicator.ExternalId);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), indicator.IngestedDateTime);
        Assert.Equal(indicator.IngestedDateTime, indicator.LastUpdatedDateTime);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), indicator.ExpirationDateTime);
    }
}
