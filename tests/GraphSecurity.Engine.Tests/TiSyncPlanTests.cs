using System;
using System.Collections.Generic;
using System.Linq;
using GraphSecurity.Engine.TiIndicators;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class TiSyncPlanTests
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Expiry = Now.AddDays(30);
    private const string Source = "GraphSecurity";

    private static TiFeedRow Row(long line, string ip, DateTimeOffset? expires = null, string action = "Block", int confidence = 50,
        DateTimeOffset? reported = null, bool revoked = false, bool expired = false) => new TiFeedRow
        {
            Line = line,
            Observable = new TiObservable("ipv4", ip),
            IndicatorType = "networkDestinationIPv4",
            Indicator = ip,
            Body = new Dictionary<string, object> { ["indicatorValue"] = ip },
            Expiration = expires ?? Expiry,
            Action = action,
            Confidence = confidence,
            Reported = reported,
            Revoked = revoked,
            Expired = expired,
        };

    private static TiFeedRow DomainRow(long line, string domain) => new TiFeedRow
    {
        Line = line,
        Observable = new TiObservable("domain", domain.ToLowerInvariant()),
        IndicatorType = "domainName",
        Indicator = domain,
        Expiration = Expiry,
        Action = "Block",
    };

    private static TiIndicator Defender(string ip, string source, DateTimeOffset? expires = null, string action = "Block") => new TiIndicator
    {
        Id = "mde-" + ip,
        Target = TiTarget.DefenderForEndpoint,
        Source = source,
        NetworkDestinationIPv4 = ip,
        ExpirationDateTime = expires ?? Expiry,
        DefenderAction = action,
    };

    private static TiIndicator Ours(string ip, DateTimeOffset? expires = null, string action = "Block") => Defender(ip, Source, expires, action);

    private static TiSyncPlan Plan(IEnumerable<TiFeedRow> feed, IReadOnlyList<TiIndicator> existing, int? cap = null) =>
        TiSyncPlan.Create(TiTarget.DefenderForEndpoint, feed, existing, Source, cap, Now);

    private static TiSyncStep Only(TiSyncPlan plan) => Assert.Single(plan.Steps);

    [Fact]
    public void A_row_not_in_the_target_is_created()
    {
        var plan = Plan(new[] { Row(1, "203.0.113.1") }, new TiIndicator[0]);
        var step = Only(plan);
        Assert.Equal(TiSyncAction.Create, step.Action);
        Assert.Equal(1, step.Row.Line);
        Assert.Null(step.Existing);
        Assert.Equal("203.0.113.1", step.Indicator);
        Assert.Null(plan.Capacity);
    }

    [Fact]
    public void The_same_expiry_to_the_second_and_the_same_action_are_unchanged()
    {
        var plan = Plan(new[] { Row(1, "203.0.113.1", Expiry.AddMilliseconds(400), action: "block") }, new[] { Ours("203.0.113.1", Expiry, "Block") });
        var step = Only(plan);
        Assert.Equal(TiSyncAction.Unchanged, step.Action);
        Assert.Empty(plan.Changes);
    }

    [Fact]
    public void Another_expiry_or_action_is_an_update_that_says_what_changes()
    {
        var plan = Plan(
            new[] { Row(1, "203.0.113.1", Expiry.AddSeconds(1)), Row(2, "203.0.113.2", action: "Audit") },
            new[] { Ours("203.0.113.1"), Ours("203.0.113.2") });
        Assert.Equal(2, plan.Count(TiSyncAction.Update));
        var expiry = plan.Steps.Single(s => s.Row.Line == 1);
        Assert.Equal(TiSyncAction.Update, expiry.Action);
        Assert.Contains("expiry", expiry.Reason);
        Assert.DoesNotContain("action", expiry.Reason);
        var action = plan.Steps.Single(s => s.Row.Line == 2);
        Assert.Equal(TiSyncAction.Update, action.Action);
        Assert.Contains("action Block → Audit", action.Reason);
        Assert.Same(plan.Steps.Single(s => s.Row.Line == 2).Existing, action.Existing);
    }

    [Fact]
    public void Ours_that_the_feed_dropped_are_removed()
    {
        var dropped = Ours("203.0.113.9");
        var lowerCase = Defender("203.0.113.10", "graphsecurity");
        var plan = Plan(new[] { Row(1, "203.0.113.1") }, new[] { dropped, lowerCase });
        var removals = plan.Steps.Where(s => s.Action == TiSyncAction.Remove).ToList();
        Assert.Equal(2, removals.Count);
        Assert.All(removals, r => Assert.Null(r.Row));
        Assert.All(removals, r => Assert.Equal("no longer in the feed", r.Reason));
        Assert.Contains(removals, r => ReferenceEquals(r.Existing, dropped));
        Assert.Contains(removals, r => ReferenceEquals(r.Existing, lowerCase));
        Assert.Equal("203.0.113.9", removals.Single(r => ReferenceEquals(r.Existing, dropped)).Indicator);
    }

    [Fact]
    public void Somebody_else_s_indicators_are_left_alone_whatever_the_feed_says()
    {
        var portal = Defender("203.0.113.1", "Portal", Expiry.AddDays(-3), "Audit");
        var manual = Defender("203.0.113.2", null);
        manual.CreatedBy = "analyst@contoso.example";
        var otherApp = Defender("203.0.113.3", "OtherFeed");
        var notInFeed = Defender("203.0.113.4", "Portal");
        var plan = Plan(
            new[] { Row(1, "203.0.113.1"), Row(2, "203.0.113.2", revoked: true), Row(3, "203.0.113.3", expired: true, expires: Now.AddDays(-1)) },
            new[] { portal, manual, otherApp, notInFeed });

        Assert.Equal(3, plan.Steps.Count);
        Assert.All(plan.Steps, s => Assert.Equal(TiSyncAction.LeftAlone, s.Action));
        Assert.Empty(plan.Changes);
        Assert.Contains("Portal", plan.Steps.Single(s => s.Row.Line == 1).Reason);
        Assert.Contains("analyst@contoso.example", plan.Steps.Single(s => s.Row.Line == 2).Reason);
        Assert.DoesNotContain(plan.Steps, s => ReferenceEquals(s.Existing, notInFeed));
    }

    [Fact]
    public void A_withdrawn_row_removes_ours_and_otherwise_changes_nothing()
    {
        var mine = Ours("203.0.113.1");
        var plan = Plan(new[] { Row(1, "203.0.113.1", revoked: true), Row(2, "203.0.113.2", revoked: true) }, new[] { mine });

        var removal = plan.Steps.Single(s => s.Row.Line == 1);
        Assert.Equal(TiSyncAction.Remove, removal.Action);
        Assert.Same(mine, removal.Existing);
        Assert.Contains("withdrawn", removal.Reason);

        var absent = plan.Steps.Single(s => s.Row.Line == 2);
        Assert.Equal(TiSyncAction.Unchanged, absent.Action);
        Assert.Null(absent.Existing);
        Assert.Contains("not in the target", absent.Reason);
        Assert.Equal(new[] { removal }, plan.Changes);
    }

    [Fact]
    public void An_expired_row_removes_ours_and_is_reported_as_expired_otherwise()
    {
        var mine = Ours("203.0.113.1");
        var plan = Plan(
            new[] { Row(1, "203.0.113.1", Now.AddDays(-1), expired: true), Row(2, "203.0.113.2", Now.AddDays(-2), expired: true) },
            new[] { mine });

        var removal = plan.Steps.Single(s => s.Row.Line == 1);
        Assert.Equal(TiSyncAction.Remove, removal.Action);
        Assert.Same(mine, removal.Existing);
        Assert.Contains("expired", removal.Reason);

        var expired = plan.Steps.Single(s => s.Row.Line == 2);
        Assert.Equal(TiSyncAction.Expired, expired.Action);
        Assert.Null(expired.Existing);
        Assert.Single(plan.Changes);
    }

    [Fact]
    public void A_repeated_indicator_is_reported_once_and_the_later_line_is_used()
    {
        var plan = Plan(
            new[] { DomainRow(1, "Evil.Example"), DomainRow(2, "other.example"), DomainRow(3, "evil.example") },
            new TiIndicator[0]);

        var repeated = Assert.Single(plan.Steps, s => s.Action == TiSyncAction.Repeated);
        Assert.Equal(1, repeated.Row.Line);
        Assert.Contains("line 3", repeated.Reason);
        var creations = plan.Steps.Where(s => s.Action == TiSyncAction.Create).Select(s => s.Row.Line).ToList();
        Assert.Equal(new long[] { 2, 3 }, creations.OrderBy(l => l));
        Assert.Equal(3, plan.Steps.Count);
    }

    [Fact]
    public void Under_the_cap_the_rows_of_highest_confidence_are_kept_then_the_most_recent()
    {
        var feed = new List<TiFeedRow>
        {
            Row(1, "203.0.113.1", confidence: 90),
            Row(2, "203.0.113.2", confidence: 80),
            Row(3, "203.0.113.3", confidence: 80),
            Row(4, "203.0.113.4", confidence: 70),
            Row(5, "203.0.113.5", confidence: 60),
            Row(6, "203.0.113.6", confidence: 50, reported: Now.AddDays(-3)),
            Row(7, "203.0.113.7", confidence: 50, reported: Now.AddDays(-1)),
            Row(8, "203.0.113.8", confidence: 50, reported: Now.AddDays(-2)),
            Row(9, "203.0.113.9", confidence: 30),
            Row(10, "203.0.113.10", confidence: 20),
            Row(11, "203.0.113.11", confidence: 10),
            Row(12, "203.0.113.12", confidence: 10),
        };
        var existing = new[]
        {
            Defender("198.51.100.1", "Portal"), Defender("198.51.100.2", null), Defender("198.51.100.3", "OtherFeed"),
            Ours("203.0.113.2"), Ours("203.0.113.9"),
        };
        var plan = Plan(feed, existing, cap: 10);

        Assert.Equal(7, plan.Capacity);
        var kept = plan.Steps.Where(s => s.Action == TiSyncAction.Create || s.Action == TiSyncAction.Unchanged).Select(s => s.Row.Line).OrderBy(l => l);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 7, 8 }, kept);
        Assert.Equal(TiSyncAction.Unchanged, plan.Steps.Single(s => s.Row.Line == 2).Action);

        var excluded = plan.Steps.Where(s => s.Action == TiSyncAction.Excluded).ToList();
        Assert.Equal(new long[] { 6, 10, 11, 12 }, excluded.Select(s => s.Row.Line).OrderBy(l => l));
        Assert.All(excluded, s => Assert.Null(s.Existing));
        Assert.All(excluded, s => Assert.Contains("at most 10", s.Reason));

        // One of ours that no longer fits is removed to make room.
        var removal = Assert.Single(plan.Steps, s => s.Action == TiSyncAction.Remove);
        Assert.Equal(9, removal.Row.Line);
        Assert.Equal("203.0.113.9", removal.Existing.NetworkDestinationIPv4);
        Assert.Contains("left out", removal.Reason);
        Assert.Equal(feed.Count, plan.Steps.Count);
    }

    [Fact]
    public void Rows_of_equal_confidence_and_date_are_kept_in_feed_order()
    {
        var plan = Plan(
            new[] { Row(1, "203.0.113.1"), Row(2, "203.0.113.2", reported: Now.AddDays(-5)), Row(3, "203.0.113.3") },
            new TiIndicator[0], cap: 2);
        Assert.Equal(new long[] { 2, 1 }, plan.Steps.Where(s => s.Action == TiSyncAction.Create).Select(s => s.Row.Line).OrderByDescending(l => l));
        Assert.Equal(3, Assert.Single(plan.Steps, s => s.Action == TiSyncAction.Excluded).Row.Line);
    }

    [Fact]
    public void When_others_fill_the_cap_nothing_of_the_feed_fits()
    {
        var plan = Plan(
            new[] { Row(1, "203.0.113.1"), Row(2, "203.0.113.2") },
            new[] { Defender("198.51.100.1", "Portal"), Defender("198.51.100.2", "Portal"), Defender("198.51.100.3", "Portal") },
            cap: 2);
        Assert.Equal(0, plan.Capacity);
        Assert.Equal(2, plan.Count(TiSyncAction.Excluded));
        Assert.Empty(plan.Changes);
    }

    [Fact]
    public void Within_the_cap_nothing_is_excluded()
    {
        var plan = Plan(new[] { Row(1, "203.0.113.1"), Row(2, "203.0.113.2") }, new[] { Defender("198.51.100.1", "Portal") }, cap: 3);
        Assert.Equal(2, plan.Capacity);
        Assert.Equal(2, plan.Count(TiSyncAction.Create));
        Assert.Equal(0, plan.Count(TiSyncAction.Excluded));
    }

    private static (List<TiFeedRow> Feed, List<TiIndicator> Existing) Mixed()
    {
        var feed = new List<TiFeedRow>
        {
            Row(1, "203.0.113.1"),                                        // create
            Row(2, "203.0.113.2", Expiry.AddDays(1)),                     // update
            Row(3, "203.0.113.3"),                                        // unchanged
            Row(4, "203.0.113.4", revoked: true),                         // remove (withdrawn)
            Row(5, "203.0.113.5"),                                        // left alone
            Row(6, "203.0.113.6", Now.AddDays(-1), expired: true),        // expired
            Row(7, "203.0.113.1"),                                        // repeats line 1
            Row(8, "203.0.113.8", action: "Audit"),                       // update
            Row(9, "203.0.113.9"),                                        // create
        };
        var existing = new List<TiIndicator>
        {
            Ours("203.0.113.2"), Ours("203.0.113.3"), Ours("203.0.113.4"), Defender("203.0.113.5", "Portal"),
            Ours("203.0.113.8"), Ours("203.0.113.20"), Ours("203.0.113.21"),
        };
        return (feed, existing);
    }

    private static int Rank(TiSyncAction action) =>
        action == TiSyncAction.Remove ? 0 : action == TiSyncAction.Update ? 1 : action == TiSyncAction.Create ? 2 : 3;

    [Fact]
    public void Removals_come_before_updates_and_updates_before_creations()
    {
        var (feed, existing) = Mixed();
        var plan = Plan(feed, existing);

        Assert.Equal(3, plan.Count(TiSyncAction.Remove));
        Assert.Equal(2, plan.Count(TiSyncAction.Update));
        Assert.Equal(2, plan.Count(TiSyncAction.Create));
        Assert.Equal(1, plan.Count(TiSyncAction.Unchanged));
        Assert.Equal(1, plan.Count(TiSyncAction.LeftAlone));
        Assert.Equal(1, plan.Count(TiSyncAction.Expired));
        Assert.Equal(1, plan.Count(TiSyncAction.Repeated));

        var ranks = plan.Steps.Select(s => Rank(s.Action)).ToList();
        Assert.Equal(ranks.OrderBy(r => r), ranks);
        Assert.Equal(plan.Steps.Where(s => Rank(s.Action) < 3), plan.Changes);
        // The row repeated later is created from its later line.
        Assert.Contains(plan.Steps, s => s.Action == TiSyncAction.Create && s.Row.Line == 7);
    }

    private static List<string> Signature(TiSyncPlan plan) =>
        plan.Steps.Select(s => $"{s.Action}|{s.Row?.Line}|{s.Existing?.Id}|{s.Indicator}|{s.Reason}").ToList();

    [Fact]
    public void The_same_feed_against_the_same_target_gives_the_same_plan()
    {
        var (feed1, existing1) = Mixed();
        var (feed2, existing2) = Mixed();
        var first = Plan(feed1, existing1, cap: 8);
        var second = Plan(feed2, existing2, cap: 8);
        Assert.Equal(Signature(first), Signature(second));
        Assert.Equal(first.Describe("Defender for Endpoint"), second.Describe("Defender for Endpoint"));
        Assert.Equal(first.Capacity, second.Capacity);
    }

    private static TiIndicator Sentinel(string ip, string source, bool revoked = false) => new TiIndicator
    {
        Id = "ti-" + ip,
        Target = TiTarget.Sentinel,
        Source = source,
        Pattern = "[ipv4-addr:value = '" + ip + "']",
        ExpirationDateTime = Expiry,
        Revoked = revoked,
        IngestedDateTime = new DateTimeOffset(2026, 10, 1, 8, 0, 0, TimeSpan.Zero),
        ValidFromDateTime = new DateTimeOffset(2026, 10, 2, 9, 30, 0, TimeSpan.Zero),
    };

    [Fact]
    public void In_sentinel_every_indicator_of_the_workspace_counts_as_ours()
    {
        var plan = TiSyncPlan.Create(TiTarget.Sentinel,
            new[] { Row(1, "203.0.113.1", action: "Audit") },
            new[] { Sentinel("203.0.113.1", "Portal"), Sentinel("203.0.113.2", "Someone else"), Sentinel("203.0.113.3", null) },
            Source, cap: null, Now);

        // The action is Defender's: no difference in Sentinel.
        Assert.Equal(TiSyncAction.Unchanged, plan.Steps.Single(s => s.Row?.Line == 1).Action);
        Assert.Equal(2, plan.Count(TiSyncAction.Remove));
        Assert.Equal(0, plan.Count(TiSyncAction.LeftAlone));
    }

    [Fact]
    public void In_sentinel_a_revoked_indicator_back_in_the_feed_is_updated_and_keeps_its_creation()
    {
        var row = Row(1, "203.0.113.1");
        row.Body["created"] = "2026-11-20T12:00:00.000Z";
        row.Body["valid_from"] = "2026-11-20T12:00:00.000Z";
        var plan = TiSyncPlan.Create(TiTarget.Sentinel, new[] { row }, new[] { Sentinel("203.0.113.1", Source, revoked: true) }, Source, cap: null, Now);

        var update = Only(plan);
        Assert.Equal(TiSyncAction.Update, update.Action);
        Assert.Contains("revoked → active", update.Reason);
        Assert.Equal("2026-10-01T08:00:00.000Z", row.Body["created"]);
        Assert.Equal("2026-10-02T09:30:00.000Z", row.Body["valid_from"]);
    }

    [Fact]
    public void In_sentinel_a_revoked_indicator_the_feed_dropped_is_not_revoked_again()
    {
        var plan = TiSyncPlan.Create(TiTarget.Sentinel, new TiFeedRow[0], new[] { Sentinel("203.0.113.1", Source, revoked: true), Sentinel("203.0.113.2", Source) }, Source, cap: null, Now);
        var removal = Only(plan);
        Assert.Equal(TiSyncAction.Remove, removal.Action);
        Assert.Equal("ti-203.0.113.2", removal.Existing.Id);
    }

    [Fact]
    public void Batches_hold_one_action_each_and_at_most_the_store_s_size()
    {
        var feed = new List<TiFeedRow>();
        var existing = new List<TiIndicator>();
        for (var i = 1; i <= 5; i++) existing.Add(Ours("198.51.100." + i));                 // removed
        for (var i = 1; i <= 3; i++)
        {
            feed.Add(Row(i, "203.0.113." + i, Expiry.AddHours(1)));                          // updated
            existing.Add(Ours("203.0.113." + i));
        }
        for (var i = 10; i < 17; i++) feed.Add(Row(i, "203.0.113." + i));                  // created
        for (var i = 20; i < 22; i++)
        {
            feed.Add(Row(i, "203.0.113." + i));                                              // unchanged
            existing.Add(Ours("203.0.113." + i));
        }
        var plan = Plan(feed, existing);

        var batches = TiSyncRunner.Batches(plan, 3).ToList();
        Assert.Equal(new[] { 3, 2, 3, 3, 3, 1 }, batches.Select(b => b.Count));
        Assert.Equal(
            new[] { TiSyncAction.Remove, TiSyncAction.Remove, TiSyncAction.Update, TiSyncAction.Create, TiSyncAction.Create, TiSyncAction.Create },
            batches.Select(b => b[0].Action));
        Assert.All(batches, b => Assert.Single(b.Select(s => s.Action).Distinct()));
        Assert.Equal(plan.Changes, batches.SelectMany(b => b));

        Assert.Equal(3, TiSyncRunner.Batches(plan, 500).Count());
        Assert.Empty(TiSyncRunner.Batches(Plan(new TiFeedRow[0], new TiIndicator[0]), 3));
    }
}
