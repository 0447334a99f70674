using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GraphSecurity.Emulator.Tests;

/// <summary>
/// A minimal gsprov/1 provider on a real loopback port, for the broker's tests: it serves a fixed set of alerts
/// (newest first, honouring $top and $skip only), takes PATCH and security actions, records every request, and can
/// be told to fail, stall or lie about its vendor.
/// </summary>
public sealed class FakePartnerProvider : IAsyncDisposable
{
    public const string Vendor = "Northwind Security";
    public const string Provider = "Sentry Firewall";
    public const string AppId = "5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f";
    public const string Audience = "api://northwind-sentry";

    public sealed record Call(string Method, string PathAndQuery, string Authorization, string Body);

    private readonly WebApplication _app;
    public ConcurrentQueue<Call> Calls { get; } = new();
    public List<JsonObject> Alerts { get; } = new();
    public ConcurrentDictionary<string, JsonObject> Actions { get; } = new();
    /// <summary>Status every request answers with instead of serving (0: serve).</summary>
    public int FailWith { get; set; }
    public TimeSpan Delay { get; set; }
    public string ClaimedVendor { get; set; } = Vendor;
    public string BaseUrl { get; private set; }

    public FakePartnerProvider(DateTimeOffset now, int alertCount = 5)
    {
        for (int i = 0; i < alertCount; i++) Alerts.Add(NewAlert($"sentry-{i:D3}", now.AddHours(-3 * i - 1)));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public JsonObject NewAlert(string id, DateTimeOffset created) => new()
    {
        ["id"] = id, ["title"] = "Port scan from 203.0.113.9", ["severity"] = "medium", ["status"] = "newAlert", ["category"] = "Reconnaissance",
        ["createdDateTime"] = created.ToString("o"), ["comments"] = new JsonArray(), ["tags"] = new JsonArray(),
        ["networkConnections"] = new JsonArray(new JsonObject { ["sourceAddress"] = "203.0.113.9", ["destinationPort"] = "22" }),
        ["vendorInformation"] = new JsonObject { ["vendor"] = Vendor, ["provider"] = Provider, ["providerVersion"] = "1.2" },
    };

    public async Task StartAsync()
    {
        await _app.StartAsync();
        BaseUrl = _app.Urls.First() + "/gsprov/v1";
    }

    public object Registration(int timeoutMs = 10_000) => new { vendor = Vendor, provider = Provider, providerVersion = "1.2", baseUrl = BaseUrl, appId = AppId, audience = Audience, timeoutMs };

    private async Task HandleAsync(HttpContext ctx)
    {
        var body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
        var path = ctx.Request.Path.Value!["/gsprov/v1".Length..];
        Calls.Enqueue(new Call(ctx.Request.Method, path + ctx.Request.QueryString, ctx.Request.Headers.Authorization.ToString(), body));
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay);
        if (FailWith != 0)
        {
            await Write(ctx, FailWith, new JsonObject { ["error"] = new JsonObject { ["code"] = "InternalServerError", ["message"] = "firewall database offline" } });
            return;
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (ctx.Request.Method, segments.Length > 0 ? segments[0] : "", segments.Length)
        {
            case ("GET", "alerts", 1):
                int top = int.Parse(ctx.Request.Query["$top"].FirstOrDefault() ?? "100");
                int skip = int.Parse(ctx.Request.Query["$skip"].FirstOrDefault() ?? "0");
                var page = Alerts.Skip(skip).Take(top).Select(Claimed).ToArray();
                var list = new JsonObject { ["value"] = new JsonArray(page) };
                if (skip + page.Length < Alerts.Count) list["@odata.nextLink"] = $"{BaseUrl}/alerts?$top={top}&$skip={skip + top}";
                await Write(ctx, 200, list);
                return;
            case ("GET", "alerts", 2):
                var found = Alerts.FirstOrDefault(a => (string)a["id"] == segments[1]);
                await Write(ctx, found == null ? 404 : 200, found == null ? NotFound() : Claimed(found));
                return;
            case ("PATCH", "alerts", 2):
                var alert = Alerts.FirstOrDefault(a => (string)a["id"] == segments[1]);
                if (alert == null) { await Write(ctx, 404, NotFound()); return; }
                foreach (var (name, value) in JsonNode.Parse(body)!.AsObject())
                    if (name != "vendorInformation") alert[name] = value?.DeepClone();
                await Write(ctx, 200, Claimed(alert));
                return;
            case ("POST", "securityActions", 1):
                var action = JsonNode.Parse(body)!.AsObject();
                action["id"] = "fw-action-" + (Actions.Count + 1);
                action["status"] = "running";
                action["createdDateTime"] = DateTimeOffset.UtcNow.ToString("o");
                action["states"] = new JsonArray(new JsonObject { ["status"] = "notStarted" }, new JsonObject { ["status"] = "running" });
                Actions[(string)action["id"]!] = action;
                await Write(ctx, 201, action);
                return;
            case ("GET", "securityActions", 2):
                await Write(ctx, Actions.TryGetValue(segments[1], out var a2) ? 200 : 404, a2 ?? NotFound());
                return;
            case ("POST", "securityActions", 3):
                if (!Actions.TryGetValue(segments[1], out var a3)) { await Write(ctx, 404, NotFound()); return; }
                if ((string)a3["status"] == "completed") { await Write(ctx, 409, new JsonObject { ["error"] = new JsonObject { ["code"] = "Conflict", ["message"] = "done" } }); return; }
                a3["status"] = "failed";
                a3["errorInfo"] = new JsonObject { ["code"] = "cancelled", ["message"] = "Cancelled by the caller." };
                await Write(ctx, 200, a3);
                return;
        }
        await Write(ctx, 404, NotFound());
    }

    private JsonObject Claimed(JsonObject alert)
    {
        var copy = alert.DeepClone().AsObject();
        copy["vendorInformation"]!["vendor"] = ClaimedVendor;
        return copy;
    }

    private static JsonObject NotFound() => new() { ["error"] = new JsonObject { ["code"] = "NotFound", ["message"] = "No such item." } };

    private static async Task Write(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
