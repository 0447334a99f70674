using System;
using System.Collections.Specialized;

namespace GraphSecurity
{
    /// <summary>
    /// One answer of Invoke-GsRequest -OutputType HttpResponse: its status, headers and body text.
    /// The request's own headers (the token among them) are never part of it.
    /// </summary>
    public class GsHttpResponse
    {
        public SecurityApi Api { get; set; }
        public string Method { get; set; }
        public Uri Url { get; set; }
        public int StatusCode { get; set; }
        /// <summary>The answer's headers by name (case-insensitive), values joined by ", ".</summary>
        public OrderedDictionary Headers { get; set; } = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        public string ContentType { get; set; }
        /// <summary>The body as text (UTF-8); empty for an answer without a body.</summary>
        public string Content { get; set; } = "";
        public string ConnectionName { get; set; }

        public override string ToString() => $"{StatusCode} {Method} {Url}";
    }
}
