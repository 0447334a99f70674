using System;

namespace GraphSecurity.Commands.Base;

/// <summary>Helpers for bound parameter values.</summary>
internal static class ParameterValues
{
    /// <summary>The values of an array parameter; none when it was not given.</summary>
    public static T[] OrNone<T>(this T[] values) => values ?? Array.Empty<T>();
}
