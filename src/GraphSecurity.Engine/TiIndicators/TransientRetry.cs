using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;
using Microsoft.Kiota.Abstractions;

namespace GraphSecurity.Engine.TiIndicators
{
    /// <summary>What a failed request means for sending it again.</summary>
    public enum FailureKind
    {
        /// <summary>429: the service did nothing; wait Retry-After and send again.</summary>
        Throttled,
        /// <summary>5xx, timeout, dropped or truncated answer: the request may have been applied.</summary>
        Ambiguous,
        /// <summary>Any other answer: sending the same request again gives the same result.</summary>
        Permanent,
        /// <summary>401/403 or the user cancelled: nothing else can succeed either.</summary>
        Fatal,
    }

    /// <summary>Waits between attempts: Retry-After when the service gives one, else exponential backoff with full jitter.</summary>
    public sealed class TransientRetry
    {
        private readonly Random _random;

        public TransientRetry(int seed = 0) { _random = seed == 0 ? new Random() : new Random(seed); }

        public int MaxAttempts { get; set; } = 10;
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(0.5);
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>How waiting is done (tests replace it).</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (wait, token) => Task.Delay(wait, token);

        public static FailureKind Classify(Exception exception, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested) return FailureKind.Fatal;
            switch (exception)
            {
                case GraphServiceException graph:
                    return ByStatus((int)graph.StatusCode);
                case ApiException api: // the HTTP layer's retry handler gave up (e.g. still throttled after its retries)
                    return ByStatus(api.ResponseStatusCode);
                case AggregateException many when many.InnerExceptions.Count > 0:
                    return Classify(many.InnerExceptions[many.InnerExceptions.Count - 1], cancellationToken);
                case HttpRequestException _:
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

        /// <summary>The wait before attempt <paramref name="attempt"/> + 1 (attempt counts from 1).</summary>
        public TimeSpan NextDelay(int attempt, Exception failure)
        {
            if (failure is GraphServiceException graph && graph.RetryAfter.HasValue)
                return graph.RetryAfter.Value + TimeSpan.FromMilliseconds(_random.Next(0, 100)); // a little jitter, so parallel clients do not return together
            var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16)));
            return TimeSpan.FromMilliseconds(_random.NextDouble() * ceiling);
        }

        public async Task WaitAsync(int attempt, Exception failure, CancellationToken cancellationToken)
        {
            var wait = NextDelay(attempt, failure);
            var why = failure is GraphServiceException graph ? $"{(int)graph.StatusCode} {graph.Code}".TrimEnd() : failure.GetType().Name;
            EngineLogScope.Current.Verbose($"Attempt {attempt} failed ({why}); waiting {wait.TotalSeconds:0.0} s before the next.");
            await Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Runs a call that is safe to repeat (a read), retrying throttling and transient failures.</summary>
        public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                try { return await call(cancellationToken).ConfigureAwait(false); }
                catch (Exception ex) when (attempt < MaxAttempts && IsRetryable(Classify(ex, cancellationToken)))
                {
                    await WaitAsync(attempt, ex, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private static bool IsRetryable(FailureKind kind) => kind == FailureKind.Throttled || kind == FailureKind.Ambiguous;
    }
}
