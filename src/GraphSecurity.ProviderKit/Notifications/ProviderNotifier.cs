using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using GraphSecurity.ProviderKit.Auth;
using GraphSecurity.ProviderKit.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GraphSecurity.ProviderKit.Notifications;

/// <summary>Tells the broker that an alert was created or changed. Fire and forget: it never blocks or throws.</summary>
public interface IProviderNotifier
{
    void AlertCreated(string tenantId, ProviderAlert alert);
    void AlertUpdated(string tenantId, ProviderAlert alert);
}

/// <summary>One item of the notification body.</summary>
public sealed record AlertNotification(string ChangeType, string TenantId, string Resource, ProviderAlert Alert);

/// <summary>
/// Queues change notifications (bounded: beyond <see cref="GsProviderOptions.NotificationQueueCapacity"/> the oldest
/// are dropped) and posts them in batches to <c>{broker}/gsprov/v1/notifications</c> with a token the provider's
/// app gets by client credentials in its home tenant. A batch that fails with 429, 5xx or a network error is
/// retried with growing delays (honouring Retry-After); 401 fetches a new token once; other answers drop it.
/// With no broker configured it does nothing.
/// </summary>
public sealed class BrokerNotifier : BackgroundService, IProviderNotifier
{
    private const int MaxBatch = 50;
    private const string GraphScope = "https://graph.microsoft.com/.default";

    private readonly GsProviderOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly Channel<AlertNotification> _queue;
    private string _token;
    private DateTimeOffset _tokenExpires;
    private long _sent;
    private long _dropped;
    private long _failed;

    public BrokerNotifier(GsProviderOptions options, HttpClient http, ILogger<BrokerNotifier> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _logger = logger;
        _queue = Channel.CreateBounded<AlertNotification>(
            new BoundedChannelOptions(options.NotificationQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Notifications the broker accepted.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Notifications dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Notifications given up after the last attempt or a refusal.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public bool Enabled => _options.BrokerUrl != null;

    public void AlertCreated(string tenantId, ProviderAlert alert) => Enqueue("created", tenantId, alert);

    public void AlertUpdated(string tenantId, ProviderAlert alert) => Enqueue("updated", tenantId, alert);

    private void Enqueue(string changeType, string tenantId, ProviderAlert alert)
    {
        if (!Enabled || alert == null) return;
        _queue.Writer.TryWrite(new AlertNotification(changeType, tenantId, "alerts/" + alert.Id, alert.Clone()));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                var batch = new List<AlertNotification>();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
                if (batch.Count > 0) await DeliverAsync(batch, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever is still queued is lost, as for any fire-and-forget notice.
        }
    }

    private async Task DeliverAsync(List<AlertNotification> batch, CancellationToken cancellationToken)
    {
        var url = PinnedHttp.Combine(_options.BrokerUrl, "gsprov/v1/notifications");
        var delay = _options.NotificationRetryDelay;
        var renewedToken = false;
        for (var attempt = 1; attempt <= _options.NotificationAttempts; attempt++)
        {
            TimeSpan? wait = delay;
            try
            {
                var token = await TokenAsync(cancellationToken).ConfigureAwait(false);
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = JsonContent.Create(new { value = batch }, options: ProviderJson.Options),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Add(ref _sent, batch.Count);
                    return;
                }
                if (response.StatusCode == HttpStatusCode.Unauthorized && !renewedToken)
                {
                    // A stale or revoked token: fetch a new one and try again at once.
                    _token = null;
                    renewedToken = true;
                    wait = null;
                }
                else if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                {
                    _logger?.LogWarning("The broker refused {Count} notification(s) with {Status}; they are dropped.", batch.Count, (int)response.StatusCode);
                    break;
                }
                else if (response.Headers.RetryAfter?.Delta is { } retryAfter)
                {
                    wait = retryAfter < TimeSpan.FromSeconds(60) ? retryAfter : TimeSpan.FromSeconds(60);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                _logger?.LogWarning("Sending notifications to the broker failed (attempt {Attempt}): {Reason}", attempt, e.Message);
            }
            if (attempt == _options.NotificationAttempts) break;
            if (wait is { } pause)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
        }
        Interlocked.Add(ref _failed, batch.Count);
    }

    /// <summary>The provider app's own Graph token from its home tenant, reused until a minute before it expires.</summary>
    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (_token != null && DateTimeOffset.UtcNow < _tokenExpires) return _token;
        var url = PinnedHttp.Combine(_options.Authority, $"{Uri.EscapeDataString(_options.HomeTenantId)}/oauth2/v2.0/token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = _options.AppId,
            ["client_secret"] = _options.ClientSecret,
            ["scope"] = GraphScope,
            ["grant_type"] = "client_credentials",
        });
        using var response = await _http.PostAsync(url, form, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The authority refused the provider's token request with {(int)response.StatusCode}.");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var token = body.RootElement.GetProperty("access_token").GetString();
        var lifetime = body.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 3599;
        _tokenExpires = DateTimeOffset.UtcNow.AddSeconds(Math.Max(0, lifetime - 60));
        _token = token;
        return token;
    }
}
