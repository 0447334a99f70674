using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>One row of a feed, validated and mapped to its target's shape.</summary>
public sealed class TiFeedRow
{
    public long Line { get; set; }
    public object? Input { get; set; }
    public TiObservable Observable { get; set; } = new TiObservable("", "");
    /// <summary>The Defender indicator body or the STIX object to write.</summary>
    public IDictionary<string, object> Body { get; set; } = new Dictionary<string, object>();
    public DateTimeOffset? Expiration { get; set; }
    /// <summary>
    /// Set when the row gave no expiration and its kind's lifetime made one: an indicator already in the
    /// target is then renewed only once less than half of that lifetime is left, so syncing the same
    /// feed twice changes nothing.
    /// </summary>
    public TimeSpan? Lifetime { get; set; }
    /// <summary>Defender: the indicator's action.</summary>
    public string? Action { get; set; }
    /// <summary>0–100; how Sync-GsTiIndicator ranks rows under Defender's cap (then by <see cref="Reported"/>).</summary>
    public int Confidence { get; set; }
    public DateTimeOffset? Reported { get; set; }
    /// <summary>The feed withdraws it (isActive false).</summary>
    public bool Revoked { get; set; }
    /// <summary>Its expiration has passed.</summary>
    public bool Expired { get; set; }
    /// <summary>For results: the tiIndicator field and the value.</summary>
    public string IndicatorType { get; set; } = "";
    public string Indicator { get; set; } = "";
}

/// <summary>What Sync-GsTiIndicator does to one indicator.</summary>
public enum TiSyncAction { Create, Update, Remove, Unchanged, Excluded, LeftAlone, Expired, Repeated }

/// <summary>One step of a plan: the feed row (none for what the feed dropped), what the target holds (none for a new one), and why.</summary>
public sealed class TiSyncStep
{
    public TiSyncStep(TiSyncAction action, TiFeedRow? row, TiIndicator? existing, string? reason)
    {
        Action = action; Row = row; Existing = existing; Reason = reason;
    }
    public TiSyncAction Action { get; }
    public TiFeedRow? Row { get; }
    public TiIndicator? Existing { get; }
    public string? Reason { get; }
    public string Indicator => Row?.Indicator ?? Existing?.Indicator ?? Existing?.Pattern ?? "";
}

/// <summary>
/// The changes that make a target match a feed: computed from the whole feed and one read of the
/// target, with nothing kept between runs, so the same feed against the same target always gives the
/// same plan (-WhatIf shows exactly what a run then does). Only the module's own indicators (its
/// application tag in Defender, its source system in Sentinel) are ever changed or removed.
/// </summary>
public sealed class TiSyncPlan
{
    private TiSyncPlan(TiTarget target, List<TiSyncStep> steps, int? capacity)
    {
        Target = target;
        Steps = steps;
        Capacity = capacity;
    }

    public TiTarget Target { get; }
    /// <summary>Every step: removals first (they make room under a cap), then updates, then creations, then what is left as it is.</summary>
    public IReadOnlyList<TiSyncStep> Steps { get; }
    /// <summary>Defender: how many indicators of the module's fit under the cap beside everybody else's.</summary>
    public int? Capacity { get; }

    public int Count(TiSyncAction action) => Steps.Count(s => s.Action == action);

    /// <summary>The steps that change the target: removals, updates, creations.</summary>
    public IEnumerable<TiSyncStep> Changes => Steps.Where(s => s.Action == TiSyncAction.Remove || s.Action == TiSyncAction.Update || s.Action == TiSyncAction.Create);

    /// <param name="source">The module's application tag (Defender) or source system (Sentinel).</param>
    /// <param name="cap">Defender: the tenant's indicator cap (15,000); null for no cap.</param>
    public static TiSyncPlan Create(TiTarget target, IEnumerable<TiFeedRow> feed, IReadOnlyList<TiIndicator> existing, string source, int? cap, DateTimeOffset now)
    {
        var ours = new Dictionary<string, TiIndicator>(StringComparer.Ordinal);
        var others = new Dictionary<string, TiIndicator>(StringComparer.Ordinal);
        foreach (var indicator in existing)
        {
            var owned = target == TiTarget.Sentinel || string.Equals(indicator.Source, source, StringComparison.OrdinalIgnoreCase);
            (owned ? ours : others)[TiTargetStores.ObservableOf(indicator).Key] = indicator;
        }

        var steps = new List<TiSyncStep>();
        var latest = new Dictionary<string, TiFeedRow>(StringComparer.Ordinal);
        foreach (var row in feed)
        {
            if (latest.TryGetValue(row.Observable.Key, out var earlier))
                steps.Add(new TiSyncStep(TiSyncAction.Repeated, earlier, null, $"line {row.Line} gives the same indicator again; the later line is used"));
            latest[row.Observable.Key] = row;
        }

        var wanted = new List<TiSyncStep>();
        var removals = new List<TiSyncStep>();
        foreach (var row in latest.Values)
        {
            ours.TryGetValue(row.Observable.Key, out var mine);
            if (others.TryGetValue(row.Observable.Key, out var theirs))
            {
                steps.Add(new TiSyncStep(TiSyncAction.LeftAlone, row, theirs, $"already in {target} from {theirs.Source ?? theirs.CreatedBy ?? "someone else"}; left alone"));
                continue;
            }
            if (row.Expired || row.Revoked)
            {
                var why = row.Expired ? $"expired at {row.Expiration:u} in the feed" : "withdrawn by the feed";
                steps.Add(mine != null && mine.Revoked != true
                    ? new TiSyncStep(TiSyncAction.Remove, row, mine, why)
                    : new TiSyncStep(row.Expired ? TiSyncAction.Expired : TiSyncAction.Unchanged, row, mine, why + "; not in the target"));
                continue;
            }
            if (mine == null) wanted.Add(new TiSyncStep(TiSyncAction.Create, row, null, null));
            else
            {
                var difference = Difference(target, row, mine, now);
                wanted.Add(difference == null ? new TiSyncStep(TiSyncAction.Unchanged, row, mine, null) : new TiSyncStep(TiSyncAction.Update, row, mine, difference));
            }
        }
        foreach (var dropped in ours.Where(o => !latest.ContainsKey(o.Key) && o.Value.Revoked != true))
            removals.Add(new TiSyncStep(TiSyncAction.Remove, null, dropped.Value, "no longer in the feed"));

        int? capacity = null;
        if (cap.HasValue)
        {
            capacity = Math.Max(0, cap.Value - others.Count);
            if (wanted.Count > capacity)
            {
                var ranked = wanted.OrderByDescending(s => s.Row!.Confidence).ThenByDescending(s => s.Row!.Reported ?? DateTimeOffset.MinValue).ThenBy(s => s.Row!.Line).ToList();
                var reason = $"left out: the tenant holds at most {cap} indicators and {others.Count} are someone else's, so {capacity} of the feed's {wanted.Count} fit (kept by confidence, then recency)";
                foreach (var left in ranked.Skip(capacity.Value))
                {
                    // One already in the target is removed to make room; a new one is not created.
                    if (left.Existing != null) removals.Add(new TiSyncStep(TiSyncAction.Remove, left.Row, left.Existing, reason));
                    else steps.Add(new TiSyncStep(TiSyncAction.Excluded, left.Row, null, reason));
                }
                wanted = ranked.Take(capacity.Value).ToList();
            }
        }

        foreach (var update in wanted.Where(s => s.Action == TiSyncAction.Update && target == TiTarget.Sentinel)) KeepCreation(update);
        var ordered = steps.Where(s => s.Action == TiSyncAction.Remove).Concat(removals)
            .Concat(wanted.Where(s => s.Action == TiSyncAction.Update)).Concat(wanted.Where(s => s.Action == TiSyncAction.Create))
            .Concat(wanted.Where(s => s.Action == TiSyncAction.Unchanged)).Concat(steps.Where(s => s.Action != TiSyncAction.Remove))
            .ToList();
        return new TiSyncPlan(target, ordered, capacity);
    }

    /// <summary>What differs between the feed's row and the target's indicator (expiry to the second, action, revocation), or null.</summary>
    private static string? Difference(TiTarget target, TiFeedRow row, TiIndicator existing, DateTimeOffset now)
    {
        var changes = new List<string>();
        var renewalDue = row.Lifetime == null || existing.ExpirationDateTime == null || existing.ExpirationDateTime.Value - now < TimeSpan.FromTicks(row.Lifetime.Value.Ticks / 2);
        if (renewalDue && Seconds(row.Expiration) != Seconds(existing.ExpirationDateTime))
            changes.Add($"expiry {Moment(existing.ExpirationDateTime)} → {Moment(row.Expiration)}");
        if (target == TiTarget.DefenderForEndpoint && !string.Equals(row.Action, existing.DefenderAction, StringComparison.OrdinalIgnoreCase))
            changes.Add($"action {existing.DefenderAction} → {row.Action}");
        if (target == TiTarget.Sentinel && existing.Revoked == true) changes.Add("revoked → active");
        return changes.Count == 0 ? null : string.Join(", ", changes);
    }

    /// <summary>An update of a Sentinel indicator keeps its creation and valid_from times.</summary>
    private static void KeepCreation(TiSyncStep update)
    {
        var body = update.Row!.Body;
        if (update.Existing!.IngestedDateTime is DateTimeOffset created) body["created"] = StixIndicatorMapping.Timestamp(created);
        if (update.Existing.ValidFromDateTime is DateTimeOffset validFrom && (update.Row.Expiration == null || validFrom < update.Row.Expiration))
            body["valid_from"] = StixIndicatorMapping.Timestamp(validFrom);
    }

    private static long? Seconds(DateTimeOffset? value) => value?.ToUnixTimeSeconds();
    private static string Moment(DateTimeOffset? value) => value?.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture) ?? "never";

    /// <summary>The plan in words: counts per action and the first rows of each.</summary>
    public string Describe(string where, int examples = 3)
    {
        var lines = new List<string> { $"Make {where} match the feed:" };
        foreach (TiSyncAction action in Enum.GetValues(typeof(TiSyncAction)))
        {
            var of = Steps.Where(s => s.Action == action).ToList();
            if (of.Count == 0) continue;
            lines.Add($"  {action}: {of.Count}");
            foreach (var step in of.Take(examples))
                lines.Add($"    {(step.Row != null ? "line " + step.Row.Line.ToString(CultureInfo.InvariantCulture) + ": " : "")}{step.Indicator}{(step.Reason != null ? " (" + step.Reason + ")" : "")}");
        }
        if (Capacity.HasValue) lines.Add($"  Room for the module's indicators under the tenant cap: {Capacity}");
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Carries out a plan's changes batch by batch on a store.</summary>
public static class TiSyncRunner
{
    /// <summary>The plan's changes in batches of the store's maximum, each batch of one action.</summary>
    public static IEnumerable<IReadOnlyList<TiSyncStep>> Batches(TiSyncPlan plan, int size)
    {
        foreach (var action in new[] { TiSyncAction.Remove, TiSyncAction.Update, TiSyncAction.Create })
        {
            var batch = new List<TiSyncStep>(size);
            foreach (var step in plan.Changes.Where(s => s.Action == action))
            {
                batch.Add(step);
                if (batch.Count == size) { yield return batch; batch = new List<TiSyncStep>(size); }
            }
            if (batch.Count > 0) yield return batch;
        }
    }

    /// <summary>
    /// Sends one batch: removals are Defender's BatchDelete or, in Sentinel, the indicators uploaded
    /// again revoked (how a feed withdraws what it published); updates and creations are writes.
    /// </summary>
    public static Task<IReadOnlyList<TiItemOutcome>> RunAsync(ITiTargetStore store, IReadOnlyList<TiSyncStep> batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (batch[0].Action != TiSyncAction.Remove)
            return store.WriteAsync(batch.Select(s => s.Row!.Body).ToList(), cancellationToken);
        if (store.Target == TiTarget.Sentinel)
            return store.WriteAsync(batch.Select(s => (IDictionary<string, object>)SentinelTiStore.Reupload(s.Existing!, now, revoked: true, validUntil: null)).ToList(), cancellationToken);
        return store.RemoveAsync(batch.Select(s => s.Existing!).ToList(), cancellationToken);
    }
}
