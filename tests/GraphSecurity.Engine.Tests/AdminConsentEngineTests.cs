using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Http;
using Xunit;

namespace GraphSecurity.Engine.Tests;

/// <summary>The partner User-Agent, the admin-consent URL and answer, and the loopback listener.</summary>
public class AdminConsentEngineTests
{
    private static AdminConsentRequest Request(params string[] permissions) => new AdminConsentRequest
    {
        Cloud = CloudEnvironment.Global,
        TenantId = "fabrikam.example",
        ClientId = "5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f",
        Permissions = permissions.Length == 0 ? null : permissions,
    };

    [Theory]
    [InlineData("MdePartner-Contoso-Sentry/1.2", null)]
    [InlineData("MdePartner-Contoso-Sentry/1.2  Helper/0.9-beta", null)]
    [InlineData("Sentry", "'Sentry' is not a product/version token")]
    [InlineData("Sentry/1.2 (Windows)", "'(Windows)' is not a product/version token")]
    [InlineData("Sentry/1.2/3", "'Sentry/1.2/3' is not a product/version token")]
    [InlineData("   ", "it is empty")]
    public void A_partner_user_agent_is_product_version_tokens(string value, string problem) =>
        Assert.Equal(problem, UserAgent.Problem(value));

    [Fact]
    public void The_header_puts_the_partner_before_the_module()
    {
        Assert.Matches(@"^GraphSecurity/\d+\.\d+\.\d+$", UserAgent.ModuleProduct);
        Assert.Equal("A/1 B/2 " + UserAgent.ModuleProduct, UserAgent.For(" A/1   B/2 "));
        Assert.Equal(UserAgent.ModuleProduct, UserAgent.For(null));
        Assert.NotNull(UserAgent.Problem(new string('a', 300) + "/1"));
    }

    [Fact]
    public async Task Every_request_of_a_client_carries_its_user_agent()
    {
        var transport = new FakeTransport(_ => FakeTransport.Json(HttpStatusCode.OK, "{\"value\":[]}"));
        var client = new ApiClient(FakeGraph.Cloud, SecurityApi.Graph, new FixedTokenSource(), transport, null, userAgent: UserAgent.For("MdePartner-Contoso-Sentry/1.2"));
        await client.GetPageAsync<object>(new Uri("https://graph.test/v1.0/security/alerts_v2"), CancellationToken.None);
        var sent = transport.Requests.Single().Headers.UserAgent.ToString();
        Assert.StartsWith("MdePartner-Contoso-Sentry/1.2 " + UserAgent.ModuleProduct, sent);

        var plain = new FakeTransport(_ => FakeTransport.Json(HttpStatusCode.OK, "{\"value\":[]}"));
        await FakeGraph.Client(plain).GetPageAsync<object>(new Uri("https://graph.test/v1.0/security/alerts_v2"), CancellationToken.None);
        Assert.StartsWith(UserAgent.ModuleProduct, plain.Requests.Single().Headers.UserAgent.ToString());
    }

    [Fact]
    public void Without_permissions_the_url_is_v1_and_with_them_v2_with_graph_names_qualified()
    {
        var redirect = new Uri("http://localhost:8400/");
        var v1 = AdminConsent.ConsentUrl(Request(), redirect, "s1");
        Assert.Equal("https://login.microsoftonline.com/fabrikam.example/adminconsent?client_id=5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f&redirect_uri=http%3A%2F%2Flocalhost%3A8400%2F&state=s1",
            v1.AbsoluteUri);
        var v2 = AdminConsent.ConsentUrl(Request("SecurityEvents.Read.All", "https://graph.microsoft.com/.default", "openid", "api://northwind-sentry/.default"), redirect, "s2");
        Assert.StartsWith("https://login.microsoftonline.com/fabrikam.example/v2.0/adminconsent?client_id=", v2.AbsoluteUri);
        var scope = LoopbackRedirectListener.ParseQuery(v2.Query.TrimStart('?'))["scope"];
        Assert.Equal("https://graph.microsoft.com/SecurityEvents.Read.All https://graph.microsoft.com/.default openid api://northwind-sentry/.default", scope);
    }

    [Fact]
    public void The_answer_is_granted_only_with_admin_consent_no_error_and_this_request_s_state()
    {
        var redirect = new Uri("http://localhost:8400/");
        var granted = AdminConsent.Read(Request("User.Read"), redirect, "s", new Dictionary<string, string>
        {
            ["admin_consent"] = "True", ["tenant"] = "d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a", ["state"] = "s", ["scope"] = "https://graph.microsoft.com/User.Read openid",
        });
        Assert.True(granted.Granted);
        Assert.True(granted.StateVerified);
        Assert.Equal("v2", granted.Endpoint);
        Assert.Equal(new[] { "https://graph.microsoft.com/User.Read", "openid" }, granted.Permissions);
        Assert.Equal("d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a", granted.GrantedTenantId);

        var v1 = AdminConsent.Read(Request(), redirect, "s", new Dictionary<string, string> { ["admin_consent"] = "True", ["tenant"] = "t", ["state"] = "s" });
        Assert.Equal(new[] { ".default" }, v1.Permissions);

        var forged = AdminConsent.Read(Request(), redirect, "s", new Dictionary<string, string> { ["admin_consent"] = "True", ["tenant"] = "t", ["state"] = "other" });
        Assert.False(forged.Granted);
        Assert.False(forged.StateVerified);
        Assert.Equal("state_mismatch", forged.Error);
        Assert.Null(forged.GrantedTenantId);

        var declined = AdminConsent.Read(Request(), redirect, "s", new Dictionary<string, string>
        {
            ["admin_consent"] = "True", ["error"] = "access_denied", ["state"] = "s",
            ["error_description"] = "AADSTS65004: User declined to consent to access the app.\r\nTrace ID: x",
        });
        Assert.False(declined.Granted);
        Assert.Equal("AADSTS65004: User declined to consent to access the app.", declined.ErrorDescription);
    }

    [Theory]
    [InlineData("http://localhost/", null)]
    [InlineData("http://127.0.0.1:9000/cb", null)]
    [InlineData("https://localhost/", "not an http://")]
    [InlineData("http://partner.example/cb", "not localhost")]
    [InlineData("http://localhost/cb?x=1", "query or fragment")]
    public void Only_a_loopback_http_redirect_can_receive_the_answer(string uri, string problem)
    {
        var found = AdminConsent.RedirectProblem(new Uri(uri));
        if (problem == null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }

    [Fact]
    public async Task The_listener_answers_other_paths_404_and_hands_over_the_redirect_s_query()
    {
        using (var listener = LoopbackRedirectListener.Start(new Uri("http://127.0.0.1/consent")))
        using (var http = new HttpClient())
        {
            Assert.NotEqual(80, listener.RedirectUri.Port);
            var waiting = listener.WaitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            var other = await http.GetAsync(new Uri(listener.RedirectUri, "/favicon.ico"));
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            Assert.False(waiting.IsCompleted);
            var page = await http.GetStringAsync(listener.RedirectUri.AbsoluteUri + "?admin_consent=True&state=a%2Bb&scope=x+y");
            Assert.Contains("you can close this window", page);
            var query = await waiting;
            Assert.Equal("a+b", query["state"]);
            Assert.Equal("x y", query["scope"]);
        }
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_clear_failure()
    {
        var request = Request();
        request.Timeout = TimeSpan.FromMilliseconds(300);
        request.ShowUrl = _ => { };
        var failure = await Assert.ThrowsAsync<AuthenticationFailedException>(() => AdminConsent.RequestAsync(request, CancellationToken.None));
        Assert.Contains("No answer to the admin-consent request came back", failure.Message);
    }
}
