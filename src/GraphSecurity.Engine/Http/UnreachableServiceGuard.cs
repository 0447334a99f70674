using System;
using System.Threading;

namespace GraphSecurity.Engine.Http;

/// <summary>
/// Remembers, for one run of a bulk command, that the service could not be reached. Each request
/// already gets a few quick retries when nothing answers (<see cref="RetryPolicy.MaxUnreachableRetries"/>);
/// once one has given up, the rest of the run reports its inputs as not sent instead of waiting
/// on the service again batch after batch.
/// </summary>
public sealed class UnreachableServiceGuard
{
    private Exception? _failure;

    /// <summary>The failure that showed the service unreachable, or null while it answers.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Records the failure if it means "unreachable"; true when it did.</summary>
    public bool Observe(Exception exception, CancellationToken cancellationToken)
    {
        if (RetryPolicy.Classify(exception, cancellationToken) != FailureKind.Unreachable) return false;
        Interlocked.CompareExchange(ref _failure, exception, null);
        return true;
    }
}
