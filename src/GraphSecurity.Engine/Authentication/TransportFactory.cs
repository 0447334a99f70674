using System;
using System.Net.Http;
using System.Net.Security;
using Microsoft.Identity.Client;

namespace GraphSecurity.Engine.Authentication;

/// <summary>
/// Creates the handler every request of a connection goes through. For the emulator it accepts
/// exactly the emulator's self-signed certificate (by thumbprint) and nothing else; for real
/// clouds it keeps the platform's validation.
/// </summary>
internal sealed class TransportFactory : IMsalHttpClientFactory
{
    private readonly string? _pinnedThumbprint;
    private readonly Lazy<HttpClient> _msalClient;

    public TransportFactory(string? pinnedThumbprint)
    {
        _pinnedThumbprint = pinnedThumbprint;
        _msalClient = new Lazy<HttpClient>(() => new HttpClient(CreateHandler()));
    }

    /// <summary>True for the emulator: only its own certificate is accepted.</summary>
    public bool IsPinned => !Strings.IsNullOrEmpty(_pinnedThumbprint);

    public HttpClientHandler CreateHandler()
    {
        var handler = new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate };
        if (!Strings.IsNullOrEmpty(_pinnedThumbprint))
        {
            handler.ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) =>
                errors == SslPolicyErrors.None ||
                string.Equals(certificate?.Thumbprint, _pinnedThumbprint, StringComparison.OrdinalIgnoreCase);
        }
        return handler;
    }

    /// <summary>MSAL asks for its client here; one per connection, reused for every token request.</summary>
    public HttpClient GetHttpClient() => _msalClient.Value;
}
