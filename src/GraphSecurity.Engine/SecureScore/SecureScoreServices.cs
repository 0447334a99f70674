using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.SecureScore;

/// <summary>
/// Secure score requests of one connection share a gate: the service allows 4 concurrent requests
/// per app and tenant, so never more than 4 are in flight, whatever the number of cmdlets or
/// runspaces using the connection.
/// </summary>
public abstract class GatedEntityService<T> : EntityService<T>
{
    public const int MaxInFlight = 4;
    private static readonly ConditionalWeakTable<ApiClient, SemaphoreSlim> Gates = new ConditionalWeakTable<ApiClient, SemaphoreSlim>();

    protected GatedEntityService(ApiClient graph, string path) : base(graph, "v1.0", path) { }

    private SemaphoreSlim Gate => Gates.GetValue(Graph, _ => new SemaphoreSlim(MaxInFlight));

    protected async Task<TResult> Gated<TResult>(Func<Task<TResult>> request, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { return await request().ConfigureAwait(false); }
        finally { Gate.Release(); }
    }

    public override PageReader<T> List(CollectionQuery query)
    {
        var reader = base.List(query);
        reader.FetchPage = (url, token) => Gated(() => Graph.GetPageAsync<T>(url, token), token);
        return reader;
    }

    public override Task<T> GetAsync(string id, CancellationToken cancellationToken, string? expand = null) =>
        Gated(() => base.GetAsync(id, cancellationToken, expand), cancellationToken);

    public override Task<T?> UpdateAsync(string id, IDictionary<string, object?> changes, CancellationToken cancellationToken, bool returnRepresentation = false) =>
        Gated(() => base.UpdateAsync(id, changes, cancellationToken, returnRepresentation), cancellationToken);
}

/// <summary>secureScores (v1.0): one score per day, newest first, 90 days kept.</summary>
public sealed class SecureScoreService : GatedEntityService<GraphSecurity.SecureScore>
{
    public const string CollectionPath = "security/secureScores";
    public const int RetainedDays = 90;

    public SecureScoreService(ApiClient graph) : base(graph, CollectionPath) { }

    /// <summary>The newest <paramref name="days"/> scores, newest first.</summary>
    public CollectionQuery Latest(int days) => new CollectionQuery(Path) { PageSize = days };

    /// <summary>The score taken on the UTC day containing <paramref name="day"/>, or null.</summary>
    public async Task<GraphSecurity.SecureScore?> GetDayAsync(DateTimeOffset day, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(day.UtcDateTime.Date, TimeSpan.Zero);
        var query = new CollectionQuery(CollectionPath) { PageSize = 1 }.Between("createdDateTime", start, start.AddDays(1));
        return await LatestAsync(query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest score, or null when there is none.</summary>
    public Task<GraphSecurity.SecureScore?> LatestAsync(CancellationToken cancellationToken) => LatestAsync(Latest(1), cancellationToken);

    /// <summary>The score <paramref name="daysBefore"/> days before the newest ($top=1&amp;$skip=n), or null.</summary>
    public Task<GraphSecurity.SecureScore?> DaysBeforeLatestAsync(int daysBefore, CancellationToken cancellationToken) =>
        LatestAsync(new CollectionQuery(CollectionPath) { PageSize = 1, Skip = daysBefore }, cancellationToken);

    private async Task<GraphSecurity.SecureScore?> LatestAsync(CollectionQuery query, CancellationToken cancellationToken)
    {
        GraphSecurity.SecureScore? found = null;
        await List(query).ReadAsync(1, false, (items, _) => { found = items.Count > 0 ? items[0] : null; return Task.CompletedTask; }, cancellationToken).ConfigureAwait(false);
        return found;
    }
}

/// <summary>secureScoreControlProfiles (v1.0). Updates are flat (state, assignedTo, comment) and must carry vendorInformation.</summary>
public sealed class ControlProfileService : GatedEntityService<SecureScoreControlProfile>
{
    /// <summary>Each PATCH appends a controlStateUpdates entry: sent again only when the service certainly did nothing.</summary>
    protected override RetryMode UpdateRetry => RetryMode.NotRepeatable;

    public const string CollectionPath = "security/secureScoreControlProfiles";

    public ControlProfileService(ApiClient graph) : base(graph, CollectionPath) { }

    /// <summary>The PATCH body; the service appends it to controlStateUpdates. Null arguments are left out.</summary>
    public static Dictionary<string, object?> UpdateBody(SecureScoreControlState? state, string? assignedTo, string? comment)
    {
        var body = new Dictionary<string, object?>
        {
            ["vendorInformation"] = new Dictionary<string, object?> { ["provider"] = "SecureScore", ["vendor"] = "Microsoft" },
        };
        if (state.HasValue) body["state"] = state.Value.ToString(); // the documented spelling is PascalCase (Default, ThirdParty…)
        if (assignedTo != null) body["assignedTo"] = assignedTo;
        if (comment != null) body["comment"] = comment;
        return body;
    }
}

/// <summary>Per-control differences between two daily scores.</summary>
public static class SecureScoreComparison
{
    /// <summary>One delta per control scored on either day: worst first, then by name.</summary>
    public static IList<SecureScoreControlDelta> Compare(GraphSecurity.SecureScore reference, GraphSecurity.SecureScore difference)
    {
        var before = reference.ControlScores.GroupBy(c => c.ControlName, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var after = difference.ControlScores.GroupBy(c => c.ControlName, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var names = before.Keys.Union(after.Keys, StringComparer.OrdinalIgnoreCase);
        var deltas = new List<SecureScoreControlDelta>();
        foreach (var name in names)
        {
            before.TryGetValue(name, out var old);
            after.TryGetValue(name, out var now);
            var any = now ?? old;
            var delta = Math.Round((now?.Score ?? 0) - (old?.Score ?? 0), 2);
            deltas.Add(new SecureScoreControlDelta
            {
                ControlName = any.ControlName,
                ControlCategory = any.ControlCategory,
                Description = any.Description,
                ReferenceDate = reference.CreatedDateTime,
                DifferenceDate = difference.CreatedDateTime,
                ReferenceScore = old?.Score,
                DifferenceScore = now?.Score,
                Delta = delta,
                ReferenceStatus = old?.ImplementationStatus,
                DifferenceStatus = now?.ImplementationStatus,
                Change = old == null ? SecureScoreChange.Added
                    : now == null ? SecureScoreChange.Removed
                    : delta < 0 ? SecureScoreChange.Worse
                    : delta > 0 ? SecureScoreChange.Better
                    : SecureScoreChange.Same,
            });
        }
        return deltas.OrderBy(d => d.Delta).ThenBy(d => d.ControlName, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
