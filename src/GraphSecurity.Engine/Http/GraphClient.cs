using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Json;
using Microsoft.Graph;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace GraphSecurity.Engine.Http
{
    /// <summary>One page of a Graph collection.</summary>
    public sealed class GraphPage<T>
    {
        [JsonPropertyName("value")] public List<T> Value { get; set; } = new List<T>();
        [JsonPropertyName("@odata.nextLink")] public string NextLink { get; set; }
        [JsonPropertyName("@odata.count")] public long? Count { get; set; }
    }

    /// <summary>
    /// Sends requests to Graph for one connection through Microsoft.Graph's middleware (retry with
    /// Retry-After, redirects) plus our token and request-log handlers, and turns error answers into
    /// <see cref="GraphServiceException"/>.
    /// </summary>
    public sealed class GraphClient : IDisposable
    {
        private readonly HttpClient _http;

        public GraphClient(Uri graphEndpoint, ITokenSource tokens, TransportFactory transport, Action<AccessToken> onToken)
            : this(graphEndpoint, tokens, transport.CreateHandler(), onToken) { }

        /// <param name="transport">The handler that puts requests on the wire (a test double in unit tests).</param>
        internal GraphClient(Uri graphEndpoint, ITokenSource tokens, HttpMessageHandler transport, Action<AccessToken> onToken)
        {
            GraphEndpoint = graphEndpoint;
            var handlers = GraphClientFactory.CreateDefaultHandlers(new GraphClientOptions());
            handlers.Add(new AuthenticationHandler(tokens, onToken));
            handlers.Add(new RequestLogHandler());
            _http = GraphClientFactory.Create(handlers, "v1.0", GraphClientFactory.Global_Cloud, null, transport, true);
            _http.Timeout = TimeSpan.FromSeconds(100);
        }

        public Uri GraphEndpoint { get; }

        /// <summary>An absolute URL for a path under an API version, e.g. ("v1.0", "security/alerts_v2").</summary>
        public Uri Url(string version, string pathAndQuery) => new Uri(GraphEndpoint, version + "/" + pathAndQuery.TrimStart('/'));

        public Task<GraphPage<T>> GetPageAsync<T>(Uri url, CancellationToken cancellationToken) =>
            SendAsync<GraphPage<T>>(HttpMethod.Get, url, null, cancellationToken);

        /// <param name="prefer">An extra Prefer value, e.g. "return=representation".</param>
        /// <param name="retry">False turns off the automatic retry of 429/503/504, for requests whose
        /// retry needs a check first (a bulk create may have been applied before the 5xx).</param>
        public async Task<T> SendAsync<T>(HttpMethod method, Uri url, object body, CancellationToken cancellationToken, string prefer = null, bool retry = true)
        {
            using (var request = new HttpRequestMessage(method, url))
            {
                if (!retry)
                    request.Properties[typeof(RetryHandlerOption).FullName] = new RetryHandlerOption { MaxRetry = 0, ShouldRetry = (delay, attempt, response) => false };
                request.Headers.Add("Accept", "application/json");
                // The module knows every evolvable enum member, so it asks for the real values instead of unknownFutureValue.
                request.Headers.Add("Prefer", "include-unknown-enum-members");
                if (prefer != null) request.Headers.Add("Prefer", prefer);
                if (body != null)
                    request.Content = new StringContent(JsonSerializer.Serialize(body, GraphJson.Options), Encoding.UTF8, "application/json");

                using (var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
                {
                    if (!response.IsSuccessStatusCode)
                        throw await ReadErrorAsync(request, response).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object))
                        return default;
                    using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                        return await JsonSerializer.DeserializeAsync<T>(stream, GraphJson.Options, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private static async Task<GraphServiceException> ReadErrorAsync(HttpRequestMessage request, HttpResponseMessage response)
        {
            string code = null, message = null, requestId = Header(response, "request-id"), clientRequestId = Header(response, "client-request-id"), date = null;
            var text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            try
            {
                using (var document = JsonDocument.Parse(text))
                {
                    if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                    {
                        code = String(error, "code");
                        message = String(error, "message");
                        if (error.TryGetProperty("innerError", out var inner) || error.TryGetProperty("innererror", out inner))
                        {
                            requestId = String(inner, "request-id") ?? requestId;
                            clientRequestId = String(inner, "client-request-id") ?? clientRequestId;
                            date = String(inner, "date");
                        }
                    }
                }
            }
            catch (JsonException)
            {
                message = text.Length > 300 ? text.Substring(0, 300) : text;
            }

            TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;
            return new GraphServiceException(response.StatusCode, code, message, requestId, clientRequestId, date, retryAfter,
                request.Method.Method, request.RequestUri);
        }

        private static string String(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static string Header(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

        public void Dispose() => _http.Dispose();
    }
}
