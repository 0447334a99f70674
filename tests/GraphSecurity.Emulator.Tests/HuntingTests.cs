using System.Text.Json;
using GraphSecurity.Emulator.Graph.Hunting;
using GraphSecurity.Emulator.Graph.Hunting.Kql;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

public class HuntingTests : IClassFixture<EmulatorFixture>
{
    private const string Url = "/v1.0/security/runHuntingQuery";
    /// <summary>A window inside the seeded 30 days, so results do not depend on when the test runs.</summary>
    private const string Window = "2026-10-25T00:00:00Z/2026-11-21T00:00:00Z";
    private readonly EmulatorFixture _f;
    public HuntingTests(EmulatorFixture f) => _f = f;

    private async Task<(int Status, JsonElement Body)> RunAsync(string query, string timespan = Window, string token = null, string url = Url)
    {
        var json = JsonSerializer.Serialize(new { Query = query, Timespan = timespan });
        return await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, url, token, json));
    }

    private async Task<List<JsonElement>> RowsAsync(string query, string timespan = Window)
    {
        var (status, body) = await RunAsync(query, timespan);
        Assert.True(status == 200, body.ToString());
        return body.GetProperty("results").EnumerateArray().ToList();
    }

    private async Task<long> CountAsync(string query) => (await RowsAsync(query + " | count"))[0].GetProperty("Count").GetInt64();

    /// <summary>Alerts of the default tenant in <see cref="Window"/>, from alerts_v2.</summary>
    private async Task<List<JsonElement>> AlertsInWindowAsync() =>
        (await _f.AllAlertsAsync()).Where(a =>
        {
            var created = DateTimeOffset.Parse(a.GetProperty("createdDateTime").GetString());
            return created >= new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero) && created <= new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
        }).ToList();

    [Fact]
    public async Task AlertInfo_has_one_row_per_alert_with_typed_schema()
    {
        var (status, body) = await RunAsync("AlertInfo | take 3");
        Assert.Equal(200, status);
        Assert.Equal("http://localhost/v1.0/$metadata#microsoft.graph.security.huntingQueryResults", body.GetProperty("@odata.context").GetString());
        var schema = body.GetProperty("schema").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("type").GetString())).ToList();
        Assert.Equal(new[] { ("Timestamp", "DateTime"), ("AlertId", "String"), ("Title", "String"), ("Category", "String"), ("Severity", "String"),
            ("ServiceSource", "String"), ("DetectionSource", "String"), ("AttackTechniques", "String") }, schema);
        var row = body.GetProperty("results")[0];
        Assert.Equal(schema.Select(c => c.Item1), row.EnumerateObject().Select(p => p.Name));
        Assert.EndsWith("Z", row.GetProperty("Timestamp").GetString());

        var alerts = await AlertsInWindowAsync();
        Assert.Equal(alerts.Count, await CountAsync("AlertInfo"));
        var high = alerts.Count(a => a.GetProperty("severity").GetString() == "high");
        Assert.Equal(high, await CountAsync("AlertInfo | where Severity == \"High\""));
        var alert = alerts[0];
        var info = await RowsAsync($"AlertInfo | where AlertId == '{alert.GetProperty("id").GetString()}'");
        Assert.Equal(alert.GetProperty("title").GetString(), Assert.Single(info).GetProperty("Title").GetString());
    }

    [Fact]
    public async Task AlertEvidence_maps_evidence_items_to_hunting_columns()
    {
        var (_, body) = await RunAsync("AlertEvidence | where EntityType == 'File' | take 1");
        var types = body.GetProperty("schema").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString(), c => c.GetProperty("type").GetString());
        Assert.Equal("Int64", types["FileSize"]);
        Assert.Equal("Dynamic", types["AdditionalFields"]);
        Assert.Equal("DateTime", types["Timestamp"]);
        var file = body.GetProperty("results")[0];
        Assert.Equal(64, file.GetProperty("SHA256").GetString().Length);
        Assert.Equal(JsonValueKind.Number, file.GetProperty("FileSize").ValueKind);
        Assert.Equal(JsonValueKind.Object, file.GetProperty("AdditionalFields").ValueKind);

        var evidenceCount = (await AlertsInWindowAsync()).Sum(a => a.GetProperty("evidence").GetArrayLength());
        Assert.Equal(evidenceCount, await CountAsync("AlertEvidence"));
        var devices = await RowsAsync("AlertEvidence | where EntityType == 'Machine' and DeviceName endswith '.contoso.example' | take 5");
        Assert.All(devices, d => Assert.Equal(40, d.GetProperty("DeviceId").GetString().Length));
        var ips = await RowsAsync("AlertEvidence | where isnotempty(RemoteIP) | distinct RemoteIP");
        Assert.All(ips, r => Assert.Matches(@"^(198\.51\.100|203\.0\.113)\.\d+$", r.GetProperty("RemoteIP").GetString()));
        var users = await RowsAsync("AlertEvidence | where AccountUpn has 'contoso.example' | take 3");
        Assert.NotEmpty(users);
    }

    [Theory]
    [InlineData("AlertInfo | where Severity != 'High' and Severity != 'Medium' and Severity != 'Low' and Severity != 'Informational'", 0)]
    [InlineData("AlertInfo | where Severity =~ 'high' | where Severity !~ 'HIGH'", 0)]
    [InlineData("AlertInfo | where Title has 'powershell' | where not(Title contains 'PowerShell')", 0)]
    [InlineData("AlertInfo | where Title startswith 'zzz' or Title !contains ''", 0)]
    [InlineData("AlertInfo | where Severity in ('High') | where Severity !in ('High')", 0)]
    [InlineData("AlertInfo | where Timestamp < ago(400d)", 0)]
    [InlineData("AlertInfo | where Timestamp > datetime(2026-11-21)", 0)]
    public async Task Contradictory_predicates_return_no_rows(string query, int expected)
    {
        Assert.Equal(expected, (await RowsAsync(query)).Count);
    }

    [Fact]
    public async Task Where_operators_agree_with_each_other()
    {
        var all = await CountAsync("AlertInfo");
        var high = await CountAsync("AlertInfo | where Severity == 'High'");
        Assert.InRange(high, 1, all - 1);
        Assert.Equal(all - high, await CountAsync("AlertInfo | where Severity != 'High'"));
        Assert.Equal(high, await CountAsync("AlertInfo | where Severity =~ 'HIGH'"));
        Assert.Equal(high + await CountAsync("AlertInfo | where Severity == 'Low'"), await CountAsync("AlertInfo | where Severity in ('High', 'Low')"));
        Assert.Equal(all - high, await CountAsync("AlertInfo | where Severity !in ('High')"));
        var recent = await CountAsync("AlertInfo | where Timestamp >= datetime(2026-11-13T12:00:00Z)");
        Assert.Equal(recent, await CountAsync("AlertInfo | where Timestamp >= datetime(2026-11-20T12:00:00Z) - 7d"));
        Assert.Equal(all - recent, await CountAsync("AlertInfo | where Timestamp < datetime(2026-11-13T12:00:00Z)"));
        Assert.True(await CountAsync("AlertInfo | where Timestamp > ago(7d) and (Severity == 'High' or Severity == 'Medium')") <= recent);
        var ps = await CountAsync("AlertInfo | where Title contains 'powershell'");
        Assert.True(ps > 0);
        Assert.Equal(ps, await CountAsync("AlertInfo | where Title has 'PowerShell'"));
        Assert.Equal(await CountAsync("AlertInfo | where Title startswith 'Suspicious'"), await CountAsync("AlertInfo | where tolower(Title) startswith 'suspicious'"));
    }

    [Fact]
    public async Task Project_extend_sort_take_top_distinct_and_summarize()
    {
        var projected = await RowsAsync("AlertInfo | project Id = AlertId, Severity | take 2");
        Assert.Equal(new[] { "Id", "Severity" }, projected[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, projected.Count);
        Assert.Equal(5, (await RowsAsync("AlertInfo | limit 5")).Count);

        var (_, extended) = await RunAsync("AlertInfo | extend Age = datetime(2026-11-21) - Timestamp, TitleLength = strlen(Title) | take 1");
        var types = extended.GetProperty("schema").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString(), c => c.GetProperty("type").GetString());
        Assert.Equal("TimeSpan", types["Age"]);
        Assert.Equal("Int64", types["TitleLength"]);

        var asc = (await RowsAsync("AlertInfo | sort by Timestamp asc | project Timestamp")).Select(r => DateTimeOffset.Parse(r.GetProperty("Timestamp").GetString())).ToList();
        Assert.Equal(asc.OrderBy(t => t), asc);
        var desc = (await RowsAsync("AlertInfo | order by Timestamp | project Timestamp | take 10")).Select(r => DateTimeOffset.Parse(r.GetProperty("Timestamp").GetString())).ToList();
        Assert.Equal(asc.AsEnumerable().Reverse().Take(10), desc);
        var top = await RowsAsync("AlertInfo | top 3 by Timestamp desc");
        Assert.Equal(desc.Take(3), top.Select(r => DateTimeOffset.Parse(r.GetProperty("Timestamp").GetString())));

        var distinct = (await RowsAsync("AlertInfo | distinct Severity")).Select(r => r.GetProperty("Severity").GetString()).ToList();
        Assert.Equal(distinct.Distinct().Count(), distinct.Count);
        Assert.Subset(new HashSet<string> { "Informational", "Low", "Medium", "High" }, distinct.ToHashSet());

        var (_, grouped) = await RunAsync("AlertInfo | summarize count() by Severity | sort by count_ desc");
        Assert.Equal(new[] { ("Severity", "String"), ("count_", "Int64") },
            grouped.GetProperty("schema").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("type").GetString())));
        var counts = grouped.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("count_").GetInt64()).ToList();
        Assert.Equal(await CountAsync("AlertInfo"), counts.Sum());
        Assert.Equal(counts.OrderByDescending(c => c), counts);

        var total = Assert.Single(await RowsAsync("AlertInfo | summarize Alerts = count(), Techniques = dcount(AttackTechniques)"));
        Assert.Equal(await CountAsync("AlertInfo"), total.GetProperty("Alerts").GetInt64());
        Assert.True(total.GetProperty("Techniques").GetInt64() > 1);
        var (_, sets) = await RunAsync("AlertEvidence | summarize Types = make_set(EntityType) by ServiceSource");
        Assert.Contains(sets.GetProperty("schema").EnumerateArray(), c => c.GetProperty("name").GetString() == "Types" && c.GetProperty("type").GetString() == "Dynamic");
        Assert.All(sets.GetProperty("results").EnumerateArray(), r => Assert.Equal(JsonValueKind.Array, r.GetProperty("Types").ValueKind));
        var days = await RowsAsync("AlertInfo | summarize count() by bin(Timestamp, 1d)");
        Assert.All(days, d => Assert.EndsWith("T00:00:00.0000000Z", d.GetProperty("Timestamp").GetString()));
    }

    [Theory]
    [InlineData("AlertInfos | take 1", "Failed to resolve table or column expression named 'AlertInfos'.")]
    [InlineData("AlertInfo | where Sevrity == 'High'", "'where' operator: Failed to resolve scalar expression named 'Sevrity'")]
    [InlineData("AlertInfo | where", "Query could not be parsed at '<end of query>' on line [1,18]. The expression is incomplete.")]
    [InlineData("AlertInfo\n| join AlertEvidence on AlertId", "Query could not be parsed at 'join' on line [2,3]. The operator 'join' is not supported by the emulator.")]
    [InlineData("AlertInfo | where Title == 'abc", "Query could not be parsed at ''abc' on line [1,28]. The string literal is not terminated.")]
    [InlineData("AlertInfo | where Timestamp > 'yesterday'", "'where' operator: Cannot apply '>' to values of types datetime and string.")]
    [InlineData("AlertInfo | take ten", "Query could not be parsed at 'ten' on line [1,18]. Expected a row count after 'take'.")]
    [InlineData("AlertInfo | where Title has_any ('a')", "Query could not be parsed at 'has_any'")]
    [InlineData("AlertInfo | extend x = parse_json(Title)", "'extend' operator: the function 'parse_json' is not supported by the emulator.")]
    [InlineData("AlertInfo | project strlen(Title)", "'project' operator: a calculated column needs a name")]
    [InlineData("AlertInfo | where count() > 1", "'where' operator: the aggregation 'count()' can only be used in 'summarize'.")]
    [InlineData("AlertInfo | where Timestamp > ago(7x)", "Query could not be parsed at '7x' on line [1,35]. Unknown timespan unit 'x'; use d, h, m, s or ms.")]
    public async Task Unsupported_or_malformed_queries_are_400_with_the_parser_message(string query, string message)
    {
        var (status, body) = await RunAsync(query);
        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body.GetProperty("error").GetProperty("code").GetString());
        Assert.StartsWith(message, body.GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("{\"query\":\"AlertInfo | count\",\"timespan\":\"P30D\"}", 200)]
    [InlineData("{\"Query\":\"AlertInfo | count\"}", 200)]
    [InlineData("{\"QUERY\":\"AlertInfo | count\"}", 200)]
    [InlineData("{\"Timespan\":\"P1D\"}", 400)]
    [InlineData("{\"Query\":\"AlertInfo\",\"Top\":5}", 400)]
    [InlineData("{\"Query\":\"AlertInfo\",\"Timespan\":\"yesterday\"}", 400)]
    [InlineData("{\"Query\":\"AlertInfo\",\"Timespan\":\"2026-11-20T00:00:00Z/2026-11-10T00:00:00Z\"}", 400)]
    public async Task Body_parameters_are_case_insensitive(string json, int expected)
    {
        var response = await _f.SendAsync(HttpMethod.Post, "/beta/security/runHuntingQuery", json: json);
        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Fact]
    public void Timespan_forms_set_the_window_and_data_is_capped_at_30_days()
    {
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal((now.AddDays(-30), now), HuntingEndpoints.Window(null, now));
        Assert.Equal((now.AddDays(-1), now), HuntingEndpoints.Window("P1D", now));
        Assert.Equal((now.AddDays(-30), now), HuntingEndpoints.Window("P90D", now));
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal((start, now), HuntingEndpoints.Window("2026-11-01T00:00:00Z", now));
        Assert.Equal((start, start.AddHours(6)), HuntingEndpoints.Window("2026-11-01T00:00:00Z/PT6H", now));
        Assert.Equal((start.AddDays(-2), start), HuntingEndpoints.Window("P2D/2026-11-01T00:00:00Z", now));
        Assert.Equal((start, start.AddDays(3)), HuntingEndpoints.Window("2026-11-01T00:00:00Z/2026-11-04T00:00:00Z", now));
    }

    [Fact]
    public async Task A_short_timespan_returns_fewer_rows()
    {
        var all = await CountAsync("AlertInfo");
        var lastDay = await RowsAsync("AlertInfo | project Timestamp", "2026-11-19T12:00:00Z/P1D");
        Assert.True(lastDay.Count < all);
        Assert.All(lastDay, r => Assert.InRange(DateTimeOffset.Parse(r.GetProperty("Timestamp").GetString()),
            new DateTimeOffset(2026, 11, 19, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Results_are_capped_at_100000_rows()
    {
        var rows = Enumerable.Range(0, 100_001).Select(i => new object[] { (long)i }).ToList();
        var table = new KqlTable(new[] { new KqlColumn("N", KqlType.Int64) }, rows);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) HuntingEndpoints.Write(w, "http://localhost/v1.0", table, new Hosting.EmulatorOptions().HuntingRowLimit);
        var results = JsonDocument.Parse(buffer.ToArray()).RootElement.GetProperty("results");
        Assert.Equal(100_000, results.GetArrayLength());
        Assert.Equal(99_999, results[99_999].GetProperty("N").GetInt64());
    }

    [Fact]
    public async Task ThreatHunting_permission_as_role_or_delegated_scope()
    {
        var reader = await _f.TokenAsync(TenantDirectory.ReaderClientId, TenantDirectory.ReaderClientSecret);
        var (status, body) = await RunAsync("AlertInfo | take 1", token: reader);
        Assert.Equal(403, status);
        Assert.Equal("Missing application roles. API required roles: ThreatHunting.Read.All, application roles: SecurityAlert.Read.All.", body.GetProperty("error").GetProperty("message").GetString());

        Assert.Equal(200, (await RunAsync("AlertInfo | take 1", token: TestTokens.Delegated(_f, "User.Read ThreatHunting.Read.All"))).Status);
        (status, body) = await RunAsync("AlertInfo | take 1", token: TestTokens.Delegated(_f, "User.Read"));
        Assert.Equal(403, status);
        Assert.Equal("Missing scope permissions on the request. API requires one of 'ThreatHunting.Read.All'. Scopes on the request 'User.Read'.", body.GetProperty("error").GetProperty("message").GetString());

        Assert.Equal(405, (int)(await _f.SendAsync(HttpMethod.Get, Url)).StatusCode);
    }
}
