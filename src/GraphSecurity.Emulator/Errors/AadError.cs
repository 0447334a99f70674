using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Errors;

/// <summary>
/// An error of the identity platform token endpoint, in the AAD v2 JSON shape
/// (error, error_description with AADSTS prefix and trace lines, error_codes, timestamp, ...).
/// </summary>
public sealed class AadError
{
    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Status { get; }
    public string Error { get; }
    public int Code { get; }
    public string Message { get; }

    public AadError(int status, string error, int code, string message)
    {
        Status = status;
        Error = error;
        Code = code;
        Message = message;
    }

    public static AadError TenantNotFound(string tenant) => new(400, "invalid_request", 90002,
        $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.");

    public static AadError MissingParameter(string name) => new(400, "invalid_request", 900144,
        $"The request body must contain the following parameter: '{name}'.");

    public static AadError UnsupportedGrantType(string grantType) => new(400, "unsupported_grant_type", 70003,
        $"The app requested an unsupported grant type '{grantType}'.");

    public static AadError UnknownClient(string clientId, string tenantDisplay) => new(400, "unauthorized_client", 700016,
        $"Application with identifier '{clientId}' was not found in the directory '{tenantDisplay}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");

    public static AadError InvalidSecret(string clientId) => new(401, "invalid_client", 7000215,
        $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.");

    public static AadError MissingCredential() => new(401, "invalid_client", 7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");

    public static AadError BadAssertion(string reason) => new(401, "invalid_client", 700027, reason);

    public static AadError InvalidScope(string scope) => new(400, "invalid_scope", 70011,
        $"The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI) of https://graph.microsoft.com or 00000003-0000-0000-c000-000000000000.");

    // User flows (device code, authorization code, refresh token).

    public static AadError AuthorizationPending() => new(400, "authorization_pending", 70016,
        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");

    public static AadError AuthorizationDeclined() => new(400, "authorization_declined", 65004,
        "User declined to consent to access the app.");

    public static AadError BadVerificationCode() => new(400, "bad_verification_code", 70018,
        "The provided value for the input parameter 'device_code' is not valid.");

    public static AadError ExpiredToken() => new(400, "expired_token", 70019,
        "Verification code expired. Have the user retry the sign-in.");

    public static AadError SlowDown() => new(400, "slow_down", 70016,
        "OAuth 2.0 device flow error. The client is polling faster than the interval. Slow down.");

    public static AadError ConsentRequired(AppRegistration app) => new(400, "invalid_grant", 65001,
        $"The user or administrator has not consented to use the application with ID '{app.ClientId}' named '{app.DisplayName}'. Send an interactive authorization request for this user and resource.");

    public static AadError InvalidUserScope(string scope) => new(400, "invalid_scope", 70011,
        $"The provided value for the input parameter 'scope' is not valid. The scope '{scope}' does not exist.");

    public static AadError InvalidCode() => new(400, "invalid_grant", 70000,
        "The provided value for the 'code' parameter is not valid.");

    public static AadError CodeRedeemed() => new(400, "invalid_grant", 54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");

    public static AadError CodeExpired() => new(400, "invalid_grant", 70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");

    public static AadError PkceMismatch() => new(400, "invalid_grant", 501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.");

    public static AadError RedirectMismatch() => new(400, "invalid_grant", 50148,
        "The redirect_uri does not match the one used in the authorization request.");

    public static AadError InvalidRefreshToken() => new(400, "invalid_grant", 9002313,
        "Invalid request. Request is malformed or invalid: the refresh token is not valid, was already used or was revoked.");

    public static AadError UnknownUser(string upn, string tenantDisplay) => new(400, "invalid_grant", 50034,
        $"The user account {upn} does not exist in the {tenantDisplay} directory. To sign into this application, the account must be added to the directory.");

    public async Task WriteAsync(HttpContext context, string errorUriBase)
    {
        var traceId = Guid.NewGuid().ToString();
        var correlation = context.Request.Headers["client-request-id"].ToString();
        if (!Guid.TryParse(correlation, out _)) correlation = Guid.NewGuid().ToString();
        var now = DateTime.UtcNow;
        var description = $"AADSTS{Code}: {Message}\r\nTrace ID: {traceId}\r\nCorrelation ID: {correlation}\r\nTimestamp: {now:yyyy-MM-dd HH:mm:ss}Z";
        context.Response.StatusCode = Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store, no-cache";
        context.Response.Headers["x-ms-request-id"] = traceId;
        if (Status == 401)
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"\"";
        var body = new Dictionary<string, object>
        {
            ["error"] = Error,
            ["error_description"] = description,
            ["error_codes"] = new[] { Code },
            ["timestamp"] = now.ToString("yyyy-MM-dd HH:mm:ss") + "Z",
            ["trace_id"] = traceId,
            ["correlation_id"] = correlation,
            ["error_uri"] = $"{errorUriBase}/error?code={Code}",
        };
        await context.Response.WriteAsync(JsonSerializer.Serialize(body, RelaxedJson));
    }
}
