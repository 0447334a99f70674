using System;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using GraphSecurity.Engine;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Turns engine exceptions into ErrorRecords with a stable id, a real category, the service's
/// message and request-id, and what to do next. Never includes a token or secret: the engine's
/// messages are built without them.
/// </summary>
internal static class ErrorRecords
{
    /// <summary>Graph's answer for a path segment it does not know: how a removed API answers.</summary>
    private static readonly Regex RetiredSegment = new Regex(@"^Resource not found for the segment '([^']+)'", RegexOptions.Compiled);

    private static readonly Regex RequiredRoles = new Regex(@"API required (?:roles|scopes): (.+?),? (?:application roles|scopes):", RegexOptions.Compiled);

    public static ErrorRecord From(Exception exception, object target)
    {
        switch (exception)
        {
            case ServiceErrorException service: return FromService(service, target);
            case ApiNotInCloudException notInCloud:
                return Record(notInCloud, ErrorIds.ApiNotInCloud, ErrorCategory.NotImplemented, target, notInCloud.Message,
                    $"Use a connection to a cloud that has {SecurityApis.DisplayName(notInCloud.Api)}.");
            case TokenDestinationException elsewhere:
                return Record(elsewhere, ErrorIds.NotThisApi, ErrorCategory.InvalidArgument, target, elsewhere.Message,
                    "Give a URL of the API (or a path relative to it with -Api); a token is only sent to the API it was issued for.");
            case PartialResultException partial:
                return Record(partial, ErrorIds.PartialResult, ErrorCategory.ResourceUnavailable, target, partial.Message,
                    "Retry later, or leave out -FailOnPartialResult to get the results of the providers that answered (with a warning per failing provider).");
            case ServiceConnectionException connection: return FromConnection(connection, target);
            case AuthenticationFailedException auth:
                return Record(auth, ErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, target, auth.Message, auth.RecommendedAction);
            case HttpRequestException http:
                var reason = http.InnerException?.Message ?? http.Message;
                return Record(http, ErrorIds.GraphUnreachable, ErrorCategory.ConnectionError, target,
                    $"Could not reach the service: {reason}",
                    "Check the network path to the Graph and login endpoints (proxy, firewall), or that the emulator is running.");
            case IOException io when !(io is FileNotFoundException):
                return Record(io, ErrorIds.ConnectionLost, ErrorCategory.ConnectionError, target,
                    $"The connection to the service broke: {io.Message}", "Try again; -Verbose shows each request and retry.");
            case TimeoutException timeout:
                return Record(timeout, ErrorIds.OperationTimedOut, ErrorCategory.OperationTimeout, target, timeout.Message, null);
            case FileNotFoundException missing:
                return Record(missing, ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, target, missing.Message, null);
            case ArgumentException argument:
                return Record(argument, ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, target, argument.Message, null);
            default:
                return Record(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target, exception.Message, null);
        }
    }

    private static ErrorRecord FromConnection(ServiceConnectionException ex, object target)
    {
        var tries = ex.Attempts > 1 ? $"It was tried {ex.Attempts} times. " : "";
        switch (ex.Failure)
        {
            case ConnectionFailure.Unreachable:
                return Record(ex, ErrorIds.ServiceUnreachable, ErrorCategory.ConnectionError, target, ex.Message, ex.ToEmulator
                    ? "Start an emulator (Start-GsEmulator) and connect to it again with Connect-GsTenant -Emulator."
                    : $"{tries}Check the network path to {ex.Endpoint} (proxy, firewall, DNS), then run the command again.");
            case ConnectionFailure.CertificateRejected:
                return Record(ex, ex.ToEmulator ? ErrorIds.EmulatorChanged : ErrorIds.TlsFailed, ex.ToEmulator ? ErrorCategory.ConnectionError : ErrorCategory.SecurityError,
                    target, ex.Message, ex.ToEmulator
                        ? "Run Connect-GsTenant -Emulator again (with the same -Name to replace this connection)."
                        : $"Check that nothing between you and {ex.Endpoint} replaces its certificate (a TLS-inspecting proxy needs its root trusted).");
            case ConnectionFailure.TimedOut:
                return Record(ex, ErrorIds.OperationTimedOut, ErrorCategory.OperationTimeout, target, ex.Message,
                    $"{tries}Try again later; -Verbose shows each request and retry.");
            default:
                return Record(ex, ex.Failure == ConnectionFailure.InvalidAnswer ? ErrorIds.InvalidAnswer : ErrorIds.ConnectionLost,
                    ex.Failure == ConnectionFailure.InvalidAnswer ? ErrorCategory.InvalidResult : ErrorCategory.ConnectionError, target, ex.Message,
                    $"{tries}Try again later; -Verbose shows each request and retry.");
        }
    }

    /// <summary>
    /// An error answer of one of the APIs. Error ids start with the API's name (GraphForbidden,
    /// DefenderForEndpointForbidden…), so scripts that match on ids keep working per API.
    /// </summary>
    private static ErrorRecord FromService(ServiceErrorException ex, object target)
    {
        var name = SecurityApis.DisplayName(ex.Api);
        string id;
        ErrorCategory category;
        string action;
        switch ((int)ex.StatusCode)
        {
            case 400 when RetiredSegment.IsMatch(ex.ServiceMessage ?? ""):
                id = ErrorIds.ApiRetired; category = ErrorCategory.NotImplemented;
                action = $"The service does not have the '{RetiredSegment.Match(ex.ServiceMessage).Groups[1].Value}' API (any more): Microsoft retired tiIndicators and legacy alerts, and securityActions never left beta. Get-Help about_GraphSecurity_Migration says what replaces each.";
                break;
            case 400:
                id = ErrorIds.OfApi(ex.Api, ErrorIds.Answer.BadRequest); category = ErrorCategory.InvalidArgument;
                action = "Check the parameter values and any -Filter expression against the service's message.";
                break;
            case 401:
                id = ErrorIds.OfApi(ex.Api, ErrorIds.Answer.Unauthenticated); category = ErrorCategory.AuthenticationError;
                action = $"{name} refused the token. Run Connect-GsTenant again; if it keeps happening, check that the app exists in the tenant and can get tokens for {name}.";
                break;
            case 403:
                id = ErrorIds.OfApi(ex.Api, ErrorIds.Answer.Forbidden); category = ErrorCategory.PermissionDenied;
                action = PermissionAdvice(ex);
                break;
            case 404:
                id = ErrorIds.OfApi(ex.Api, ErrorIds.Answer.NotFound); category = ErrorCategory.ObjectNotFound;
                action = "Check the id; the object may have been deleted or belong to another tenant.";
                break;
            case 429:
                id = ErrorIds.OfApi(ex.Api, ErrorIds.Answer.Throttled); category = ErrorCategory.LimitsExceeded;
                action = $"The service is throttling requests{(ex.RetryAfter.HasValue ? $"; retry after {ex.RetryAfter.Value.TotalSeconds:0} s" : "")}. Lower the request rate.";
                break;
            default:
                id = ErrorIds.OfApi(ex.Api, ex.StatusCode >= HttpStatusCode.InternalServerError ? ErrorIds.Answer.ServiceError : ErrorIds.Answer.RequestFailed);
                category = ex.StatusCode >= HttpStatusCode.InternalServerError ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidOperation;
                action = (ex.Attempts > 1 ? $"It was tried {ex.Attempts} times. " : "") + "Try again later; if it persists, quote the request-id to Microsoft support.";
                break;
        }
        return Record(ex, id, category, target, ex.Message, action);
    }

    /// <summary>What a 403 asks for: the permission the service names, on the API that refused, or the Azure role for ARM's.</summary>
    private static string PermissionAdvice(ServiceErrorException ex)
    {
        var name = SecurityApis.DisplayName(ex.Api);
        if (ex.Api == SecurityApi.AzureResourceManager || ex.Api == SecurityApi.SentinelThreatIntelligence || ex.Api == SecurityApi.LogsIngestion)
            return $"{name} authorizes with Azure roles, not API permissions: give the app's service principal a role on the resource that allows this " +
                   "(Microsoft Sentinel Contributor on the workspace for threat intelligence, Monitoring Metrics Publisher on the data collection rule for ingestion), then try again.";
        var apiApp = ex.Api == SecurityApi.DefenderForEndpoint ? "WindowsDefenderATP" : "Microsoft Graph";
        var roles = RequiredRoles.Match(ex.ServiceMessage ?? "");
        return roles.Success
            ? $"Grant the application one of these {apiApp} permissions and give admin consent, then connect again: {roles.Groups[1].Value.Replace(",", ", ")}."
            : $"Grant the application the {apiApp} permission this operation needs, give admin consent, then connect again.";
    }

    /// <summary>Bad input, found before anything was sent: InvalidArgument, with the message as its text.</summary>
    public static ErrorRecord Argument(string id, string message, object target, string action = null) =>
        Record(new ArgumentException(message), id, ErrorCategory.InvalidArgument, target, message, action);

    /// <summary>An error record with its id (<see cref="ErrorIds"/>), category, target, message and what to do.</summary>
    public static ErrorRecord Create(Exception exception, string id, ErrorCategory category, object target, string message, string action = null) =>
        Record(exception, id, category, target, message, action);

    private static ErrorRecord Record(Exception exception, string id, ErrorCategory category, object target, string message, string action)
    {
        var record = new ErrorRecord(exception, id, category, target)
        {
            ErrorDetails = new ErrorDetails(message),
        };
        if (!string.IsNullOrEmpty(action)) record.ErrorDetails.RecommendedAction = action;
        return record;
    }
}
