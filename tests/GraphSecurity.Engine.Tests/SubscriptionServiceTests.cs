using System;
using System.Linq;
using GraphSecurity.Engine.Subscriptions;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class SubscriptionServiceTests
{
    [Fact]
    public void No_filters_subscribe_to_every_alert()
    {
        Assert.Equal("security/alerts", SubscriptionService.AlertResource(null, null, null, null));
    }

    [Fact]
    public void Typed_filters_are_quoted_and_and_ed_with_the_raw_one_in_parentheses()
    {
        var resource = SubscriptionService.AlertResource(new[] { "high", "medium" }, null, new[] { "O'Neil Sensors" }, "category eq 'Malware' or category eq 'Ransomware'");
        Assert.Equal("security/alerts?$filter=(category eq 'Malware' or category eq 'Ransomware') and (severity eq 'high' or severity eq 'medium') and vendorInformation/provider eq 'O''Neil Sensors'", resource);
    }

    [Fact]
    public void The_maximum_lifetime_keeps_a_minute_of_margin_and_shorter_ones_are_exact()
    {
        var now = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddMinutes(43199), SubscriptionService.ExpirationIn(SubscriptionService.MaxLifetimeMinutes, now));
        Assert.Equal(now.AddMinutes(90), SubscriptionService.ExpirationIn(90, now));
    }

    [Fact]
    public void Generated_client_states_are_random_url_safe_and_fit_the_limit()
    {
        var states = Enumerable.Range(0, 50).Select(_ => SubscriptionService.NewClientState()).ToList();
        Assert.Equal(50, states.Distinct().Count());
        Assert.All(states, s => Assert.Matches("^[A-Za-z0-9_-]{43}$", s));
    }

    [Fact]
    public void A_request_spells_change_types_as_the_service_does_and_keeps_a_given_client_state()
    {
        var request = SubscriptionService.NewRequest("security/alerts", new[] { SubscriptionChangeType.Created, SubscriptionChangeType.Updated, SubscriptionChangeType.Created },
            "https://hooks.test/x", DateTimeOffset.UtcNow.AddHours(1), "mine");
        Assert.Equal("created,updated", request.ChangeType);
        Assert.Equal("mine", request.ClientState);
    }
}
