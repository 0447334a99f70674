using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Authentication;

/// <summary>
/// Waits on a loopback port for the browser to come back to a redirect URI (http://localhost or
/// http://127.0.0.1), answers it with a short page, and hands over the query of that one request.
/// Requests to other paths (a browser's favicon) get a 404 and the wait goes on.
/// </summary>
internal sealed class LoopbackRedirectListener : IDisposable
{
    private const int MaxRequestBytes = 32 * 1024;
    private readonly List<TcpListener> _listeners = new List<TcpListener>();
    private readonly string _path;

    private LoopbackRedirectListener(Uri redirectUri, string path)
    {
        RedirectUri = redirectUri;
        _path = path;
    }

    /// <summary>The redirect URI with the port actually listened on.</summary>
    public Uri RedirectUri { get; }

    /// <summary>
    /// Listens for <paramref name="requested"/>: on its port, or on a free one when it names none
    /// (a registered http://localhost matches any port). localhost is listened for on IPv4 and IPv6.
    /// </summary>
    public static LoopbackRedirectListener Start(Uri requested)
    {
        var first = new TcpListener(IPAddress.Loopback, requested.IsDefaultPort ? 0 : requested.Port);
        first.Start();
        var port = ((IPEndPoint)first.LocalEndpoint).Port;
        var path = requested.AbsolutePath;
        var builder = new UriBuilder(requested) { Port = port, Query = string.Empty, Fragment = string.Empty };
        var listener = new LoopbackRedirectListener(builder.Uri, path);
        listener._listeners.Add(first);
        if (string.Equals(requested.Host, "localhost", StringComparison.OrdinalIgnoreCase) && Socket.OSSupportsIPv6)
        {
            try
            {
                var v6 = new TcpListener(IPAddress.IPv6Loopback, port);
                v6.Start();
                listener._listeners.Add(v6);
            }
            catch (SocketException) { /* no IPv6 loopback here: IPv4 serves localhost */ }
        }
        return listener;
    }

    /// <summary>The query parameters of the first request to the redirect path.</summary>
    public async Task<IDictionary<string, string>> WaitAsync(CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<IDictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken)))
        {
            foreach (var listener in _listeners) _ = AcceptLoopAsync(listener, answer);
            return await answer.Task.ConfigureAwait(false);
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, TaskCompletionSource<IDictionary<string, string>> answer)
    {
        while (!answer.Task.IsCompleted)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is InvalidOperationException)
            {
                return; // stopped
            }
            using (client)
            {
                try
                {
                    var query = await ServeAsync(client).ConfigureAwait(false);
                    if (query != null) answer.TrySetResult(query);
                }
                catch (IOException) { /* the browser went away: keep waiting */ }
            }
        }
    }

    /// <summary>Reads one request; answers it; the query when it was for the redirect path, else null.</summary>
    private async Task<IDictionary<string, string>?> ServeAsync(TcpClient client)
    {
        var stream = client.GetStream();
        var head = await ReadHeadAsync(stream).ConfigureAwait(false);
        var end = head.IndexOf("\r\n", StringComparison.Ordinal);
        var requestLine = (end >= 0 ? head.Substring(0, end) : head).Split(' ');
        var target = requestLine.Length >= 2 && requestLine[0] == "GET" ? requestLine[1] : null;
        var question = target?.IndexOf('?') ?? -1;
        var path = target == null ? null : question >= 0 ? target.Substring(0, question) : target;
        if (path == null || !string.Equals(path.TrimEnd('/'), _path.TrimEnd('/'), StringComparison.Ordinal))
        {
            await RespondAsync(stream, "404 Not Found", "Not the redirect address.").ConfigureAwait(false);
            return null;
        }
        await RespondAsync(stream, "200 OK", "The answer came back to GraphSecurity; you can close this window.").ConfigureAwait(false);
        return ParseQuery(question >= 0 ? target!.Substring(question + 1) : "");
    }

    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var buffer = new byte[4096];
        var head = new StringBuilder();
        while (head.Length < MaxRequestBytes)
        {
            var read = await stream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false);
            if (read == 0) break;
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            if (head.ToString().Contains("\r\n\r\n")) break;
        }
        return head.ToString();
    }

    private static async Task RespondAsync(Stream stream, string status, string text)
    {
        var body = Encoding.UTF8.GetBytes($"<!DOCTYPE html><html><head><title>GraphSecurity</title></head><body><p>{WebUtility.HtmlEncode(text)}</p></body></html>");
        var headers = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(headers, 0, headers.Length).ConfigureAwait(false);
        await stream.WriteAsync(body, 0, body.Length).ConfigureAwait(false);
    }

    internal static IDictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&').Where(p => p.Length > 0))
        {
            var eq = pair.IndexOf('=');
            var key = Decode(eq >= 0 ? pair.Substring(0, eq) : pair);
            if (!result.ContainsKey(key)) result[key] = Decode(eq >= 0 ? pair.Substring(eq + 1) : "");
        }
        return result;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    public void Dispose()
    {
        foreach (var listener in _listeners) listener.Stop();
    }
}
