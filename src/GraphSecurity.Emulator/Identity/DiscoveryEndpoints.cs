using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Identity;

/// <summary>OpenID configuration, JWKS and MSAL instance discovery, all pointing at this emulator.</summary>
public static class DiscoveryEndpoints
{
    private static readonly string[] Generic = { "common", "organizations", "consumers" };

    public static void Map(WebApplication app)
    {
        app.MapGet("/common/discovery/instance", (HttpContext ctx) =>
        {
            var baseUrl = TokenEndpoint.BaseUrl(ctx.Request);
            var hostPort = ctx.Request.Host.Value;
            var tenant = "common";
            var authorize = ctx.Request.Query["authorization_endpoint"].ToString();
            if (Uri.TryCreate(authorize, UriKind.Absolute, out var u) && u.Segments.Length > 1)
                tenant = u.Segments[1].TrimEnd('/');
            return Results.Json(new Dictionary<string, object>
            {
                ["tenant_discovery_endpoint"] = $"{baseUrl}/{tenant}/v2.0/.well-known/openid-configuration",
                ["api-version"] = "1.1",
                ["metadata"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["preferred_network"] = hostPort,
                        ["preferred_cache"] = hostPort,
                        ["aliases"] = new[] { hostPort },
                    },
                },
            });
        });

        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", async (HttpContext ctx, string tenant, TenantDirectory dir) =>
        {
            var baseUrl = TokenEndpoint.BaseUrl(ctx.Request);
            string tid;
            if (Generic.Contains(tenant, StringComparer.OrdinalIgnoreCase)) tid = "{tenantid}";
            else
            {
                var t = dir.Find(tenant);
                if (t == null)
                {
                    await AadError.TenantNotFound(tenant).WriteAsync(ctx, baseUrl);
                    return;
                }
                tid = t.Id;
            }
            var host = ctx.Request.Host.Value;
            await ctx.Response.WriteAsJsonAsync(new Dictionary<string, object>
            {
                ["token_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/token",
                ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "private_key_jwt", "client_secret_basic" },
                ["jwks_uri"] = $"{baseUrl}/{tenant}/discovery/v2.0/keys",
                ["response_modes_supported"] = new[] { "query", "fragment", "form_post" },
                ["subject_types_supported"] = new[] { "pairwise" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["response_types_supported"] = new[] { "code", "id_token", "code id_token", "id_token token" },
                ["scopes_supported"] = new[] { "openid", "profile", "email", "offline_access" },
                ["issuer"] = $"{baseUrl}/{tid}/v2.0",
                ["request_uri_parameter_supported"] = false,
                ["userinfo_endpoint"] = $"{baseUrl}/oidc/userinfo",
                ["authorization_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/authorize",
                ["device_authorization_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/devicecode",
                ["http_logout_supported"] = true,
                ["frontchannel_logout_supported"] = true,
                ["end_session_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/logout",
                ["claims_supported"] = new[] { "sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "tid", "ver", "oid", "roles" },
                ["tenant_region_scope"] = null,
                ["cloud_instance_name"] = ctx.Request.Host.Host,
                ["cloud_graph_host_name"] = host,
                ["msgraph_host"] = host,
                ["rbac_url"] = baseUrl,
            });
        });

        app.MapGet("/{tenant}/discovery/v2.0/keys", (TokenIssuer issuer) => Results.Json(issuer.Jwks()));
    }
}
