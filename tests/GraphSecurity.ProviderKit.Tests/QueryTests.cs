using GraphSecurity.ProviderKit.Models;
using GraphSecurity.ProviderKit.Query;
using Microsoft.Extensions.Primitives;

namespace GraphSecurity.ProviderKit.Tests;

public class QueryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    private static List<ProviderAlert> Alerts() => new()
    {
        new() { Id = "a", Title = "Port scan", Category = "PortScan", Severity = "high", Status = "newAlert", CreatedDateTime = T0, AssignedTo = "ana@contoso.example",
            VendorInformation = new VendorInformation { Provider = "Sentry Firewall", SubProvider = "nw-fw01" } },
        new() { Id = "b", Title = "Burst", Category = "DenyBurst", Severity = "low", Status = "resolved", CreatedDateTime = T0.AddHours(-1),
            VendorInformation = new VendorInformation { Provider = "Sentry Firewall", SubProvider = "nw-fw02" } },
        new() { Id = "c", Title = "Brute force", Category = "BruteForce", Severity = "medium", Status = "inProgress", CreatedDateTime = T0.AddHours(1) },
        new() { Id = "d", Title = "It's quoted", Category = "BruteForce", Severity = "medium", Status = "newAlert", CreatedDateTime = T0.AddHours(1) },
    };

    private static ProviderQuery Parse(params (string Key, string Value)[] options) =>
        ProviderQuery.Parse(options.Select(o => new KeyValuePair<string, StringValues>(o.Key, o.Value)));

    private static string[] Ids(string filter) => Alerts().Where(FilterParser.Parse(filter).Matches).Select(a => a.Id).ToArray();

    [Theory]
    [InlineData("severity eq 'high'", "a")]
    [InlineData("severity eq 'HIGH'", "a")]
    [InlineData("severity gt 'low'", "a,c,d")]
    [InlineData("status ne 'newAlert'", "b,c")]
    [InlineData("category eq 'BruteForce' and status eq 'newAlert'", "d")]
    [InlineData("severity eq 'low' or severity eq 'high'", "a,b")]
    [InlineData("not (severity eq 'medium')", "a,b")]
    [InlineData("(status eq 'resolved' or status eq 'inProgress') and not category eq 'DenyBurst'", "c")]
    [InlineData("createdDateTime ge 2026-01-05T12:00:00Z", "a,c,d")]
    [InlineData("createdDateTime lt 2026-01-05T12:00:00Z", "b")]
    [InlineData("createdDateTime gt 2026-01-05", "a,b,c,d")]
    [InlineData("assignedTo eq null", "b,c,d")]
    [InlineData("assignedTo ne null", "a")]
    [InlineData("vendorInformation/provider eq 'Sentry Firewall'", "a,b")]
    [InlineData("vendorInformation/subProvider eq 'nw-fw02'", "b")]
    [InlineData("title eq 'It''s quoted'", "d")]
    [InlineData("id eq 'c'", "c")]
    public void FilterSelectsTheMatchingAlerts(string filter, string expected) =>
        Assert.Equal(expected.Split(','), Ids(filter));

    [Fact]
    public void AndBindsTighterThanOr()
    {
        var node = FilterParser.Parse("id eq 'a' or id eq 'b' and status eq 'newAlert'");
        var or = Assert.IsType<OrNode>(node);
        Assert.IsType<ComparisonNode>(or.Left);
        Assert.IsType<AndNode>(or.Right);
        Assert.Equal(new[] { "a" }, Alerts().Where(node.Matches).Select(a => a.Id));
    }

    [Theory]
    [InlineData("confidence eq 5", "confidence")]
    [InlineData("contains(title,'x')", "contains")]
    [InlineData("severity eq 'critical'", "critical")]
    [InlineData("severity eq high", "quoted")]
    [InlineData("createdDateTime eq '2026-01-05T00:00:00Z'", "unquoted ISO-8601")]
    [InlineData("title eq 5", "single-quoted")]
    [InlineData("title has 'x'", "has")]
    [InlineData("title eq 'open", "not closed")]
    [InlineData("(title eq 'x'", "')'")]
    [InlineData("title eq 'x' xor id eq 'y'", "xor")]
    [InlineData("severity gt null", "null only by eq or ne")]
    [InlineData("title eq 'x' | id eq 'y'", "'|'")]
    [InlineData("Severity eq 'high'", "Severity")]
    public void BadFiltersAre400NamingThePart(string filter, string named)
    {
        var e = Assert.Throws<ProviderException>(() => FilterParser.Parse(filter));
        Assert.Equal(400, e.StatusCode);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepOrLongFiltersAreRefused()
    {
        Assert.Equal(400, Assert.Throws<ProviderException>(() => FilterParser.Parse(new string('(', 40) + "id eq 'a'" + new string(')', 40))).StatusCode);
        Assert.Equal(400, Assert.Throws<ProviderException>(() => FilterParser.Parse("id eq '" + new string('x', 5000) + "'")).StatusCode);
    }

    [Fact]
    public void DefaultsAreTop100NewestFirst()
    {
        var query = Parse();
        Assert.Equal(100, query.Top);
        Assert.Equal(0, query.Skip);
        Assert.Null(query.Filter);
        // c and d tie on createdDateTime; the tie falls back to id ascending.
        Assert.Equal(new[] { "c", "d", "a", "b" }, query.Apply(Alerts()).Alerts.Select(a => a.Id));
    }

    [Fact]
    public void OrderByTakesSeveralKeysAndDirections()
    {
        var page = Parse(("$orderby", "severity desc,title")).Apply(Alerts());
        Assert.Equal(new[] { "a", "c", "d", "b" }, page.Alerts.Select(a => a.Id));
        Assert.Equal(new[] { "b", "a", "c", "d" }, Parse(("$orderby", "createdDateTime asc")).Apply(Alerts()).Alerts.Select(a => a.Id));
        // Enumerations sort in schema order (newAlert < inProgress < resolved), not alphabetically.
        Assert.Equal(new[] { "b", "c", "a", "d" }, Parse(("$orderby", "status desc")).Apply(Alerts()).Alerts.Select(a => a.Id));
    }

    [Fact]
    public void TopAndSkipPageAndSayWhetherMoreRemain()
    {
        var first = Parse(("$top", "3")).Apply(Alerts());
        Assert.Equal(3, first.Alerts.Count);
        Assert.True(first.HasMore);
        var last = Parse(("$top", "3"), ("$skip", "3")).Apply(Alerts());
        Assert.Equal(new[] { "b" }, last.Alerts.Select(a => a.Id));
        Assert.False(last.HasMore);
        Assert.False(Parse(("$top", "4")).Apply(Alerts()).HasMore);
    }

    [Theory]
    [InlineData("$top", "0", "$top")]
    [InlineData("$top", "1001", "$top")]
    [InlineData("$top", "ten", "$top")]
    [InlineData("$top", "-1", "$top")]
    [InlineData("$skip", "-1", "$skip")]
    [InlineData("$skip", "1.5", "$skip")]
    [InlineData("$orderby", "confidence desc", "confidence")]
    [InlineData("$orderby", "title sideways", "title sideways")]
    [InlineData("$orderby", "title,title desc", "twice")]
    [InlineData("$orderby", "", "empty")]
    [InlineData("$select", "id", "$select")]
    [InlineData("$expand", "x", "$expand")]
    public void BadOptionsAre400NamingThem(string key, string value, string named)
    {
        var e = Assert.Throws<ProviderException>(() => Parse((key, value)));
        Assert.Equal(ProviderErrorCodes.BadRequest, e.Code);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TopBoundsAreInclusive()
    {
        Assert.Equal(1, Parse(("$top", "1")).Top);
        Assert.Equal(1000, Parse(("$top", "1000")).Top);
    }

    [Fact]
    public void RepeatedOptionIsRefused() =>
        Assert.Contains("more than once", Assert.Throws<ProviderException>(() =>
            ProviderQuery.Parse(new[] { new KeyValuePair<string, StringValues>("$top", new StringValues(new[] { "1", "2" })) })).Message);

    [Fact]
    public void PlainParametersAreIgnored() => Assert.Equal(100, Parse(("api-version", "1")).Top);
}
