using System;
using System.Diagnostics.CodeAnalysis;
using System.Linq;

namespace GraphSecurity.Engine;

/// <summary>
/// string.IsNullOrEmpty and IsNullOrWhiteSpace as netstandard2.0 has them carry no nullable
/// annotations; these do, so a check also proves the text is there.
/// </summary>
internal static class Strings
{
    public static bool IsNullOrEmpty([NotNullWhen(false)] string? value) => string.IsNullOrEmpty(value);

    public static bool IsNullOrWhiteSpace([NotNullWhen(false)] string? value) => string.IsNullOrWhiteSpace(value);

    private static readonly char[] LineBreaks = { '\r', '\n' };

    /// <summary>The first non-empty line, trimmed; "" for null or empty text.</summary>
    public static string FirstLine(string? text) =>
        (text ?? "").Split(LineBreaks, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
}
