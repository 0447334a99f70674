using System.Text.Json;

namespace GraphSecurity.Emulator.Graph.Query;

/// <summary>
/// Applies $filter (bound to a <see cref="FilterSchema"/>), $count, $skip and $top to a collection and
/// writes the OData page: @odata.context, @odata.count, @odata.nextLink, value.
/// </summary>
public static class CollectionPage
{
    public static Task WriteAsync<T>(HttpContext ctx, string version, string resourcePath, string odataContext, IEnumerable<T> items,
        QueryOptions options, int defaultPageSize, Action<Utf8JsonWriter, T> writeItem)
    {
        if (options.Predicate != null)
        {
            var fc = new FilterContext();
            var predicate = options.Predicate;
            items = items.Where(i => { fc.Item = i; return predicate(fc); });
        }
        var all = items.ToList();
        var pageSize = options.Top ?? defaultPageSize;
        var page = all.Skip(options.Skip).Take(pageSize).ToList();
        var more = pageSize > 0 && options.Skip + page.Count < all.Count;
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        return GraphResponse.WriteAsync(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", odataContext);
            if (options.Count) w.WriteNumber("@odata.count", all.Count);
            if (more) w.WriteString("@odata.nextLink", GraphResponse.NextLink(ctx.Request, root, resourcePath, options.Skip + page.Count, version == "beta"));
            w.WriteStartArray("value");
            foreach (var item in page) writeItem(w, item);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
