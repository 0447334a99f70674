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
using Microsoft.IO;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace GraphSecurity.Engine.Http
{
    /// <summary>One page of a Graph collection.</summary>
    public sealed class GraphPage<T>
    {
        [JsonPropertyName("value")] public List<T> Value { get; set; } = new List<T>();
        [JsonPropertyName("@odata.nextLink")] public string NextLink { get; set; }
        [JsonPropertyName("@odata.count")] public long? Count { get; set; }
        /// <summary>The Warning header items of a 206 Partial Content answer (federated APIs), else empty.</summary>
        [JsonIgnore] public List<PartialResultWarning> PartialResult { get; set; } = new List<PartialResultWarning>();
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
            ReplaceRetryHandler(handlers);
            handlers.Add(new AuthenticationHandler(tokens, onToken));
            handlers.Add(new RequestLogHandler());
            _http = GraphClientFactory.Create(handlers, "v1.0", GraphClientFactory.Global_Cloud, null, transport, true);
            _http.Timeout = TimeSpan.FromSeconds(100);
        }

        public Uri GraphEndpoint { get; }

        /// <summary>Maximum retries of a throttled (429) or unavailable (503/504) request, each after its Retry-After.</summary>
        public const int MaxRetries = 5;

        /// <summary>
        /// Keeps the SDK's retry handler (it honours Retry-After) with more attempts, and reports each
        /// wait so the cmdlet can show it as progress with the seconds left.
        /// </summary>
        private static void ReplaceRetryHandler(IList<DelegatingHandler> handlers)
        {
            var index = handlers.ToList().FindIndex(h => h is RetryHandler);
            var retry = new RetryHandler(new RetryHandlerOption
            {
                MaxRetry = MaxRetries,
                // Kiota asks this for every response, successful ones included.
                ShouldRetry = (baseDelay, attempt, response) =>
                {
                    if (!IsTransient(response.StatusCode)) return false;
                    var delaySeconds = RetryAfterSeconds(response) ?? (int)Math.Pow(2, attempt) * baseDelay;
                    if (EngineLogScope.Current is IProgressLog progress)
                        progress.Progress(new ProgressUpdate
                        {
                            ActivityId = ProgressIds.RetryWait,
                            Activity = "Waiting for Microsoft Graph",
                            Status = $"{(int)response.StatusCode} {response.ReasonPhrase}: retry {attempt + 1} of {MaxRetries} in {delaySeconds} s (Retry-After)",
                            SecondsRemaining = delaySeconds,
                        });
                    return true;
                },
            });
            if (index >= 0) handlers[index] = retry; else handlers.Insert(0, retry);
        }

        /// <summary>The wait the retry handler will use: the Retry-After seconds when the service sent them.</summary>
        private static int? RetryAfterSeconds(HttpResponseMessage response) =>
            response.Headers.TryGetValues("Retry-After", out var values) && int.TryParse(values.FirstOrDefault(), out var seconds) ? seconds : (int?)null;

        private static bool IsTransient(HttpStatusCode status) =>
            (int)status == 429 || status == HttpStatusCode.ServiceUnavailable || status == HttpStatusCode.GatewayTimeout;


        /// <summary>An absolute URL for a path under an API version, e.g. ("v1.0", "security/alerts_v2").</summary>
        public Uri Url(string version, string pathAndQuery) => new Uri(GraphEndpoint, version + "/" + pathAndQuery.TrimStart('/'));

        public async Task<GraphPage<T>> GetPageAsync<T>(Uri url, CancellationToken cancellationToken)
        {
            List<PartialResultWarning> partial = null;
            var page = await SendCoreAsync(HttpMethod.Get, url, null, cancellationToken, null,
                response => partial = PartialResultWarning.From(response), true,
                json => JsonSerializer.Deserialize<GraphPage<T>>(json.AsSpan(), GraphJson.Options)).ConfigureAwait(false);
            if (partial != null) page.PartialResult = partial;
            return page;
        }

        /// <param name="prefer">An extra Prefer value, e.g. "return=representation".</param>
        /// <param name="onResponse">Sees the successful response before its body is read (e.g. for headers).</param>
        /// <param name="retry">False turns off the automatic retry of 429/503/504, for requests whose
        /// retry needs a check first (a bulk create may have been applied before the 5xx).</param>
        public Task<T> SendAsync<T>(HttpMethod method, Uri url, object body, CancellationToken cancellationToken, string prefer = null,
            Action<HttpResponseMessage> onResponse = null, bool retry = true) =>
            SendCoreAsync(method, url, body, cancellationToken, prefer, onResponse, retry,
                json => JsonSerializer.Deserialize<T>(json.AsSpan(), GraphJson.Options));

        /// <param name="parse">Turns the whole response body into the result.</param>
        private async Task<T> SendCoreAsync<T>(HttpMethod method, Uri url, object body, CancellationToken cancellationToken, string prefer,
            Action<HttpResponseMessage> onResponse, bool retry, Func<ArraySegment<byte>, T> parse)
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

                HttpResponseMessage sent;
                try
                {
                    sent = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                }
                catch (AggregateException retries) when (retries.InnerExceptions.LastOrDefault() is Microsoft.Kiota.Abstractions.ApiException last)
                {
                    throw RetriesExhausted(request, last, retries.InnerExceptions.Count);
                }
                using (var response = sent)
                {
                    if (!response.IsSuccessStatusCode)
                        throw await ReadErrorAsync(request, response).ConfigureAwait(false);
                    onResponse?.Invoke(response);
                    if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object))
                        return default;
                    return await ReadBodyAsync(response, parse, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Pooled buffers for response bodies; at most 64 MB of free memory each for blocks and whole-body buffers is kept between requests.</summary>
        private static readonly RecyclableMemoryStreamManager BodyBuffers = new RecyclableMemoryStreamManager(
            new RecyclableMemoryStreamManager.Options
            {
                BlockSize = 128 * 1024,
                MaximumSmallPoolFreeBytes = 64L * 1024 * 1024,
                MaximumLargePoolFreeBytes = 64L * 1024 * 1024,
            });

        /// <summary>
        /// Reads the whole body into pooled memory, then parses it in one synchronous pass. Deserializing
        /// from the stream as it arrived was slower on alert pages: the converters for evidence and collections need their whole value
        /// buffered, so the async reader kept re-reading partial values as each network chunk came in.
        /// </summary>
        private static async Task<T> ReadBodyAsync<T>(HttpResponseMessage response, Func<ArraySegment<byte>, T> parse, CancellationToken cancellationToken)
        {
            using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var body = BodyBuffers.GetStream("GraphClient.ResponseBody"))
            {
                await stream.CopyToAsync(body, 81920, cancellationToken).ConfigureAwait(false);
                return parse(new ArraySegment<byte>(body.GetBuffer(), 0, (int)body.Length));
            }
        }

        private static async Task<GraphServiceException> ReadErrorAsync(HttpRequestMessage request, HttpResponseMessage response)
        {
            var text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return ParseError(request, response.StatusCode, text, Header(response, "request-id"), Header(response, "client-request-id"),
                response.Headers.RetryAfter?.Delta, null);
        }

        /// <summary>
        /// The retry handler gave up (429/503/504 answered every retry) and threw instead of returning the
        /// last answer: the same exception as for any error answer, from the last attempt's status and body.
        /// </summary>
        private static GraphServiceException RetriesExhausted(HttpRequestMessage request, Microsoft.Kiota.Abstractions.ApiException last, int attempts)
        {
            var text = last.Message ?? "";
            var body = text.IndexOf('{');
            TimeSpan? retryAfter = null;
            if (last.ResponseHeaders != null && last.ResponseHeaders.TryGetValue("Retry-After", out var values) &&
                int.TryParse(values.FirstOrDefault(), out var seconds)) retryAfter = TimeSpan.FromSeconds(seconds);
            return ParseError(request, (HttpStatusCode)last.ResponseStatusCode, body < 0 ? "" : text.Substring(body), null, null, retryAfter,
                $" (still failing after {attempts} attempts)");
        }

        private static GraphServiceException ParseError(HttpRequestMessage request, HttpStatusCode status, string text, string requestId,
            string clientRequestId, TimeSpan? retryAfter, string suffix)
        {
            string code = null, message = null, date = null;
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

            return new GraphServiceException(status, code, message + suffix, requestId, clientRequestId, date, retryAfter,
                request.Method.Method, request.RequestUri);
        }

        private static string String(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static string Header(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

        public void Dispose() => _http.Dispose();
    }
}
