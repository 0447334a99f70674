using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace GraphSecurity.Engine.Http;

/// <summary>
/// The User-Agent every request of a connection carries: the module's own product token, after a
/// partner's product tokens when the connection has them (Defender for Endpoint partners must name
/// their product on every call to Defender and Graph security APIs: MdePartner-{Company}-{Product}/{Version}).
/// </summary>
public static class UserAgent
{
    // RFC 9110 product = token ["/" product-version]; here each product must say its version.
    private static readonly Regex Product = new Regex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/[!#$%&'*+\-.^_`|~0-9A-Za-z]+$", RegexOptions.CultureInvariant);

    private static readonly char[] Space = { ' ' };

    /// <summary>Longest partner value taken; real product strings are far shorter.</summary>
    public const int MaxLength = 256;

    /// <summary>The module's product token, e.g. GraphSecurity/0.1.0.</summary>
    public static string ModuleProduct { get; } = "GraphSecurity/" + ModuleVersion();

    /// <summary>What is wrong with a partner's User-Agent value, or null when it is one or more product/version tokens.</summary>
    public static string? Problem(string? value)
    {
        if (value == null || value.Trim().Length == 0) return "it is empty";
        if (value.Length > MaxLength) return $"it is longer than {MaxLength} characters";
        var bad = value.Split(Space, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(p => !Product.IsMatch(p));
        return bad == null ? null : $"'{ItemIds.Printable(bad)}' is not a product/version token";
    }

    /// <summary>The header value: the partner's tokens (normalized spacing), then the module's.</summary>
    public static string For(string? partner) =>
        partner == null ? ModuleProduct : string.Join(" ", partner.Split(Space, StringSplitOptions.RemoveEmptyEntries)) + " " + ModuleProduct;

    private static string ModuleVersion()
    {
        var version = typeof(UserAgent).Assembly.GetName().Version ?? new Version(0, 0, 0);
        return $"{version.Major}.{version.Minor}.{Math.Max(version.Build, 0)}";
    }
}
