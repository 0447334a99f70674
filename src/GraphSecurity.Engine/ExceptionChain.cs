using System;

namespace GraphSecurity.Engine;

/// <summary>Looks through an exception and its inner exceptions.</summary>
internal static class ExceptionChain
{
    /// <summary>The first exception of the chain that is a <typeparamref name="TException"/>, or null.</summary>
    public static TException? Find<TException>(Exception? exception) where TException : Exception
    {
        for (var e = exception; e != null; e = e.InnerException)
            if (e is TException found) return found;
        return null;
    }
}
