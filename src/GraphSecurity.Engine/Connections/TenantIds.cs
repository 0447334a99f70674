using System;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;

namespace GraphSecurity.Engine.Connections;

/// <summary>The tenant id (GUID) of a connection, which some payloads must carry (e.g. a Sentinel indicator's azureTenantId).</summary>
public static class TenantIds
{
    /// <summary>The connection's tenant when it was given as a GUID, else the token's "tid" claim (null when it has none).</summary>
    public static async Task<string?> OfConnectionAsync(GraphConnection connection, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(connection.TenantId, out var id)) return id.ToString();
        var token = await connection.TokenForAsync(SecurityApi.Graph, cancellationToken).ConfigureAwait(false);
        return JwtClaims.TryReadString(token.Value, "tid");
    }
}
