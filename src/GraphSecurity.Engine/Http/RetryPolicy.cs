using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Http;

/// <summary>What a failed request means for sending it again.</summary>
public enum FailureKind
{
    /// <summary>429: the service did nothing; wait Retry-After and send again.</summary>
    Throttled,
    /// <summary>5xx, timeout, dropped, truncated or unreadable answer: the request may have been applied.</summary>
    Ambiguous,
    /// <summary>Nothing answered (connection refused, unknown host): the request was not sent.</summary>
    Unreachable,
    /// <summary>Any other answer: sending the same request again gives the same result.</summary>
    Permanent,
    /// <summary>401/403, a certificate that changed, or the user cancelled: nothing else can succeed either.</summary>
    Fatal,
}

/// <summary>Which failures of a request may be answered by sending it again.</summary>
public enum RetryMode
{
    /// <summary>By method: GET, HEAD, PUT and DELETE are <see cref="Repeatable"/>, the others <see cref="NotRepeatable"/>.</summary>
    Auto,
    /// <summary>Sending it twice does no harm (a read, or a PATCH that sets fields): every transient failure is retried.</summary>
    Repeatable,
    /// <summary>Sending it twice may do it twice (a POST that appends): only failures where the service did nothing are retried.</summary>
    NotRepeatable,
    /// <summary>Never retried: the caller checks what happened first (e.g. a bulk create).</summary>
    None,
}

/// <summary>
/// When and how long to wait before sending a failed request again, for every request of a
/// connection. Limits (docs/about_GraphSecurity_Paging_And_Throttling.md):
/// <list type="bullet">
/// <item>429: up to <see cref="MaxThrottledRetries"/> retries, each after the service's Retry-After;</item>
/// <item>5xx, timeouts, dropped or truncated answers: up to <see cref="MaxTransientRetries"/> retries with
/// exponential backoff (or Retry-After), only for requests that are safe to repeat;</item>
/// <item>a refused connection or unknown host: up to <see cref="MaxUnreachableRetries"/> quick retries,
/// since waiting longer rarely helps and a run should give up soon.</item>
/// </list>
/// </summary>
public sealed class RetryPolicy
{
    private readonly Random _random;

    public RetryPolicy(int seed = 0) { _random = seed == 0 ? new Random() : new Random(seed); }

    public static RetryPolicy Default => new RetryPolicy();

    public int MaxThrottledRetries { get; set; } = 10;
    public int MaxTransientRetries { get; set; } = 5;
    public int MaxUnreachableRetries { get; set; } = 2;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(0.5);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan UnreachableDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How waiting is done (tests replace it).</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (wait, token) => Task.Delay(wait, token);

    /// <summary>The most attempts a request can get for one kind of failure.</summary>
    public int MaxAttempts(FailureKind kind)
    {
        switch (kind)
        {
            case FailureKind.Throttled: return MaxThrottledRetries + 1;
            case FailureKind.Ambiguous: return MaxTransientRetries + 1;
            case FailureKind.Unreachable: return MaxUnreachableRetries + 1;
            default: return 1;
        }
    }

    public static FailureKind Classify(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return FailureKind.Fatal;
        switch (exception)
        {
            case ServiceErrorException graph:
                return ByStatus((int)graph.StatusCode);
            case ServiceConnectionException connection:
                return connection.Kind;
            case Microsoft.Kiota.Abstractions.ApiException api:
                return ByStatus(api.ResponseStatusCode);
            case AggregateException many when many.InnerExceptions.Count > 0:
                return Classify(many.InnerExceptions[many.InnerExceptions.Count - 1], cancellationToken);
            case HttpRequestException http:
                if (ExceptionChain.Find<AuthenticationException>(http) != null) return FailureKind.Fatal;
                return IsUnreachable(http) ? FailureKind.Unreachable : FailureKind.Ambiguous;
            case IOException _:
            case JsonException _:
            case OperationCanceledException _: // HttpClient's timeout, not the user
                return FailureKind.Ambiguous;
            default:
                return FailureKind.Fatal;
        }
    }

    private static FailureKind ByStatus(int status)
    {
        if (status == 429) return FailureKind.Throttled;
        if (status >= 500 || status == (int)HttpStatusCode.RequestTimeout) return FailureKind.Ambiguous;
        return status == 401 || status == 403 ? FailureKind.Fatal : FailureKind.Permanent;
    }

    /// <summary>True when the connection was never made, so nothing of the request reached the service.</summary>
    private static bool IsUnreachable(HttpRequestException exception)
    {
        var socket = ExceptionChain.Find<SocketException>(exception);
        if (socket == null) return false;
        switch (socket.SocketErrorCode)
        {
            case SocketError.ConnectionRefused:
            case SocketError.HostNotFound:
            case SocketError.HostUnreachable:
            case SocketError.NetworkUnreachable:
            case SocketError.NoData:
            case SocketError.TryAgain:
                return true;
            default:
                return false;
        }
    }

    /// <summary>Whether a failure of this kind is retried for a request of this mode.</summary>
    public static bool Retries(RetryMode mode, FailureKind kind)
    {
        switch (mode)
        {
            case RetryMode.Repeatable:
                return kind == FailureKind.Throttled || kind == FailureKind.Ambiguous || kind == FailureKind.Unreachable;
            case RetryMode.NotRepeatable:
                return kind == FailureKind.Throttled || kind == FailureKind.Unreachable;
            default:
                return false;
        }
    }

    public static RetryMode ForMethod(HttpMethod method)
    {
        var name = method.Method.ToUpperInvariant();
        return name == "GET" || name == "HEAD" || name == "PUT" || name == "DELETE" ? RetryMode.Repeatable : RetryMode.NotRepeatable;
    }

    /// <summary>The wait before the next attempt; <paramref name="retry"/> counts the retries of this kind so far, from 1.</summary>
    public TimeSpan NextDelay(int retry, Exception failure)
    {
        if (failure is ServiceErrorException graph && graph.RetryAfter.HasValue)
            return graph.RetryAfter.Value + TimeSpan.FromMilliseconds(Next(100)); // a little jitter, so parallel clients do not return together
        if (Classify(failure, CancellationToken.None) == FailureKind.Unreachable)
            return TimeSpan.FromTicks(UnreachableDelay.Ticks * retry);
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 16)));
        // Full jitter, but never less than a tenth of the ceiling: a retry straight away rarely meets a recovered service.
        return TimeSpan.FromMilliseconds(ceiling * (0.1 + 0.9 * NextDouble()));
    }

    /// <summary>Waits before attempt <paramref name="retry"/> + 1 of a caller's own loop, with a verbose line saying why.</summary>
    public async Task WaitAsync(int retry, Exception failure, CancellationToken cancellationToken)
    {
        var wait = NextDelay(retry, failure);
        EngineLogScope.Current.Verbose($"Attempt {retry} failed ({Describe(failure)}); waiting {wait.TotalSeconds:0.0} s before the next.");
        await Delay(wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A short reason for a log line, e.g. "503 ServiceNotAvailable" or "connection lost".</summary>
    public static string Describe(Exception failure)
    {
        switch (failure)
        {
            case ServiceErrorException graph: return $"{(int)graph.StatusCode} {graph.Code}".TrimEnd();
            case ServiceConnectionException connection: return connection.Reason;
            case HttpRequestException http when Classify(http, CancellationToken.None) == FailureKind.Unreachable: return "no answer: " + (http.InnerException ?? http).Message;
            case HttpRequestException http: return "connection lost: " + (http.InnerException ?? http).Message;
            case IOException io: return "answer cut off: " + io.Message;
            case JsonException _: return "answer unreadable";
            case OperationCanceledException _: return "timed out";
            default: return failure.GetType().Name;
        }
    }

    /// <summary>
    /// Runs a call that is safe to repeat and whose requests are not retried by the HTTP layer
    /// (<see cref="RetryMode.None"/>), retrying throttling and transient failures within the same limits.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var budget = NewBudget();
        while (true)
        {
            try { return await call(cancellationToken).ConfigureAwait(false); }
            catch (Exception ex)
            {
                var kind = Classify(ex, cancellationToken);
                if (!Retries(RetryMode.Repeatable, kind) || !budget.TryTake(kind)) throw;
                await WaitAsync(budget.Taken(kind), ex, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A count of the retries one request (or one batch) has had, per kind of failure.</summary>
    public RetryBudget NewBudget() => new RetryBudget(this);

    private int Next(int max) { lock (_random) return _random.Next(max); }
    private double NextDouble() { lock (_random) return _random.NextDouble(); }
}

/// <summary>The retries taken so far for one request or batch, per kind, against the policy's limits.</summary>
public sealed class RetryBudget
{
    private readonly RetryPolicy _policy;
    private readonly System.Collections.Generic.Dictionary<FailureKind, int> _taken = new System.Collections.Generic.Dictionary<FailureKind, int>();

    internal RetryBudget(RetryPolicy policy) { _policy = policy; }

    /// <summary>Counts one more retry for this kind of failure; false when its limit is reached.</summary>
    public bool TryTake(FailureKind kind)
    {
        var taken = Taken(kind);
        if (taken >= _policy.MaxAttempts(kind) - 1) return false;
        _taken[kind] = taken + 1;
        return true;
    }

    public int Taken(FailureKind kind) => _taken.TryGetValue(kind, out var n) ? n : 0;

    /// <summary>The most retries this kind allows.</summary>
    public int Limit(FailureKind kind) => _policy.MaxAttempts(kind) - 1;

    /// <summary>Every retry taken, of any kind.</summary>
    public int Total
    {
        get
        {
            var total = 0;
            foreach (var n in _taken.Values) total += n;
            return total;
        }
    }
}
