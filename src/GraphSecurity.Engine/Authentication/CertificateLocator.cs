using System;
using System.Security.Cryptography.X509Certificates;

namespace GraphSecurity.Engine.Authentication;

/// <summary>Finds a client certificate by thumbprint in the user's store, then the machine's.</summary>
public static class CertificateLocator
{
    public static X509Certificate2 FindByThumbprint(string? thumbprint)
    {
        var normalized = (thumbprint ?? "").Replace(" ", "").Trim().ToUpperInvariant();
        var searched = new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine };
        foreach (var location in searched)
        {
            var certificate = Find(location, normalized);
            if (certificate != null)
            {
                RequirePrivateKey(certificate, $"Cert:\\{location}\\My\\{normalized}");
                return certificate;
            }
        }
        throw new AuthenticationFailedException(
            $"No certificate with thumbprint {normalized} was found in Cert:\\CurrentUser\\My or Cert:\\LocalMachine\\My.",
            "Import the certificate (with its private key) into one of those stores, or pass it with -Certificate.");
    }

    /// <summary>Loads a PFX (PKCS#12) file with its private key.</summary>
    public static X509Certificate2 LoadFile(string path, System.Security.SecureString? password)
    {
        if (!System.IO.File.Exists(path))
            throw new AuthenticationFailedException($"The certificate file '{path}' does not exist.", "Check the path to the PFX file.");
        X509Certificate2 certificate;
        try
        {
            certificate = new X509Certificate2(System.IO.File.ReadAllBytes(path), password, X509KeyStorageFlags.DefaultKeySet);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new AuthenticationFailedException($"The certificate file '{path}' could not be opened: {ex.Message.Trim()}",
                "Check that it is a PFX (PKCS#12) file and that the password is right.");
        }
        RequirePrivateKey(certificate, path);
        return certificate;
    }

    public static void RequirePrivateKey(X509Certificate2 certificate, string where)
    {
        if (!certificate.HasPrivateKey)
            throw new AuthenticationFailedException(
                $"The certificate {certificate.Thumbprint} ({where}) has no private key, so it cannot sign in.",
                "Use the certificate that holds the private key (for example the PFX it was created as), not only its public part.");
    }

    private static X509Certificate2? Find(StoreLocation location, string thumbprint)
    {
        try
        {
            using (var store = new X509Store(StoreName.My, location))
            {
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
                return found.Count > 0 ? found[0] : null;
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // the store does not exist on this machine
        }
    }
}
