namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// Authenticates a request to one of the APIs from its bearer token, which must be for that API, and
/// counts the accepted token's audience (<c>GET /_emulator/counters</c>).
/// </summary>
public static class ApiAuth
{
    public static async Task<CallerPrincipal> AuthenticateAsync(HttpContext context, ApiResource api)
    {
        if (context.Items.TryGetValue(typeof(CallerPrincipal), out var cached) && ((CallerPrincipal)cached).Api == api) return (CallerPrincipal)cached;
        var issuer = context.RequestServices.GetRequiredService<TokenIssuer>();
        var header = context.Request.Headers.Authorization.ToString();
        string token = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = header[7..].Trim();
        var principal = await issuer.ValidateAsync(token, api);
        context.RequestServices.GetService<Control.RequestCounters>()?.AddToken(api.Name, principal.Audience);
        context.Items[typeof(CallerPrincipal)] = principal;
        return principal;
    }
}

