using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace GraphSecurity.Emulator.Tests;

/// <summary>A Microsoft Graph SDK client that talks to an in-process emulator with a fixed token.</summary>
public static class SdkClient
{
    private sealed class StaticTokenProvider : IAccessTokenProvider
    {
        private readonly string _token;
        public StaticTokenProvider(string token) => _token = token;
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();
        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object> additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(_token);
    }

    public static async Task<GraphServiceClient> CreateAsync(EmulatorFixture f, string clientId = null, string secret = null)
    {
        var token = clientId == null ? await f.TokenAsync() : await f.TokenAsync(clientId, secret);
        return new GraphServiceClient(f.Client, new BaseBearerTokenAuthenticationProvider(new StaticTokenProvider(token)), "http://localhost/v1.0");
    }
}
