using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Http;

/// <summary>
/// The operations every security collection shares: list (paged), get by id, PATCH with a
/// partial body, and the comments action of alerts and incidents.
/// </summary>
public class EntityService<T>
{
    private static readonly HttpMethod Patch = new HttpMethod("PATCH");

    public EntityService(ApiClient graph, string version, string path)
    {
        Graph = graph;
        Version = version;
        Path = path;
    }

    protected ApiClient Graph { get; }
    public string Version { get; }
    public string Path { get; }

    public virtual PageReader<T> List(CollectionQuery query) => new PageReader<T>(Graph, Graph.Url(Version, query.BuildPathAndQuery()));

    public virtual Task<T> GetAsync(string id, CancellationToken cancellationToken, string? expand = null) =>
        Graph.SendForItemAsync<T>(HttpMethod.Get, ItemUrl(id, expand == null ? "" : "?$expand=" + Uri.EscapeDataString(expand)), null, cancellationToken);

    /// <summary>PATCH with only the given fields; services that answer 204 give null.</summary>
    public virtual Task<T?> UpdateAsync(string id, IDictionary<string, object?> changes, CancellationToken cancellationToken, bool returnRepresentation = false) =>
        Graph.SendAsync<T>(Patch, ItemUrl(id), changes, cancellationToken, returnRepresentation ? "return=representation" : null, retry: UpdateRetry);

    /// <summary>
    /// Whether a PATCH that failed in a way that may have applied it is sent again. Setting fields to
    /// values gives the same result twice, so yes unless the collection appends on PATCH.
    /// </summary>
    protected virtual RetryMode UpdateRetry => RetryMode.Repeatable;

    /// <summary>Adds a comment; the service answers with the whole comment list.</summary>
    public async Task<IList<AlertComment>> AddCommentAsync(string id, string comment, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object?>
        {
            ["@odata.type"] = "microsoft.graph.security.alertComment",
            ["comment"] = comment,
        };
        var page = await Graph.SendForItemAsync<ODataPage<AlertComment>>(HttpMethod.Post, ItemUrl(id, "/comments"), body, cancellationToken).ConfigureAwait(false);
        return page.Value;
    }

    /// <remarks>The id is checked by <see cref="ItemIds.ToPathSegment"/>: a missing or unusable one is an <see cref="ArgumentException"/>.</remarks>
    protected Uri ItemUrl(string? id, string suffix = "") => Graph.Url(Version, Path + "/" + ItemIds.ToPathSegment(id) + suffix);
}
