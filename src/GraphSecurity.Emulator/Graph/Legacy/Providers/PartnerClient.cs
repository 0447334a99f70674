using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;
using GraphSecurity.Emulator.Identity.Consent;

namespace GraphSecurity.Emulator.Graph.Legacy.Providers;

/// <summary>The outcome of one call to a partner: its status, JSON body (when it sent one) and latency; status 504 on timeout, 503 when unreachable.</summary>
public sealed record PartnerAnswer(int Status, JsonElement? Body, long LatencyMs, string Problem)
{
    public bool Succeeded => Status is >= 200 and < 300;
}

/// <summary>
/// Calls partner providers over gsprov/1 as the broker: a bearer token the emulator's identity issues for the
/// customer tenant with the provider's audience (so a token is only ever sent to the provider it names), the
/// provider's timeout, and the consent check — a tenant that has not consented to the provider's app is never
/// sent anything.
/// </summary>
public sealed class PartnerClient : IDisposable
{
    /// <summary>Tokens are reused until this long before they expire.</summary>
    private static readonly TimeSpan TokenMargin = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ConcurrentDictionary<(string, string), (string Token, DateTimeOffset Expires)> _tokens = new();
    private readonly TokenIssuer _issuer;
    private readonly TenantDirectory _directory;
    private readonly ServicePrincipalGrants _grants;

    public PartnerClient(TokenIssuer issuer, TenantDirectory directory, ServicePrincipalGrants grants)
    {
        _issuer = issuer;
        _directory = directory;
        _grants = grants;
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("GraphSecurity-Emulator-Broker", "1"));
    }

    public bool IsConsented(PartnerProvider provider, string tenantId) => _grants.IsConsented(tenantId, provider.AppId);

    private string TokenFor(PartnerProvider provider, string tenantId)
    {
        var key = (tenantId, provider.Audience);
        var now = DateTimeOffset.UtcNow;
        if (_tokens.TryGetValue(key, out var cached) && cached.Expires - TokenMargin > now) return cached.Token;
        var tenant = _directory.Find(tenantId) ?? throw new InvalidOperationException($"Unknown tenant '{tenantId}'.");
        var token = _issuer.IssueAsGraph(tenant, provider.Audience);
        _tokens[key] = (token, now.AddSeconds(_issuer.Lifetime));
        return token;
    }

    public async Task<PartnerAnswer> SendAsync(PartnerProvider provider, string tenantId, HttpMethod method, string relative, object body, CancellationToken cancellationToken)
    {
        if (!IsConsented(provider, tenantId)) return new PartnerAnswer(403, null, 0, "the tenant has not consented to the provider");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(provider.TimeoutMs);
        var watch = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(method, provider.BaseUrl + "/" + relative.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(provider, tenantId));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body != null)
            request.Content = new StringContent(body switch { JsonElement e => e.GetRawText(), System.Text.Json.Nodes.JsonNode n => n.ToJsonString(), _ => JsonSerializer.Serialize(body) }, Encoding.UTF8, "application/json");
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            JsonElement? json = null;
            string problem = null;
            if (text.Length > 0)
            {
                try { json = JsonDocument.Parse(text).RootElement.Clone(); }
                catch (JsonException) { problem = "the reply is not JSON"; }
            }
            if (!response.IsSuccessStatusCode && problem == null)
                problem = json?.TryGetProperty("error", out var error) == true && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m)
                    ? m.ToString() : $"HTTP {status}";
            return new PartnerAnswer(status, json, watch.ElapsedMilliseconds, problem);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PartnerAnswer(504, null, watch.ElapsedMilliseconds, $"no answer within {provider.TimeoutMs} ms");
        }
        catch (HttpRequestException ex)
        {
            return new PartnerAnswer(503, null, watch.ElapsedMilliseconds, "unreachable: " + ex.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
