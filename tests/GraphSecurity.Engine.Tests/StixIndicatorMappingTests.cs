using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using GraphSecurity.Engine.TiIndicators;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class StixIndicatorMappingTests
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly TiIndicatorDefaults Defaults = new TiIndicatorDefaults { AzureTenantId = "b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c" };

    internal static TiIndicatorDraft Draft(params (string Field, object Value)[] fields)
    {
        var draft = TiIndicatorValidator.Validate(fields.ToDictionary(f => f.Field, f => f.Value), Defaults, Now, out var errors);
        Assert.Empty(errors);
        Assert.NotNull(draft);
        return draft;
    }

    [Fact]
    public void Uuid5_matches_the_rfc_9562_test_vector()
    {
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), StixIndicatorMapping.Uuid5(dns, "www.example.com"));
    }

    [Fact]
    public void Uuid5_hashes_the_name_as_utf8_and_depends_on_the_namespace()
    {
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        var url = new Guid("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
        Assert.NotEqual(StixIndicatorMapping.Uuid5(dns, "www.example.com"), StixIndicatorMapping.Uuid5(url, "www.example.com"));
        Assert.NotEqual(StixIndicatorMapping.Uuid5(dns, "bücher.example"), StixIndicatorMapping.Uuid5(dns, "bucher.example"));
    }

    [Fact]
    public void A_stix_id_is_the_same_on_every_run_and_one_per_observable()
    {
        var ip = new TiObservable("ipv4", "203.0.113.7");
        var id = StixIndicatorMapping.StixId(ip);
        Assert.Equal(id, StixIndicatorMapping.StixId(new TiObservable("ipv4", "203.0.113.7")));
        // The module's namespace and the observable's key: ids already uploaded must never change.
        Assert.Equal("indicator--" + StixIndicatorMapping.Uuid5(new Guid("6f0b8a52-3c1d-4e57-9a2e-7d41c0b9e8f3"), "ipv4:203.0.113.7"), id);

        Assert.NotEqual(id, StixIndicatorMapping.StixId(new TiObservable("ipv4", "203.0.113.8")));
        Assert.NotEqual(StixIndicatorMapping.StixId(new TiObservable("domain", "evil.example")), StixIndicatorMapping.StixId(new TiObservable("url", "evil.example")));
        Assert.Equal(StixIndicatorMapping.StixId(new TiObservable("url", "https://Evil.Example/Login")), StixIndicatorMapping.StixId(new TiObservable("url", "https://evil.example/login")));
    }

    [Theory]
    [InlineData("ipv4", "203.0.113.7")]
    [InlineData("domain", "evil.example")]
    [InlineData("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void A_stix_id_is_a_version_5_rfc_uuid(string kind, string value)
    {
        var id = StixIndicatorMapping.StixId(new TiObservable(kind, value));
        Assert.StartsWith("indicator--", id);
        var uuid = id.Substring("indicator--".Length);
        Assert.True(Guid.TryParseExact(uuid, "D", out _));
        Assert.Equal('5', uuid[14]);
        Assert.Contains(uuid[19], "89ab".ToCharArray());
    }

    [Theory]
    [InlineData("ipv4", "203.0.113.7", "[ipv4-addr:value = '203.0.113.7']")]
    [InlineData("ipv6", "2001:db8::1", "[ipv6-addr:value = '2001:db8::1']")]
    [InlineData("ipv4-cidr", "203.0.113.0/24", "[ipv4-addr:value = '203.0.113.0/24']")]
    [InlineData("ipv6-cidr", "2001:db8::/32", "[ipv6-addr:value = '2001:db8::/32']")]
    [InlineData("domain", "evil.example", "[domain-name:value = 'evil.example']")]
    [InlineData("url", "https://evil.example/login", "[url:value = 'https://evil.example/login']")]
    [InlineData("email", "phish@evil.example", "[email-addr:value = 'phish@evil.example']")]
    [InlineData("email-subject", "Your invoice", "[email-message:subject = 'Your invoice']")]
    [InlineData("file-name", "evil.exe", "[file:name = 'evil.exe']")]
    [InlineData("md5", "d41d8cd98f00b204e9800998ecf8427e", "[file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e']")]
    [InlineData("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']")]
    [InlineData("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']")]
    public void Each_observable_has_its_pattern_and_the_pattern_gives_it_back(string kind, string value, string expected)
    {
        var pattern = StixIndicatorMapping.Pattern(new TiObservable(kind, value), out var reason);
        Assert.Null(reason);
        Assert.Equal(expected, pattern);

        var parsed = StixIndicatorMapping.ParsePattern(pattern, out reason);
        Assert.Null(reason);
        Assert.NotNull(parsed);
        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(value, parsed.Value);
    }

    [Theory]
    [InlineData("https://evil.example/it's")]
    [InlineData(@"https://evil.example/a\b")]
    [InlineData(@"https://evil.example/\'quoted\'")]
    [InlineData(@"https://evil.example/end\")]
    [InlineData(@"https://evil.example/''\\''")]
    public void Quotes_and_backslashes_are_escaped_and_round_trip(string url)
    {
        var pattern = StixIndicatorMapping.Pattern(new TiObservable("url", url), out _);
        Assert.NotNull(pattern);
        // Inside the quotes, every quote and backslash is escaped.
        var inner = pattern.Substring("[url:value = '".Length, pattern.Length - "[url:value = '".Length - "']".Length);
        Assert.Equal(url.Count(c => c == '\'') + 2 * url.Count(c => c == '\\'), inner.Count(c => c == '\\'));

        var parsed = StixIndicatorMapping.ParsePattern(pattern, out var reason);
        Assert.Null(reason);
        Assert.Equal("url", parsed.Kind);
        Assert.Equal(url, parsed.Value);
    }

    [Fact]
    public void A_url_with_a_quote_is_written_with_the_quote_escaped()
    {
        Assert.Equal(@"[url:value = 'http://x.example/a\'b\\c']", StixIndicatorMapping.Pattern(new TiObservable("url", @"http://x.example/a'b\c"), out _));
    }

    [Fact]
    public void Parsing_normalises_case_where_the_key_does_and_tolerates_spaces()
    {
        var hash = StixIndicatorMapping.ParsePattern("[file:hashes.'SHA-256' = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']", out _);
        Assert.Equal("sha256", hash.Kind);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash.Value);
        Assert.Equal("evil.example", StixIndicatorMapping.ParsePattern("  [ domain-name:value='Evil.Example' ] ", out _).Value);
        // A URL's path is case-sensitive: kept as written.
        Assert.Equal("https://evil.example/Login", StixIndicatorMapping.ParsePattern("[url:value = 'https://evil.example/Login']", out _).Value);
    }

    [Theory]
    [InlineData("[ipv4-addr:value = '203.0.113.7'] AND [domain-name:value = 'evil.example']", "not one comparison")]
    [InlineData("[a:b = 'x'] AND [c:d = 'y']", "not one comparison")]
    [InlineData("[ipv4-addr:value = '203.0.113.7' OR ipv4-addr:value = '203.0.113.8']", "not one comparison")]
    [InlineData("[ipv4-addr:value != '203.0.113.7']", "not one comparison")]
    [InlineData("", "has no pattern")]
    [InlineData(null, "has no pattern")]
    [InlineData("[process:name = 'evil.exe']", "no observable the module maps")]
    public void Other_patterns_are_refused_with_a_reason(string pattern, string expected)
    {
        Assert.Null(StixIndicatorMapping.ParsePattern(pattern, out var reason));
        Assert.NotNull(reason);
        Assert.Contains(expected, reason);
    }

    [Fact]
    public void An_observable_without_a_pattern_is_refused_with_a_reason()
    {
        Assert.Null(StixIndicatorMapping.Pattern(new TiObservable("user-agent", "EvilBot/1.0"), out var reason));
        Assert.Contains("user-agent", reason);
    }

    [Fact]
    public void A_draft_becomes_a_stix_2_1_indicator_with_every_required_field()
    {
        var draft = Draft(
            ("indicator", "203.0.113.7"),
            ("threatType", "Botnet"),
            ("confidence", 80),
            ("tags", "campaign-7;Emotet"),
            ("tlpLevel", "amber"),
            ("killChain", "C2;Delivery"),
            ("description", "Botnet controller"),
            ("additionalInformation", "seen in 3 incidents"),
            ("lastReportedDateTime", Now.AddDays(-1)),
            ("expirationDateTime", Now.AddDays(10)));

        var stix = StixIndicatorMapping.ToStix(draft, Now, null, out var reason);
        Assert.Null(reason);
        Assert.NotNull(stix);
        Assert.Equal("indicator", stix["type"]);
        Assert.Equal("2.1", stix["spec_version"]);
        Assert.Equal(StixIndicatorMapping.StixId(new TiObservable("ipv4", "203.0.113.7")), stix["id"]);
        Assert.Equal("2026-11-20T12:00:00.000Z", stix["created"]);
        Assert.Equal("2026-11-20T12:00:00.000Z", stix["modified"]);
        Assert.Equal("[ipv4-addr:value = '203.0.113.7']", stix["pattern"]);
        Assert.Equal("stix", stix["pattern_type"]);
        Assert.Equal("2026-11-19T12:00:00.000Z", stix["valid_from"]);
        Assert.Equal("2026-11-30T12:00:00.000Z", stix["valid_until"]);
        Assert.Equal(80, stix["confidence"]);
        Assert.Equal("Botnet controller", stix["name"]);
        Assert.Equal("seen in 3 incidents", stix["description"]);
        Assert.Equal(new[] { "malicious-activity" }, (string[])stix["indicator_types"]);

        var labels = Assert.IsAssignableFrom<IEnumerable<string>>(stix["labels"]).ToList();
        Assert.Contains("Botnet", labels);
        Assert.Contains("campaign-7", labels);
        Assert.Contains("Emotet", labels);

        Assert.Equal(new[] { "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82" }, (string[])stix["object_marking_refs"]);

        var phases = Assert.IsAssignableFrom<IEnumerable<Dictionary<string, string>>>(stix["kill_chain_phases"]).ToList();
        Assert.Equal(new[] { "command-and-control", "delivery" }, phases.Select(p => p["phase_name"]));
        Assert.All(phases, p => Assert.Equal("lockheed-martin-cyber-kill-chain", p["kill_chain_name"]));

        var reference = Assert.Single((Dictionary<string, string>[])stix["external_references"]);
        Assert.Equal(draft.ExternalId, reference["external_id"]);
    }

    [Fact]
    public void An_indicator_already_in_the_workspace_keeps_its_creation_time()
    {
        var created = new DateTimeOffset(2026, 10, 1, 8, 30, 15, 250, TimeSpan.FromHours(2));
        var stix = StixIndicatorMapping.ToStix(Draft(("indicator", "evil.example")), Now, created, out _);
        Assert.Equal("2026-10-01T06:30:15.250Z", stix["created"]);
        Assert.Equal("2026-11-20T12:00:00.000Z", stix["modified"]);
        // Without lastReportedDateTime, valid from its creation.
        Assert.Equal("2026-10-01T06:30:15.250Z", stix["valid_from"]);
        // The domain's default lifetime: 90 days.
        Assert.Equal("2027-02-18T12:00:00.000Z", stix["valid_until"]);
    }

    [Fact]
    public void The_defaults_give_an_amber_watchlist_indicator_of_anomalous_activity()
    {
        var stix = StixIndicatorMapping.ToStix(Draft(("indicator", "https://evil.example/login")), Now, null, out _);
        Assert.Equal(new[] { "anomalous-activity" }, (string[])stix["indicator_types"]);
        Assert.Equal(new[] { StixIndicatorMapping.TlpMarkings["amber"] }, (string[])stix["object_marking_refs"]);
        Assert.Equal(new[] { "WatchList" }, Assert.IsAssignableFrom<IEnumerable<string>>(stix["labels"]));
        Assert.False(stix.ContainsKey("confidence"));
        Assert.False(stix.ContainsKey("kill_chain_phases"));
        Assert.Equal("2026-11-20T12:00:00.000Z", stix["valid_from"]);
    }

    [Theory]
    [InlineData("white", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9")]
    [InlineData("green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da")]
    [InlineData("amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82")]
    [InlineData("red", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed")]
    public void Each_tlp_level_has_the_specification_s_marking_definition(string level, string marking)
    {
        var stix = StixIndicatorMapping.ToStix(Draft(("indicator", "evil.example"), ("tlpLevel", level)), Now, null, out _);
        Assert.Equal(new[] { marking }, (string[])stix["object_marking_refs"]);
    }

    [Fact]
    public void A_file_hash_draft_is_matched_on_its_hash_type()
    {
        var stix = StixIndicatorMapping.ToStix(Draft(("indicator", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709")), Now, null, out _);
        Assert.Equal("[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']", stix["pattern"]);
    }

    [Fact]
    public void An_indicator_read_from_arm_has_its_observable_marking_and_state()
    {
        const string Json = """
            {
              "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws/providers/Microsoft.SecurityInsights/threatIntelligence/main/indicators/abc",
              "name": "abc",
              "properties": {
                "externalId": "indicator--11111111-2222-5333-8444-555555555555",
                "pattern": "[domain-name:value = 'Evil.Example']",
                "displayName": "Evil domain",
                "source": "GraphSecurity",
                "confidence": 70,
                "revoked": true,
                "validUntil": "2026-12-01T00:00:00Z",
                "labels": [ "Phishing", "campaign-7" ],
                "objectMarkingRefs": [ "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed" ]
              }
            }
            """;
        using var document = JsonDocument.Parse(Json);
        var indicator = StixIndicatorMapping.FromArm(document.RootElement);

        Assert.Equal(TiTarget.Sentinel, indicator.Target);
        Assert.Equal("abc", indicator.Id);
        Assert.Equal("indicator--11111111-2222-5333-8444-555555555555", indicator.StixId);
        Assert.Equal("evil.example", indicator.DomainName);
        Assert.Equal("Evil domain", indicator.Description);
        Assert.Equal("GraphSecurity", indicator.Source);
        Assert.Equal(70, indicator.Confidence);
        Assert.True(indicator.Revoked);
        Assert.False(indicator.IsActive);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), indicator.ExpirationDateTime);
        Assert.Equal(TlpLevel.Red, indicator.TlpLevel);
        Assert.Equal("Phishing", indicator.ThreatType);
        Assert.Equal("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws", indicator.WorkspaceId);
        Assert.Equal("domain:evil.example", TiTargetStores.ObservableOf(indicator).Key);
    }
}
