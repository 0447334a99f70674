using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.Tests;

/// <summary>An HTTP transport that answers from a function and records every request.</summary>
internal sealed class FakeTransport : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, HttpResponseMessage> _answer;
    public List<HttpRequestMessage> Requests { get; } = new List<HttpRequestMessage>();
    public List<string> Bodies { get; } = new List<string>();

    public FakeTransport(Func<HttpRequestMessage, HttpResponseMessage> answer) { _answer = answer; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        Bodies.Add(request.Content == null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
        var response = _answer(request);
        response.RequestMessage = request;   // as the real handler does; the retry handler replays it
        return response;
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string, string)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }
}

internal sealed class FixedTokenSource : ITokenSource
{
    public int Calls;
    public readonly System.Collections.Concurrent.ConcurrentBag<string> Resources = new System.Collections.Concurrent.ConcurrentBag<string>();
    public Task<AccessToken> GetTokenAsync(string resource, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        Resources.Add(resource);
        return Task.FromResult(new AccessToken("test-token", DateTimeOffset.UtcNow.AddHours(1)));
    }
}

internal sealed class RecordingLog : IEngineLog
{
    public List<string> Lines { get; } = new List<string>();
    public void Verbose(string message) { lock (Lines) Lines.Add(message); }
    public void Warning(string message) { lock (Lines) Lines.Add("WARNING: " + message); }
    public void Debug(string message) { }
}

internal static class FakeGraph
{
    public static readonly Uri Endpoint = new Uri("https://graph.test/");

    /// <summary>A cloud whose Graph is graph.test (and no other API).</summary>
    public static readonly CloudEnvironment Cloud = CloudEnvironment.Custom(new Uri("https://login.test/"), Endpoint, "https://graph.test");

    public static ApiClient Client(FakeTransport transport, ITokenSource tokens = null) =>
        new ApiClient(Cloud, SecurityApi.Graph, tokens ?? new FixedTokenSource(), transport, null);
}
