using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Subscriptions;

namespace GraphSecurity.Commands.Subscriptions;

/// <summary>
/// <para type="synopsis">Hosts an HTTP listener for change notifications and writes each accepted notification to the pipeline.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "GsNotification")]
[GraphPermission("change notifications on security alerts", "SecurityEvents.ReadWrite.All")]
[OutputType(typeof(ChangeNotification))]
public sealed class ReceiveGsNotificationCommand : GsConnectedCmdlet
{
    /// <summary>The address to listen on: loopback unless another one is asked for (+ means every address).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>The URL path to listen on.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Path { get; set; } = "/graphsecurity/notifications/";

    /// <summary>Subscriptions whose notifications to accept (their ClientState); from New-GsSubscription or Get-GsSubscription.</summary>
    [Parameter(ValueFromPipeline = true)]
    public Subscription[] Subscription { get; set; }

    /// <summary>clientState values to accept, besides those of -Subscription and -Subscribe.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] ClientState { get; set; }

    /// <summary>Create a subscription on security alerts for this listener's URL, and remove it when the command ends.</summary>
    [Parameter]
    public SwitchParameter Subscribe { get; set; }

    /// <summary>With -Subscribe: the resource (default "security/alerts", every alert).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Resource { get; set; } = "security/alerts";

    /// <summary>With -Subscribe: the change types.</summary>
    [Parameter]
    public SubscriptionChangeType[] ChangeType { get; set; } = { SubscriptionChangeType.Created, SubscriptionChangeType.Updated };

    /// <summary>With -Subscribe: minutes until the subscription expires; it is renewed for as long again when three quarters of that have passed.</summary>
    [Parameter]
    [ValidateRange(1, SubscriptionService.MaxLifetimeMinutes)]
    public int ExpiresIn { get; set; } = 60;

    /// <summary>With -Subscribe: the URL Graph posts to, when it is not the listener's own (e.g. a reverse proxy or tunnel in front of it).</summary>
    [Parameter]
    public Uri NotificationUrl { get; set; }

    /// <summary>Read each notified alert and attach it to the notification.</summary>
    [Parameter]
    public SwitchParameter Resolve { get; set; }

    /// <summary>Stop after this many notifications.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Stop after this many seconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Timeout { get; set; }

    private NotificationListener _listener;
    private Engine.Connections.GraphConnection _connection;
    private Subscription _own;

    protected override void BeginProcessing()
    {
        _connection = GraphConnection;
        try
        {
            _listener = new NotificationListener(Address, Port, Path);
            _listener.Start();
        }
        catch (Exception ex) when (ex is HttpListenerException || ex is System.Net.Sockets.SocketException || ex is UriFormatException)
        {
            ThrowTerminatingError(ErrorRecords.Create(ex, ErrorIds.ListenerFailed, ErrorCategory.ResourceUnavailable, $"{Address}:{Port}",
                $"Could not listen on {Address}:{Port}: {ex.Message}", "Choose another -Port, or free the port."));
        }
        WriteVerbose($"Listening on {_listener.Url}");
        foreach (var state in ClientState ?? new string[0]) _listener.AcceptClientState(state);
    }

    protected override void ProcessRecord()
    {
        foreach (var subscription in Subscription ?? new Subscription[0]) _listener.AcceptClientState(subscription.ClientState);
    }

    protected override void EndProcessing()
    {
        try
        {
            if (Subscribe) CreateOwnSubscription();
            Listen();
        }
        finally { Cleanup(); }
    }

    private void CreateOwnSubscription()
    {
        var service = new SubscriptionService(_connection.Graph);
        var url = (NotificationUrl ?? _listener.Url).AbsoluteUri;
        var request = SubscriptionService.NewRequest(Resource, ChangeType, url, SubscriptionService.ExpirationIn(ExpiresIn, DateTimeOffset.UtcNow));
        _listener.AcceptClientState(request.ClientState);
        try { _own = Run(token => service.CreateAsync(request, token)); }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) { ThrowTerminatingError(CreateErrorRecord(ex, url, _connection)); }
        WriteVerbose($"Subscription {_own.Id} on {_own.Resource} until {_own.ExpirationDateTime:u}.");
    }

    private void Listen()
    {
        var service = new SubscriptionService(_connection.Graph);
        var limit = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : int.MaxValue;
        var clock = Stopwatch.StartNew();
        var timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? TimeSpan.FromSeconds(Timeout) : (TimeSpan?)null;
        var written = 0;
        var renewAt = RenewalTime();
        Run(async token =>
        {
            while (written < limit)
            {
                var remaining = timeout.HasValue ? timeout.Value - clock.Elapsed : TimeSpan.MaxValue;
                if (remaining <= TimeSpan.Zero) return;
                var untilRenewal = renewAt.HasValue ? renewAt.Value - DateTimeOffset.UtcNow : TimeSpan.MaxValue;
                if (untilRenewal <= TimeSpan.Zero)
                {
                    renewAt = await RenewOwnSubscriptionAsync(service, token).ConfigureAwait(false);
                    continue;
                }
                var waitFor = remaining < untilRenewal ? remaining : untilRenewal;
                var wait = waitFor == TimeSpan.MaxValue ? -1 : (int)Math.Min(int.MaxValue, Math.Ceiling(waitFor.TotalMilliseconds));
                var notification = await Task.Run(() => _listener.Received.TryTake(out var item, wait, token) ? item : null, token).ConfigureAwait(false);
                if (notification == null) continue; // the time-out or the renewal is due: the loop checks which
                notification.ConnectionName = _connection.Name;
                if (Resolve && !string.IsNullOrEmpty(notification.ResourceId))
                {
                    try { notification.Alert = await service.GetAlertAsync(notification.ResourceId, token).ConfigureAwait(false); }
                    catch (Exception ex) when (!(ex is OperationCanceledException))
                    {
                        Post(() => WriteErrorFor(ex, notification, _connection));
                    }
                }
                written++;
                Post(() => WriteObject(notification));
            }
        });
    }

    /// <summary>When the subscription this command created is due for renewal: after three quarters of its remaining lifetime.</summary>
    private DateTimeOffset? RenewalTime()
    {
        if (_own == null) return null;
        var now = DateTimeOffset.UtcNow;
        return now + TimeSpan.FromTicks(Math.Max(0, (_own.ExpirationDateTime - now).Ticks) * 3 / 4);
    }

    /// <summary>Extends the command's own subscription by -ExpiresIn; after a failure it is not tried again (the subscription then lapses).</summary>
    private async Task<DateTimeOffset?> RenewOwnSubscriptionAsync(SubscriptionService service, CancellationToken token)
    {
        try
        {
            _own = await service.RenewAsync(_own.Id, SubscriptionService.ExpirationIn(ExpiresIn, DateTimeOffset.UtcNow), token).ConfigureAwait(false);
            var renewed = _own;
            Post(() => WriteVerbose($"Renewed subscription {renewed.Id} until {renewed.ExpirationDateTime:u}."));
            return RenewalTime();
        }
        catch (Exception ex) when (!(ex is OperationCanceledException))
        {
            var lapsing = _own;
            Post(() => WriteWarning($"Could not renew the subscription {lapsing.Id}; notifications stop when it expires at {lapsing.ExpirationDateTime:u}. ({ex.Message})"));
            return null;
        }
    }

    private void Cleanup()
    {
        var dropped = _listener?.Dropped ?? 0;
        _listener?.Dispose();
        if (dropped > 0)
            WriteWarning($"{dropped} notification(s) were dropped because their clientState matched no subscription of this receiver.");
        if (_own == null) return;
        // Runs after Ctrl+C too, so it cannot use the cancelled token; it gives up after 15 s.
        using (var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                Task.Run(() => new SubscriptionService(_connection.Graph).DeleteAsync(_own.Id, cancel.Token)).GetAwaiter().GetResult();
                WriteVerbose($"Removed subscription {_own.Id}.");
            }
            catch (Exception ex)
            {
                WriteWarning($"Could not remove the subscription {_own.Id}; it expires at {_own.ExpirationDateTime:u}. Remove it with Remove-GsSubscription -Id {_own.Id}. ({ex.Message})");
            }
        }
    }
}
