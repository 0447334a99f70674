using System;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.Identity.Client;

namespace GraphSecurity.Engine.Authentication;

/// <summary>
/// A sign-in that did not work, told in one message: what the identity platform said (its AADSTS
/// code and first sentence, without stack traces or inner exceptions) and what to do about it.
/// </summary>
public sealed class AuthenticationFailedException : Exception
{
    public AuthenticationFailedException(string message, string recommendedAction, string? errorCode = null, string? traceId = null)
        : base(message)
    {
        RecommendedAction = recommendedAction;
        ErrorCode = errorCode;
        TraceId = traceId;
    }

    public string RecommendedAction { get; }
    /// <summary>The OAuth error, e.g. invalid_client.</summary>
    public string? ErrorCode { get; }
    public string? TraceId { get; }

    private static readonly Regex AadstsCode = new Regex(@"AADSTS(\d+)", RegexOptions.Compiled);

    internal static AuthenticationFailedException From(MsalException ex)
    {
        // The identity endpoint could not be reached or its certificate was refused: say that, not MSAL's advice about proxies.
        if (ExceptionChain.Find<System.Security.Authentication.AuthenticationException>(ex) != null)
            return new AuthenticationFailedException(
                "Authentication failed: the login endpoint's certificate was refused. If this connection is to the emulator, the emulator running there now is not the one connected to (it was restarted).",
                "For the emulator, run Connect-GsTenant -Emulator again; otherwise check that nothing between you and the login endpoint replaces its certificate.",
                ex.ErrorCode);
        if (ExceptionChain.Find<System.Net.Sockets.SocketException>(ex) is System.Net.Sockets.SocketException socket &&
            socket.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused)
            return new AuthenticationFailedException(
                "Authentication failed: nothing answers at the login endpoint (connection refused). If this connection is to the emulator, it has stopped.",
                "Start the emulator again and run Connect-GsTenant -Emulator; otherwise check the network path to the login endpoint.",
                ex.ErrorCode);
        var description = ServiceSentence(ex.Message);
        var code = AadstsCode.Match(ex.Message);
        var traceId = (ex as MsalServiceException)?.CorrelationId;
        string action;
        switch (code.Success ? code.Groups[1].Value : "")
        {
            case "7000215": action = "Check the client secret: use the secret's value, not its ID, and make sure it has not expired."; break;
            case "700016": action = "Check -ClientId and -TenantId: the application was not found in that tenant. A multi-tenant app is there only once the tenant's admin consented (Request-GsAdminConsent)."; break;
            case "500011": action = "The API's app has no service principal in that tenant: its admin must consent to that app first (Request-GsAdminConsent)."; break;
            case "90002": action = "Check -TenantId: use the tenant's GUID or a verified domain."; break;
            case "700027": action = "The certificate's signature was rejected: upload this certificate's public key to the app registration."; break;
            case "70011": action = "The requested scope is not valid for this flow; app-only flows use the resource's .default scope."; break;
            default: action = "Check the tenant, client id and credential, then run Connect-GsTenant again."; break;
        }
        return new AuthenticationFailedException($"Authentication failed: {description}", action, ex.ErrorCode, traceId);
    }

    /// <summary>
    /// The identity platform's own sentence ("AADSTS7000215: Invalid client secret provided. …"):
    /// MSAL puts advice of its own before it, and trace lines after it.
    /// </summary>
    private static string ServiceSentence(string? message)
    {
        message = message ?? "";
        var start = message.IndexOf("AADSTS", StringComparison.Ordinal);
        return Strings.FirstLine(start >= 0 ? message.Substring(start) : message);
    }
}
