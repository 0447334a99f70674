using System;
using System.Collections.Generic;
using System.Linq;

namespace GraphSecurity;

/// <summary>
/// One answer of Invoke-GsRequest -OutputType HttpResponse: its status, headers and body text.
/// The request's own headers (the token among them) are never part of it.
/// </summary>
public class GsHttpResponse
{
    public SecurityApi Api { get; set; }
    public string? Method { get; set; }
    public Uri? Url { get; set; }
    public int StatusCode { get; set; }
    /// <summary>The answer's headers: $answer.Headers['request-id'] (names are case-insensitive).</summary>
    public GsHttpHeaders Headers { get; set; } = new GsHttpHeaders(null);
    public string? ContentType { get; set; }
    /// <summary>The body as text (UTF-8); empty for an answer without a body.</summary>
    public string Content { get; set; } = "";
    public string? ConnectionName { get; set; }

    public override string ToString() => $"{StatusCode} {Method} {Url}";
}

/// <summary>The headers of an answer by name, case-insensitive; several values of one header are joined by ", ".</summary>
public sealed class GsHttpHeaders
{
    private readonly List<KeyValuePair<string, string>> _headers;

    public GsHttpHeaders(IEnumerable<KeyValuePair<string, string>>? headers)
    {
        _headers = (headers ?? Enumerable.Empty<KeyValuePair<string, string>>()).ToList();
    }

    /// <summary>The value of a header, or null when the answer has none of that name.</summary>
    public string? this[string name] =>
        _headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    /// <summary>The names of the headers, in the order the answer gave them.</summary>
    public ValueList<string> Names => new ValueList<string>(_headers.Select(h => h.Key).ToList());

    public bool Contains(string name) => this[name] != null;

    public override string ToString() => string.Join("; ", _headers.Select(h => h.Key + ": " + h.Value));
}
