using System.Net;
using System.Text.Json;

namespace GraphSecurity.Emulator.Tests;

public class FilterTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;
    public FilterTests(EmulatorFixture f) => _f = f;

    private async Task<List<JsonElement>> FilterAsync(string filter, Action<HttpRequestMessage> configure = null)
    {
        var page = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$filter=" + Uri.EscapeDataString(filter), configure: configure);
        return page.GetProperty("value").EnumerateArray().ToList();
    }

    private async Task<JsonElement> FilterErrorAsync(string filter, int expectedStatus = 400)
    {
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$filter=" + Uri.EscapeDataString(filter));
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(expectedStatus, status);
        return body.GetProperty("error");
    }

    private static string S(JsonElement a, string p) => a.GetProperty(p).ValueKind == JsonValueKind.Null ? null : a.GetProperty(p).GetString();
    private static DateTimeOffset D(JsonElement a, string p) => a.GetProperty(p).GetDateTimeOffset();
    private static readonly string[] Severities = { "unknown", "informational", "low", "medium", "high" };

    private static void AssertSameIds(IEnumerable<JsonElement> expected, IEnumerable<JsonElement> actual)
    {
        var e = expected.Select(a => a.GetProperty("id").GetString()).OrderBy(x => x, StringComparer.Ordinal).ToList();
        var g = actual.Select(a => a.GetProperty("id").GetString()).OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(e);
        Assert.Equal(e, g);
    }

    [Fact]
    public async Task Eq_on_enum_matches_exactly_and_case_insensitively()
    {
        var all = await _f.AllAlertsAsync();
        AssertSameIds(all.Where(a => S(a, "status") == "new"), await FilterAsync("status eq 'new'"));
        AssertSameIds(all.Where(a => S(a, "status") == "new"), await FilterAsync("status eq 'NEW'"));
    }

    [Fact]
    public async Task Ne_excludes_value()
    {
        var all = await _f.AllAlertsAsync();
        AssertSameIds(all.Where(a => S(a, "severity") != "high"), await FilterAsync("severity ne 'high'"));
    }

    [Theory]
    [InlineData("gt")]
    [InlineData("ge")]
    [InlineData("lt")]
    [InlineData("le")]
    public async Task Relational_operators_on_datetime(string op)
    {
        var all = await _f.AllAlertsAsync();
        // Pick an existing timestamp so ge/gt and le/lt differ.
        var pivotText = S(all[all.Count / 2], "createdDateTime");
        var pivot = DateTimeOffset.Parse(pivotText);
        Func<DateTimeOffset, bool> expected = op switch
        {
            "gt" => d => d > pivot,
            "ge" => d => d >= pivot,
            "lt" => d => d < pivot,
            _ => d => d <= pivot,
        };
        AssertSameIds(all.Where(a => expected(D(a, "createdDateTime"))), await FilterAsync($"createdDateTime {op} {pivotText}"));
    }

    [Fact]
    public async Task Relational_operators_on_enum_use_member_order()
    {
        var all = await _f.AllAlertsAsync();
        AssertSameIds(all.Where(a => Array.IndexOf(Severities, S(a, "severity")) >= 3), await FilterAsync("severity ge 'medium'"));
        AssertSameIds(all.Where(a => Array.IndexOf(Severities, S(a, "severity")) < 2), await FilterAsync("severity lt 'low'"));
    }

    [Fact]
    public async Task Date_only_literal_is_midnight_utc()
    {
        var all = await _f.AllAlertsAsync();
        var day = new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);
        AssertSameIds(all.Where(a => D(a, "createdDateTime") >= day), await FilterAsync("createdDateTime ge 2026-11-10"));
    }

    [Fact]
    public async Task And_or_not_and_parentheses()
    {
        var all = await _f.AllAlertsAsync();
        AssertSameIds(
            all.Where(a => (S(a, "severity") == "high" || S(a, "severity") == "medium") && S(a, "status") != "resolved"),
            await FilterAsync("(severity eq 'high' or severity eq 'medium') and status ne 'resolved'"));
        AssertSameIds(
            all.Where(a => S(a, "severity") == "high" || (S(a, "severity") == "medium" && S(a, "status") != "resolved")),
            await FilterAsync("severity eq 'high' or severity eq 'medium' and status ne 'resolved'"));
        AssertSameIds(
            all.Where(a => !(S(a, "status") == "resolved" || S(a, "serviceSource") == "microsoftDefenderForEndpoint")),
            await FilterAsync("not (status eq 'resolved' or serviceSource eq 'microsoftDefenderForEndpoint')"));
    }

    [Fact]
    public async Task Null_comparisons()
    {
        var all = await _f.AllAlertsAsync();
        AssertSameIds(all.Where(a => S(a, "assignedTo") == null), await FilterAsync("assignedTo eq null"));
        AssertSameIds(all.Where(a => S(a, "assignedTo") != null), await FilterAsync("assignedTo ne null"));
    }

    [Fact]
    public async Task Or_chain_of_eq_on_one_string_property_matches_any_literal_case_insensitively()
    {
        // Evaluated as one set lookup per item; the results must not differ from the comparison chain.
        var all = await _f.AllAlertsAsync();
        var assignees = all.Select(a => S(a, "assignedTo")).Where(v => v != null).Distinct().Take(3).ToList();
        Assert.Equal(3, assignees.Count);
        var wanted = new HashSet<string>(assignees, StringComparer.OrdinalIgnoreCase);
        var chain = string.Join(" or ", assignees.Select((v, i) => $"assignedTo eq '{(i == 0 ? v.ToUpperInvariant() : v).Replace("'", "''")}'"))
                    + " or assignedTo eq 'nobody@contoso.example'";
        AssertSameIds(all.Where(a => wanted.Contains(S(a, "assignedTo") ?? "")), await FilterAsync(chain));

        // Mixed with other properties and operators, the chain keeps its meaning.
        AssertSameIds(
            all.Where(a => (wanted.Contains(S(a, "assignedTo") ?? "") || S(a, "assignedTo") == null) && S(a, "status") != "resolved"),
            await FilterAsync($"({chain} or assignedTo eq null) and status ne 'resolved'"));
        AssertSameIds(
            all.Where(a => wanted.Contains(S(a, "assignedTo") ?? "") || S(a, "severity") == "high"),
            await FilterAsync($"{chain} or severity eq 'high'"));
    }

    [Fact]
    public async Task Doubled_single_quote_in_string_literal()
    {
        var all = await _f.AllAlertsAsync();
        const string upn = "aoife.o'brien@contoso.example";
        var result = await FilterAsync("assignedTo eq 'aoife.o''brien@contoso.example'");
        AssertSameIds(all.Where(a => S(a, "assignedTo") == upn), result);
        Assert.All(result, a => Assert.Equal(upn, S(a, "assignedTo")));
    }

    [Fact]
    public async Task Evidence_lambda_on_user_principal_name()
    {
        var all = await _f.AllAlertsAsync();
        var upn = all.SelectMany(a => a.GetProperty("evidence").EnumerateArray())
            .Where(e => e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.userEvidence")
            .Select(e => e.GetProperty("userAccount").GetProperty("userPrincipalName").GetString())
            .GroupBy(x => x).OrderByDescending(g => g.Count()).First().Key;
        var expected = all.Where(a => a.GetProperty("evidence").EnumerateArray().Any(e =>
            e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.userEvidence" &&
            e.GetProperty("userAccount").GetProperty("userPrincipalName").GetString() == upn)).ToList();
        Assert.True(expected.Count > 1, "the user pool should make users recur across alerts");
        AssertSameIds(expected, await FilterAsync(
            $"evidence/any(e: e/microsoft.graph.security.userEvidence/userAccount/userPrincipalName eq '{upn}')"));
    }

    [Fact]
    public async Task Evidence_lambda_on_device_dns_name_combined_with_status()
    {
        var all = await _f.AllAlertsAsync();
        const string dns = "ws-007.contoso.example";
        var expected = all.Where(a => S(a, "status") != "resolved" && a.GetProperty("evidence").EnumerateArray().Any(e =>
            e.GetProperty("@odata.type").GetString() == "#microsoft.graph.security.deviceEvidence" &&
            e.GetProperty("deviceDnsName").GetString() == dns)).ToList();
        var actual = await FilterAsync($"evidence/any(x: x/microsoft.graph.security.deviceEvidence/deviceDnsName eq '{dns}') and status ne 'resolved'");
        if (expected.Count == 0) Assert.Empty(actual); else AssertSameIds(expected, actual);
        // A type cast that does not match never matches.
        Assert.Empty(await FilterAsync($"evidence/any(x: x/microsoft.graph.security.userEvidence/deviceDnsName eq '{dns}')"));
    }

    [Fact]
    public async Task Non_filterable_property_is_400()
    {
        var error = await FilterErrorAsync("investigationState eq 'running'");
        Assert.Equal("BadRequest", error.GetProperty("code").GetString());
        Assert.Contains("'investigationState'", error.GetProperty("message").GetString());
        Assert.Contains("not supported in $filter", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_property_is_400()
    {
        var error = await FilterErrorAsync("colour eq 'red'");
        Assert.Contains("Could not find a property named 'colour'", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("status eqq 'new'", "Syntax error at position 10")]
    [InlineData("status eq 'new", "position")]
    [InlineData("(status eq 'new'", "position")]
    [InlineData("status eq ", "Expression expected at position 10")]
    public async Task Syntax_error_is_400_with_position(string filter, string expected)
    {
        var error = await FilterErrorAsync(filter);
        Assert.Equal("BadRequest", error.GetProperty("code").GetString());
        Assert.StartsWith("Invalid filter clause: ", error.GetProperty("message").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Invalid_enum_literal_and_type_mismatch_are_400()
    {
        var e1 = await FilterErrorAsync("status eq 'open'");
        Assert.Contains("'open' is not a valid enumerated type constant", e1.GetProperty("message").GetString());
        var e2 = await FilterErrorAsync("createdDateTime ge 'yesterday'");
        Assert.Contains("incompatible types", e2.GetProperty("message").GetString());
        var e3 = await FilterErrorAsync("startswith(assignedTo, 'soc')");
        Assert.Contains("'startswith' is not supported", e3.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Evolvable_members_in_filter_follow_what_the_caller_sees()
    {
        var all = await _f.AllAlertsAsync(r => r.Headers.Add("Prefer", "include-unknown-enum-members"));
        var sentinel = all.Where(a => S(a, "serviceSource") == "microsoftSentinel").ToList();
        Assert.NotEmpty(sentinel);
        AssertSameIds(sentinel, await FilterAsync("serviceSource eq 'microsoftSentinel'", r => r.Headers.Add("Prefer", "include-unknown-enum-members")));
        Assert.Empty(await FilterAsync("serviceSource eq 'microsoftSentinel'"));
        var evolvable = all.Where(a => S(a, "serviceSource") is "microsoftSentinel" or "microsoftDefenderForCloud");
        AssertSameIds(evolvable, await FilterAsync("serviceSource eq 'unknownFutureValue'"));
    }
}
