using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.Http;

/// <summary>What a checked update of one alert or incident is asked to do.</summary>
public sealed class UpdateRequest
{
    /// <summary>Wire name → wire value, as a PATCH body would carry them.</summary>
    public IDictionary<string, object?> Changes { get; set; } = new Dictionary<string, object?>();
    public string? Comment { get; set; }
    /// <summary>The lastUpdateDateTime of the copy the caller read (a piped object); null: no conflict check.</summary>
    public DateTimeOffset? ReadVersion { get; set; }
    /// <summary>Change it even when someone else changed it after <see cref="ReadVersion"/>.</summary>
    public bool Overwrite { get; set; }
    /// <summary>Add the comment even when the item already has it from this caller.</summary>
    public bool AllowDuplicateComment { get; set; }
    /// <summary>The names the service may have recorded as this caller (createdByDisplayName of its comments).</summary>
    public IReadOnlyCollection<string> CallerNames { get; set; } = Array.Empty<string>();
}

/// <summary>What a checked update did.</summary>
public sealed class UpdateOutcome<T>
{
    /// <summary>The item as it is now (after the change), or null when it was not asked for.</summary>
    public T? Item { get; set; }
    /// <summary>The fields sent in the PATCH.</summary>
    public IReadOnlyList<string> Sent { get; set; } = Array.Empty<string>();
    /// <summary>The fields left out because the item already held the value.</summary>
    public IReadOnlyList<string> Unchanged { get; set; } = Array.Empty<string>();
    public bool CommentAdded { get; set; }
    /// <summary>The comment was not added: the item already has it from this caller.</summary>
    public bool CommentAlreadyThere { get; set; }
    public bool NothingSent => Sent.Count == 0 && !CommentAdded;
}

/// <summary>The item changed on the service after the caller's copy was read.</summary>
public sealed class UpdateConflictException : Exception
{
    public UpdateConflictException(string kind, string id, DateTimeOffset readVersion, DateTimeOffset currentVersion, string? changedBy)
        : base($"The {kind} {id} was changed at {currentVersion:o}{(Strings.IsNullOrEmpty(changedBy) ? "" : $" by {changedBy}")}, after the copy given " +
               $"(last changed at {readVersion:o}) was read; nothing was changed.")
    {
        Id = id;
        ReadVersion = readVersion;
        CurrentVersion = currentVersion;
    }

    public string Id { get; }
    public DateTimeOffset ReadVersion { get; }
    public DateTimeOffset CurrentVersion { get; }
}

/// <summary>
/// Changes an alert or incident only where it differs from what is asked, so running the same
/// change twice sends nothing the second time (and does not move lastUpdateDateTime, which would
/// make watchers report the item again). Reads the item first (one GET), then:
/// <list type="number">
/// <item>refuses when it was changed after the caller's copy was read (unless overwriting);</item>
/// <item>PATCHes only the fields whose value differs;</item>
/// <item>adds the comment unless the item already has the same text from the same caller.</item>
/// </list>
/// </summary>
public static class CheckedUpdate
{
    public static async Task<UpdateOutcome<T>> ApplyAsync<T>(EntityService<T> service, string kind, string id, UpdateRequest request,
        Func<T, DateTimeOffset?> lastUpdate, Func<T, string?>? lastChangedBy, bool wantItem, CancellationToken cancellationToken)
        where T : class, ICommented
    {
        var current = await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        ThrowIfChangedSince(request, kind, id, lastUpdate(current), lastChangedBy?.Invoke(current));

        var pending = new Dictionary<string, object?>();
        var unchanged = new List<string>();
        foreach (var change in request.Changes)
        {
            if (Holds(current, change.Key, change.Value)) unchanged.Add(change.Key);
            else pending[change.Key] = change.Value;
        }
        var outcome = new UpdateOutcome<T> { Sent = pending.Keys.ToList(), Unchanged = unchanged };
        var comment = request.Comment;
        var addComment = comment != null && (request.AllowDuplicateComment || !HasComment(current, comment, request.CallerNames));
        outcome.CommentAlreadyThere = comment != null && !addComment;

        T? updated = null;
        if (pending.Count > 0) updated = await service.UpdateAsync(id, pending, cancellationToken).ConfigureAwait(false);
        IList<AlertComment>? comments = null;
        if (comment != null && addComment)
        {
            comments = await service.AddCommentAsync(id, comment, cancellationToken).ConfigureAwait(false);
            outcome.CommentAdded = true;
        }
        if (!wantItem) return outcome;
        if (outcome.NothingSent) updated = current;
        else if (updated == null) updated = pending.Count == 0 ? current : await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (comments != null) updated.Comments = new ValueList<AlertComment>(comments);
        outcome.Item = updated;
        return outcome;
    }

    /// <summary>The conflict check: the item's current version is newer than the copy the caller read.</summary>
    public static void ThrowIfChangedSince(UpdateRequest request, string kind, string id, DateTimeOffset? currentVersion, string? changedBy)
    {
        if (request.ReadVersion.HasValue && !request.Overwrite && currentVersion.HasValue && currentVersion.Value > request.ReadVersion.Value)
            throw new UpdateConflictException(kind, id, request.ReadVersion.Value, currentVersion.Value, changedBy);
    }

    /// <summary>True when the item's property of this wire name already has this wire value.</summary>
    public static bool Holds(object item, string wireName, object? value)
    {
        var property = item.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => string.Equals(GraphJson.CamelCase(p.Name), wireName, StringComparison.Ordinal));
        if (property == null) return false;
        var have = Normalise(property.GetValue(item));
        var want = Normalise(value);
        if (have is List<string> haveList && want is List<string> wantList) return haveList.SequenceEqual(wantList, StringComparer.Ordinal);
        return have is string a && want is string b
            ? string.Equals(a, b, wireName == "assignedTo" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
            : have == null && want == null;
    }

    /// <summary>A value as the wire has it: enum members in camelCase, collections as lists, "" as null.</summary>
    private static object? Normalise(object? value)
    {
        switch (value)
        {
            case null: return null;
            case string text: return text.Length == 0 ? null : text;
            case Enum member: return GraphJson.ToWire(member);
            case IEnumerable items: return items.Cast<object>().Select(i => Normalise(i) as string ?? "").ToList();
            default: return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static bool HasComment(ICommented item, string comment, IReadOnlyCollection<string> callerNames) =>
        (item.Comments ?? ValueList<AlertComment>.Empty).Any(c =>
            string.Equals(c.Comment?.Trim(), comment.Trim(), StringComparison.Ordinal) &&
            (callerNames.Count == 0 || callerNames.Contains(c.CreatedByDisplayName ?? "", StringComparer.OrdinalIgnoreCase)));
}
