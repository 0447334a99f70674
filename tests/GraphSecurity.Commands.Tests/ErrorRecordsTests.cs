using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Reflection;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Http;
using Xunit;

namespace GraphSecurity.Commands.Tests;

public class ErrorRecordsTests
{
    private static readonly Uri AlertUrl = new Uri("https://graph.microsoft.com/v1.0/security/alerts_v2/a1?$select=id&sig=S3cr3tSignature");

    private static ServiceErrorException Answer(int status, SecurityApi api = SecurityApi.Graph, string message = "The service said no.", TimeSpan? retryAfter = null) =>
        new ServiceErrorException((HttpStatusCode)status, "SomeCode", message, "req-42", "client-42", null, retryAfter, "GET", AlertUrl, api);

    private static void AssertRecord(ErrorRecord record, string id, ErrorCategory category, object target)
    {
        Assert.Equal(id, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Same(target, record.TargetObject);
        Assert.False(string.IsNullOrWhiteSpace(record.ErrorDetails?.Message), "the record has no message");
    }

    [Theory]
    [InlineData(400, SecurityApi.Graph, "GraphBadRequest", ErrorCategory.InvalidArgument, "Check the parameter values")]
    [InlineData(401, SecurityApi.DefenderForEndpoint, "DefenderForEndpointUnauthenticated", ErrorCategory.AuthenticationError, "Defender for Endpoint refused the token")]
    [InlineData(403, SecurityApi.Graph, "GraphForbidden", ErrorCategory.PermissionDenied, "Microsoft Graph permission this operation needs")]
    [InlineData(404, SecurityApi.AzureResourceManager, "AzureResourceManagerNotFound", ErrorCategory.ObjectNotFound, "Check the id")]
    [InlineData(429, SecurityApi.Graph, "GraphThrottled", ErrorCategory.LimitsExceeded, "Lower the request rate")]
    [InlineData(503, SecurityApi.LogsIngestion, "LogsIngestionServiceError", ErrorCategory.ResourceUnavailable, "quote the request-id")]
    [InlineData(409, SecurityApi.Graph, "GraphRequestFailed", ErrorCategory.InvalidOperation, "Try again later")]
    public void An_error_answer_gets_the_API_s_name_before_its_kind_a_category_and_what_to_do(int status, SecurityApi api, string id, ErrorCategory category, string action)
    {
        var target = new object();
        var answer = Answer(status, api);
        var record = ErrorRecords.From(answer, target);

        AssertRecord(record, id, category, target);
        Assert.Same(answer, record.Exception);
        Assert.Contains("request-id: req-42", record.ErrorDetails.Message);
        Assert.Contains(action, record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_400_for_an_unknown_segment_says_the_API_is_retired_and_names_it()
    {
        var record = ErrorRecords.From(Answer(400, message: "Resource not found for the segment 'tiIndicators'."), "x");
        Assert.Equal(ErrorIds.ApiRetired, record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.NotImplemented, record.CategoryInfo.Category);
        Assert.Contains("'tiIndicators' API", record.ErrorDetails.RecommendedAction);
        Assert.Contains("about_GraphSecurity_Migration", record.ErrorDetails.RecommendedAction);
    }

    [Theory]
    [InlineData(SecurityApi.Graph, "Microsoft Graph permissions")]
    [InlineData(SecurityApi.DefenderForEndpoint, "WindowsDefenderATP permissions")]
    public void A_403_that_names_the_required_roles_lists_them_for_the_API_that_refused(SecurityApi api, string permissionsOf)
    {
        var message = "Missing application roles. API required roles: SecurityAlert.Read.All,SecurityAlert.ReadWrite.All, application roles: none.";
        var record = ErrorRecords.From(Answer(403, api, message), "x");
        Assert.Contains(permissionsOf, record.ErrorDetails.RecommendedAction);
        Assert.EndsWith("connect again: SecurityAlert.Read.All, SecurityAlert.ReadWrite.All.", record.ErrorDetails.RecommendedAction);
    }

    [Theory]
    [InlineData(SecurityApi.AzureResourceManager)]
    [InlineData(SecurityApi.SentinelThreatIntelligence)]
    [InlineData(SecurityApi.LogsIngestion)]
    public void A_403_of_an_Azure_API_asks_for_an_Azure_role_not_an_API_permission(SecurityApi api)
    {
        var record = ErrorRecords.From(Answer(403, api), "x");
        Assert.Contains("authorizes with Azure roles, not API permissions", record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Throttling_with_retry_after_says_when_to_retry_and_a_retried_failure_says_how_often_it_was_tried()
    {
        Assert.Contains("retry after 30 s", ErrorRecords.From(Answer(429, retryAfter: TimeSpan.FromSeconds(30)), "x").ErrorDetails.RecommendedAction);
        Assert.StartsWith("It was tried 4 times.", ErrorRecords.From(Answer(502).AfterAttempts(4), "x").ErrorDetails.RecommendedAction);
    }

    [Theory]
    [InlineData(ConnectionFailure.Unreachable, false, "ServiceUnreachable", ErrorCategory.ConnectionError, "Check the network path to https://graph.microsoft.com")]
    [InlineData(ConnectionFailure.Unreachable, true, "ServiceUnreachable", ErrorCategory.ConnectionError, "Start-GsEmulator")]
    [InlineData(ConnectionFailure.CertificateRejected, false, "TlsFailed", ErrorCategory.SecurityError, "replaces its certificate")]
    [InlineData(ConnectionFailure.CertificateRejected, true, "EmulatorChanged", ErrorCategory.ConnectionError, "Connect-GsTenant -Emulator again")]
    [InlineData(ConnectionFailure.TimedOut, false, "OperationTimedOut", ErrorCategory.OperationTimeout, "It was tried 3 times.")]
    [InlineData(ConnectionFailure.InvalidAnswer, false, "InvalidAnswer", ErrorCategory.InvalidResult, "Try again later")]
    [InlineData(ConnectionFailure.ConnectionLost, false, "ConnectionLost", ErrorCategory.ConnectionError, "-Verbose shows each request")]
    public void A_request_without_a_usable_answer_is_told_apart_by_how_it_failed(ConnectionFailure failure, bool toEmulator, string id, ErrorCategory category, string action)
    {
        var target = "target";
        var exception = new ServiceConnectionException(failure, "GET", AlertUrl, 3, toEmulator, new IOException("socket closed"));
        var record = ErrorRecords.From(exception, target);
        AssertRecord(record, id, category, target);
        Assert.Contains(action, record.ErrorDetails.RecommendedAction);
    }

    public static TheoryData<Exception, string, ErrorCategory> OtherFailures() => new TheoryData<Exception, string, ErrorCategory>
    {
        { new ApiNotInCloudException(SecurityApi.DefenderForEndpoint, "China"), ErrorIds.ApiNotInCloud, ErrorCategory.NotImplemented },
        { new TokenDestinationException(AlertUrl, SecurityApi.DefenderForEndpoint), ErrorIds.NotThisApi, ErrorCategory.InvalidArgument },
        { new PartialResultException(PartialResultWarning.Parse("199 - \"Microsoft/IPC/504/10000\"")), ErrorIds.PartialResult, ErrorCategory.ResourceUnavailable },
        { new AuthenticationFailedException("Authentication failed: AADSTS7000215.", "Check the client secret."), ErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError },
        { new HttpRequestException("outer", new IOException("No such host is known.")), ErrorIds.GraphUnreachable, ErrorCategory.ConnectionError },
        { new IOException("The response ended prematurely."), ErrorIds.ConnectionLost, ErrorCategory.ConnectionError },
        { new TimeoutException("No answer in 100 s."), ErrorIds.OperationTimedOut, ErrorCategory.OperationTimeout },
        { new FileNotFoundException("Could not find file 'rows.csv'."), ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound },
        { new ArgumentException("-Top must be positive."), ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument },
        { new FormatException("Bad format."), nameof(FormatException), ErrorCategory.NotSpecified },
    };

    [Theory]
    [MemberData(nameof(OtherFailures))]
    public void Each_kind_of_failure_has_its_own_error_id_and_category(Exception exception, string id, ErrorCategory category)
    {
        var target = new object();
        var record = ErrorRecords.From(exception, target);
        AssertRecord(record, id, category, target);
        Assert.Same(exception, record.Exception);
    }

    [Fact]
    public void An_unreachable_service_is_reported_with_the_innermost_reason()
    {
        var record = ErrorRecords.From(new HttpRequestException("An error occurred while sending the request.", new IOException("No such host is known.")), null);
        Assert.Equal("Could not reach the service: No such host is known.", record.ErrorDetails.Message);
    }

    [Fact]
    public void A_failed_sign_in_carries_the_identity_platform_s_advice_as_the_recommended_action()
    {
        var record = ErrorRecords.From(new AuthenticationFailedException("Authentication failed: AADSTS7000215.", "Check the client secret."), null);
        Assert.Equal("Check the client secret.", record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void An_unknown_exception_is_named_by_its_type_and_suggests_nothing()
    {
        var record = ErrorRecords.From(new FormatException("Bad format."), null);
        Assert.Equal("Bad format.", record.ErrorDetails.Message);
        Assert.True(string.IsNullOrEmpty(record.ErrorDetails.RecommendedAction));
    }

    public static TheoryData<Exception> FailuresWithAUrl() => new TheoryData<Exception>
    {
        Answer(403),
        new ServiceConnectionException(ConnectionFailure.Unreachable, "GET", AlertUrl, 1, false, new IOException("refused")),
        new ServiceConnectionException(ConnectionFailure.CertificateRejected, "GET", AlertUrl, 1, false, new IOException("bad certificate")),
        new TokenDestinationException(AlertUrl, SecurityApi.Graph),
    };

    [Theory]
    [MemberData(nameof(FailuresWithAUrl))]
    public void No_part_of_a_record_repeats_the_query_string_of_the_request_url(Exception exception)
    {
        var record = ErrorRecords.From(exception, null);
        var text = string.Join("\n", record.ErrorDetails.Message, record.ErrorDetails.RecommendedAction, record.Exception.Message, record.ToString());
        Assert.DoesNotContain("S3cr3tSignature", text);
        Assert.DoesNotContain("sig=", text);
    }

    [Theory]
    [InlineData("Give the id as Get- cmdlets show it.")]
    [InlineData(null)]
    public void Bad_input_is_an_InvalidArgument_record_whose_message_is_the_text_given(string action)
    {
        var record = ErrorRecords.Argument(ErrorIds.InvalidId, "-Id 'a/b' is not a valid id.", "a/b", action);
        AssertRecord(record, ErrorIds.InvalidId, ErrorCategory.InvalidArgument, "a/b");
        Assert.IsType<ArgumentException>(record.Exception);
        Assert.Equal("-Id 'a/b' is not a valid id.", record.Exception.Message);
        Assert.Equal("-Id 'a/b' is not a valid id.", record.ErrorDetails.Message);
        Assert.Equal(action, string.IsNullOrEmpty(record.ErrorDetails.RecommendedAction) ? null : record.ErrorDetails.RecommendedAction);
    }

    [Theory]
    [InlineData(SecurityApi.Graph, ErrorIds.Answer.Forbidden, "GraphForbidden")]
    [InlineData(SecurityApi.DefenderForEndpoint, ErrorIds.Answer.Throttled, "DefenderForEndpointThrottled")]
    [InlineData(SecurityApi.AzureResourceManager, ErrorIds.Answer.NotFound, "AzureResourceManagerNotFound")]
    public void The_id_of_an_error_answer_is_the_API_s_name_and_the_kind_of_answer(SecurityApi api, string answer, string id) =>
        Assert.Equal(id, ErrorIds.OfApi(api, answer));

    [Fact]
    public void Every_error_id_is_spelled_as_its_own_name_and_none_is_used_twice()
    {
        var fields = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(ErrorIds.Answer).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral).ToList();
        Assert.True(fields.Count > 40, $"only {fields.Count} ids found");
        Assert.All(fields, f => Assert.Equal(f.Name, (string)f.GetRawConstantValue()));
        Assert.Equal(fields.Count, fields.Select(f => (string)f.GetRawConstantValue()).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
