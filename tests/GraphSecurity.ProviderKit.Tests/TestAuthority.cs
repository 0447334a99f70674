using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GraphSecurity.ProviderKit.Tests;

/// <summary>
/// An in-memory identity platform and broker for the kit's back channel: it serves a JWKS for a test RSA key,
/// issues client-credentials tokens, and records the notifications posted to it (answering with a scripted status).
/// </summary>
public sealed class TestAuthority : IDisposable
{
    public const string Contoso = "b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c";
    public const string Fabrikam = "d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a";
    public const string Northwind = "7a1c9e3b-5d2f-4a8e-b6c4-0e9f8d7c6b5a";
    public const string GraphAppId = "00000003-0000-0000-c000-000000000000";
    public const string Audience = "api://northwind-sentry";
    public const string SentryAppId = "5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f";
    public static readonly Uri Url = new("https://authority.test/");

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;

    public TestAuthority()
    {
        _key = new RsaSecurityKey(_rsa) { KeyId = "test-key-1" };
        Handler = new StubHandler(this);
    }

    public HttpMessageHandler Handler { get; }

    public int KeyFetches;
    public int TokenRequests;
    public readonly ConcurrentQueue<(string Authorization, JsonDocument Body)> Notifications = new();
    public readonly ConcurrentQueue<Dictionary<string, string>> TokenForms = new();

    /// <summary>Statuses the notification endpoint answers, one per call, then 202.</summary>
    public readonly ConcurrentQueue<HttpStatusCode> NotificationAnswers = new();

    /// <summary>A signed token; every claim can be bent to test one failure.</summary>
    public string Mint(string tenant = Contoso, string audience = Audience, DateTimeOffset? expires = null, string issuer = null,
        string appId = GraphAppId, SecurityKey key = null, string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var now = DateTimeOffset.UtcNow;
        var exp = expires ?? now.AddHours(1);
        var claims = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = issuer ?? $"https://sts.windows.net/{tenant}/",
            ["tid"] = tenant,
            ["appid"] = appId,
            ["iat"] = Math.Min(now.ToUnixTimeSeconds(), exp.AddMinutes(-10).ToUnixTimeSeconds()),
            ["nbf"] = Math.Min(now.ToUnixTimeSeconds(), exp.AddMinutes(-10).ToUnixTimeSeconds()),
            ["exp"] = exp.ToUnixTimeSeconds(),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? _key, algorithm),
        });
    }

    public static RsaSecurityKey OtherKey(string kid = "test-key-1") => new(RSA.Create(2048)) { KeyId = kid };

    private string Jwks()
    {
        var p = _rsa.ExportParameters(false);
        return JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "RSA", use = "sig", kid = _key.KeyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } },
        });
    }

    public void Dispose()
    {
        Handler.Dispose();
        _rsa.Dispose();
    }

    private sealed class StubHandler(TestAuthority authority) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Get && path == "/common/discovery/v2.0/keys")
            {
                Interlocked.Increment(ref authority.KeyFetches);
                return Json(authority.Jwks());
            }
            if (request.Method == HttpMethod.Post && path == $"/{Northwind}/oauth2/v2.0/token")
            {
                Interlocked.Increment(ref authority.TokenRequests);
                var form = (await request.Content!.ReadAsStringAsync(cancellationToken)).Split('&')
                    .Select(p => p.Split('=')).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
                authority.TokenForms.Enqueue(form);
                var token = authority.Mint(Northwind, "https://graph.microsoft.com", appId: form["client_id"]);
                return Json(JsonSerializer.Serialize(new { token_type = "Bearer", expires_in = 3599, access_token = token }));
            }
            if (request.Method == HttpMethod.Post && path == "/gsprov/v1/notifications")
            {
                var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
                authority.Notifications.Enqueue((request.Headers.Authorization?.ToString(), body));
                var status = authority.NotificationAnswers.TryDequeue(out var s) ? s : HttpStatusCode.Accepted;
                var response = new HttpResponseMessage(status);
                if (status == HttpStatusCode.TooManyRequests) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
                return response;
            }
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    /// <summary>Polls until the condition holds or the time is up.</summary>
    public static async Task<bool> WaitFor(Func<bool> condition, int milliseconds = 5000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(milliseconds);
        while (DateTime.UtcNow < until)
        {
            if (condition()) return true;
            await Task.Delay(25);
        }
        return condition();
    }
}
