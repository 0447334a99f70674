using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace GraphSecurity
{
    /// <summary>
    /// A read-only list whose text form is its items joined with "; ". Export-Csv and string
    /// conversion in PowerShell use ToString(), so collections on output objects read as their
    /// content instead of "System.Object[]".
    /// </summary>
    public sealed class ValueList<T> : ReadOnlyCollection<T>
    {
        public static readonly ValueList<T> Empty = new ValueList<T>(new T[0]);

        public ValueList(IList<T> items) : base(items) { }

        public override string ToString() => string.Join("; ", this);
    }
}
