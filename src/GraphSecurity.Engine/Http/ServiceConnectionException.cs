using System;

namespace GraphSecurity.Engine.Http;

/// <summary>How a request failed when no usable HTTP answer came back.</summary>
public enum ConnectionFailure
{
    /// <summary>Connection refused, unknown host, network unreachable: nothing was sent.</summary>
    Unreachable,
    /// <summary>The connection broke before the whole answer arrived (reset, cut-off body).</summary>
    ConnectionLost,
    /// <summary>No answer within the request timeout.</summary>
    TimedOut,
    /// <summary>An answer arrived but was not the JSON the API sends.</summary>
    InvalidAnswer,
    /// <summary>TLS could not be established: the server's certificate was refused.</summary>
    CertificateRejected,
}

/// <summary>
/// A request that got no usable answer, after the retries its kind allows. Says what happened in
/// words a user can act on, where (method and URL, never headers), and how many attempts were made.
/// </summary>
public sealed class ServiceConnectionException : Exception
{
    public ServiceConnectionException(ConnectionFailure failure, string method, Uri requestUri, int attempts, bool toEmulator, Exception inner)
        : base(Compose(failure, method, requestUri, attempts, toEmulator, inner), inner)
    {
        Failure = failure;
        Method = method;
        RequestUri = requestUri;
        Attempts = attempts;
        ToEmulator = toEmulator;
    }

    public ConnectionFailure Failure { get; }
    public string Method { get; }
    public Uri RequestUri { get; }
    public int Attempts { get; }
    /// <summary>The connection is to the local emulator (its certificate is pinned).</summary>
    public bool ToEmulator { get; }

    public FailureKind Kind
    {
        get
        {
            switch (Failure)
            {
                case ConnectionFailure.Unreachable: return FailureKind.Unreachable;
                case ConnectionFailure.CertificateRejected: return FailureKind.Fatal;
                default: return FailureKind.Ambiguous;
            }
        }
    }

    /// <summary>A few words for log lines, e.g. "connection refused".</summary>
    public string Reason
    {
        get
        {
            switch (Failure)
            {
                case ConnectionFailure.Unreachable: return "no answer";
                case ConnectionFailure.ConnectionLost: return "connection lost";
                case ConnectionFailure.TimedOut: return "timed out";
                case ConnectionFailure.InvalidAnswer: return "answer unreadable";
                default: return "certificate refused";
            }
        }
    }

    /// <summary>The service's root, e.g. "https://127.0.0.1:5001", for messages.</summary>
    public string Endpoint => RequestUri == null ? "the service" : RequestUri.GetLeftPart(UriPartial.Authority);

    private static string Compose(ConnectionFailure failure, string method, Uri uri, int attempts, bool toEmulator, Exception inner)
    {
        var endpoint = uri == null ? "the service" : uri.GetLeftPart(UriPartial.Authority);
        var detail = (inner?.InnerException ?? inner)?.Message;
        string text;
        switch (failure)
        {
            case ConnectionFailure.Unreachable:
                text = toEmulator
                    ? $"Nothing answers at {endpoint}: the emulator this connection was made to has stopped, or runs elsewhere now"
                    : $"Nothing answers at {endpoint} ({detail})";
                break;
            case ConnectionFailure.CertificateRejected:
                text = toEmulator
                    ? $"The emulator at {endpoint} is not the one this connection was made to: its certificate changed (it was restarted)"
                    : $"A secure connection to {endpoint} could not be established: its certificate was refused ({detail})";
                break;
            case ConnectionFailure.ConnectionLost:
                text = $"The connection to {endpoint} broke before the whole answer arrived ({detail})";
                break;
            case ConnectionFailure.TimedOut:
                text = $"{endpoint} did not answer in time";
                break;
            default:
                text = $"{endpoint} sent an answer that could not be read ({detail})";
                break;
        }
        var tries = attempts > 1 ? $", {attempts} attempts" : "";
        return $"{text}. ({method} {uri?.AbsolutePath}{tries})";
    }
}
