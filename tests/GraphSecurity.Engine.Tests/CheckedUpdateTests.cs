using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Http;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class CheckedUpdateTests
{
    private const string Current = "{\"id\":\"a1\",\"status\":\"inProgress\",\"classification\":\"truePositive\",\"assignedTo\":\"Ada@contoso.example\"," +
        "\"lastUpdateDateTime\":\"2026-11-20T10:00:00Z\",\"comments\":[{\"comment\":\"x\",\"createdByDisplayName\":\"GraphSecurity Emulator\",\"createdDateTime\":\"2026-11-20T10:00:00Z\"}]}";

    private static FakeTransport Service() => new FakeTransport(request =>
        request.Method == HttpMethod.Get ? FakeTransport.Json(HttpStatusCode.OK, Current)
        : request.RequestUri.AbsolutePath.EndsWith("/comments") ? FakeTransport.Json(HttpStatusCode.OK, "{\"value\":[]}")
        : FakeTransport.Json(HttpStatusCode.OK, Current));

    private static Task<UpdateOutcome<Alert>> Apply(FakeTransport transport, UpdateRequest request) =>
        CheckedUpdate.ApplyAsync(new AlertService(FakeGraph.Client(transport)), "alert", "a1", request, a => a.LastUpdateDateTime, null, false, CancellationToken.None);

    [Fact]
    public async Task Values_the_alert_already_has_are_not_sent_and_nothing_is_sent_when_nothing_differs()
    {
        var transport = Service();
        var outcome = await Apply(transport, new UpdateRequest
        {
            Changes = new Dictionary<string, object> { ["status"] = "inProgress", ["assignedTo"] = "ada@contoso.example", ["classification"] = "truePositive" },
            Comment = "x",
            CallerNames = new[] { "GraphSecurity Emulator" },
        });
        Assert.True(outcome.NothingSent);
        Assert.True(outcome.CommentAlreadyThere);
        Assert.Equal(new[] { "status", "assignedTo", "classification" }, outcome.Unchanged);
        Assert.Equal(new[] { "GET" }, transport.Requests.Select(r => r.Method.Method));
    }

    [Fact]
    public async Task Only_the_fields_that_differ_go_in_the_patch()
    {
        var transport = Service();
        var outcome = await Apply(transport, new UpdateRequest { Changes = new Dictionary<string, object> { ["status"] = "resolved", ["assignedTo"] = "ada@contoso.example" } });
        Assert.Equal(new[] { "status" }, outcome.Sent);
        Assert.Equal(new[] { "GET", "PATCH" }, transport.Requests.Select(r => r.Method.Method));
        Assert.Equal("{\"status\":\"resolved\"}", transport.Bodies[1]);
    }

    [Fact]
    public async Task The_same_text_from_someone_else_or_asked_for_twice_is_added()
    {
        var transport = Service();
        var outcome = await Apply(transport, new UpdateRequest { Comment = "x", CallerNames = new[] { "ada@contoso.example" } });
        Assert.True(outcome.CommentAdded);
        var again = await Apply(Service(), new UpdateRequest { Comment = "x", CallerNames = new[] { "GraphSecurity Emulator" }, AllowDuplicateComment = true });
        Assert.True(again.CommentAdded);
    }

    [Fact]
    public async Task A_copy_older_than_the_service_is_refused_unless_overwriting()
    {
        var stale = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var transport = Service();
        var conflict = await Assert.ThrowsAsync<UpdateConflictException>(() =>
            Apply(transport, new UpdateRequest { Changes = new Dictionary<string, object> { ["status"] = "resolved" }, ReadVersion = stale }));
        Assert.Equal(stale, conflict.ReadVersion);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), conflict.CurrentVersion);
        Assert.Contains("2026-11-20T09:00:00", conflict.Message);
        Assert.Contains("2026-11-20T10:00:00", conflict.Message);
        Assert.Single(transport.Requests);

        var overwrite = await Apply(Service(), new UpdateRequest { Changes = new Dictionary<string, object> { ["status"] = "resolved" }, ReadVersion = stale, Overwrite = true });
        Assert.Equal(new[] { "status" }, overwrite.Sent);
        var fresh = await Apply(Service(), new UpdateRequest { Changes = new Dictionary<string, object> { ["status"] = "resolved" }, ReadVersion = conflict.CurrentVersion });
        Assert.Equal(new[] { "status" }, fresh.Sent);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData(" ")]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a\\b")]
    [InlineData("a b")]
    [InlineData("a\u0007")]
    public async Task Ids_that_would_change_the_url_are_refused_before_sending(string id)
    {
        var transport = Service();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => new AlertService(FakeGraph.Client(transport)).GetAsync(id, CancellationToken.None));
        Assert.Contains("is not a valid id", ex.Message);
        Assert.DoesNotContain("\u0007", ex.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task Other_characters_are_escaped_into_one_segment()
    {
        var transport = Service();
        await new AlertService(FakeGraph.Client(transport)).GetAsync("a%b:c&d", CancellationToken.None);
        Assert.Equal("/v1.0/security/alerts_v2/a%25b%3Ac%26d", transport.Requests.Single().RequestUri.AbsolutePath);
    }
}
