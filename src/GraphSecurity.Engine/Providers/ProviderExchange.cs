using System;
using System.Diagnostics;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Providers;

/// <summary>One request to a provider and what came back (never the token it carried).</summary>
public sealed class ProviderExchange
{
    public string Method { get; set; } = "";
    public string Path { get; set; } = "";
    /// <summary>The HTTP status; 0 when there was no answer in time or no connection.</summary>
    public int Status { get; set; }
    public JsonElement? Json { get; set; }
    public string Text { get; set; } = "";
    public string? WwwAuthenticate { get; set; }
    public long ElapsedMs { get; set; }
    public string? Failure { get; set; }

    public bool IsJsonObject => Json is { ValueKind: JsonValueKind.Object };

    /// <summary>The contract's error shape: {"error":{"code":"…","message":"…"}}.</summary>
    public bool HasErrorShape =>
        Json is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object &&
        e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String && e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String;

    public override string ToString() => $"{Method} {Path} → {(Status == 0 ? Failure : Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} ({ElapsedMs} ms)";
}

/// <summary>Sends the conformance suite's requests; waits longer than the broker would, so a slow provider fails only the latency rule.</summary>
public sealed class ProviderCaller : IDisposable
{
    private static readonly HttpMethod Patch = new HttpMethod("PATCH");
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly TimeSpan _wait;

    public ProviderCaller(Uri baseUrl, TimeSpan wait, HttpMessageHandler? handler = null)
    {
        _base = new Uri(baseUrl.ToString().TrimEnd('/') + "/");
        _wait = wait;
        _http = handler == null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public Uri Resolve(string relative) => new Uri(_base, relative.TrimStart('/'));

    public Task<ProviderExchange> GetAsync(string relative, string? token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, Resolve(relative), token, null, cancellationToken);

    public Task<ProviderExchange> PatchAsync(string relative, string token, object body, CancellationToken cancellationToken) =>
        SendAsync(Patch, Resolve(relative), token, body, cancellationToken);

    public Task<ProviderExchange> PostAsync(string relative, string token, object? body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, Resolve(relative), token, body, cancellationToken);

    public async Task<ProviderExchange> SendAsync(HttpMethod method, Uri url, string? token, object? body, CancellationToken cancellationToken)
    {
        var exchange = new ProviderExchange { Method = method.Method, Path = url.PathAndQuery };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_wait);
        using var request = new HttpRequestMessage(method, url);
        if (token != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body != null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            exchange.Text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            exchange.Status = (int)response.StatusCode;
            exchange.WwwAuthenticate = response.Headers.WwwAuthenticate.Count > 0 ? response.Headers.WwwAuthenticate.ToString() : null;
            if (exchange.Text.Length > 0)
            {
                try { exchange.Json = JsonDocument.Parse(exchange.Text).RootElement.Clone(); }
                catch (JsonException) { exchange.Json = null; }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            exchange.Failure = $"no answer within {_wait.TotalSeconds:0} s";
        }
        catch (HttpRequestException ex)
        {
            exchange.Failure = "no connection: " + (ex.InnerException?.Message ?? ex.Message);
        }
        exchange.ElapsedMs = watch.ElapsedMilliseconds;
        return exchange;
    }

    public void Dispose() => _http.Dispose();
}
