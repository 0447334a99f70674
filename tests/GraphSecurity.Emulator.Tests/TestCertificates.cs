using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace GraphSecurity.Emulator.Tests;

/// <summary>Client certificates and hand-made client assertions for tests.</summary>
public static class TestCertificates
{
    public static X509Certificate2 Create(string subject = "CN=GraphSecurity test client")
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>A client assertion JWT built by hand so the header carries exactly x5t or x5t#S256.</summary>
    public static string Assertion(X509Certificate2 cert, string clientId, string audience, string alg = SecurityAlgorithms.RsaSha256,
        bool sha256Thumbprint = false, DateTimeOffset? expires = null, string issuer = null)
    {
        var exp = expires ?? DateTimeOffset.UtcNow.AddMinutes(10);
        var header = new Dictionary<string, object> { ["alg"] = alg, ["typ"] = "JWT" };
        if (sha256Thumbprint) header["x5t#S256"] = Base64UrlEncoder.Encode(SHA256.HashData(cert.RawData));
        else header["x5t"] = Base64UrlEncoder.Encode(SHA1.HashData(cert.RawData));
        var payload = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = issuer ?? clientId,
            ["sub"] = clientId,
            ["jti"] = Guid.NewGuid().ToString(),
            ["nbf"] = exp.AddMinutes(-10).ToUnixTimeSeconds(),
            ["exp"] = exp.ToUnixTimeSeconds(),
        };
        var signingInput = Base64UrlEncoder.Encode(JsonSerializer.Serialize(header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload));
        using var rsa = cert.GetRSAPrivateKey()!;
        var padding = alg == SecurityAlgorithms.RsaSsaPssSha256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, padding);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }
}
