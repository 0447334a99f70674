using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Requests;

/// <summary>Where a request of Invoke-GsRequest goes: the API's client and the absolute URL.</summary>
public sealed class RequestTarget
{
    public RequestTarget(ApiClient client, Uri url)
    {
        Client = client;
        Url = url;
    }

    public ApiClient Client { get; }
    public Uri Url { get; }
    public SecurityApi Api => Client.Api;
}

/// <summary>
/// Any request to one of a connection's APIs (Invoke-GsRequest): which API a URL belongs to, and
/// collections read page by page whatever their next-link is called.
/// </summary>
public static class ApiRequests
{
    private static readonly string[] GraphVersions = { "v1.0", "beta" };

    /// <summary>
    /// The API and absolute URL of a request. An absolute URL must be one of the connection's APIs
    /// (and the one named, when <paramref name="api"/> is given); a relative one is under the API's
    /// base URL (Microsoft Graph's when none is named), and a Graph path without a version gets v1.0.
    /// Nothing is sent for a URL that belongs to no API: its token would go elsewhere.
    /// </summary>
    public static RequestTarget Resolve(GraphConnection connection, SecurityApi? api, string uri)
    {
        if (Strings.IsNullOrWhiteSpace(uri)) throw new ArgumentException("-Uri is empty: give a path of the API (e.g. v1.0/security/alerts_v2) or a full URL.");
        var text = uri.Trim();
        if (Uri.TryCreate(text, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttps || absolute.Scheme == Uri.UriSchemeHttp))
        {
            var endpoint = connection.Cloud.ApiOf(absolute);
            if (endpoint == null)
                throw new ArgumentException($"{absolute.GetLeftPart(UriPartial.Path)} is not a URL of any API of connection '{connection.Name}' ({string.Join(", ", connection.Cloud.Apis.Select(a => a.Api))} in the {connection.Cloud.Name} cloud). Nothing was sent: a token is only sent to the API it was issued for.");
            if (api.HasValue && endpoint.Api != api.Value)
                throw new ArgumentException($"{absolute.GetLeftPart(UriPartial.Path)} is a URL of {SecurityApis.DisplayName(endpoint.Api)}, not of {SecurityApis.DisplayName(api.Value)}. Leave out -Api, or give a path relative to {SecurityApis.DisplayName(api.Value)}.");
            return new RequestTarget(connection.ClientFor(endpoint.Api), absolute);
        }
        if (text.Contains("://") || text.StartsWith("//", StringComparison.Ordinal) || text.StartsWith("\\\\", StringComparison.Ordinal))
            throw new ArgumentException($"-Uri '{text}' is neither a path nor an https URL.");

        var target = api ?? SecurityApi.Graph;
        var client = connection.ClientFor(target);
        var relative = text.TrimStart('/');
        if (target == SecurityApi.Graph && !GraphVersions.Any(v => relative.Equals(v, StringComparison.OrdinalIgnoreCase) || relative.StartsWith(v + "/", StringComparison.OrdinalIgnoreCase)))
            relative = "v1.0/" + relative;
        var url = client.Url(relative);
        // Dot segments could climb out of the API's root; the result must still be the API's URL.
        var owner = connection.Cloud.ApiOf(url);
        if (owner == null || owner.Api != target)
            throw new ArgumentException($"-Uri '{text}' leads out of {SecurityApis.DisplayName(target)} ({url.GetLeftPart(UriPartial.Path)}); nothing was sent.");
        return new RequestTarget(client, url);
    }

    /// <summary>
    /// One page of a collection as JSON elements: the items of "value" and the next page's URL, read
    /// from "@odata.nextLink" (Graph, Defender for Endpoint) or "nextLink" (Azure Resource Manager).
    /// An answer without a "value" array is one page of one item: the whole body. A next link on
    /// another API than the first page's is refused, like any URL outside the request's API.
    /// </summary>
    public static async Task<ODataPage<JsonElement>> GetJsonPageAsync(ApiClient client, Uri url, CancellationToken cancellationToken)
    {
        var response = await client.SendRawAsync(HttpMethod.Get, url, null, null, null, cancellationToken, RetryMode.Repeatable).ConfigureAwait(false);
        return ParsePage(response);
    }

    /// <summary>The page of an answer (see <see cref="GetJsonPageAsync"/>); an empty page for an empty or non-JSON body.</summary>
    public static ODataPage<JsonElement> ParsePage(RawResponse response)
    {
        var page = new ODataPage<JsonElement>();
        if (!response.IsJson) return page;
        JsonElement root;
        try
        {
            using (var document = JsonDocument.Parse(response.Body))
                root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return page;
        }
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array)
        {
            page.Value.AddRange(value.EnumerateArray());
            page.NextLink = StringMember(root, "@odata.nextLink") ?? StringMember(root, "nextLink");
            if (root.TryGetProperty("@odata.count", out var count) && count.ValueKind == JsonValueKind.Number && count.TryGetInt64(out var total))
                page.Count = total;
        }
        else if (root.ValueKind == JsonValueKind.Array)
            page.Value.AddRange(root.EnumerateArray());
        else
            page.Value.Add(root);
        return page;
    }

    /// <summary>A reader that streams a collection's items across pages, staying on the first page's API.</summary>
    public static PageReader<JsonElement> PageReader(RequestTarget target) =>
        new PageReader<JsonElement>(target.Client, target.Url)
        {
            FetchPage = (url, cancellationToken) => GetJsonPageAsync(target.Client, url, cancellationToken),
        };

    private static string? StringMember(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is string text && text.Length > 0 ? text : null;

    /// <summary>The methods a request may use.</summary>
    public static readonly IReadOnlyList<string> Methods = new[] { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD" };

    /// <summary>Methods that change nothing (no -WhatIf, no body).</summary>
    public static bool IsRead(string method) => method == "GET" || method == "HEAD";
}
