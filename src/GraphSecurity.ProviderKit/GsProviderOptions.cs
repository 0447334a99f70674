namespace GraphSecurity.ProviderKit;

/// <summary>How a provider built on the kit describes itself, whom it trusts and how it behaves.</summary>
public sealed class GsProviderOptions
{
    /// <summary>The contract this kit implements.</summary>
    public const string Contract = "gsprov/1";

    /// <summary>The app id the broker calls as (Microsoft Graph's).</summary>
    public const string GraphAppId = "00000003-0000-0000-c000-000000000000";

    public string Vendor { get; set; }
    public string Provider { get; set; }
    public string ProviderVersion { get; set; }

    /// <summary>The provider's app (client) id; tokens with this audience are accepted too.</summary>
    public string AppId { get; set; }

    /// <summary>The provider's app-id URI, e.g. <c>api://northwind-sentry</c>: the audience of the broker's tokens.</summary>
    public string Audience { get; set; }

    /// <summary>The identity platform that issues the broker's tokens (its JWKS is at <c>{authority}/common/discovery/v2.0/keys</c>).</summary>
    public Uri Authority { get; set; }

    /// <summary>
    /// SHA-1 thumbprint (hex) of the authority's TLS certificate: that certificate is accepted even when it does not
    /// chain to a trusted root (the emulator's is self-signed). Also applies to the broker.
    /// </summary>
    public string AuthorityThumbprint { get; set; }

    /// <summary>Replaces the HTTP handler for calls to the authority and the broker (tests supply an in-memory one).</summary>
    public Func<HttpMessageHandler> BackchannelHandler { get; set; }

    /// <summary>Allowed clock difference when checking a token's lifetime.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Apps allowed to call (the token's <c>appid</c>), e.g. only <see cref="GraphAppId"/> (the broker). Empty, the
    /// default, accepts any app the authority issued a token for this provider's audience to.
    /// </summary>
    public IList<string> AllowedCallerAppIds { get; } = new List<string>();

    /// <summary>The broker to notify of alert changes (e.g. the emulator's URL); null turns notifications off.</summary>
    public Uri BrokerUrl { get; set; }

    /// <summary>The provider app's home tenant, where it gets its own token for notifications.</summary>
    public string HomeTenantId { get; set; }

    /// <summary>The provider app's client secret (for the notification token only; never logged).</summary>
    public string ClientSecret { get; set; }

    /// <summary>Notifications waiting to be sent; beyond this the oldest are dropped.</summary>
    public int NotificationQueueCapacity { get; set; } = 1000;

    /// <summary>Attempts per notification batch before it is dropped.</summary>
    public int NotificationAttempts { get; set; } = 4;

    /// <summary>Delay before the first retry; each further retry waits twice as long.</summary>
    public TimeSpan NotificationRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an action stays notStarted before it runs.</summary>
    public TimeSpan ActionStartDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long an action stays running before its effect is applied and it completes.</summary>
    public TimeSpan ActionRunDuration { get; set; } = TimeSpan.FromMilliseconds(700);

    /// <summary>Largest request body accepted.</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Deliberate departures from the contract, for exercising a conformance checker. All off by default.</summary>
    public ContractDeviations Deviations { get; } = new();

    /// <summary>Refuses options that cannot work, naming the missing one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Vendor)) throw new InvalidOperationException("GsProviderOptions.Vendor is required.");
        if (string.IsNullOrWhiteSpace(Provider)) throw new InvalidOperationException("GsProviderOptions.Provider is required.");
        if (string.IsNullOrWhiteSpace(ProviderVersion)) throw new InvalidOperationException("GsProviderOptions.ProviderVersion is required.");
        if (string.IsNullOrWhiteSpace(Audience) && string.IsNullOrWhiteSpace(AppId))
            throw new InvalidOperationException("GsProviderOptions needs Audience or AppId (the audience of the broker's tokens).");
        if (Authority == null && !Deviations.SkipAuthentication)
            throw new InvalidOperationException("GsProviderOptions.Authority is required (the identity platform that signs the broker's tokens).");
        if (Authority != null && !Authority.IsAbsoluteUri) throw new InvalidOperationException("GsProviderOptions.Authority must be an absolute URL.");
        if (BrokerUrl != null)
        {
            if (!BrokerUrl.IsAbsoluteUri) throw new InvalidOperationException("GsProviderOptions.BrokerUrl must be an absolute URL.");
            if (Authority == null || string.IsNullOrWhiteSpace(HomeTenantId) || string.IsNullOrWhiteSpace(ClientSecret) || string.IsNullOrWhiteSpace(AppId))
                throw new InvalidOperationException("Notifications to BrokerUrl need Authority, HomeTenantId, AppId and ClientSecret.");
        }
        if (NotificationQueueCapacity < 1) throw new InvalidOperationException("NotificationQueueCapacity must be at least 1.");
        if (NotificationAttempts < 1) throw new InvalidOperationException("NotificationAttempts must be at least 1.");
        if (ActionStartDelay < TimeSpan.Zero || ActionRunDuration < TimeSpan.Zero) throw new InvalidOperationException("Action timings cannot be negative.");
    }

    /// <summary>The audiences a token may carry: the app-id URI (with or without a final slash) and the client id.</summary>
    public IReadOnlyList<string> AcceptedAudiences =>
        new[] { Audience, Audience?.TrimEnd('/') + "/", AppId }.Where(a => !string.IsNullOrWhiteSpace(a) && a != "/").Distinct().ToList();
}

/// <summary>
/// Switches that make the endpoint break one rule of the contract each. They exist so a conformance checker can be
/// shown to catch each mistake; a real provider leaves them all off.
/// </summary>
public sealed class ContractDeviations
{
    /// <summary>Accepts requests without a token (answering for <see cref="UnauthenticatedTenantId"/>).</summary>
    public bool SkipAuthentication { get; set; }

    /// <summary>The tenant served when <see cref="SkipAuthentication"/> is on and no token came.</summary>
    public string UnauthenticatedTenantId { get; set; }

    /// <summary>PATCH accepts fields other than the editable ones (and ignores them).</summary>
    public bool AcceptReadOnlyFields { get; set; }

    /// <summary>PATCH does not require vendorInformation.</summary>
    public bool SkipVendorCheck { get; set; }

    /// <summary>PATCH answers 204 without the updated alert.</summary>
    public bool NoPatchEcho { get; set; }

    /// <summary>Errors are plain text instead of the JSON error shape.</summary>
    public bool PlainTextErrors { get; set; }

    /// <summary>Actions are accepted but never leave notStarted.</summary>
    public bool ActionsNeverStart { get; set; }

    /// <summary>Cancelling a finished action answers 200 instead of 409.</summary>
    public bool CancelFinishedActions { get; set; }
}
