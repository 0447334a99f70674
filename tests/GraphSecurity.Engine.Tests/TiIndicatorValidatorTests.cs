using System;
using System.Collections.Generic;
using System.Linq;
using GraphSecurity.Engine.TiIndicators;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class TiIndicatorValidatorTests
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly TiIndicatorDefaults Defaults = new TiIndicatorDefaults { AzureTenantId = "b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c" };

    private static TiIndicatorDraft Validate(out IReadOnlyList<string> errors, params (string Field, object Value)[] fields) =>
        TiIndicatorValidator.Validate(fields.ToDictionary(f => f.Field, f => f.Value), Defaults, Now, out errors);

    [Fact]
    public void A_lone_indicator_gets_every_required_field_from_the_defaults()
    {
        var draft = Validate(out var errors, ("domainName", "Evil.Example"));
        Assert.Empty(errors);
        Assert.Equal("evil.example", draft.Body["domainName"]);
        Assert.Equal("alert", draft.Body["action"]);
        Assert.Equal("amber", draft.Body["tlpLevel"]);
        Assert.Equal("WatchList", draft.Body["threatType"]);
        Assert.Equal(TiIndicatorFields.Sentinel, draft.Body["targetProduct"]);
        Assert.Equal(Now.AddDays(90), draft.Body["expirationDateTime"]); // a domain's default lifetime
        Assert.Equal(Defaults.AzureTenantId, draft.Body["azureTenantId"]);
        Assert.True(((string)draft.Body["description"]).Length <= 100);
    }

    [Fact]
    public void An_input_that_has_expired_is_valid_and_marked_expired()
    {
        var draft = Validate(out var errors, ("domainName", "ok.example"), ("expirationDateTime", "2020-01-01"));
        Assert.Empty(errors);
        Assert.True(draft.IsExpired);
        Assert.False(Validate(out _, ("domainName", "ok.example")).IsExpired);
    }

    [Theory]
    [InlineData("networkDestinationIPv4", "203.0.113.9", 30)]
    [InlineData("url", "https://evil.example/x", 90)]
    [InlineData("fileHashValue", "d41d8cd98f00b204e9800998ecf8427e", 365)]
    [InlineData("emailSenderAddress", "a@evil.example", 90)]
    public void Each_kind_of_observable_has_its_own_default_lifetime(string field, string value, int days)
    {
        var draft = Validate(out var errors, (field, value));
        Assert.Empty(errors);
        Assert.Equal(Now.AddDays(days), draft.Body["expirationDateTime"]);
    }

    [Fact]
    public void ValidFor_overrides_every_kinds_lifetime_and_a_kind_can_be_changed()
    {
        var defaults = new TiIndicatorDefaults { AzureTenantId = Defaults.AzureTenantId, ValidFor = TimeSpan.FromDays(2) };
        Assert.Equal(Now.AddDays(2), TiIndicatorValidator.Validate(new Dictionary<string, object> { ["url"] = "https://evil.example/" }, defaults, Now, out _)!.Body["expirationDateTime"]);
        defaults = new TiIndicatorDefaults { AzureTenantId = Defaults.AzureTenantId };
        defaults.Lifetimes["url"] = TimeSpan.FromDays(7);
        Assert.Equal(Now.AddDays(7), TiIndicatorValidator.Validate(new Dictionary<string, object> { ["url"] = "https://evil.example/" }, defaults, Now, out _)!.Body["expirationDateTime"]);
    }

    [Fact]
    public void The_derived_external_id_depends_only_on_the_observable()
    {
        var a = Validate(out _, ("url", "https://phish.example/login"), ("action", "block"));
        var b = Validate(out _, ("url", " https://PHISH.example/login "), ("action", "alert"), ("targetProduct", "MDE"));
        var c = Validate(out _, ("url", "https://phish.example/other"));
        Assert.Equal(a.ExternalId, b.ExternalId);
        Assert.NotEqual(a.ExternalId, c.ExternalId);
        Assert.StartsWith("gs-", a.ExternalId);
        Assert.Equal("mine-1", Validate(out _, ("url", "https://phish.example/login"), ("externalId", "mine-1")).ExternalId);
    }

    [Theory]
    [InlineData("fileHashValue", "d41d8cd98f00b204e9800998ecf8427e", "md5")]
    [InlineData("fileHashValue", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1")]
    [InlineData("fileHashValue", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "sha256")]
    public void A_hash_type_is_inferred_from_the_length(string field, string value, string type)
    {
        var draft = Validate(out var errors, (field, value));
        Assert.Empty(errors);
        Assert.Equal(type, draft.Body["fileHashType"]);
        Assert.Equal(value.ToLowerInvariant(), draft.Body["fileHashValue"]);
    }

    [Theory]
    [InlineData("fileHashValue", "abc", "has 3 characters")]
    [InlineData("fileHashValue", "zz41d8cd98f00b204e9800998ecf8427e", "not a hexadecimal hash")]
    [InlineData("networkDestinationIPv4", "300.1.2.3", "not an IP address")]
    [InlineData("networkSourceIPv6", "203.0.113.1", "not an IPv6 address")]
    [InlineData("url", "/relative/path", "not an absolute http")]
    [InlineData("networkCidrBlock", "203.0.113.0/33", "not a CIDR block")]
    [InlineData("confidence", "150", "outside 0–100")]
    [InlineData("severity", "high", "not a whole number")]
    [InlineData("action", "blok", "is not one of unknown, allow, block, alert")]
    [InlineData("threatType", "Ransom", "is not one of Botnet")]
    [InlineData("targetProduct", "Splunk", "is not 'Azure Sentinel'")]
    [InlineData("expirationDateTime", "2026-13-45", "is not a date")]
    [InlineData("killChain", "Delivery;Lunch", "'Lunch'")]
    [InlineData("description", "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789x", "at most 100")]
    public void Bad_values_are_rejected_with_a_message_naming_the_field(string field, string value, string expected)
    {
        var observable = field == "url" || field.StartsWith("file") || field.StartsWith("network") ? new (string, object)[0] : new (string, object)[] { ("domainName", "ok.example") };
        var draft = Validate(out var errors, observable.Append((field, (object)value)).ToArray());
        Assert.Null(draft);
        Assert.Contains(errors, e => e.Contains(expected));
    }

    [Fact]
    public void A_sha256_hash_must_have_64_characters_when_its_type_is_given()
    {
        Validate(out var errors, ("fileHashValue", new string('a', 40)), ("fileHashType", "sha256"));
        Assert.Contains(errors, e => e.Contains("a sha256 hash is 64 hexadecimal characters, this one has 40"));
    }

    [Fact]
    public void Defender_takes_exactly_one_of_its_observables()
    {
        Validate(out var email, ("emailSenderAddress", "spam@bad.example"), ("targetProduct", "Microsoft Defender ATP"));
        Assert.Contains(email, e => e.Contains("exactly one of"));
        Validate(out var two, ("url", "https://a.example/"), ("domainName", "a.example"), ("targetProduct", "Microsoft Defender ATP"));
        Assert.Contains(two, e => e.Contains("exactly one of"));
        Assert.NotNull(Validate(out _, ("url", "https://a.example/"), ("domainName", "a.example")));   // Sentinel takes several
    }

    [Fact]
    public void The_generic_indicator_is_recognised_and_feeds_may_be_defanged()
    {
        Assert.Equal("networkDestinationIPv4", Validate(out _, ("indicator", "203.0.113[.]7")).IndicatorType);
        Assert.Equal("networkDestinationIPv6", Validate(out _, ("indicator", "2001:db8::7")).IndicatorType);
        Assert.Equal("fileHashValue", Validate(out _, ("indicator", new string('c', 64))).IndicatorType);
        var url = Validate(out _, ("indicator", "hxxps://bad[.]example/x"));
        Assert.Equal("url", url.IndicatorType);
        Assert.Equal("https://bad.example/x", url.Indicator);
        Assert.Equal("emailSenderAddress", Validate(out _, ("indicator", "a@bad.example")).IndicatorType);
        Assert.Equal("domainName", Validate(out _, ("indicator", "bad.example")).IndicatorType);
        Validate(out var errors, ("indicator", "not an indicator"));
        Assert.Contains(errors, e => e.Contains("Cannot tell what kind"));
    }

    [Fact]
    public void An_ip_column_may_hold_an_IPv6_address()
    {
        var draft = Validate(out var errors, ("networkDestinationIPv4", "2001:db8::1"));
        Assert.Empty(errors);
        Assert.Equal("2001:db8::1", draft.Body["networkDestinationIPv6"]);
        Assert.False(draft.Body.ContainsKey("networkDestinationIPv4"));
    }

    [Fact]
    public void Lists_come_from_separated_text_or_arrays()
    {
        var draft = Validate(out _, ("domainName", "a.example"), ("tags", "x;y, z"), ("killChain", new[] { "delivery", "C2" }));
        Assert.Equal(new[] { "x", "y", "z" }, (List<string>)draft.Body["tags"]);
        Assert.Equal(new[] { "Delivery", "C2" }, (List<string>)draft.Body["killChain"]);
    }

    [Fact]
    public void An_input_without_an_observable_is_rejected()
    {
        Assert.Null(Validate(out var errors, ("description", "nothing")));
        Assert.Contains(errors, e => e.StartsWith("No observable"));
    }
}
