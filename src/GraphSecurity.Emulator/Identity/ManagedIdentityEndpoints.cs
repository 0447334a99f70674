using System.Globalization;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Identity;

/// <summary>
/// Managed-identity token endpoints in the three shapes of the reference (§1.8):
/// IMDS (<c>GET /metadata/identity/oauth2/token</c>), App Service / Functions (<c>GET /msi/token</c>) and
/// Azure Automation (<c>GET|POST /automation/identity/oauth2/token</c>). Tokens are app-only Graph tokens for the
/// selected identity, with its roles.
/// </summary>
public static class ManagedIdentityEndpoints
{
    public const string ImdsPath = "/metadata/identity/oauth2/token";
    public const string AppServicePath = "/msi/token";
    public const string AutomationPath = "/automation/identity/oauth2/token";

    private enum Style { Imds, AppService, Automation }

    /// <summary>A request the endpoint refuses: HTTP status and the message for the style's error body.</summary>
    private sealed class Refusal : Exception
    {
        public int Status { get; }
        public string Error { get; }
        public Refusal(int status, string message, string error = "invalid_request") : base(message) => (Status, Error) = (status, error);
    }

    public static void Map(WebApplication app)
    {
        app.MapGet(ImdsPath, ctx => HandleAsync(ctx, Style.Imds));
        app.MapGet(AppServicePath, ctx => HandleAsync(ctx, Style.AppService));
        app.MapMethods(AutomationPath, new[] { "GET", "POST" }, ctx => HandleAsync(ctx, Style.Automation));
    }

    private static async Task HandleAsync(HttpContext context, Style style)
    {
        var options = context.RequestServices.GetRequiredService<EmulatorOptions>();
        var directory = context.RequestServices.GetRequiredService<TenantDirectory>();
        var issuer = context.RequestServices.GetRequiredService<TokenIssuer>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        try
        {
            var parameters = await ParametersAsync(context.Request, style);
            string Get(string name) => parameters.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
            CheckHeaders(context.Request, style, options, Get("api-version"));
            var resource = Get("resource") ?? throw new Refusal(400, style == Style.Imds
                ? "Required audience parameter not specified"
                : "The 'resource' parameter is required.");
            var (tenant, identity) = Select(directory, style, Get);
            var api = ApiResources.ForResource(resource);
            if (api == null)
                throw new Refusal(400,
                    $"AADSTS500011: The resource principal named {resource} was not found in the tenant named {tenant.DisplayName}. The emulator issues tokens for {string.Join(", ", ApiResources.All.Select(a => a.Audience))}.",
                    "invalid_resource");

            var now = time.GetUtcNow();
            var token = issuer.Issue(tenant, identity.App, "2", now, TokenEndpoint.Audience(api, resource.TrimEnd('/') + "/.default"));
            string Epoch(DateTimeOffset t) => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var lifetime = issuer.Lifetime.ToString(CultureInfo.InvariantCulture);
            var body = new Dictionary<string, object> { ["access_token"] = token };
            if (style == Style.Imds)
            {
                body["refresh_token"] = "";
                body["expires_in"] = lifetime;
                body["expires_on"] = Epoch(now.AddSeconds(issuer.Lifetime));
                body["ext_expires_in"] = lifetime;
                body["not_before"] = Epoch(now);
            }
            else
            {
                body["expires_on"] = Epoch(now.AddSeconds(issuer.Lifetime));
            }
            body["resource"] = resource;
            body["token_type"] = "Bearer";
            body["client_id"] = identity.App.ClientId;
            context.Response.Headers.CacheControl = "no-store, no-cache";
            await context.Response.WriteAsJsonAsync(body);
        }
        catch (Refusal r)
        {
            context.Response.StatusCode = r.Status;
            object error = style switch
            {
                Style.Imds => new Dictionary<string, object> { ["error"] = r.Error, ["error_description"] = r.Message },
                Style.AppService => new Dictionary<string, object>
                {
                    ["statusCode"] = r.Status, ["message"] = r.Message, ["correlationId"] = Guid.NewGuid().ToString(),
                },
                _ => new Dictionary<string, object> { ["Message"] = r.Message },
            };
            await context.Response.WriteAsJsonAsync(error);
        }
    }

    private static async Task<Dictionary<string, string>> ParametersAsync(HttpRequest request, Style style)
    {
        var result = request.Query.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (style == Style.Automation && HttpMethods.IsPost(request.Method))
        {
            if (!request.HasFormContentType)
                throw new Refusal(400, "A POST must have Content-Type application/x-www-form-urlencoded.");
            foreach (var kv in await request.ReadFormAsync()) result[kv.Key] = kv.Value.ToString();
        }
        return result;
    }

    private static void CheckHeaders(HttpRequest request, Style style, EmulatorOptions options, string apiVersion)
    {
        bool MetadataTrue() => string.Equals(request.Headers["Metadata"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        bool IdentityHeaderOk() => request.Headers["X-IDENTITY-HEADER"].ToString() == options.ManagedIdentityHeader;
        switch (style)
        {
            case Style.Imds:
                if (!MetadataTrue()) throw new Refusal(400, "Required metadata header not specified");
                if (request.Headers.ContainsKey("X-Forwarded-For")) throw new Refusal(400, "Request contains X-Forwarded-For header and was rejected");
                if (apiVersion == null) throw new Refusal(400, "Required query variable 'api-version' is missing");
                break;
            case Style.AppService:
                if (!IdentityHeaderOk()) throw new Refusal(401, "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
                if (apiVersion != "2019-08-01") throw new Refusal(400, $"Unsupported api-version '{apiVersion}'. Use 2019-08-01.");
                break;
            default:
                if (!MetadataTrue()) throw new Refusal(400, "The 'Metadata: True' header is required.");
                if (!IdentityHeaderOk()) throw new Refusal(401, "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
                break;
        }
    }

    /// <summary>
    /// The identity the request selects: none of the selectors = the system-assigned identity; else exactly one of
    /// client id, object (principal) id or ARM resource id of a user-assigned identity.
    /// </summary>
    private static (Tenant, ManagedIdentity) Select(TenantDirectory directory, Style style, Func<string, string> get)
    {
        var (objectName, resourceName) = style == Style.AppService ? ("principal_id", "mi_res_id") : ("object_id", "msi_res_id");
        var selectors = new List<(string Name, string Value, Func<Tenant, ManagedIdentity, bool> Match)>
        {
            ("client_id", get("client_id"), (_, m) => string.Equals(m.App.ClientId, get("client_id"), StringComparison.OrdinalIgnoreCase)),
            (objectName, get(objectName) ?? (style == Style.AppService ? get("object_id") : null),
                (t, m) => string.Equals(m.App.ObjectId(t.Id), get(objectName) ?? get("object_id"), StringComparison.OrdinalIgnoreCase)),
            (resourceName, get(resourceName), (_, m) => string.Equals(m.ResourceId, get(resourceName), StringComparison.OrdinalIgnoreCase)),
        };
        var given = selectors.Where(s => s.Value != null).ToList();
        if (given.Count > 1)
            throw new Refusal(400, $"Only one of {string.Join(", ", selectors.Select(s => s.Name))} may be specified.");
        Func<Tenant, ManagedIdentity, bool> match = given.Count == 0 ? (_, m) => m.SystemAssigned : given[0].Match;
        foreach (var tenant in directory.Tenants)
            foreach (var identity in tenant.ManagedIdentities)
                if (match(tenant, identity) && (given.Count == 0 || !identity.SystemAssigned))
                    return (tenant, identity);
        throw new Refusal(400, style switch
        {
            Style.Imds => "Identity not found",
            Style.AppService => "Unable to load the requested Managed Identity.",
            _ => "No managed identity was found for Automation account with the requested identity.",
        });
    }
}
