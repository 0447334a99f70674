using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace GraphSecurity;

/// <summary>
/// A read-only list whose text form is its items joined with "; ". Export-Csv and string
/// conversion in PowerShell use ToString(), so collections on output objects read as their
/// content instead of "System.Object[]".
/// </summary>
public sealed class ValueList<T> : ReadOnlyCollection<T>
{
    public static readonly ValueList<T> Empty = new ValueList<T>(Array.Empty<T>());

    public ValueList(IList<T> items) : base(items) { }

    public override string ToString() => string.Join("; ", this);
}

internal static class ValueLists
{
    /// <summary>The values that are set (not null or empty), each once, compared without case.</summary>
    internal static ValueList<string> DistinctText(IEnumerable<string?> values) =>
        new ValueList<string>(values.OfType<string>().Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList());
}
