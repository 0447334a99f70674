using System.Net.Security;

namespace GraphSecurity.ProviderKit.Auth;

/// <summary>HTTP handlers for calls to the authority and the broker, with the optional certificate pin.</summary>
public static class PinnedHttp
{
    /// <summary>
    /// A handler that accepts a certificate that validates normally, or else exactly the one whose SHA-1
    /// thumbprint is <paramref name="thumbprint"/> (when given).
    /// </summary>
    public static HttpMessageHandler CreateHandler(string thumbprint)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (!string.IsNullOrWhiteSpace(thumbprint))
        {
            var pin = thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None ||
                (certificate != null && string.Equals(certificate.GetCertHashString(), pin, StringComparison.OrdinalIgnoreCase));
        }
        return handler;
    }

    /// <summary><paramref name="path"/> under <paramref name="baseUrl"/>, whether or not the base ends with a slash.</summary>
    public static Uri Combine(Uri baseUrl, string path) => new(baseUrl.AbsoluteUri.TrimEnd('/') + "/" + path.TrimStart('/'));
}
