using System.Net;
using GraphSecurity.ProviderKit.Models;
using GraphSecurity.ProviderKit.Notifications;
using Microsoft.Extensions.Logging.Abstractions;

namespace GraphSecurity.ProviderKit.Tests;

public sealed class NotificationTests : IAsyncLifetime
{
    private readonly TestAuthority _authority = new();
    private readonly GsProviderOptions _options = new()
    {
        Vendor = "Northwind Security", Provider = "Sentry Firewall", ProviderVersion = "1.2",
        AppId = TestAuthority.SentryAppId, Audience = TestAuthority.Audience, Authority = TestAuthority.Url,
        BrokerUrl = new Uri("https://authority.test"), HomeTenantId = TestAuthority.Northwind, ClientSecret = "test-secret",
        NotificationRetryDelay = TimeSpan.FromMilliseconds(10), NotificationAttempts = 3,
    };
    private BrokerNotifier _notifier;

    private BrokerNotifier Notifier => _notifier ??= new BrokerNotifier(_options, new HttpClient(_authority.Handler, disposeHandler: false), NullLogger<BrokerNotifier>.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_notifier != null)
        {
            await _notifier.StopAsync(CancellationToken.None);
            _notifier.Dispose();
        }
        _authority.Dispose();
    }

    private static ProviderAlert Alert(string id) => new() { Id = id, Title = "t", AzureTenantId = TestAuthority.Contoso };

    /// <summary>Scripts the broker's answers, starts the notifier and queues one change.</summary>
    private async Task Notify(string id, params HttpStatusCode[] answers)
    {
        foreach (var answer in answers) _authority.NotificationAnswers.Enqueue(answer);
        await Notifier.StartAsync(CancellationToken.None);
        Notifier.AlertUpdated(TestAuthority.Contoso, Alert(id));
    }

    [Fact]
    public async Task ANotificationIsPostedWithTheAppsOwnToken()
    {
        await Notifier.StartAsync(CancellationToken.None);
        Notifier.AlertCreated(TestAuthority.Contoso, Alert("a1"));
        Assert.True(await TestAuthority.WaitFor(() => Notifier.Sent == 1));

        Assert.True(_authority.TokenForms.TryPeek(out var form));
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(TestAuthority.SentryAppId, form["client_id"]);
        Assert.Equal("https://graph.microsoft.com/.default", form["scope"]);
        Assert.Equal("test-secret", form["client_secret"]);

        Assert.True(_authority.Notifications.TryPeek(out var posted));
        Assert.StartsWith("Bearer ey", posted.Authorization);
        var item = posted.Body.RootElement.GetProperty("value")[0];
        Assert.Equal("created", item.GetProperty("changeType").GetString());
        Assert.Equal(TestAuthority.Contoso, item.GetProperty("tenantId").GetString());
        Assert.Equal("alerts/a1", item.GetProperty("resource").GetString());
        Assert.Equal("a1", item.GetProperty("alert").GetProperty("id").GetString());
    }

    [Fact]
    public async Task TheTokenIsReusedAcrossBatches()
    {
        await Notifier.StartAsync(CancellationToken.None);
        Notifier.AlertCreated(TestAuthority.Contoso, Alert("a1"));
        Assert.True(await TestAuthority.WaitFor(() => Notifier.Sent == 1));
        Notifier.AlertUpdated(TestAuthority.Contoso, Alert("a1"));
        Assert.True(await TestAuthority.WaitFor(() => Notifier.Sent == 2));
        Assert.Equal(1, _authority.TokenRequests);
    }

    [Fact]
    public async Task ServerErrorsAndThrottlingAreRetried()
    {
        await Notify("a2", HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests);
        Assert.True(await TestAuthority.WaitFor(() => Notifier.Sent == 1, 8000));
        Assert.Equal(3, _authority.Notifications.Count);
        Assert.Equal(0, Notifier.Failed);
    }

    [Fact]
    public async Task Unauthorized401GetsANewTokenOnce()
    {
        await Notify("a3", HttpStatusCode.Unauthorized);
        Assert.True(await TestAuthority.WaitFor(() => Notifier.Sent == 1));
        Assert.Equal(2, _authority.TokenRequests);
    }

    [Fact]
    public async Task ARefusalIsNotRetried()
    {
        await Notify("a4", HttpStatusCode.Forbidden);
        Assert.True(await TestAuthority.WaitFor(() => Notifier.Failed == 1));
        Assert.Single(_authority.Notifications);
        Assert.Equal(0, Notifier.Sent);
    }

    [Fact]
    public async Task GivingUpAfterTheLastAttempt()
    {
        await Notify("a5", Enumerable.Repeat(HttpStatusCode.BadGateway, 5).ToArray());
        Assert.True(await TestAuthority.WaitFor(() => Notifier.Failed == 1));
        Assert.Equal(3, _authority.Notifications.Count);
    }

    [Fact]
    public void TheQueueIsBoundedDroppingTheOldest()
    {
        _options.NotificationQueueCapacity = 2;
        for (var i = 0; i < 5; i++) Notifier.AlertCreated(TestAuthority.Contoso, Alert("q" + i));
        Assert.Equal(3, Notifier.Dropped);
    }

    [Fact]
    public async Task WithoutABrokerNothingIsSent()
    {
        _options.BrokerUrl = null;
        await Notifier.StartAsync(CancellationToken.None);
        Notifier.AlertCreated(TestAuthority.Contoso, Alert("n"));
        await Task.Delay(200);
        Assert.Empty(_authority.Notifications);
        Assert.Equal(0, _authority.TokenRequests);
    }
}
