using System;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Hunting;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class HuntingServiceTests
{
    private const string Answer = @"{""schema"":[{""name"":""AlertId"",""type"":""String""},{""name"":""N"",""type"":""Int64""},
            {""name"":""Ratio"",""type"":""Double""},{""name"":""Seen"",""type"":""DateTime""},{""name"":""Flag"",""type"":""Boolean""},
            {""name"":""Took"",""type"":""TimeSpan""},{""name"":""Extra"",""type"":""Dynamic""}],
            ""results"":[{""AlertId"":""da1"",""N"":3,""Ratio"":0.5,""Seen"":""2026-11-20T10:00:00.0000000Z"",""Flag"":true,""Took"":""1.02:03:04"",
            ""Extra"":{""Verdict"":""malicious"",""Roles"":[""a"",""b""]}},{""AlertId"":""da2"",""N"":null}]}";

    [Fact]
    public void Rows_are_typed_by_the_schema()
    {
        var result = HuntingService.Parse(JsonDocument.Parse(Answer).RootElement);
        Assert.Equal(new[] { "AlertId", "N", "Ratio", "Seen", "Flag", "Took", "Extra" }, result.Schema.Select(c => c.Name));
        var row = result.Rows[0];
        Assert.Equal("da1", row[0]);
        Assert.Equal(3L, row[1]);
        Assert.Equal(0.5, row[2]);
        Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), row[3]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)row[3]).Kind);
        Assert.Equal(true, row[4]);
        Assert.Equal(new TimeSpan(1, 2, 3, 4), row[5]);
        var extra = Assert.IsType<System.Collections.Generic.Dictionary<string, object>>(row[6]);
        Assert.Equal("malicious", extra["verdict"]);
        Assert.Equal(new object[] { "a", "b" }, (object[])extra["Roles"]);
        Assert.Null(result.Rows[1][1]);
        Assert.Null(result.Rows[1][2]);
    }

    [Fact]
    public void Timespans_are_iso_8601()
    {
        Assert.Equal("P7D", HuntingService.Interval(null, null, TimeSpan.FromDays(7)));
        Assert.Null(HuntingService.Interval(null, null, null));
        var since = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(1));
        var until = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal("2026-10-31T23:00:00Z/2026-11-02T00:00:00Z", HuntingService.Interval(since, until, null));
        Assert.Equal("2026-10-31T23:00:00Z/PT12H", HuntingService.Interval(since, null, TimeSpan.FromHours(12)));
        Assert.Equal("P30D/2026-11-02T00:00:00Z", HuntingService.Interval(null, until, null));
    }

    [Fact]
    public async Task The_query_is_posted_with_the_documented_member_names()
    {
        var transport = new FakeTransport(_ => FakeTransport.Json(HttpStatusCode.OK, Answer));
        var result = await new HuntingService(FakeGraph.Client(transport)).RunAsync("AlertInfo | take 1", "P1D", CancellationToken.None);
        Assert.Equal(2, result.Rows.Count);
        Assert.EndsWith("/v1.0/security/runHuntingQuery", transport.Requests[0].RequestUri.AbsolutePath);
        Assert.Equal("{\"Query\":\"AlertInfo | take 1\",\"Timespan\":\"P1D\"}", transport.Bodies[0]);
    }
}
