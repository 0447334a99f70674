// netstandard2.0 has no nullable-analysis attributes; the compiler honours these internal copies by name.
namespace System.Diagnostics.CodeAnalysis;

/// <summary>The argument is not null when the method returns <see cref="ReturnValue"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class NotNullWhenAttribute : Attribute
{
    public NotNullWhenAttribute(bool returnValue) { ReturnValue = returnValue; }
    public bool ReturnValue { get; }
}
