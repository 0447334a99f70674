using System;
using System.Net;

namespace GraphSecurity.Engine.Http;

/// <summary>An error answer from one of the APIs, with what the service said and how to find the request again.</summary>
public sealed class ServiceErrorException : Exception
{
    public ServiceErrorException(HttpStatusCode statusCode, string? code, string? serviceMessage, string? requestId,
        string? clientRequestId, string? date, TimeSpan? retryAfter, string method, Uri requestUri, SecurityApi api = SecurityApi.Graph)
        : base(Compose(api, statusCode, code, serviceMessage, requestId))
    {
        Api = api;
        StatusCode = statusCode;
        Code = code;
        ServiceMessage = serviceMessage;
        RequestId = requestId;
        ClientRequestId = clientRequestId;
        Date = date;
        RetryAfter = retryAfter;
        Method = method;
        RequestUri = requestUri;
    }

    public HttpStatusCode StatusCode { get; }
    public string? Code { get; }
    public string? ServiceMessage { get; }
    public string? RequestId { get; }
    public string? ClientRequestId { get; }
    public string? Date { get; }
    public TimeSpan? RetryAfter { get; }
    public string Method { get; }
    public Uri RequestUri { get; }
    /// <summary>The API that answered.</summary>
    public SecurityApi Api { get; }
    /// <summary>How many times the request was sent (more than one when it was retried).</summary>
    public int Attempts { get; private set; } = 1;
    /// <summary>The error answer's body as text, for APIs whose errors carry more than a message (e.g. Sentinel's per-object errors).</summary>
    public string? Body { get; internal set; }

    /// <summary>The same failure, saying how many attempts were made.</summary>
    public ServiceErrorException AfterAttempts(int attempts) =>
        new ServiceErrorException(StatusCode, Code, (ServiceMessage ?? "").TrimEnd('.') + $" (still failing after {attempts} attempts)", RequestId,
            ClientRequestId, Date, RetryAfter, Method, RequestUri, Api)
        { Attempts = attempts, Body = Body };

    private static string Compose(SecurityApi api, HttpStatusCode status, string? code, string? message, string? requestId)
    {
        var text = $"{(api == SecurityApi.Graph ? "Graph" : SecurityApis.DisplayName(api))} returned {(int)status} {status}";
        if (!Strings.IsNullOrEmpty(code)) text += $" ({code})";
        text += Strings.IsNullOrEmpty(message) ? "." : $": {message}";
        if (!Strings.IsNullOrEmpty(requestId)) text += $" request-id: {requestId}";
        return text;
    }
}
