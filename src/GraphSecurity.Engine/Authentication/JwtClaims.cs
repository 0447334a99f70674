using System;
using System.Text;
using System.Text.Json;

namespace GraphSecurity.Engine.Authentication;

/// <summary>Reads claims from a JWT's payload without validating it (the service validates; we only want the expiry).</summary>
internal static class JwtClaims
{
    public static DateTimeOffset? TryReadExpiry(string? jwt)
    {
        try
        {
            var parts = (jwt ?? "").Split('.');
            if (parts.Length < 2) return null;
            using (var payload = JsonDocument.Parse(Base64UrlDecode(parts[1])))
            {
                return payload.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : (DateTimeOffset?)null;
            }
        }
        catch (Exception ex) when (ex is FormatException || ex is JsonException || ex is ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A string claim (e.g. "tid"), or null.</summary>
    public static string? TryReadString(string? jwt, string claim)
    {
        try
        {
            var parts = (jwt ?? "").Split('.');
            if (parts.Length < 2) return null;
            using (var payload = JsonDocument.Parse(Base64UrlDecode(parts[1])))
                return payload.RootElement.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (Exception ex) when (ex is FormatException || ex is JsonException || ex is ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The token's application roles ("roles") or, for a user's token, its scopes ("scp"); empty when it has neither or is not a JWT.</summary>
    public static System.Collections.Generic.List<string> Permissions(string? jwt)
    {
        var permissions = new System.Collections.Generic.List<string>();
        try
        {
            var parts = (jwt ?? "").Split('.');
            if (parts.Length < 2) return permissions;
            using (var payload = JsonDocument.Parse(Base64UrlDecode(parts[1])))
            {
                if (payload.RootElement.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array)
                    foreach (var role in roles.EnumerateArray()) if (role.GetString() is string name) permissions.Add(name);
                if (payload.RootElement.TryGetProperty("scp", out var scp) && scp.ValueKind == JsonValueKind.String && scp.GetString() is string scopes)
                    permissions.AddRange(scopes.Split(Space, StringSplitOptions.RemoveEmptyEntries));
            }
        }
        catch (Exception ex) when (ex is FormatException || ex is JsonException || ex is ArgumentException)
        {
        }
        return permissions;
    }

    private static readonly char[] Space = { ' ' };

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        switch (s.Length % 4) { case 2: s += "=="; break; case 3: s += "="; break; }
        return Convert.FromBase64String(s);
    }
}
