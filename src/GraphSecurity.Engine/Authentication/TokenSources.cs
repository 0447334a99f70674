using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace GraphSecurity.Engine.Authentication;

/// <summary>Builds the token source of a connection request: one MSAL application per connection.</summary>
internal static class TokenSources
{
    public static async Task<ITokenSource> CreateAsync(ConnectionRequest request, TransportFactory transport)
    {
        switch (request.Kind)
        {
            case AuthenticationKind.AccessToken:
                return new StaticTokenSource(request.AccessTokens.Select(t => (request.Cloud.Endpoint(t.Key).Resource, t.Key.ToString(), t.Value)));
            case AuthenticationKind.ManagedIdentity:
                return new ManagedIdentityTokenSource(request, transport);
            case AuthenticationKind.DeviceCode:
            case AuthenticationKind.Interactive:
                var user = new PublicClientTokenSource(request, transport);
                await PersistentTokenCache.AttachAsync(user.Cache, request.TokenCache).ConfigureAwait(false);
                return user;
            default:
                var app = ConfidentialClient(request, transport);
                await PersistentTokenCache.AttachAsync(app.AppTokenCache, request.TokenCache).ConfigureAwait(false);
                return new MsalTokenSource(app);
        }
    }

    private static IConfidentialClientApplication ConfidentialClient(ConnectionRequest request, TransportFactory transport)
    {
        var builder = ConfidentialClientApplicationBuilder.Create(request.ClientId)
            .WithAuthority(Authority(request))
            .WithHttpClientFactory(transport)
            .WithLogging((level, message, pii) => { }, LogLevel.Error, enablePiiLogging: false, enableDefaultPlatformLogging: false);
        if (request.Cloud.IsEmulator) builder = builder.WithInstanceDiscovery(false);

        switch (request.Kind)
        {
            case AuthenticationKind.Certificate:
                var certificate = request.Certificate ?? throw new ArgumentException("The certificate flow needs a certificate.", nameof(request));
                CertificateLocator.RequirePrivateKey(certificate, "the certificate given");
                return builder.WithCertificate(certificate).Build();
            case AuthenticationKind.ClientSecret:
                var secret = request.ClientSecret ?? throw new ArgumentException("The client secret flow needs a client secret.", nameof(request));
                return builder.WithClientSecret(SecureStrings.ToPlain(secret)).Build();
            case AuthenticationKind.FederatedToken:
                var path = request.FederatedTokenFile ?? throw new ArgumentException("The federated token flow needs a token file.", nameof(request));
                // Read on every token request: the platform rotates the file (GitHub Actions, Kubernetes).
                return builder.WithClientAssertion((AssertionRequestOptions options) => ReadAssertionAsync(path)).Build();
            default:
                throw new ArgumentException($"{request.Kind} is not an app-only flow.");
        }
    }

    internal static string Authority(ConnectionRequest request) =>
        new Uri(request.Cloud.LoginEndpoint, request.TenantId ?? "organizations").ToString();

    private static Task<string> ReadAssertionAsync(string path)
    {
        if (!File.Exists(path))
            throw new AuthenticationFailedException($"The federated token file '{path}' does not exist.",
                "Check AZURE_FEDERATED_TOKEN_FILE or -FederatedTokenFile: the platform writes the token there.");
        return Task.FromResult(File.ReadAllText(path).Trim());
    }
}

/// <summary>
/// A user's tokens: signed in once (device code or browser) for Microsoft Graph, then renewed
/// silently from MSAL's cache. Another API's token comes from the same sign-in (the refresh token
/// serves every resource the app is consented for); only when the platform wants a sign-in of its
/// own for that API is the user asked once more, with a warning that says why.
/// </summary>
internal sealed class PublicClientTokenSource : ITokenSource
{
    private readonly IPublicClientApplication _app;
    private readonly string[] _scopes;
    private readonly string _graphResource;
    private readonly ConnectionRequest _request;
    private IAccount? _account;

    public PublicClientTokenSource(ConnectionRequest request, TransportFactory transport)
    {
        _request = request;
        _graphResource = request.Cloud.GraphResource;
        _scopes = request.Scopes != null && request.Scopes.Count > 0 ? request.Scopes.ToArray() : new[] { request.Cloud.DefaultScope };
        var builder = PublicClientApplicationBuilder.Create(request.ClientId)
            .WithAuthority(TokenSources.Authority(request))
            .WithRedirectUri("http://localhost")
            .WithHttpClientFactory(transport)
            .WithLogging((level, message, pii) => { }, LogLevel.Error, enablePiiLogging: false, enableDefaultPlatformLogging: false);
        if (request.Cloud.IsEmulator) builder = builder.WithInstanceDiscovery(false);
        _app = builder.Build();
    }

    public string? Account => _account?.Username;

    internal ITokenCache Cache => _app.UserTokenCache;

    /// <summary>Signs in silently when a persisted cache already holds an account for this app, else interactively.</summary>
    public async Task<AccessToken> SignInAsync(CancellationToken cancellationToken)
    {
        var cached = (await _app.GetAccountsAsync().ConfigureAwait(false)).FirstOrDefault();
        if (cached != null)
        {
            try
            {
                var silent = await _app.AcquireTokenSilent(_scopes, cached).ExecuteAsync(cancellationToken).ConfigureAwait(false);
                _account = silent.Account;
                return new AccessToken(silent.AccessToken, silent.ExpiresOn);
            }
            catch (MsalUiRequiredException) { /* the cached sign-in has lapsed: ask the user again */ }
        }
        return await SignInInteractivelyAsync(_scopes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The scopes a token for the resource is asked with: the ones given for Graph, else the resource's .default.</summary>
    private string[] ScopesFor(string resource) =>
        string.Equals(resource.TrimEnd('/'), _graphResource.TrimEnd('/'), StringComparison.OrdinalIgnoreCase) ? _scopes : new[] { resource.TrimEnd('/') + "/.default" };

    /// <summary>The interactive part: a device code or a browser sign-in.</summary>
    private async Task<AccessToken> SignInInteractivelyAsync(string[] scopes, CancellationToken cancellationToken)
    {
        AuthenticationResult result;
        try
        {
            if (_request.Kind == AuthenticationKind.DeviceCode)
            {
                result = await _app.AcquireTokenWithDeviceCode(scopes, code =>
                {
                    _request.ShowDeviceCode?.Invoke(code.Message);
                    return Task.CompletedTask;
                }).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (_request.OpenBrowser == null)
            {
                result = await _app.AcquireTokenInteractive(scopes).WithUseEmbeddedWebView(false).WithPrompt(Prompt.SelectAccount)
                    .ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await SignInThroughOwnBrowserAsync(scopes, _request.OpenBrowser, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (MsalException ex) when (!(ex is MsalClientException client && client.ErrorCode == "authentication_canceled" && cancellationToken.IsCancellationRequested))
        {
            throw AuthenticationFailedException.From(ex);
        }
        _account = result.Account;
        return new AccessToken(result.AccessToken, result.ExpiresOn);
    }

    /// <summary>Seconds a sign-in through the module's own browser (the emulator's) may take before it is given up.</summary>
    public const int OwnBrowserTimeoutSeconds = 60;

    /// <summary>
    /// The browser sign-in with the module's own headless browser. MSAL waits for the redirect to its
    /// listener without a time limit, so a redirect that never arrives would hang the command: it is
    /// given up after <see cref="OwnBrowserTimeoutSeconds"/>.
    /// </summary>
    private async Task<AuthenticationResult> SignInThroughOwnBrowserAsync(string[] scopes, Func<Uri, CancellationToken, Task> openBrowser,
        CancellationToken cancellationToken)
    {
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(TimeSpan.FromSeconds(OwnBrowserTimeoutSeconds));
            try
            {
                return await _app.AcquireTokenInteractive(scopes).WithUseEmbeddedWebView(false).WithPrompt(Prompt.SelectAccount)
                    .WithSystemWebViewOptions(new SystemWebViewOptions { OpenBrowserAsync = uri => openBrowser(uri, limit.Token) })
                    .ExecuteAsync(limit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested &&
                                       (ex is OperationCanceledException || ex is MsalClientException))
            {
                throw new AuthenticationFailedException(
                    $"The browser sign-in did not come back to the module within {OwnBrowserTimeoutSeconds} s.",
                    "Run Connect-GsTenant again; if it keeps failing, check that nothing blocks loopback connections on this machine.");
            }
        }
    }

    public async Task<AccessToken> GetTokenAsync(string resource, CancellationToken cancellationToken)
    {
        var scopes = ScopesFor(resource);
        if (_account == null)
        {
            var first = await SignInAsync(cancellationToken).ConfigureAwait(false);
            if (scopes == _scopes) return first;
        }
        var account = _account ?? throw new InvalidOperationException("The sign-in gave no account.");
        try
        {
            var result = await _app.AcquireTokenSilent(scopes, account).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return new AccessToken(result.AccessToken, result.ExpiresOn);
        }
        catch (MsalUiRequiredException) when (scopes != _scopes)
        {
            EngineLogScope.Current.Warning($"{resource} asks {account.Username} to sign in once more (its consent or conditional access is separate from Microsoft Graph's); this is needed once per connection.");
            var token = await SignInInteractivelyAsync(scopes, cancellationToken).ConfigureAwait(false);
            return token;
        }
        catch (MsalUiRequiredException)
        {
            throw new AuthenticationFailedException(
                $"The sign-in of {account.Username} can no longer be renewed silently.",
                "Run Connect-GsTenant again to sign in.");
        }
        catch (MsalException ex)
        {
            throw AuthenticationFailedException.From(ex);
        }
    }
}

/// <summary>Tokens for an Azure managed identity (VM IMDS, App Service / Functions, Azure Automation), found by MSAL from the environment.</summary>
internal sealed class ManagedIdentityTokenSource : ITokenSource
{
    private readonly IManagedIdentityApplication _app;
    private readonly ManagedIdentitySelector _selector;

    public ManagedIdentityTokenSource(ConnectionRequest request, TransportFactory transport)
    {
        _selector = request.ManagedIdentity;
        _app = ManagedIdentityApplicationBuilder.Create(Identity(_selector))
            .WithHttpClientFactory(transport)
            .WithLogging((level, message, pii) => { }, LogLevel.Error, enablePiiLogging: false, enableDefaultPlatformLogging: false)
            .Build();
    }

    private static ManagedIdentityId Identity(ManagedIdentitySelector selector) =>
        selector.ClientId != null ? ManagedIdentityId.WithUserAssignedClientId(selector.ClientId) :
        selector.ObjectId != null ? ManagedIdentityId.WithUserAssignedObjectId(selector.ObjectId) :
        selector.ResourceId != null ? ManagedIdentityId.WithUserAssignedResourceId(selector.ResourceId) :
        ManagedIdentityId.SystemAssigned;

    public async Task<AccessToken> GetTokenAsync(string resource, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _app.AcquireTokenForManagedIdentity(resource.TrimEnd('/')).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return new AccessToken(result.AccessToken, result.ExpiresOn);
        }
        catch (MsalException ex)
        {
            throw new AuthenticationFailedException(
                $"The managed identity ({_selector}) could not get a token for {resource}: {Strings.FirstLine(ex.Message)}",
                "Run this where a managed identity is enabled (Azure VM, App Service, Functions, Automation) and, for a user-assigned one, pass its -IdentityClientId, -IdentityObjectId or -IdentityResourceId.",
                ex.ErrorCode);
        }
    }
}
