using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph;

/// <summary>Authenticates a Graph request from its bearer token.</summary>
public static class GraphAuth
{
    public static async Task<GraphPrincipal> AuthenticateAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(GraphPrincipal), out var cached)) return (GraphPrincipal)cached;
        var issuer = context.RequestServices.GetRequiredService<TokenIssuer>();
        var header = context.Request.Headers.Authorization.ToString();
        string token = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = header[7..].Trim();
        var principal = await issuer.ValidateAsync(token);
        context.Items[typeof(GraphPrincipal)] = principal;
        return principal;
    }
}
