#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using GraphSecurity.Engine.Correlation;
using Xunit;

namespace GraphSecurity.Engine.Tests;

/// <summary>Group-GsAlert's engine: normalised keys, noise, the frequency guard and the limits of union-find.</summary>
public class AlertCorrelatorTests
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static CorrelationAlert Row(string id, double hours, params (string Name, object Value)[] fields)
    {
        var row = new Dictionary<string, object?> { ["Id"] = id, ["Time"] = T0.AddHours(hours) };
        foreach (var (name, value) in fields) row[name] = value;
        return CorrelationAlert.FromRow(row);
    }

    private static CorrelationResult Group(IEnumerable<CorrelationAlert> alerts, CorrelationOptions? options = null) =>
        new AlertCorrelator(options ?? new CorrelationOptions()).Group(alerts);

    private static string[][] Members(CorrelationResult result) =>
        result.Groups.Select(g => g.AlertIds.OrderBy(i => i, StringComparer.Ordinal).ToArray()).OrderBy(m => m[0], StringComparer.Ordinal).ToArray();

    [Fact]
    public void AlertsChainedOverTwoTwentyHourGapsJoinWithADayWindow()
    {
        var result = Group(new[]
        {
            Row("A", 0, ("User", "adele@contoso.com")),
            Row("B", 20, ("User", "adele@contoso.com"), ("IpAddress", "198.18.7.7")),
            Row("C", 40, ("IpAddress", "198.18.7.7")),
        }, new CorrelationOptions { Window = TimeSpan.FromHours(24) });

        var group = Assert.Single(result.Groups);
        Assert.Equal(new[] { "A", "B", "C" }, group.AlertIds);
        Assert.Equal(T0, group.FirstSeen);
        Assert.Equal(T0.AddHours(40), group.LastSeen);
        Assert.Collection(group.Edges,
            e => { Assert.Equal(("A", "B", "user:upn:adele@contoso.com", "sameAsset"), (e.AlertA, e.AlertB, e.Key, e.Reason)); },
            e => { Assert.Equal(("B", "C", "ip:198.18.7.7", "sharedIndicators"), (e.AlertA, e.AlertB, e.Key, e.Reason)); });
    }

    [Fact]
    public void AGapLongerThanTheWindowDoesNotJoin()
    {
        var result = Group(new[] { Row("A", 0, ("User", "adele@contoso.com")), Row("B", 25, ("User", "adele@contoso.com")) },
            new CorrelationOptions { Window = TimeSpan.FromHours(24) });
        Assert.Equal(2, result.Groups.Count);
    }

    [Fact]
    public void AGroupStopsGrowingAtTheMaximumSpan()
    {
        var alerts = Enumerable.Range(0, 10).Select(i => Row("A" + i, i * 20, ("User", "adele@contoso.com")));
        var result = Group(alerts, new CorrelationOptions { MaxSpan = TimeSpan.FromHours(100) });
        Assert.Equal(new[] { 6, 4 }, result.Groups.Select(g => g.AlertCount));
    }

    [Fact]
    public void OneProxyAddressOnFiveHundredAlertsIsSuppressedAndReported()
    {
        var alerts = Enumerable.Range(0, 500).Select(i => Row("P" + i.ToString("D3"), i * 0.01, ("IpAddress", "198.18.0.1"), ("User", $"user{i}@contoso.com")));
        var result = Group(alerts);

        Assert.Equal(500, result.Groups.Count);
        var suppressed = Assert.Single(result.Suppressed);
        Assert.Equal(("ip:198.18.0.1", "ip", 500), (suppressed.Key, suppressed.Kind, suppressed.AlertCount));
        Assert.All(result.Groups, g => Assert.Equal("ip:198.18.0.1", Assert.Single(g.SuppressedKeys).Key));
        Assert.DoesNotContain(result.Groups, g => g.Entities.Contains("ip:198.18.0.1"));
    }

    [Fact]
    public void ABareHostNameDoesNotJoinTwoContradictingFqdns()
    {
        var result = Group(new[]
        {
            Row("bare", 0, ("HostName", "WEB01")),
            Row("contoso", 1, ("HostName", "web01.contoso.com")),
            Row("fabrikam", 2, ("HostName", "web01.fabrikam.com.")),
        });

        var members = Members(result);
        Assert.Equal(2, members.Length);
        Assert.DoesNotContain(members, m => m.Contains("contoso") && m.Contains("fabrikam"));
        Assert.Contains(members, m => m.SequenceEqual(new[] { "bare", "contoso" }));
    }

    [Fact]
    public void TheSameFqdnJoinsAndABareNameJoinsOneFqdn()
    {
        var result = Group(new[] { Row("a", 0, ("HostName", "web01.contoso.com")), Row("b", 1, ("Device", "WEB01.Contoso.com")), Row("c", 2, ("Host", "web01")) });
        Assert.Equal(3, Assert.Single(result.Groups).AlertCount);
    }

    [Fact]
    public void OneHundredFiftyOneAlertsOnOneUserSplitOneHundredFiftyAndOne()
    {
        var alerts = Enumerable.Range(0, 151).Select(i => Row("U" + i.ToString("D3"), i * 0.05, ("User", "adele@contoso.com")));
        var result = Group(alerts, new CorrelationOptions { MaxKeyAlerts = 1000 });

        Assert.Equal(new[] { 150, 1 }, result.Groups.Select(g => g.AlertCount));
        Assert.Equal("U150", Assert.Single(result.Groups[1].AlertIds));
    }

    [Fact]
    public void AnUpperCaseLegacyUpnJoinsAV2UserEvidenceUpn()
    {
        var legacy = new LegacyAlert
        {
            Id = "legacy-1", EventDateTime = T0, Severity = AlertSeverity.Medium,
            VendorInformation = new SecurityVendorInformation { Provider = "IPC", Vendor = "Microsoft" },
            UserStates = new ValueList<LegacyUserState>(new[] { new LegacyUserState { UserPrincipalName = "ADELE.VANCE@CONTOSO.COM" } }),
        };
        var v2 = new Alert
        {
            Id = "da-1", CreatedDateTime = T0.AddHours(2), Severity = AlertSeverity.High, ServiceSource = ServiceSource.MicrosoftDefenderForEndpoint,
            Evidence = new ValueList<AlertEvidence>(new AlertEvidence[] { new UserEvidence { UserAccount = new UserAccount { UserPrincipalName = "adele.vance@contoso.com" } } }),
        };

        var group = Assert.Single(Group(new[] { CorrelationAlert.From(v2), CorrelationAlert.From(legacy) }).Groups);
        Assert.Equal(new[] { "legacy-1", "da-1" }, group.AlertIds);
        Assert.Equal(AlertSeverity.High, group.HighestSeverity);
        Assert.Equal(new[] { "IPC", "MicrosoftDefenderForEndpoint" }, group.Sources);
        Assert.Same(legacy, group.Alerts[0]);
    }

    [Fact]
    public void LegacyFileStatesAndConnectionsJoinV2FileAndIpEvidence()
    {
        const string Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        var json = $$$"""
            {"id":"legacy-2","eventDateTime":"2026-03-02T08:00:00Z","severity":"low","vendorInformation":{"provider":"MDATP","vendor":"Microsoft"},
             "fileStates":[{"name":"x.exe","fileHash":{"hashType":"sha256","hashValue":"{{{Sha256.ToUpperInvariant()}}}"}}],
             "networkConnections":[{"sourceAddress":"10.0.0.4","destinationAddress":"198.18.44.1","destinationUrl":"HTTP://C2.Example/beacon"}],
             "userStates":[{"onPremisesSecurityIdentifier":"S-1-5-21-9-9-9-500"}]}
            """;
        var legacy = System.Text.Json.JsonSerializer.Deserialize<LegacyAlert>(json, GraphSecurity.Engine.Json.GraphJson.Options)!;
        var keys = CorrelationAlert.From(legacy).Keys.Select(k => k.Text).ToList();
        Assert.Equal(new[] { "user:sid:S-1-5-21-9-9-9-500", "file:sha256:" + Sha256, "ip:198.18.44.1", "url:http://c2.example/beacon" }, keys);

        var v2 = new Alert
        {
            Id = "da-2", CreatedDateTime = T0.AddHours(1),
            Evidence = new ValueList<AlertEvidence>(new AlertEvidence[] { new FileEvidence { FileDetails = new FileDetails { Sha256 = Sha256 } } }),
        };
        Assert.Single(Group(new[] { CorrelationAlert.From(legacy), CorrelationAlert.From(v2) }).Groups);
    }

    [Theory]
    [InlineData("IpAddress", "127.0.0.1")]
    [InlineData("IpAddress", "::1")]
    [InlineData("IpAddress", "169.254.10.1")]
    [InlineData("IpAddress", "fe80::1")]
    [InlineData("IpAddress", "0.0.0.0")]
    [InlineData("IpAddress", "::")]
    [InlineData("IpAddress", "192.0.2.10")]
    [InlineData("IpAddress", "198.51.100.7")]
    [InlineData("IpAddress", "203.0.113.99")]
    [InlineData("IpAddress", "2001:db8::5")]
    [InlineData("IpAddress", "255.255.255.255")]
    [InlineData("IpAddress", "239.1.1.1")]
    [InlineData("User", "S-1-5-18")]
    [InlineData("User", "S-1-5-19")]
    [InlineData("User", "S-1-5-20")]
    [InlineData("User", "NT AUTHORITY\\SYSTEM")]
    [InlineData("FileHash", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("FileHash", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("FileHash", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("Device", "localhost")]
    [InlineData("User", "adele")]
    public void NoiseValuesNeverJoin(string field, string value)
    {
        var result = Group(new[] { Row("n1", 0, (field, value)), Row("n2", 1, (field, value)) });
        Assert.Equal(2, result.Groups.Count);
        Assert.All(result.Groups, g => Assert.Empty(g.Entities));
    }

    [Fact]
    public void StopListEntriesJoinNothingWhetherGivenAsValueOrKey()
    {
        var alerts = new[]
        {
            Row("a", 0, ("IpAddress", "10.1.2.3"), ("User", "svc-scan@contoso.com")),
            Row("b", 1, ("IpAddress", "10.1.2.3"), ("User", "svc-scan@contoso.com")),
        };
        Assert.Single(Group(alerts).Groups);
        Assert.Equal(2, Group(alerts, new CorrelationOptions { StopList = new[] { "10.1.2.3", "user:upn:SVC-SCAN@contoso.com" } }).Groups.Count);
    }

    [Theory]
    [InlineData("IpAddress", "::ffff:198.18.1.2", "ip:198.18.1.2")]
    [InlineData("IpAddress", " 2001:0DB9:0000::0001 ", "ip:2001:db9::1")]
    [InlineData("IpAddress", "[2001:db9::1]", "ip:2001:db9::1")]
    [InlineData("Url", "HTTPS://Evil.Example:443/Path?q=1#frag", "url:https://evil.example/Path?q=1")]
    [InlineData("Url", "http://evil.example:8080/", "url:http://evil.example:8080/")]
    [InlineData("Url", "evil.example/login", "url:http://evil.example/login")]
    [InlineData("Url", "https://evil.example/a,b?x=1,2", "url:https://evil.example/a,b?x=1,2")]
    [InlineData("Sha256", "AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12", "file:sha256:ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12")]
    [InlineData("Mailbox", "mailto:Adele@Contoso.com", "mailbox:adele@contoso.com")]
    [InlineData("ResourceId", "/subscriptions/S1/resourceGroups/RG/", "azres:/subscriptions/s1/resourcegroups/rg")]
    public void ValuesAreNormalised(string field, string raw, string key) =>
        Assert.Equal(key, Assert.Single(Row("k", 0, (field, raw)).Keys).Text);

    [Fact]
    public void UserValuesAreReadByTheirShape()
    {
        var alert = Row("u", 0, ("User", "{6F2A1C3E-0000-4000-8000-00000000AB01}; s-1-5-21-1-2-3-1104; CONTOSO\\Adele; Adele@Contoso.com"));
        Assert.Equal(new[] { "user:aad:6f2a1c3e-0000-4000-8000-00000000ab01", "user:sid:S-1-5-21-1-2-3-1104", "user:name:contoso\\adele", "user:upn:adele@contoso.com" },
            alert.Keys.Select(k => k.Text));
    }

    [Fact]
    public void RespectIncidentKeepsAnIncidentTogetherAndClosedIncidentsNeverMerge()
    {
        var alerts = new[]
        {
            Row("a", 0, ("IncidentId", "7"), ("User", "adele@contoso.com")),
            Row("b", 100, ("IncidentId", "7")),
            Row("c", 1, ("IncidentId", "8"), ("Status", "resolved"), ("User", "adele@contoso.com")),
            Row("d", 2, ("IncidentId", "9"), ("Status", "resolved"), ("User", "adele@contoso.com")),
        };
        Assert.Equal(3, Group(alerts).Groups.Count);
        var members = Members(Group(alerts, new CorrelationOptions { RespectIncident = true, MaxSpan = TimeSpan.FromDays(30) }));
        Assert.Contains(members, m => m.SequenceEqual(new[] { "a", "b", "c" }));
        Assert.Contains(members, m => m.SequenceEqual(new[] { "d" }));
    }

    [Fact]
    public void AnAlertExcludedFromCorrelationStaysAlone()
    {
        var result = Group(new[]
        {
            Row("a", 0, ("User", "adele@contoso.com")),
            Row("x", 1, ("User", "adele@contoso.com"), ("IsExcludedFromCorrelation", true)),
            Row("b", 2, ("User", "adele@contoso.com")),
        });
        Assert.Equal(new[] { new[] { "a", "b" }, new[] { "x" } }, Members(result));
    }

    [Fact]
    public void AV2AlertMarkedInItsAdditionalDataStaysAlone()
    {
        const string Evidence = "[{\"@odata.type\":\"#microsoft.graph.security.userEvidence\",\"userAccount\":{\"userPrincipalName\":\"adele@contoso.com\"}}]";
        var excluded = System.Text.Json.JsonSerializer.Deserialize<Alert>(
            "{\"id\":\"x\",\"createdDateTime\":\"2026-03-02T09:00:00Z\",\"additionalData\":{\"isExcludedFromCorrelation\":true,\"other\":1},\"evidence\":" + Evidence + "}",
            GraphSecurity.Engine.Json.GraphJson.Options)!;
        Assert.True(excluded.AdditionalData?.IsExcludedFromCorrelation);
        var result = Group(new[] { Row("a", 0, ("User", "adele@contoso.com")), CorrelationAlert.From(excluded), Row("b", 2, ("User", "adele@contoso.com")) });
        Assert.Equal(new[] { new[] { "a", "b" }, new[] { "x" } }, Members(result));
    }

    [Fact]
    public void TheGroupIdDependsOnlyOnTheMembers()
    {
        var first = Group(new[] { Row("a", 0, ("User", "adele@contoso.com")), Row("b", 1, ("User", "adele@contoso.com")) }).Groups[0].Id;
        var again = Group(new[] { Row("b", 5, ("IpAddress", "198.18.1.1")), Row("a", 4, ("IpAddress", "198.18.1.1")) }).Groups[0].Id;
        Assert.Equal(first, again);
        Assert.Matches("^grp-[0-9a-f]{16}$", first);
    }

    [Fact]
    public void ARowWithoutIdOrTimeIsRefusedClearly()
    {
        var noId = Assert.Throws<FormatException>(() => CorrelationAlert.FromRow(new Dictionary<string, object?> { ["Time"] = T0 }));
        Assert.Contains("no id", noId.Message, StringComparison.Ordinal);
        var noTime = Assert.Throws<FormatException>(() => CorrelationAlert.FromRow(new Dictionary<string, object?> { ["Id"] = "r1", ["Time"] = "soon" }));
        Assert.Contains("'r1' has no time", noTime.Message, StringComparison.Ordinal);
    }
}
