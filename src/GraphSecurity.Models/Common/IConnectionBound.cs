namespace GraphSecurity;

/// <summary>
/// An object read through a named connection. Set- cmdlets bind -Connection from this
/// property, so a piped object is changed in the tenant it came from.
/// </summary>
public interface IConnectionBound
{
    /// <summary>Null until the object is bound to a connection.</summary>
    string? ConnectionName { get; set; }
}
