using System;
using System.Linq;

namespace GraphSecurity.Engine.Http;

/// <summary>
/// Turns an object id into one URL path segment. Ids are checked before anything is sent: "." and
/// ".." would be removed from the path as dot segments (so "alerts_v2/.." is the security root), and
/// "/", "?", "#" would change which resource the request names. Everything else is escaped.
/// </summary>
public static class ItemIds
{
    private static readonly char[] Forbidden = { '/', '\\', '?', '#' };

    /// <summary>Why the id cannot be one, or null when it can.</summary>
    public static string? Problem(string? id)
    {
        if (Strings.IsNullOrWhiteSpace(id)) return "an id cannot be empty or blank";
        if (id.All(c => c == '.')) return "an id cannot be made of dots only";
        if (id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return "an id cannot hold spaces or control characters";
        if (id.IndexOfAny(Forbidden) >= 0) return "an id cannot hold '/', '\\', '?' or '#'";
        return null;
    }

    /// <summary>The escaped path segment for the id; an <see cref="ArgumentException"/> for an id that cannot be one.</summary>
    public static string ToPathSegment(string? id, string what = "id")
    {
        var problem = Problem(id);
        if (problem != null) throw new ArgumentException($"'{Printable(id)}' is not a valid {what}: {problem}. Nothing was sent.");
        return Uri.EscapeDataString(id);
    }

    /// <summary>The id with control characters shown as \uXXXX, so a message cannot be garbled by them.</summary>
    public static string Printable(string? text) =>
        string.Concat((text ?? "").Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
