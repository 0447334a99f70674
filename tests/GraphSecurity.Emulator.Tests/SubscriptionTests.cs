using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using GraphSecurity.Emulator.Graph.Subscriptions;
using GraphSecurity.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GraphSecurity.Emulator.Tests;

/// <summary>An emulator whose notification retries run 1000 times faster.</summary>
public sealed class SubscriptionEmulatorFixture : EmulatorFixture
{
    protected override void Configure(EmulatorOptions options) => options.NotificationTimeScale = 0.001;
}

/// <summary>A real HTTP webhook receiver on loopback: answers validation, records notifications, can fail on purpose.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    public string Url { get; }
    public ConcurrentQueue<JsonElement> Notifications { get; } = new();
    public ConcurrentQueue<string> Lifecycle { get; } = new();
    /// <summary>Status codes for the next deliveries (then 202).</summary>
    public ConcurrentQueue<int> FailNext { get; } = new();
    public volatile bool EchoEncodedToken;
    public volatile bool RefuseValidation;

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <param name="certificate">When given, the receiver serves HTTPS with it (e.g. a self-signed certificate).</param>
    public static async Task<WebhookReceiver> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelCore();
        if (certificate == null) builder.WebHost.UseUrls("http://127.0.0.1:0");
        else builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        WebhookReceiver receiver = null;
        async Task<IResult> Handle(HttpContext ctx, bool lifecycle)
        {
            var token = ctx.Request.Query["validationToken"];
            if (token.Count > 0)
            {
                if (receiver.RefuseValidation) return Results.StatusCode(403);
                return Results.Text(receiver.EchoEncodedToken ? Uri.EscapeDataString(token.ToString()) : token.ToString(), "text/plain");
            }
            var body = await JsonDocument.ParseAsync(ctx.Request.Body);
            if (lifecycle) receiver.Lifecycle.Enqueue(body.RootElement.GetProperty("value")[0].GetProperty("lifecycleEvent").GetString());
            else if (receiver.FailNext.TryDequeue(out var status)) return Results.StatusCode(status);
            else receiver.Notifications.Enqueue(body.RootElement.Clone());
            return Results.StatusCode(202);
        }
        app.MapPost("/hook", ctx => Handle(ctx, false).ContinueWith(t => t.Result.ExecuteAsync(ctx)).Unwrap());
        app.MapPost("/lifecycle", ctx => Handle(ctx, true).ContinueWith(t => t.Result.ExecuteAsync(ctx)).Unwrap());
        await app.StartAsync();
        var address = app.Urls.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1");
        if (certificate != null) address = "https://127.0.0.1:" + new Uri(address).Port;
        receiver = new WebhookReceiver(app, address);
        return receiver;
    }

    public async Task<JsonElement> WaitForNotificationAsync(Func<JsonElement, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var hit = Notifications.FirstOrDefault(match);
            if (hit.ValueKind != JsonValueKind.Undefined) return hit;
            await Task.Delay(20);
        }
        throw new TimeoutException("No matching notification arrived.");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public class SubscriptionTests : IClassFixture<SubscriptionEmulatorFixture>, IAsyncLifetime
{
    private readonly SubscriptionEmulatorFixture _f;
    private WebhookReceiver _hook;
    public SubscriptionTests(SubscriptionEmulatorFixture f) => _f = f;

    public async Task InitializeAsync() => _hook = await WebhookReceiver.StartAsync();
    public async Task DisposeAsync() => await _hook.DisposeAsync();

    private string Body(string filter, DateTimeOffset? expiration = null, string lifecycle = null) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["changeType"] = "created,updated",
        ["notificationUrl"] = _hook.Url + "/hook",
        ["lifecycleNotificationUrl"] = lifecycle,
        ["resource"] = "security/alerts?$filter=" + filter,
        ["expirationDateTime"] = (expiration ?? DateTimeOffset.UtcNow.AddDays(2)).ToString("o"),
        ["clientState"] = "secret-client-state",
    });

    private async Task<(int Status, JsonElement Body)> CreateAsync(string body) =>
        await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Post, "/v1.0/subscriptions", json: body));

    [Fact]
    public async Task Create_validates_the_endpoint_then_delivers_matching_changes_with_retries()
    {
        var (status, sub) = await CreateAsync(Body("vendorInformation/provider eq 'IPC'", lifecycle: _hook.Url + "/lifecycle"));
        Assert.Equal(201, status);
        Assert.EndsWith("/v1.0/$metadata#subscriptions/$entity", sub.GetProperty("@odata.context").GetString());
        var id = sub.GetProperty("id").GetString();
        Assert.Equal("created,updated", sub.GetProperty("changeType").GetString());
        Assert.Equal(Identity.TenantDirectory.DefaultClientId, sub.GetProperty("applicationId").GetString());
        Assert.Equal("v1_2", sub.GetProperty("latestSupportedTlsVersion").GetString());

        // A created alert of the subscribed provider is delivered; the receiver fails twice first, so the emulator retries.
        _hook.FailNext.Enqueue(500);
        _hook.FailNext.Enqueue(503);
        var created = await _f.Client.PostAsync("/_emulator/legacy/alerts", new StringContent("{\"provider\":\"IPC\",\"title\":\"Unfamiliar sign-in properties\"}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var alertId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var n = await _hook.WaitForNotificationAsync(x => x.GetProperty("value")[0].GetProperty("resourceData").GetProperty("id").GetString() == alertId);
        var item = n.GetProperty("value")[0];
        Assert.Equal(id, item.GetProperty("subscriptionId").GetString());
        Assert.Equal("created", item.GetProperty("changeType").GetString());
        Assert.Equal("secret-client-state", item.GetProperty("clientState").GetString());
        Assert.Equal(Identity.TenantDirectory.DefaultTenantId, item.GetProperty("tenantId").GetString());
        Assert.Equal($"security/alerts/{alertId}", item.GetProperty("resource").GetString());
        Assert.Equal("#Microsoft.Graph.alert", item.GetProperty("resourceData").GetProperty("@odata.type").GetString());
        Assert.Equal(alertId, (await _f.GetJsonAsync($"/v1.0/security/alerts/{alertId}")).GetProperty("id").GetString());

        // An update through the Graph API is delivered too; a change to another provider's alert is not.
        var patch = await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/alerts/{alertId}", json: "{\"status\":\"inProgress\",\"vendorInformation\":{\"provider\":\"IPC\",\"vendor\":\"Microsoft\"}}");
        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        await _hook.WaitForNotificationAsync(x => x.GetProperty("value")[0].GetProperty("changeType").GetString() == "updated");
        var mcas = (await _f.GetJsonAsync("/v1.0/security/alerts?$filter=vendorInformation/provider eq 'MCAS'&$top=1")).GetProperty("value")[0].GetProperty("id").GetString();
        await _f.SendAsync(HttpMethod.Patch, $"/v1.0/security/alerts/{mcas}", json: "{\"tags\":[\"x\"],\"vendorInformation\":{\"provider\":\"MCAS\",\"vendor\":\"Microsoft\"}}");
        await Task.Delay(200);
        Assert.DoesNotContain(_hook.Notifications, x => x.GetProperty("value")[0].GetProperty("resourceData").GetProperty("id").GetString() == mcas);

        var stats = JsonDocument.Parse(await _f.Client.GetStringAsync("/_emulator/subscriptions")).RootElement.EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal(2, stats.GetProperty("failedAttempts").GetInt32());

        // Lifecycle event on demand.
        var lifecycle = await _f.Client.PostAsync($"/_emulator/subscriptions/{id}/reauthorizationRequired", null);
        Assert.Equal(HttpStatusCode.OK, lifecycle.StatusCode);
        Assert.Contains("reauthorizationRequired", _hook.Lifecycle);

        // Renew, list, get, delete.
        var renewTo = DateTimeOffset.UtcNow.AddDays(3);
        var (rs, renewed) = await EmulatorFixture.ReadAsync(await _f.SendAsync(HttpMethod.Patch, $"/v1.0/subscriptions/{id}", json: $"{{\"expirationDateTime\":\"{renewTo:o}\"}}"));
        Assert.Equal(200, rs);
        Assert.Equal(renewTo.UtcDateTime, renewed.GetProperty("expirationDateTime").GetDateTimeOffset().UtcDateTime, TimeSpan.FromMilliseconds(1));
        Assert.Contains((await _f.GetJsonAsync("/v1.0/subscriptions")).GetProperty("value").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Equal(HttpStatusCode.NoContent, (await _f.SendAsync(HttpMethod.Delete, $"/v1.0/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _f.SendAsync(HttpMethod.Get, $"/v1.0/subscriptions/{id}")).StatusCode);
    }

    [Fact]
    public async Task Https_receiver_with_a_self_signed_certificate_on_loopback_is_accepted()
    {
        using var certificate = TlsCertificate.Create();
        await using var https = await WebhookReceiver.StartAsync(certificate);
        Assert.StartsWith("https://127.0.0.1:", https.Url);
        var (status, _) = await CreateAsync(Body("severity eq 'high'").Replace(_hook.Url, https.Url));
        Assert.Equal(201, status);
    }

    [Fact]
    public async Task Create_rejects_bad_endpoints_and_lifetimes()
    {
        _hook.RefuseValidation = true;
        var (s1, b1) = await CreateAsync(Body("severity eq 'high'"));
        _hook.RefuseValidation = false;
        Assert.Equal(400, s1);
        Assert.Equal("Subscription validation request failed. Must respond with 200 OK to this request.", b1.GetProperty("error").GetProperty("message").GetString());

        _hook.EchoEncodedToken = true;
        var (s2, b2) = await CreateAsync(Body("severity eq 'high'"));
        _hook.EchoEncodedToken = false;
        Assert.Equal(400, s2);
        Assert.Contains("must exactly match validationToken", b2.GetProperty("error").GetProperty("message").GetString());

        var (s3, b3) = await CreateAsync(Body("severity eq 'high'", DateTimeOffset.UtcNow.AddMinutes(43201)));
        Assert.Equal(400, s3);
        Assert.Equal("Subscription expiration can only be 43200 minutes in the future.", b3.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(201, (await CreateAsync(Body("severity eq 'high'", DateTimeOffset.UtcNow.AddMinutes(43199)))).Status);

        var http = Body("severity eq 'high'").Replace("http://127.0.0.1", "http://hooks.contoso.example");
        Assert.Equal(400, (await CreateAsync(http)).Status);
        Assert.Equal(400, (await CreateAsync(Body("nosuchproperty eq 'x'"))).Status);
        var v2 = Body("severity eq 'high'").Replace("security/alerts?", "security/alerts_v2?");
        Assert.Equal(400, (await CreateAsync(v2)).Status);
        var reader = await _f.TokenAsync(Identity.TenantDirectory.ReaderClientId, Identity.TenantDirectory.ReaderClientSecret);
        Assert.Equal(HttpStatusCode.Forbidden, (await _f.SendAsync(HttpMethod.Post, "/v1.0/subscriptions", reader, Body("severity eq 'high'"))).StatusCode);
    }
}
