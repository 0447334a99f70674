using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// Sends a call of a rate-limited API: waits its turn at the call's pacer, sends without the HTTP
/// layer's own retries, and retries throttling (Retry-After, which also holds the pacer back) and
/// transient failures within the connection's retry limits, each retry paced again.
/// </summary>
public sealed class PacedCalls
{
    private readonly GraphConnection _connection;
    private readonly RetryPolicy _retry;
    /// <summary>Each limit's pacer, asked of the connection once (for the emulator that is a request), not per call.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<RatePacer?>> _pacers =
        new System.Collections.Concurrent.ConcurrentDictionary<string, Task<RatePacer?>>(StringComparer.Ordinal);

    public PacedCalls(GraphConnection connection, RetryPolicy? retry = null)
    {
        _connection = connection;
        _retry = retry ?? new RetryPolicy();
    }

    public async Task<T> SendAsync<T>(RateLimit limit, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        var pacer = await _pacers.GetOrAdd(limit.Name, _ => _connection.PacerForAsync(limit, cancellationToken)).ConfigureAwait(false);
        return await _retry.RunAsync(async token =>
        {
            var reserved = pacer != null ? await pacer.WaitTurnAsync(token).ConfigureAwait(false) : default;
            try { return await send(token).ConfigureAwait(false); }
            catch (ServiceErrorException ex) when (ex.StatusCode == (HttpStatusCode)429)
            {
                pacer?.Throttled(ex.RetryAfter ?? TimeSpan.FromSeconds(1));
                throw;
            }
            finally { pacer?.Completed(reserved); }
        }, cancellationToken).ConfigureAwait(false);
    }
}
