using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GraphSecurity.Emulator.Graph.Query;

/// <summary>One page of a collection after $filter, $orderby, $skip and $top.</summary>
public sealed record CollectionPage<T>(List<T> Items, int TotalCount, int? NextSkip);

/// <summary>
/// Applies parsed <see cref="QueryOptions"/> to any collection and writes the OData collection envelope.
/// Shared by every list route so filtering, ordering, paging and nextLinks behave the same everywhere.
/// </summary>
public static class CollectionQuery
{
    /// <summary>
    /// Filters, orders and pages <paramref name="items"/>. Without $orderby the resource's
    /// <paramref name="defaultOrder"/> is used (null: the items already come in default order, which saves a
    /// sort of the whole collection on every page); every order ends with the id ascending so paging is stable.
    /// </summary>
    public static CollectionPage<T> Page<T>(IEnumerable<T> items, QueryOptions options, int pageSize, bool includeUnknown,
        Func<IEnumerable<T>, IOrderedEnumerable<T>> defaultOrder, Func<T, string> id)
    {
        var filtered = Order(Filter(items, options, includeUnknown), options.OrderBy, includeUnknown, defaultOrder, id).ToList();
        var size = options.Top ?? pageSize;
        var page = filtered.Skip(options.Skip).Take(size).ToList();
        bool more = options.Skip + page.Count < filtered.Count && size > 0;
        return new CollectionPage<T>(page, filtered.Count, more ? options.Skip + page.Count : null);
    }

    public static IEnumerable<T> Filter<T>(IEnumerable<T> items, QueryOptions options, bool includeUnknown)
    {
        if (options.Predicate == null) return items;
        var fc = new FilterContext { IncludeUnknownMembers = includeUnknown };
        var predicate = options.Predicate;
        return items.Where(a => { fc.Item = a; return predicate(fc); });
    }

    public static IEnumerable<T> Order<T>(IEnumerable<T> items, IReadOnlyList<OrderClause> orderBy, bool includeUnknown,
        Func<IEnumerable<T>, IOrderedEnumerable<T>> defaultOrder, Func<T, string> id)
    {
        if (orderBy == null || orderBy.Count == 0)
            return defaultOrder == null ? items : defaultOrder(items).ThenBy(id, StringComparer.Ordinal);
        IOrderedEnumerable<T> ordered = null;
        foreach (var clause in orderBy)
        {
            var p = clause.Property;
            IComparer<object> cmp = new ValueComparer(p, includeUnknown);
            Func<T, object> key = x => p.Get(x);
            ordered = ordered == null
                ? (clause.Descending ? items.OrderByDescending(key, cmp) : items.OrderBy(key, cmp))
                : (clause.Descending ? ordered.ThenByDescending(key, cmp) : ordered.ThenBy(key, cmp));
        }
        return ordered.ThenBy(id, StringComparer.Ordinal);
    }

    /// <summary>Enums by schema member order, strings case-insensitively, nulls first ascending.</summary>
    private sealed class ValueComparer : IComparer<object>
    {
        private readonly PropertyDef _p;
        private readonly bool _includeUnknown;
        public ValueComparer(PropertyDef p, bool includeUnknown) { _p = p; _includeUnknown = includeUnknown; }

        public int Compare(object x, object y)
        {
            if (x == null || y == null) return x == null ? (y == null ? 0 : -1) : 1;
            switch (_p.Kind)
            {
                case PropertyKind.Enum:
                    return _p.Enum.Ordinal(_p.Enum.Visible((string)x, _includeUnknown))
                        .CompareTo(_p.Enum.Ordinal(_p.Enum.Visible((string)y, _includeUnknown)));
                case PropertyKind.String:
                    return string.Compare((string)x, (string)y, StringComparison.OrdinalIgnoreCase);
                default:
                    return Comparer<object>.Default.Compare(x, y);
            }
        }
    }

    public static string SelectSuffix(IReadOnlyList<PropertyDef> select) =>
        select == null ? "" : "(" + string.Join(",", select.Select(p => p.Name)) + ")";

    /// <summary>The usual default order: newest first.</summary>
    public static Func<IEnumerable<T>, IOrderedEnumerable<T>> NewestFirst<T>(Func<T, DateTimeOffset> created) => xs => xs.OrderByDescending(created);

    /// <summary>Sorts items into the newest-first default order once (for stores whose order never changes).</summary>
    public static IEnumerable<T> SortNewestFirst<T>(IEnumerable<T> items, Func<T, DateTimeOffset> created, Func<T, string> id) =>
        items.OrderByDescending(created).ThenBy(id, StringComparer.Ordinal);

    /// <summary>Writes {"@odata.context", "@odata.count"?, "@odata.nextLink"?, "value":[…]} with status 200 (or <paramref name="status"/>).</summary>
    public static Task WriteAsync<T>(HttpContext ctx, string context, bool count, int totalCount, string nextLink,
        IEnumerable<T> items, Action<Utf8JsonWriter, T> writeItem, int status = 200) =>
        GraphResponse.WriteAsync(ctx, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", context);
            if (count) w.WriteNumber("@odata.count", totalCount);
            if (nextLink != null) w.WriteString("@odata.nextLink", nextLink);
            w.WriteStartArray("value");
            foreach (var item in items) writeItem(w, item);
            w.WriteEndArray();
            w.WriteEndObject();
        });
}

/// <summary>List and get-by-id for resources without $expand or resource-specific paging.</summary>
public static class SimpleResource
{
    /// <summary>
    /// GET {resourcePath}: parse the query options, page, and write the collection. <paramref name="odataContext"/>
    /// overrides the default <c>$metadata#{resourcePath}</c> context; <paramref name="writeItem"/> the schema's writer.
    /// </summary>
    public static Task ListAsync<T>(HttpContext ctx, string version, string resourcePath, QueryRules rules, IEnumerable<T> items,
        Func<IEnumerable<T>, IOrderedEnumerable<T>> defaultOrder, Func<T, string> id,
        string odataContext = null, Action<Utf8JsonWriter, T> writeItem = null)
    {
        bool beta = version == "beta";
        var options = QueryOptions.Parse(ctx.Request.Query, beta, rules);
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var page = CollectionQuery.Page(items, options, rules.PageSize, includeUnknown, defaultOrder, id);
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        string nextLink = page.NextSkip is int next ? GraphResponse.NextLink(ctx.Request, root, resourcePath, next, beta) : null;
        writeItem ??= (w, x) => rules.Schema.Write(w, x, options.Select, includeUnknown);
        return CollectionQuery.WriteAsync(ctx, odataContext ?? $"{root}/$metadata#{resourcePath}{CollectionQuery.SelectSuffix(options.Select)}", options.Count,
            page.TotalCount, nextLink, page.Items, writeItem);
    }

    /// <summary>GET {resourcePath}/{id}: only $select is accepted.</summary>
    public static Task GetAsync<T>(HttpContext ctx, string version, string resourcePath, QueryRules rules, T item)
    {
        var options = QueryOptions.Parse(ctx.Request.Query, version == "beta", rules, allowCollectionOptions: false);
        return WriteEntityAsync(ctx, version, resourcePath, rules.Schema, item, options.Select);
    }

    public static Task WriteEntityAsync<T>(HttpContext ctx, string version, string resourcePath, EntitySchema schema, T item,
        IReadOnlyList<PropertyDef> select = null, int status = 200)
    {
        var includeUnknown = EnumDef.IncludeUnknownMembers(ctx.Request);
        var context = $"{GraphResponse.ServiceRoot(ctx.Request, version)}/$metadata#{resourcePath}{CollectionQuery.SelectSuffix(select)}/$entity";
        return GraphResponse.WriteAsync(ctx, status, w => schema.Write(w, item, select, includeUnknown, context));
    }
}
