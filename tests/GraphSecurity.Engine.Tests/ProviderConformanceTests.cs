using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Providers;
using Xunit;

namespace GraphSecurity.Engine.Tests;

/// <summary>The conformance suite against an in-memory gsprov/1 provider that can break one rule at a time.</summary>
public class ProviderConformanceTests
{
    private const string Audience = "api://test-provider";

    /// <summary>A small provider that keeps the contract unless told to break a rule.</summary>
    private sealed class MemoryProvider : HttpMessageHandler
    {
        private readonly List<JsonObject> _alerts;
        private readonly Dictionary<string, JsonObject> _actions = new();
        public HashSet<string> Breaks { get; } = new();
        public string MetadataAudience { get; set; } = Audience;

        public MemoryProvider()
        {
            var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
            _alerts = Enumerable.Range(0, 7).Select(i => new JsonObject
            {
                ["id"] = $"a{i}", ["title"] = "Scan", ["severity"] = i % 2 == 0 ? "high" : "low", ["status"] = "newAlert",
                ["createdDateTime"] = start.AddHours(-i).ToString("o"), ["tags"] = new JsonArray(), ["azureTenantId"] = "t1",
                ["vendorInformation"] = new JsonObject { ["vendor"] = "Test", ["provider"] = "Box" },
            }).ToList();
        }

        private static HttpResponseMessage Json(HttpStatusCode status, JsonNode body) =>
            new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

        private HttpResponseMessage Error(HttpStatusCode status, string code)
        {
            var r = Breaks.Contains("bad-error-shape")
                ? new HttpResponseMessage(status) { Content = new StringContent("error " + code) }
                : Json(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = code } });
            if (status == HttpStatusCode.Unauthorized) r.Headers.WwwAuthenticate.ParseAdd("Bearer");
            return r;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath["/p/".Length..].TrimEnd('/');
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
            var body = request.Content == null ? null : JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken))?.AsObject();
            if (path == "")
                return Json(HttpStatusCode.OK, new JsonObject
                {
                    ["contract"] = "gsprov/1", ["vendor"] = "Test", ["provider"] = "Box", ["appId"] = "app", ["audience"] = MetadataAudience,
                    ["capabilities"] = new JsonObject { ["securityActions"] = new JsonArray("blockIp") },
                });
            var token = request.Headers.Authorization?.Parameter;
            if (!Breaks.Contains("no-auth") && token != "good-token") return Error(HttpStatusCode.Unauthorized, "InvalidAuthenticationToken");
            var segments = path.Split('/');
            if (segments[0] == "alerts" && segments.Length == 1 && request.Method == HttpMethod.Get)
            {
                int top = int.Parse(query["$top"] ?? "100");
                if (top is < 1 or > 1000) return Error(HttpStatusCode.BadRequest, "BadRequest");
                int skip = int.Parse(query["$skip"] ?? "0");
                IEnumerable<JsonObject> items = _alerts;
                var filter = query["$filter"];
                if (filter != null)
                {
                    var parts = filter.Split(' ', 3);
                    if (parts[0] is not ("id" or "severity")) return Error(HttpStatusCode.BadRequest, "BadRequest");
                    items = items.Where(a => (string)a[parts[0]]! == parts[2].Trim('\''));
                }
                if (query["$orderby"] == "createdDateTime asc") items = items.Reverse();
                var all = items.ToList();
                var page = Breaks.Contains("ignore-top") ? all : all.Skip(skip).Take(top).ToList();
                var list = new JsonObject { ["value"] = new JsonArray(page.Select(a => (JsonNode)a.DeepClone()).ToArray()) };
                if (!Breaks.Contains("ignore-top") && skip + page.Count < all.Count) list["@odata.nextLink"] = $"https://provider.test/p/alerts?$top={top}&$skip={skip + top}";
                return Json(HttpStatusCode.OK, list);
            }
            if (segments[0] == "alerts")
            {
                var alert = _alerts.FirstOrDefault(a => (string)a["id"]! == segments[1]);
                if (alert == null) return Error(HttpStatusCode.NotFound, "NotFound");
                if (request.Method == HttpMethod.Get) return Json(HttpStatusCode.OK, alert.DeepClone());
                var vendor = body!["vendorInformation"];
                if (vendor == null || (string)vendor["vendor"]! != "Test") return Error(HttpStatusCode.BadRequest, "BadRequest");
                if (body.Any(p => p.Key is not ("tags" or "status" or "vendorInformation"))) return Error(HttpStatusCode.BadRequest, "BadRequest");
                if (body["tags"] is JsonNode tags) alert["tags"] = tags.DeepClone();
                return Breaks.Contains("patch-no-echo") ? new HttpResponseMessage(HttpStatusCode.NoContent) : Json(HttpStatusCode.OK, alert.DeepClone());
            }
            if (segments[0] == "securityActions" && segments.Length == 1)
            {
                if ((string)body!["name"]! is not ("blockIp" or "unblockIp")) return Error(HttpStatusCode.BadRequest, "BadRequest");
                var action = new JsonObject { ["id"] = "x" + _actions.Count, ["status"] = "running", ["states"] = new JsonArray(new JsonObject { ["status"] = "running" }) };
                _actions[(string)action["id"]!] = action;
                return Json(HttpStatusCode.Created, action.DeepClone());
            }
            if (segments[0] == "securityActions" && _actions.TryGetValue(segments[1], out var a2))
            {
                if (segments.Length == 3)
                {
                    if ((string)a2["status"]! == "completed") return Error(HttpStatusCode.Conflict, "Conflict");
                    a2["status"] = "failed";
                    a2["errorInfo"] = new JsonObject { ["code"] = "cancelled", ["message"] = "cancelled" };
                    return Json(HttpStatusCode.OK, a2.DeepClone());
                }
                // Actions finish on their first read unless told to stay.
                if (!Breaks.Contains("action-stuck") && (string)a2["status"]! == "running") a2["status"] = "completed";
                return Json(HttpStatusCode.OK, a2.DeepClone());
            }
            return Error(HttpStatusCode.NotFound, "NotFound");
        }
    }

    private static async Task<IReadOnlyList<ProviderCheck>> RunAsync(MemoryProvider provider, bool allowChanges = true, Func<string, string> token = null)
    {
        var options = new ProviderConformanceOptions
        {
            BaseUrl = new Uri("https://provider.test/p"), Handler = provider, AllowChanges = allowChanges, Timeout = TimeSpan.FromSeconds(2),
            ProtectedAudiences = new[] { "https://graph.microsoft.com" },
            TokenFor = (audience, _) => Task.FromResult(token?.Invoke(audience) ?? "good-token"),
        };
        using var suite = new ProviderConformance(options, _ => { });
        return await suite.RunAsync(CancellationToken.None);
    }

    private static string[] Failed(IEnumerable<ProviderCheck> checks) => checks.Where(c => c.Outcome == ProviderCheckOutcome.Failed).Select(c => c.Check).OrderBy(c => c).ToArray();

    [Fact]
    public async Task A_provider_that_keeps_the_contract_passes_every_check()
    {
        var checks = await RunAsync(new MemoryProvider());
        Assert.Empty(Failed(checks));
        Assert.DoesNotContain(checks, c => c.Outcome == ProviderCheckOutcome.Skipped);
        Assert.Equal(checks.Count, checks.Select(c => c.Check).Distinct().Count());
        Assert.True(checks.Count >= 20);
    }

    [Theory]
    [InlineData("ignore-top", "Top")]
    [InlineData("patch-no-echo", "PatchEcho")]
    [InlineData("bad-error-shape", "ErrorShape")]
    [InlineData("action-stuck", "ActionLifecycle")]
    [InlineData("no-auth", "AuthForgedToken,AuthMissingToken")]
    public async Task A_broken_rule_fails_exactly_its_checks(string rule, string expected)
    {
        var provider = new MemoryProvider();
        provider.Breaks.Add(rule);
        var checks = await RunAsync(provider);
        Assert.Equal(expected.Split(','), Failed(checks));
    }

    [Fact]
    public async Task WhatIf_skips_the_checks_that_change_the_provider()
    {
        var checks = await RunAsync(new MemoryProvider(), allowChanges: false);
        Assert.Empty(Failed(checks));
        var skipped = checks.Where(c => c.Outcome == ProviderCheckOutcome.Skipped).Select(c => c.Check).ToList();
        Assert.Contains("PatchEcho", skipped);
        Assert.Contains("ActionLifecycle", skipped);
        Assert.DoesNotContain("Top", skipped);
    }

    [Fact]
    public async Task A_provider_claiming_a_microsoft_api_audience_gets_no_token()
    {
        var provider = new MemoryProvider { MetadataAudience = "https://graph.microsoft.com/" };
        bool asked = false;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(provider, token: _ => { asked = true; return "good-token"; }));
        Assert.Contains("Microsoft API", error.Message);
        Assert.False(asked);
    }

    [Fact]
    public async Task A_provider_that_accepts_an_unsigned_token_is_named_in_the_detail()
    {
        var provider = new MemoryProvider();
        provider.Breaks.Add("no-auth");
        var checks = await RunAsync(provider);
        var check = checks.Single(c => c.Check == "AuthForgedToken");
        Assert.Equal(ProviderCheckOutcome.Failed, check.Outcome);
        Assert.Contains("HTTP 200", check.Detail);
    }
}
