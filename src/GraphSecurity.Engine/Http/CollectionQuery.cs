using System;
using System.Collections.Generic;
using System.Linq;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.Http;

/// <summary>
/// A query on a Graph collection: typed filter clauses and-ed together, an optional raw filter,
/// and the paging options. Typed filters of every cmdlet are built with its helpers, so quoting,
/// escaping and date formats are handled in one place.
/// </summary>
public sealed class CollectionQuery
{
    public CollectionQuery(string path) { Path = path; }

    /// <summary>The collection's path below the API version, e.g. "security/incidents".</summary>
    public string Path { get; }
    public List<string> Clauses { get; } = new List<string>();
    /// <summary>A raw OData filter from the user, and-ed with the typed clauses.</summary>
    public string? RawFilter { get; set; }
    public int? PageSize { get; set; }
    public long Skip { get; set; }
    public bool IncludeCount { get; set; }
    public string? Expand { get; set; }
    /// <summary>$orderby, e.g. "lastUpdateDateTime asc".</summary>
    public string? OrderBy { get; set; }

    /// <summary>"p eq 'a'", or "(p eq 'a' or p eq 'b')" for several enum values; nothing for none.</summary>
    public CollectionQuery AnyOf<T>(string property, IEnumerable<T>? values) where T : struct, Enum =>
        Add(ODataFilter.AnyOf(property, (values ?? Enumerable.Empty<T>()).Select(v => ODataFilter.Quote(GraphJson.ToWire(v)))));

    /// <summary>Like <see cref="AnyOf{T}"/> for strings; an empty string matches null (e.g. "unassigned").</summary>
    public CollectionQuery AnyOf(string property, IEnumerable<string?>? values) =>
        Add(ODataFilter.AnyOf(property, (values ?? Enumerable.Empty<string>()).Select(v => Strings.IsNullOrEmpty(v) ? "null" : ODataFilter.Quote(v))));

    /// <summary>since ≤ property &lt; until, either bound optional.</summary>
    public CollectionQuery Between(string property, DateTimeOffset? since, DateTimeOffset? until)
    {
        if (since.HasValue) Add($"{property} ge {ODataFilter.Timestamp(since.Value)}");
        if (until.HasValue) Add($"{property} lt {ODataFilter.Timestamp(until.Value)}");
        return this;
    }

    public CollectionQuery Add(string? clause)
    {
        if (!Strings.IsNullOrWhiteSpace(clause)) Clauses.Add(clause);
        return this;
    }

    public string BuildFilter() => ODataFilter.And(new[] { ODataFilter.Group(RawFilter) }.Concat(Clauses));

    /// <summary>The path and query of the first page, e.g. "security/alerts_v2?$filter=…&amp;$top=100".</summary>
    public string BuildPathAndQuery()
    {
        var parameters = new List<string>();
        var filter = BuildFilter();
        if (filter.Length > 0) parameters.Add("$filter=" + Uri.EscapeDataString(filter));
        if (PageSize.HasValue) parameters.Add("$top=" + PageSize.Value);
        if (Skip > 0) parameters.Add("$skip=" + Skip);
        if (IncludeCount) parameters.Add("$count=true");
        if (!Strings.IsNullOrEmpty(Expand)) parameters.Add("$expand=" + Uri.EscapeDataString(Expand));
        if (!Strings.IsNullOrEmpty(OrderBy)) parameters.Add("$orderby=" + Uri.EscapeDataString(OrderBy));
        return Path + (parameters.Count > 0 ? "?" + string.Join("&", parameters) : "");
    }
}
