using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.Subscriptions;

/// <summary>Delivery counters of one subscription (reported by GET /_emulator/subscriptions).</summary>
public sealed class DeliveryStats
{
    public int Delivered;
    public int FailedAttempts;
    public int Dropped;
}

/// <summary>
/// Outbound HTTP of change notifications: the validation handshake and notification delivery with
/// bounded, time-scalable retries. Certificates of loopback receivers are not checked (they are
/// self-signed, like the emulator's own); other hosts get normal certificate validation.
/// </summary>
public sealed class NotificationSender : IDisposable
{
    public static readonly TimeSpan ValidationTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(3);
    /// <summary>Delivery attempts in total (the first try plus retries after 2, 4, 8, 16 and 32 s, times the scale).</summary>
    public const int MaxAttempts = 6;
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http;
    private readonly double _timeScale;
    public ConcurrentDictionary<string, DeliveryStats> Stats { get; } = new(StringComparer.OrdinalIgnoreCase);

    public NotificationSender(double timeScale)
    {
        _timeScale = timeScale <= 0 ? 1 : timeScale;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            errors == System.Net.Security.SslPolicyErrors.None || (sender is HttpRequestMessage m && IsLoopback(m.RequestUri)) || IsLoopbackSender(sender);
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static bool IsLoopbackSender(object sender) => sender is System.Net.Security.SslStream s && IsLoopbackHost(s.TargetHostName);

    public static bool IsLoopback(Uri uri) => uri != null && (uri.IsLoopback || IsLoopbackHost(uri.Host));

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host?.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>
    /// POSTs {url}?validationToken=… (text/plain) and checks the answer: 200, text/plain, body = decoded token.
    /// Returns null on success, else the Graph error message.
    /// </summary>
    public async Task<string> ValidateAsync(string url, CancellationToken cancel)
    {
        var token = $"Validation: Testing client application reachability for subscription Request-Id: {Guid.NewGuid()}";
        var target = url + (url.Contains('?') ? "&" : "?") + "validationToken=" + Uri.EscapeDataString(token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(ValidationTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent("", Encoding.UTF8, "text/plain") };
            using var response = await _http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/plain")
                return "Subscription validation request failed. Must respond with 200 OK to this request.";
            return body == token ? null : "Subscription validation request failed. Response must exactly match validationToken query parameter.";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return "Subscription validation request failed. Must respond with 200 OK to this request.";
        }
    }

    /// <summary>
    /// Delivers one changeNotificationCollection, retrying non-2xx answers and timeouts with exponential
    /// back-off (scaled by the time scale) up to <see cref="MaxAttempts"/>; then it is dropped.
    /// Returns the final HTTP status (0 when the receiver never answered).
    /// </summary>
    public async Task<int> DeliverAsync(string subscriptionId, string url, JsonObject payload, CancellationToken cancel = default)
    {
        var stats = Stats.GetOrAdd(subscriptionId, _ => new DeliveryStats());
        var json = payload.ToJsonString();
        var delay = FirstRetryDelay;
        int status = 0;
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                timeout.CancelAfter(DeliveryTimeout);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                    using var response = await _http.SendAsync(request, timeout.Token);
                    status = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref stats.Delivered);
                        return status;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancel.IsCancellationRequested)
                {
                    status = 0;
                }
                catch (ObjectDisposedException)
                {
                    return 0; // the emulator is shutting down
                }
            }
            Interlocked.Increment(ref stats.FailedAttempts);
            if (attempt < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromTicks((long)(delay.Ticks * _timeScale)), cancel);
                delay *= 2;
            }
        }
        Interlocked.Increment(ref stats.Dropped);
        return status;
    }

    public void Dispose() => _http.Dispose();
}
