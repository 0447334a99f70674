using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Watching;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class ChangeWatcherTests
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>alerts_v2 in memory, answering "lastUpdateDateTime ge X" ordered ascending with $top/$skip, as the service does.</summary>
    private sealed class AlertStore
    {
        public readonly Dictionary<string, DateTimeOffset> Alerts = new Dictionary<string, DateTimeOffset>();
        public readonly List<string> Filters = new List<string>();
        public Action<int> AfterRequest = _ => { };

        public FakeTransport Transport() => new FakeTransport(request =>
        {
            var query = Uri.UnescapeDataString(request.RequestUri.Query);
            var from = DateTimeOffset.Parse(Regex.Match(query, @"lastUpdateDateTime ge ([^&\s]+)").Groups[1].Value);
            var top = int.Parse(Regex.Match(query, @"\$top=(\d+)").Groups[1].Value);
            var skipMatch = Regex.Match(query, @"\$skip=(\d+)");
            var skip = skipMatch.Success ? int.Parse(skipMatch.Groups[1].Value) : 0;
            Filters.Add(query);
            var matching = Alerts.Where(a => a.Value >= from).OrderBy(a => a.Value).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();
            var page = matching.Skip(skip).Take(top).Select(a => new
            {
                id = a.Key,
                severity = "high",
                status = "new",
                serviceSource = "microsoftDefenderForEndpoint",
                createdDateTime = T0,
                lastUpdateDateTime = a.Value,
            }).ToList();
            var more = matching.Count > skip + top;
            var body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["@odata.nextLink"] = more ? $"https://graph.test/v1.0/security/alerts_v2?$skip={skip + top}" : null,
                ["value"] = page,
            });
            AfterRequest(Filters.Count);
            return FakeTransport.Json(HttpStatusCode.OK, body);
        });
    }

    private static ChangeWatcher<Alert> Watcher(AlertStore store, WatchState state = null, string statePath = null) =>
        new ChangeWatcher<Alert>(new AlertService(FakeGraph.Client(store.Transport())), () => new CollectionQuery(AlertService.CollectionPath) { PageSize = 2 },
            a => a.Id, a => a.LastUpdateDateTime.Value, state ?? new WatchState { Resource = AlertService.CollectionPath, Cursor = T0, Start = T0 })
        { StatePath = statePath };

    /// <summary>Polls once, committing every change the way the cmdlet does after writing it.</summary>
    private static async Task<List<WatchedChange<Alert>>> Poll(ChangeWatcher<Alert> watcher)
    {
        var seen = new List<WatchedChange<Alert>>();
        await watcher.PollAsync(changes =>
        {
            foreach (var change in changes) { seen.Add(change); watcher.Commit(change); }
            return Task.CompletedTask;
        }, CancellationToken.None);
        return seen;
    }

    [Fact]
    public async Task Five_alerts_with_one_timestamp_in_pages_of_two_are_each_emitted_once()
    {
        var store = new AlertStore();
        foreach (var id in new[] { "a", "b", "c", "d", "e" }) store.Alerts[id] = T0.AddMinutes(1);
        var watcher = Watcher(store);
        var changes = await Poll(watcher);
        Assert.Equal(new[] { "a", "b", "c", "d", "e" }, changes.Select(c => c.Id));
        Assert.All(changes, c => Assert.Equal(ChangeType.New, c.ChangeType));
        Assert.Empty(await Poll(watcher));
    }

    [Fact]
    public async Task An_alert_updated_during_a_poll_does_not_push_an_unread_alert_onto_a_read_page()
    {
        var store = new AlertStore();
        store.Alerts["a"] = T0.AddMinutes(1); store.Alerts["b"] = T0.AddMinutes(2); store.Alerts["c"] = T0.AddMinutes(3);
        store.Alerts["d"] = T0.AddMinutes(4); store.Alerts["e"] = T0.AddMinutes(5);
        store.AfterRequest = n => { if (n == 1) store.Alerts["a"] = T0.AddMinutes(9); };  // after page 1 was served
        var changes = await Poll(Watcher(store));
        // $skip=2 on the changed list would have returned d, e and lost c; keyset pages read c.
        Assert.Equal(new[] { "a", "b", "c", "d", "e", "a" }, changes.Select(c => c.Id));
        Assert.Equal(ChangeType.Updated, changes.Last().ChangeType);
        Assert.Contains(store.Filters, f => f.Contains("lastUpdateDateTime ge 2026-11-01T12:02:00.0000000Z"));
    }

    [Fact]
    public async Task A_tie_with_the_cursor_and_a_late_write_inside_the_overlap_are_found_on_the_next_poll()
    {
        var store = new AlertStore();
        store.Alerts["a"] = T0.AddMinutes(10);
        var watcher = Watcher(store);
        Assert.Single(await Poll(watcher));
        store.Alerts["tie"] = T0.AddMinutes(10);
        store.Alerts["late"] = T0.AddMinutes(7);
        store.Alerts["before-start"] = T0.AddMinutes(-1);
        var changes = await Poll(watcher);
        Assert.Equal(new[] { "late", "tie" }, changes.Select(c => c.Id));
    }

    [Fact]
    public async Task Only_committed_changes_are_checkpointed_and_a_restart_resumes_from_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "watch-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var store = new AlertStore();
            store.Alerts["a"] = T0.AddMinutes(1); store.Alerts["b"] = T0.AddMinutes(2);
            var first = Watcher(store, statePath: path);
            // The pipeline stops after the first object was written: only that one is committed.
            await Assert.ThrowsAsync<InvalidOperationException>(() => first.PollAsync(changes =>
            {
                first.Commit(changes[0]);
                throw new InvalidOperationException("stopped");
            }, CancellationToken.None));
            first.Checkpoint();

            var restarted = Watcher(store, WatchState.Load(path, AlertService.CollectionPath), path);
            store.Alerts["a"] = T0.AddMinutes(3);
            var changes = await Poll(restarted);
            Assert.Equal(new[] { ("b", ChangeType.New), ("a", ChangeType.Updated) }, changes.Select(c => (c.Id, c.ChangeType)));
            Assert.Empty(await Poll(Watcher(store, WatchState.Load(path, AlertService.CollectionPath), path)));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_state_file_of_another_collection_is_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), "watch-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            new WatchState { Resource = "security/incidents", Cursor = T0 }.Save(path);
            Assert.Throws<InvalidDataException>(() => WatchState.Load(path, AlertService.CollectionPath));
        }
        finally { File.Delete(path); }
    }
}
