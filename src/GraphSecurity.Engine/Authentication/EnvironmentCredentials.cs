using System;
using System.Security;

namespace GraphSecurity.Engine.Authentication;

/// <summary>
/// Reads an app-only credential from the variables Azure SDKs and CI systems use
/// (AZURE_TENANT_ID, AZURE_CLIENT_ID and one of AZURE_CLIENT_SECRET,
/// AZURE_CLIENT_CERTIFICATE_PATH [+ AZURE_CLIENT_CERTIFICATE_PASSWORD], AZURE_FEDERATED_TOKEN_FILE).
/// </summary>
public static class EnvironmentCredentials
{
    public static void Apply(ConnectionRequest request, Func<string, string?> variable)
    {
        request.TenantId = Required(variable, "AZURE_TENANT_ID");
        request.ClientId = Required(variable, "AZURE_CLIENT_ID");

        var secret = variable("AZURE_CLIENT_SECRET");
        var certificatePath = variable("AZURE_CLIENT_CERTIFICATE_PATH");
        var tokenFile = variable("AZURE_FEDERATED_TOKEN_FILE");
        if (!Strings.IsNullOrEmpty(secret))
        {
            request.Kind = AuthenticationKind.ClientSecret;
            request.ClientSecret = SecureStrings.FromPlain(secret);
        }
        else if (!Strings.IsNullOrEmpty(certificatePath))
        {
            request.Kind = AuthenticationKind.Certificate;
            var password = variable("AZURE_CLIENT_CERTIFICATE_PASSWORD");
            request.Certificate = CertificateLocator.LoadFile(certificatePath, Strings.IsNullOrEmpty(password) ? null : SecureStrings.FromPlain(password));
        }
        else if (!Strings.IsNullOrEmpty(tokenFile))
        {
            request.Kind = AuthenticationKind.FederatedToken;
            request.FederatedTokenFile = tokenFile;
        }
        else
        {
            throw new AuthenticationFailedException(
                "AZURE_TENANT_ID and AZURE_CLIENT_ID are set, but none of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE is.",
                "Set one of those variables to the app's credential.");
        }
    }

    private static string Required(Func<string, string?> variable, string name)
    {
        var value = variable(name);
        if (Strings.IsNullOrEmpty(value))
            throw new AuthenticationFailedException($"The environment variable {name} is not set.",
                "Set AZURE_TENANT_ID, AZURE_CLIENT_ID and one credential variable, or use another Connect-GsTenant parameter set.");
        return value;
    }
}
