using GraphSecurity.ProviderKit.Auth;

namespace GraphSecurity.ProviderKit.Tests;

public sealed class AuthTests : IDisposable
{
    private readonly TestAuthority _authority = new();
    private readonly ProviderTokenValidator _validator;

    public AuthTests()
    {
        var options = new GsProviderOptions
        {
            Vendor = "Northwind Security", Provider = "Sentry Firewall", ProviderVersion = "1.2",
            AppId = TestAuthority.SentryAppId, Audience = TestAuthority.Audience, Authority = TestAuthority.Url,
        };
        _validator = new ProviderTokenValidator(options, new HttpClient(_authority.Handler, disposeHandler: false));
    }

    public void Dispose() => _authority.Dispose();

    private Task<ProviderCaller> Validate(string token) => _validator.ValidateAsync("Bearer " + token, CancellationToken.None);

    private async Task<string> Refused(string header)
    {
        var e = await Assert.ThrowsAsync<ProviderException>(() => _validator.ValidateAsync(header, CancellationToken.None));
        Assert.Equal(401, e.StatusCode);
        Assert.Equal(ProviderErrorCodes.InvalidAuthenticationToken, e.Code);
        return e.Message;
    }

    [Fact]
    public async Task AGoodTokenNamesTenantAndApp()
    {
        var caller = await Validate(_authority.Mint());
        Assert.Equal(TestAuthority.Contoso, caller.TenantId);
        Assert.Equal(TestAuthority.GraphAppId, caller.AppId);
        Assert.Equal(TestAuthority.Audience, caller.Audience);
    }

    [Fact]
    public async Task TheClientIdIsAnAcceptedAudience() =>
        Assert.Equal(TestAuthority.SentryAppId, (await Validate(_authority.Mint(audience: TestAuthority.SentryAppId))).Audience);

    [Fact]
    public async Task KeysAreFetchedOnceAndReused()
    {
        await Validate(_authority.Mint());
        await Validate(_authority.Mint(TestAuthority.Fabrikam));
        Assert.Equal(1, _authority.KeyFetches);
    }

    [Fact]
    public async Task MissingOrMalformedHeaderIs401()
    {
        Assert.Contains("no bearer token", await Refused(null));
        Assert.Contains("Bearer <token>", await Refused("Basic dXNlcjpwYXNz"));
        Assert.Contains("not a JWT", await Refused("Bearer not-a-token"));
        Assert.Contains("not a JWT", await Refused("Bearer abc.def.ghi"));
        Assert.Contains("not a JWT", await Refused("Bearer eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln"));
    }

    [Fact]
    public async Task WrongAudienceIs401()
    {
        var message = await Refused("Bearer " + _authority.Mint(audience: "https://graph.microsoft.com"));
        Assert.Contains("audience 'https://graph.microsoft.com'", message);
    }

    [Fact]
    public async Task ExpiredTokenIs401() =>
        Assert.Contains("expired", await Refused("Bearer " + _authority.Mint(expires: DateTimeOffset.UtcNow.AddMinutes(-5))));

    [Fact]
    public async Task IssuerOfAnotherTenantIs401() =>
        Assert.Contains("issuer", await Refused("Bearer " + _authority.Mint(issuer: $"https://sts.windows.net/{TestAuthority.Fabrikam}/")));

    [Fact]
    public async Task ForeignIssuerIs401() =>
        Assert.Contains("issuer", await Refused("Bearer " + _authority.Mint(issuer: "https://login.example/evil/")));

    [Fact]
    public async Task TokenSignedByAnotherKeyIs401()
    {
        var message = await Refused("Bearer " + _authority.Mint(key: TestAuthority.OtherKey()));
        Assert.Contains("signature", message);
    }

    [Fact]
    public async Task AnUnknownKeyIdMakesTheValidatorLookAgainButStillRefuses()
    {
        await Validate(_authority.Mint());
        await Refused("Bearer " + _authority.Mint(key: TestAuthority.OtherKey("rotated-key")));
        // The refetch is rate limited: one fetch at start, none more within the interval.
        Assert.Equal(1, _authority.KeyFetches);
    }

    [Fact]
    public async Task OtherAlgorithmsAreRefused()
    {
        var hmac = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(new byte[32]) { KeyId = "h" };
        var message = await Refused("Bearer " + _authority.Mint(key: hmac, algorithm: Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256));
        Assert.Contains("RS256", message);
    }

    [Fact]
    public async Task TheTokenNeverAppearsInTheError()
    {
        var token = _authority.Mint(expires: DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.DoesNotContain(token, await Refused("Bearer " + token));
    }
}
