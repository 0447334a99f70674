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

namespace GraphSecurity.Engine.Http;

/// <summary>One page of a Graph collection.</summary>
public sealed class ODataPage<T>
{
    [JsonPropertyName("value")] public List<T> Value { get; set; } = new List<T>();
    [JsonPropertyName("@odata.nextLink")] public string? NextLink { get; set; }
    [JsonPropertyName("@odata.count")] public long? Count { get; set; }
    /// <summary>The Warning header items of a 206 Partial Content answer (federated APIs), else empty.</summary>
    [JsonIgnore] public List<PartialResultWarning> PartialResult { get; set; } = new List<PartialResultWarning>();
}

/// <summary>The whole answer of a request: its status, headers (never the request's) and body.</summary>
public sealed class RawResponse
{
    public RawResponse(int statusCode, IReadOnlyDictionary<string, string>? headers, byte[]? body)
    {
        StatusCode = statusCode;
        Headers = headers ?? new Dictionary<string, string>();
        Body = body ?? Array.Empty<byte>();
    }

    public int StatusCode { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }
    public byte[] Body { get; }
    public string? ContentType => Headers.TryGetValue("Content-Type", out var type) ? type : null;
    public bool IsJson => Body.Length > 0 && (ContentType == null || ContentType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0);
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// Sends the requests of one connection to one API (Microsoft Graph, Defender for Endpoint, ARM…)
/// through Microsoft.Graph's middleware (redirects, compression) plus our token and request-log
/// handlers; decides retries (<see cref="RetryPolicy"/>) and turns error answers into
/// <see cref="ServiceErrorException"/>.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _toEmulator;
    private readonly string _userAgent;

    internal ApiClient(CloudEnvironment cloud, SecurityApi api, ITokenSource tokens, TransportFactory transport, Action<AccessToken> onToken, string? userAgent = null)
        : this(cloud, api, tokens, transport.CreateHandler(), onToken, transport.IsPinned, userAgent) { }

    /// <param name="transport">The handler that puts requests on the wire (a test double in unit tests).</param>
    /// <param name="toEmulator">The transport pins the emulator's certificate (for messages that say what to do).</param>
    /// <param name="userAgent">The User-Agent of every request (default: the module's product token).</param>
    internal ApiClient(CloudEnvironment cloud, SecurityApi api, ITokenSource tokens, HttpMessageHandler transport, Action<AccessToken> onToken, bool toEmulator = false,
        string? userAgent = null)
    {
        Endpoint = cloud.Endpoint(api);
        _toEmulator = toEmulator;
        _userAgent = userAgent ?? UserAgent.ModuleProduct;
        var handlers = GraphClientFactory.CreateDefaultHandlers(new GraphClientOptions());
        // Retries are decided in SendCoreAsync, where the whole answer (body included) is known.
        foreach (var retryHandler in handlers.Where(h => h is RetryHandler).ToList()) handlers.Remove(retryHandler);
        handlers.Add(new AuthenticationHandler(tokens, cloud, Endpoint, onToken));
        handlers.Add(new RequestLogHandler());
        _http = GraphClientFactory.Create(handlers, "v1.0", GraphClientFactory.Global_Cloud, null, transport, true);
        _http.Timeout = TimeSpan.FromSeconds(100);
    }

    /// <summary>Where this client's API lives and the resource its tokens are for.</summary>
    public ApiEndpoint Endpoint { get; }
    public SecurityApi Api => Endpoint.Api;
    /// <summary>The API's base URL (null for an API whose hosts are per customer: give absolute URLs).</summary>
    public Uri? BaseUrl => Endpoint.BaseUrl;

    /// <summary>When failed requests are sent again and how long to wait (tests shorten the waits).</summary>
    public RetryPolicy Retry { get; set; } = RetryPolicy.Default;

    /// <summary>An absolute URL for a path under an API version, e.g. ("v1.0", "security/alerts_v2").</summary>
    public Uri Url(string version, string pathAndQuery) => Url(version + "/" + pathAndQuery.TrimStart('/'));

    /// <summary>An absolute URL for a path relative to the API's base URL, e.g. "api/indicators?$top=10".</summary>
    public Uri Url(string relative)
    {
        if (BaseUrl == null) throw new ArgumentException($"{SecurityApis.DisplayName(Api)} has no base URL in this cloud (its hosts are your own); give an absolute URL.");
        return new Uri(BaseUrl, relative.TrimStart('/'));
    }

    /// <param name="retry">Repeatable by default; <see cref="RetryMode.NotRepeatable"/> leaves a 5xx to a caller that has a fallback.</param>
    public async Task<ODataPage<T>> GetPageAsync<T>(Uri url, CancellationToken cancellationToken, RetryMode retry = RetryMode.Repeatable)
    {
        List<PartialResultWarning>? partial = null;
        // No content (204) is a page without items.
        var page = await SendCoreAsync(HttpMethod.Get, url, null, null,
            response => partial = PartialResultWarning.From(response), retry,
            json => JsonSerializer.Deserialize<ODataPage<T>>(json.AsSpan(), GraphJson.Options), cancellationToken).ConfigureAwait(false) ?? new ODataPage<T>();
        if (partial != null) page.PartialResult = partial;
        return page;
    }

    /// <param name="prefer">An extra Prefer value, e.g. "return=representation".</param>
    /// <param name="onResponse">Sees the successful response before its body is read (e.g. for headers).</param>
    /// <param name="retry">Which failures are answered by sending the request again (by default: by method).</param>
    /// <returns>The answer's body; default for an answer without content (204) and for <c>T</c> object.</returns>
    public Task<T?> SendAsync<T>(HttpMethod method, Uri url, object? body, CancellationToken cancellationToken, string? prefer = null,
        Action<HttpResponseMessage>? onResponse = null, RetryMode retry = RetryMode.Auto) =>
        SendCoreAsync(method, url, body, prefer, onResponse, retry,
            json => JsonSerializer.Deserialize<T>(json.AsSpan(), GraphJson.Options), cancellationToken);

    /// <summary>Sends a request whose answer carries an item (a read, a create): an answer without one is an invalid answer.</summary>
    public async Task<T> SendForItemAsync<T>(HttpMethod method, Uri url, object? body, CancellationToken cancellationToken, RetryMode retry = RetryMode.Auto)
    {
        var item = await SendAsync<T>(method, url, body, cancellationToken, retry: retry).ConfigureAwait(false);
        if (item is null)
            throw new ServiceConnectionException(ConnectionFailure.InvalidAnswer, method.Method, url, 1, _toEmulator,
                new JsonException("The answer has no " + typeof(T).Name + "."));
        return item;
    }

    /// <summary>
    /// Sends the request, and again after a failure its <paramref name="retry"/> mode allows, waiting
    /// Retry-After or a growing backoff. An attempt counts as failed until its whole body has been read
    /// and parsed, so a dropped or cut-off answer is retried like a 5xx. After the last attempt the
    /// failure is thrown: <see cref="ServiceErrorException"/> for an error answer, else
    /// <see cref="ServiceConnectionException"/>.
    /// </summary>
    private Task<T?> SendCoreAsync<T>(HttpMethod method, Uri url, object? body, string? prefer,
        Action<HttpResponseMessage>? onResponse, RetryMode retry, Func<ArraySegment<byte>, T?> parse, CancellationToken cancellationToken) =>
        SendCoreAsync(method, url, body == null ? null : new RequestContent(JsonSerializer.SerializeToUtf8Bytes(body, GraphJson.Options), null, null),
            prefer, onResponse, retry, parse, false, cancellationToken);

    /// <summary>What a request carries besides its URL: a body with its content type, and headers of the caller's.</summary>
    private sealed class RequestContent
    {
        public RequestContent(byte[]? bytes, string? contentType, IEnumerable<KeyValuePair<string, string>>? headers)
        {
            Bytes = bytes;
            ContentType = contentType ?? "application/json";
            Headers = headers ?? Enumerable.Empty<KeyValuePair<string, string>>();
        }
        public byte[]? Bytes { get; }
        public string ContentType { get; }
        public IEnumerable<KeyValuePair<string, string>> Headers { get; }
    }

    /// <summary>
    /// Sends any request of this API (Invoke-GsRequest) and gives the whole answer: status, headers and
    /// body bytes. The same retries, token and request log as every other request; an error answer is a
    /// <see cref="ServiceErrorException"/>. <paramref name="headers"/> may not set Authorization.
    /// </summary>
    public async Task<RawResponse> SendRawAsync(HttpMethod method, Uri url, byte[]? body, string? contentType, IEnumerable<KeyValuePair<string, string>>? headers,
        CancellationToken cancellationToken, RetryMode retry = RetryMode.Auto)
    {
        var extra = (headers ?? Enumerable.Empty<KeyValuePair<string, string>>()).ToList();
        if (extra.Any(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException("The Authorization header comes from the connection; a request may not set it.");
        int status = 0;
        Dictionary<string, string>? answered = null;
        // readEmptyBody: every answer, 204 too, is parsed into a RawResponse.
        var raw = await SendCoreAsync(method, url, new RequestContent(body, contentType, extra), null, response =>
            {
                status = (int)response.StatusCode;
                answered = response.Headers.Concat(response.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                    .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
            }, retry, bytes => new RawResponse(status, answered, bytes.ToArray()), true, cancellationToken).ConfigureAwait(false);
        return raw ?? throw new InvalidOperationException("An answer read with its empty body has a RawResponse.");
    }

    private async Task<T?> SendCoreAsync<T>(HttpMethod method, Uri url, RequestContent? content, string? prefer,
        Action<HttpResponseMessage>? onResponse, RetryMode retry, Func<ArraySegment<byte>, T?> parse, bool readEmptyBody, CancellationToken cancellationToken)
    {
        var mode = retry == RetryMode.Auto ? RetryPolicy.ForMethod(method) : retry;
        var policy = Retry;
        var retries = policy.NewBudget();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(method, url, content, attempt, prefer, onResponse, parse, readEmptyBody, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !(ex is ServiceErrorException) && !(ex is ServiceConnectionException))
            {
                // A transport failure: give it words, then decide like for any failure.
                var failure = ToConnectionFailure(ex, method, url, attempt);
                if (failure == null) throw;
                if (!await ShouldRetryAsync(policy, mode, failure, retries, attempt, method, url, cancellationToken).ConfigureAwait(false)) throw failure;
            }
            catch (ServiceErrorException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (!await ShouldRetryAsync(policy, mode, ex, retries, attempt, method, url, cancellationToken).ConfigureAwait(false))
                    throw attempt > 1 ? ex.AfterAttempts(attempt) : ex;
            }
        }
    }

    /// <summary>Waits and says so when the failure may be retried; false when it is final.</summary>
    private async Task<bool> ShouldRetryAsync(RetryPolicy policy, RetryMode mode, Exception failure, RetryBudget retries,
        int attempt, HttpMethod method, Uri url, CancellationToken cancellationToken)
    {
        var kind = RetryPolicy.Classify(failure, cancellationToken);
        if (!RetryPolicy.Retries(mode, kind) || !retries.TryTake(kind)) return false;
        var done = retries.Taken(kind);
        var max = retries.Limit(kind);
        var wait = policy.NextDelay(done, failure);
        var why = RetryPolicy.Describe(failure);
        // The service's Retry-After is shown as it sent it; the few milliseconds of jitter added to it are not.
        var retryAfter = (failure as ServiceErrorException)?.RetryAfter;
        var shown = retryAfter.HasValue ? $"{retryAfter.Value.TotalSeconds:0} s (Retry-After)" : $"{wait.TotalSeconds:0.0} s";
        EngineLogScope.Current.Verbose($"{method} {url} failed ({why}); retry {done} of {max} in {shown}.");
        if (EngineLogScope.Current is IProgressLog progress)
            progress.Progress(new ProgressUpdate
            {
                ActivityId = ProgressIds.RetryWait,
                Activity = $"Waiting for {SecurityApis.DisplayName(Api)}",
                Status = $"{why}: retry {done} of {max} in {shown}",
                SecondsRemaining = (int)Math.Round((retryAfter ?? wait).TotalSeconds),
            });
        await policy.Delay(wait, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private ServiceConnectionException? ToConnectionFailure(Exception exception, HttpMethod method, Uri url, int attempt)
    {
        ConnectionFailure failure;
        if (ExceptionChain.Find<System.Security.Authentication.AuthenticationException>(exception) != null) failure = ConnectionFailure.CertificateRejected;
        else if (exception is HttpRequestException http)
            failure = RetryPolicy.Classify(http, CancellationToken.None) == FailureKind.Unreachable ? ConnectionFailure.Unreachable : ConnectionFailure.ConnectionLost;
        else if (exception is IOException) failure = ConnectionFailure.ConnectionLost;
        else if (exception is JsonException) failure = ConnectionFailure.InvalidAnswer;
        else if (exception is OperationCanceledException) failure = ConnectionFailure.TimedOut;
        else return null;
        return new ServiceConnectionException(failure, method.Method, url, attempt, _toEmulator, exception);
    }

    private async Task<T?> SendOnceAsync<T>(HttpMethod method, Uri url, RequestContent? content, int attempt, string? prefer,
        Action<HttpResponseMessage>? onResponse, Func<ArraySegment<byte>, T?> parse, bool readEmptyBody, CancellationToken cancellationToken)
    {
        using (var request = new HttpRequestMessage(method, url))
        {
            request.Headers.Add("Accept", "application/json");
            request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
            // The module knows every evolvable enum member, so it asks Graph for the real values instead of unknownFutureValue.
            if (Api == SecurityApi.Graph) request.Headers.Add("Prefer", "include-unknown-enum-members");
            if (prefer != null) request.Headers.Add("Prefer", prefer);
            if (attempt > 1) request.Headers.Add("Retry-Attempt", (attempt - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (content?.Bytes != null)
            {
                request.Content = new ByteArrayContent(content.Bytes);
                request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(
                    content.ContentType.Contains("charset") || !content.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ? content.ContentType : content.ContentType + "; charset=utf-8");
            }
            foreach (var header in content?.Headers ?? Enumerable.Empty<KeyValuePair<string, string>>())
            {
                // Content headers (Content-Encoding…) belong to the body; asking the request headers about them throws.
                if (!header.Key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Remove(header.Key);
                    if (request.Headers.TryAddWithoutValidation(header.Key, header.Value)) continue;
                }
                if (request.Content != null)
                {
                    request.Content.Headers.Remove(header.Key);
                    request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            using (var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                    throw await ReadErrorAsync(request, response).ConfigureAwait(false);
                onResponse?.Invoke(response);
                if (!readEmptyBody && (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object)))
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
    private static async Task<T?> ReadBodyAsync<T>(HttpResponseMessage response, Func<ArraySegment<byte>, T?> parse, CancellationToken cancellationToken)
    {
        using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
        using (var body = BodyBuffers.GetStream("ApiClient.ResponseBody"))
        {
            await stream.CopyToAsync(body, 81920, cancellationToken).ConfigureAwait(false);
            return parse(new ArraySegment<byte>(body.GetBuffer(), 0, (int)body.Length));
        }
    }

    private async Task<ServiceErrorException> ReadErrorAsync(HttpRequestMessage request, HttpResponseMessage response)
    {
        var text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return ParseError(request, response.StatusCode, text, Header(response, "request-id") ?? Header(response, "x-ms-request-id"), Header(response, "client-request-id"),
            response.Headers.RetryAfter?.Delta);
    }

    private ServiceErrorException ParseError(HttpRequestMessage request, HttpStatusCode status, string text, string? requestId,
        string? clientRequestId, TimeSpan? retryAfter)
    {
        string? code = null, message = null, date = null;
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

        return new ServiceErrorException(status, code, message, requestId, clientRequestId, date, retryAfter,
            request.Method.Method, request.RequestUri, Api)
        { Body = text };
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}
