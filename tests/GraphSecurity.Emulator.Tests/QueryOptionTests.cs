using System.Text.Json;

namespace GraphSecurity.Emulator.Tests;

public class QueryOptionTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;
    public QueryOptionTests(EmulatorFixture f) => _f = f;

    [Fact]
    public async Task Top_above_2000_is_400_with_the_odata_validator_message()
    {
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=2001");
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(400, status);
        var error = body.GetProperty("error");
        Assert.Equal("", error.GetProperty("code").GetString());
        Assert.Equal("The query specified in the URI is not valid. The limit of '2000' for Top query has been exceeded. The value from the incoming request is '2001'.",
            error.GetProperty("message").GetString());
        Assert.Equal(0, error.GetProperty("details").GetArrayLength());
        var page = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$top=2000");
        Assert.Equal(1000, page.GetProperty("value").GetArrayLength());
    }

    [Theory]
    [InlineData("$top=-1")]
    [InlineData("$top=abc")]
    [InlineData("$skip=x")]
    [InlineData("$count=maybe")]
    [InlineData("$expand=evidence")]
    [InlineData("$top=1&$top=2")]
    public async Task Invalid_query_options_are_400(string query)
    {
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?" + query);
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Paging_with_nextLink_walks_every_item_once_up_to_the_count()
    {
        const string filter = "severity ne 'informational'";
        string url = "/v1.0/security/alerts_v2?$top=97&$count=true&$filter=" + Uri.EscapeDataString(filter);
        var seen = new List<string>();
        int? count = null;
        int pages = 0;
        while (url != null)
        {
            var page = await _f.GetJsonAsync(url);
            pages++;
            var pageCount = page.GetProperty("@odata.count").GetInt32();
            count ??= pageCount;
            Assert.Equal(count, pageCount);
            var items = page.GetProperty("value").EnumerateArray().ToList();
            Assert.True(items.Count <= 97);
            Assert.All(items, a => Assert.NotEqual("informational", a.GetProperty("severity").GetString()));
            seen.AddRange(items.Select(a => a.GetProperty("id").GetString()));
            if (page.TryGetProperty("@odata.nextLink", out var next))
            {
                var link = next.GetString();
                Assert.StartsWith("http://localhost/v1.0/security/alerts_v2?", link);
                Assert.Contains("$filter=", link);
                Assert.Contains("$top=97", link);
                Assert.Equal(97, items.Count);
                url = link["http://localhost".Length..];
            }
            else url = null;
            Assert.True(pages < 50);
        }
        Assert.Equal(count, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(pages > 5);
    }

    [Fact]
    public async Task Skip_skips_and_nextLink_is_absent_on_the_last_page()
    {
        var all = await _f.AllAlertsAsync();
        var page = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$top=10&$skip=995");
        var ids = page.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Equal(all.Skip(995).Select(a => a.GetProperty("id").GetString()), ids);
        Assert.False(page.TryGetProperty("@odata.nextLink", out _));
        Assert.False(page.TryGetProperty("@odata.count", out _));
    }

    [Fact]
    public async Task Default_order_is_newest_first()
    {
        var all = await _f.AllAlertsAsync();
        Assert.Equal(1000, all.Count);
        var dates = all.Select(a => a.GetProperty("createdDateTime").GetDateTimeOffset()).ToList();
        Assert.Equal(dates.OrderByDescending(d => d), dates);
        Assert.True(dates[0] <= EmulatorFixture.Now);
        Assert.True(dates[^1] >= EmulatorFixture.Now.AddDays(-30));
    }

    [Fact]
    public async Task Orderby_multiple_clauses()
    {
        var page = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$orderby=" + Uri.EscapeDataString("severity desc, createdDateTime asc"));
        var items = page.GetProperty("value").EnumerateArray().ToList();
        string[] order = { "unknown", "informational", "low", "medium", "high" };
        var keys = items.Select(a => (Sev: Array.IndexOf(order, a.GetProperty("severity").GetString()), Created: a.GetProperty("createdDateTime").GetDateTimeOffset())).ToList();
        var sorted = keys.OrderByDescending(k => k.Sev).ThenBy(k => k.Created).ToList();
        Assert.Equal(sorted, keys);
        Assert.Equal("high", items[0].GetProperty("severity").GetString());

        var byUpdate = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$orderby=lastUpdateDateTime");
        var updates = byUpdate.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("lastUpdateDateTime").GetDateTimeOffset()).ToList();
        Assert.Equal(updates.OrderBy(d => d), updates);
    }

    [Theory]
    [InlineData("evidence")]
    [InlineData("nope desc")]
    [InlineData("title sideways")]
    public async Task Bad_orderby_is_400(string orderby)
    {
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$orderby=" + Uri.EscapeDataString(orderby));
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task Select_limits_properties_and_extends_the_context()
    {
        var page = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$top=3&$select=id,title,severity");
        Assert.Equal("http://localhost/v1.0/$metadata#security/alerts_v2(id,title,severity)", page.GetProperty("@odata.context").GetString());
        foreach (var a in page.GetProperty("value").EnumerateArray())
        {
            var names = a.EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(new[] { "@odata.type", "id", "title", "severity" }, names);
        }
        var bad = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$select=id,colour");
        var (status, body) = await EmulatorFixture.ReadAsync(bad);
        Assert.Equal(400, status);
        Assert.Contains("'colour'", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Envelope_and_headers()
    {
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=1", configure: r => r.Headers.Add("client-request-id", "11111111-2222-3333-4444-555555555555"));
        Assert.Equal("application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
            response.Content.Headers.NonValidated["Content-Type"].ToString());
        Assert.Equal("4.0", response.Headers.GetValues("OData-Version").Single());
        Assert.Equal("11111111-2222-3333-4444-555555555555", response.Headers.GetValues("client-request-id").Single());
        Assert.True(Guid.TryParse(response.Headers.GetValues("request-id").Single(), out _));
        Assert.Equal("no-cache", response.Headers.CacheControl.ToString());
        Assert.True(response.Headers.Contains("x-ms-ags-diagnostic"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("http://localhost/v1.0/$metadata#security/alerts_v2", body.GetProperty("@odata.context").GetString());
        Assert.True(body.TryGetProperty("@odata.nextLink", out _));

        var noClientId = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/alerts_v2?$top=1");
        Assert.Equal(noClientId.Headers.GetValues("request-id").Single(), noClientId.Headers.GetValues("client-request-id").Single());
    }

    [Fact]
    public async Task Beta_serves_the_same_data_and_accepts_options_without_dollar()
    {
        var v1 = await _f.GetJsonAsync("/v1.0/security/alerts_v2?$top=5&$filter=" + Uri.EscapeDataString("status eq 'inProgress'"));
        var beta = await _f.GetJsonAsync("/beta/security/alerts_v2?top=5&filter=" + Uri.EscapeDataString("status eq 'inProgress'"));
        Assert.Equal("http://localhost/beta/$metadata#security/alerts_v2", beta.GetProperty("@odata.context").GetString());
        Assert.Equal(
            v1.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()),
            beta.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("DELETE", "/v1.0/security/alerts_v2/abc")]
    [InlineData("POST", "/v1.0/security/alerts_v2")]
    [InlineData("GET", "/beta/security/alerts_v2/abc/comments")]
    public async Task Unsupported_method_is_405(string method, string url)
    {
        var response = await _f.SendAsync(new HttpMethod(method), url, json: method == "GET" ? null : "{}");
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(405, status);
        Assert.Equal("Request_BadRequest", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("Specified HTTP method is not allowed for the request target.", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_graph_segment_is_400()
    {
        var response = await _f.SendAsync(HttpMethod.Get, "/v1.0/security/nothingHere");
        var (status, body) = await EmulatorFixture.ReadAsync(response);
        Assert.Equal(400, status);
        Assert.Equal("Resource not found for the segment 'nothingHere'.", body.GetProperty("error").GetProperty("message").GetString());
    }
}
