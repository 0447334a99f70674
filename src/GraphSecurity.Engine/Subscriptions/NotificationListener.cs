using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Subscriptions;

/// <summary>
/// An HTTP endpoint for Graph change notifications. It answers the validation request with the
/// decoded token as text/plain, accepts notifications only with a registered clientState (others
/// are dropped and counted), acknowledges every delivery with 202 at once and queues the accepted
/// notifications for the consumer. It binds loopback unless another address is given.
/// </summary>
public sealed class NotificationListener : IDisposable
{
    private readonly HttpListener _listener = new HttpListener();
    private readonly HashSet<string> _clientStates = new HashSet<string>(StringComparer.Ordinal);
    private int _dropped, _validations;

    /// <param name="address">The address to bind, e.g. 127.0.0.1 (the default of the cmdlet), or + for every address.</param>
    /// <param name="port">The TCP port; 0 picks a free one.</param>
    /// <param name="path">The URL path notifications are posted to.</param>
    public NotificationListener(string address, int port, string path)
    {
        if (port == 0) port = FreePort();
        var host = address == "+" || address == "*" ? address : (IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address);
        path = "/" + (path ?? "").Trim('/') + "/";
        _listener.Prefixes.Add($"http://{host}:{port}{path.Replace("//", "/")}");
        var visibleHost = host == "+" || host == "*" ? Dns.GetHostName() : host;
        Url = new Uri($"http://{visibleHost}:{port}{path.Replace("//", "/")}");
    }

    /// <summary>The URL the listener answers on.</summary>
    public Uri Url { get; }

    /// <summary>Accepted notifications, in arrival order.</summary>
    public BlockingCollection<ChangeNotification> Received { get; } = new BlockingCollection<ChangeNotification>();

    /// <summary>Notifications dropped because their clientState matched no subscription's.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Validation requests answered.</summary>
    public int Validations => Volatile.Read(ref _validations);

    public void AcceptClientState(string clientState)
    {
        if (Strings.IsNullOrEmpty(clientState)) return;
        lock (_clientStates) _clientStates.Add(clientState);
    }

    public void Start()
    {
        _listener.Start();
        Task.Run(AcceptLoop);
    }

    private async Task AcceptLoop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception ex) when (ex is HttpListenerException || ex is ObjectDisposedException || ex is InvalidOperationException) { return; }
            _ = Task.Run(() => Handle(context));
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var request = context.Request;
            if (request.HttpMethod != "POST") { response.StatusCode = 405; return; }
            // The handshake: answer with the decoded token, as plain text, at once.
            var token = request.QueryString["validationToken"];
            if (token != null)
            {
                Interlocked.Increment(ref _validations);
                var bytes = Encoding.UTF8.GetBytes(token);
                response.StatusCode = 200;
                response.ContentType = "text/plain; charset=utf-8";
                response.ContentLength64 = bytes.Length;
                response.OutputStream.Write(bytes, 0, bytes.Length);
                return;
            }
            string body;
            using (var reader = new StreamReader(request.InputStream, Encoding.UTF8)) body = reader.ReadToEnd();
            List<Incoming> notifications;
            try { notifications = ParseCollection(body); }
            catch (JsonException) { response.StatusCode = 400; return; }
            // Acknowledge first: the service expects an answer within 3 s, whatever the consumer is doing.
            response.StatusCode = 202;
            response.Close();
            response = null;
            foreach (var notification in notifications)
            {
                bool accepted;
                lock (_clientStates) accepted = notification.ClientState != null && _clientStates.Contains(notification.ClientState);
                if (!accepted) { Interlocked.Increment(ref _dropped); continue; }
                try { Received.Add(notification.Notification); } catch (InvalidOperationException) { return; }
            }
        }
        catch (Exception ex) when (ex is HttpListenerException || ex is IOException || ex is ObjectDisposedException) { }
        finally
        {
            try { response?.Close(); } catch (Exception ex) when (ex is HttpListenerException || ex is ObjectDisposedException || ex is InvalidOperationException) { }
        }
    }

    private sealed class Incoming
    {
        public Incoming(string? clientState, ChangeNotification notification) { ClientState = clientState; Notification = notification; }
        public string? ClientState { get; }
        public ChangeNotification Notification { get; }
    }

    private static List<Incoming> ParseCollection(string body)
    {
        var result = new List<Incoming>();
        using (var document = JsonDocument.Parse(body))
        {
            if (!document.RootElement.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
                throw new JsonException("A change notification collection has a 'value' array.");
            foreach (var item in value.EnumerateArray())
            {
                var notification = new ChangeNotification
                {
                    SubscriptionId = Text(item, "subscriptionId"),
                    ChangeType = Text(item, "changeType"),
                    Resource = Text(item, "resource"),
                    TenantId = Text(item, "tenantId"),
                    LifecycleEvent = Text(item, "lifecycleEvent"),
                    ReceivedDateTime = DateTimeOffset.UtcNow,
                };
                if (DateTimeOffset.TryParse(Text(item, "subscriptionExpirationDateTime"), out var expires)) notification.SubscriptionExpirationDateTime = expires;
                if (item.TryGetProperty("resourceData", out var data) && data.ValueKind == JsonValueKind.Object) notification.ResourceId = Text(data, "id");
                result.Add(new Incoming(Text(item, "clientState"), notification));
            }
        }
        return result;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try { return ((IPEndPoint)probe.LocalEndpoint).Port; }
        finally { probe.Stop(); }
    }

    public void Dispose()
    {
        Received.CompleteAdding();
        try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
    }
}
