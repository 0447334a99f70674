using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace GraphSecurity.Engine.Http;

/// <summary>Builds OData $filter text with correct literals: quoted, escaped strings and UTC timestamps.</summary>
public static class ODataFilter
{
    /// <summary>A string literal: single quotes around, inner quotes doubled (O'Brien → 'O''Brien').</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''") + "'";

    /// <summary>A DateTimeOffset literal in UTC, unquoted, as the service expects.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>"p eq 'a'" for one value, "(p eq 'a' or p eq 'b')" for several, null for none.</summary>
    public static string? AnyOf(string property, IEnumerable<string> quotedValues)
    {
        var terms = quotedValues.Distinct().Select(v => $"{property} eq {v}").ToList();
        if (terms.Count == 0) return null;
        return terms.Count == 1 ? terms[0] : "(" + string.Join(" or ", terms) + ")";
    }

    /// <summary>Joins the non-empty clauses with "and"; a raw clause is parenthesised so its "or" cannot leak.</summary>
    public static string And(IEnumerable<string?> clauses) =>
        string.Join(" and ", clauses.Where(c => !Strings.IsNullOrWhiteSpace(c)));

    public static string? Group(string? rawClause) => Strings.IsNullOrWhiteSpace(rawClause) ? null : "(" + rawClause.Trim() + ")";
}
