using System.Text.Json;
using GraphSecurity.ProviderKit.Actions;
using GraphSecurity.ProviderKit.Auth;
using GraphSecurity.ProviderKit.Models;
using GraphSecurity.ProviderKit.Notifications;
using GraphSecurity.ProviderKit.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GraphSecurity.ProviderKit.Hosting;

/// <summary>The gsprov/1 endpoints over the registered <see cref="IProviderDataSource"/>.</summary>
public static class GsProviderEndpoints
{
    private const int MaxIdLength = 256;

    /// <summary>
    /// Maps the contract under <paramref name="prefix"/> (e.g. <c>/gsprov/v1</c>). <paramref name="configure"/>, when
    /// given, adjusts the options registered by <see cref="GsProviderServiceCollectionExtensions.AddGsProvider{TSource}"/>.
    /// </summary>
    public static RouteGroupBuilder MapGsProvider(this IEndpointRouteBuilder app, string prefix = "/gsprov/v1", Action<GsProviderOptions> configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ServiceProvider.GetRequiredService<GsProviderOptions>();
        configure?.Invoke(options);
        options.Validate();

        var group = app.MapGroup(prefix);
        group.MapGet("", (HttpContext ctx) => Handle(ctx, anonymous: true, (_, _) => Describe(ctx)));
        group.MapGet("alerts", (HttpContext ctx) => Handle(ctx, false, ListAlertsAsync));
        group.MapGet("alerts/{id}", (HttpContext ctx, string id) => Handle(ctx, false, (s, c) => GetAlertAsync(s, c, id)));
        group.MapPatch("alerts/{id}", (HttpContext ctx, string id) => Handle(ctx, false, (s, c) => PatchAlertAsync(s, c, id)));
        group.MapPost("securityActions", (HttpContext ctx) => Handle(ctx, false, StartActionAsync));
        group.MapGet("securityActions", (HttpContext ctx) => Handle(ctx, false, ListActions));
        group.MapGet("securityActions/{id}", (HttpContext ctx, string id) => Handle(ctx, false, (s, c) => GetAction(s, c, id)));
        group.MapPost("securityActions/{id}/cancel", (HttpContext ctx, string id) => Handle(ctx, false, (s, c) => CancelAction(s, c, id)));
        // Anything else under the prefix, whatever the method, gets the contract's 404 rather than an empty one.
        group.Map("{**rest}", (HttpContext ctx) => Handle(ctx, true, (_, _) =>
            throw ProviderException.NotFound($"No resource '{ctx.Request.Method} {ctx.Request.Path}' in {GsProviderOptions.Contract}.")));
        return group;
    }

    private sealed record Scope(HttpContext Http, IServiceProvider Services, GsProviderOptions Options, IProviderDataSource Source)
    {
        public CancellationToken Aborted => Http.RequestAborted;
    }

    private static async Task Handle(HttpContext ctx, bool anonymous, Func<Scope, ProviderCaller, ValueTask<IResult>> handler)
    {
        var result = await AnswerAsync(ctx, anonymous, handler).ConfigureAwait(false);
        await result.ExecuteAsync(ctx).ConfigureAwait(false);
    }

    private static async Task<IResult> AnswerAsync(HttpContext ctx, bool anonymous, Func<Scope, ProviderCaller, ValueTask<IResult>> handler)
    {
        var services = ctx.RequestServices;
        var scope = new Scope(ctx, services, services.GetRequiredService<GsProviderOptions>(), services.GetRequiredService<IProviderDataSource>());
        try
        {
            var caller = anonymous ? null : await AuthenticateAsync(scope).ConfigureAwait(false);
            return await handler(scope, caller).ConfigureAwait(false);
        }
        catch (ProviderException e)
        {
            return Error(scope.Options, e);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception e)
        {
            services.GetService<ILoggerFactory>()?.CreateLogger(typeof(GsProviderEndpoints)).LogError(e, "{Method} {Path} failed.", ctx.Request.Method, ctx.Request.Path);
            return Error(scope.Options, new ProviderException(ProviderErrorCodes.InternalServerError, "The provider failed to answer the request."));
        }
    }

    /// <summary>The contract's error reply; 401 adds the Bearer challenge, 429 its Retry-After.</summary>
    internal static IResult Error(GsProviderOptions options, ProviderException error) => new ErrorResult(error, options.Deviations.PlainTextErrors);

    private sealed class ErrorResult(ProviderException error, bool plainText) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = error.StatusCode;
            if (error.StatusCode == 401) response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            if (error.RetryAfter is { } retry) response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (plainText)
            {
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync(error.Code + ": " + error.Message).ConfigureAwait(false);
                return;
            }
            await response.WriteAsJsonAsync(new { error = new { code = error.Code, message = error.Message } }, ProviderJson.Options).ConfigureAwait(false);
        }
    }

    private static async ValueTask<ProviderCaller> AuthenticateAsync(Scope scope)
    {
        var header = scope.Http.Request.Headers.Authorization.ToString();
        ProviderCaller caller;
        if (scope.Options.Deviations.SkipAuthentication && string.IsNullOrWhiteSpace(header))
        {
            caller = new ProviderCaller(scope.Options.Deviations.UnauthenticatedTenantId, null, null);
        }
        else
        {
            caller = await scope.Services.GetRequiredService<ProviderTokenValidator>().ValidateAsync(header, scope.Aborted).ConfigureAwait(false);
            var allowed = scope.Options.AllowedCallerAppIds;
            if (allowed.Count > 0 && !allowed.Contains(caller.AppId, StringComparer.OrdinalIgnoreCase))
                throw ProviderException.Forbidden($"The app '{caller.AppId}' may not call this provider.");
        }
        if (string.IsNullOrEmpty(caller.TenantId) || !await scope.Source.IsTenantConsentedAsync(caller.TenantId, scope.Aborted).ConfigureAwait(false))
            throw ProviderException.Forbidden($"The tenant '{caller.TenantId}' has not consented to {scope.Options.Vendor} {scope.Options.Provider}.");
        return caller;
    }

    private static ValueTask<IResult> Describe(HttpContext ctx)
    {
        var options = ctx.RequestServices.GetRequiredService<GsProviderOptions>();
        var source = ctx.RequestServices.GetRequiredService<IProviderDataSource>();
        return ValueTask.FromResult(Json(new
        {
            contract = GsProviderOptions.Contract,
            vendor = options.Vendor,
            provider = options.Provider,
            providerVersion = options.ProviderVersion,
            appId = options.AppId,
            audience = options.Audience ?? options.AppId,
            capabilities = new
            {
                alerts = new[] { "list", "get", "update" },
                securityActions = source.Actions.Select(a => a.Name).ToArray(),
                notifications = options.BrokerUrl != null,
            },
        }));
    }

    private static IResult Json(object value, int status = 200) => Results.Json(value, ProviderJson.Options, "application/json; charset=utf-8", status);

    private static async ValueTask<IResult> ListAlertsAsync(Scope scope, ProviderCaller caller)
    {
        var query = ProviderQuery.Parse(scope.Http.Request.Query);
        AlertPage page;
        if (scope.Source is IQueryableProviderDataSource queryable)
        {
            page = await queryable.QueryAlertsAsync(caller.TenantId, query, scope.Aborted).ConfigureAwait(false);
        }
        else
        {
            var all = await scope.Source.ListAlertsAsync(caller.TenantId, scope.Aborted).ConfigureAwait(false);
            page = query.Apply(all);
        }
        var body = new Dictionary<string, object> { ["value"] = page.Alerts.Select(a => Stamp(scope.Options, caller, a)).ToList() };
        if (page.HasMore) body["@odata.nextLink"] = NextLink(scope.Http.Request, query);
        return Json(body);
    }

    /// <summary>The same request with <c>$skip</c> moved past this page.</summary>
    private static string NextLink(HttpRequest request, ProviderQuery query)
    {
        var parts = request.Query.Where(p => p.Key != "$skip")
            .SelectMany(p => p.Value.Select(v => Uri.EscapeDataString(p.Key).Replace("%24", "$", StringComparison.Ordinal) + "=" + Uri.EscapeDataString(v ?? "")))
            .Append("$skip=" + ((long)query.Skip + query.Top).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join("&", parts)}";
    }

    private static async ValueTask<IResult> GetAlertAsync(Scope scope, ProviderCaller caller, string id)
    {
        CheckId(id);
        var alert = await scope.Source.GetAlertAsync(caller.TenantId, id, scope.Aborted).ConfigureAwait(false)
            ?? throw ProviderException.NotFound($"No alert with id '{id}'.");
        return Json(Stamp(scope.Options, caller, alert));
    }

    private static async ValueTask<IResult> PatchAlertAsync(Scope scope, ProviderCaller caller, string id)
    {
        CheckId(id);
        using var body = await ReadBodyAsync(scope).ConfigureAwait(false);
        var deviations = scope.Options.Deviations;
        var update = AlertUpdate.Parse(body.RootElement, scope.Options.Vendor, scope.Options.Provider,
            allowAnyField: deviations.AcceptReadOnlyFields, requireVendor: !deviations.SkipVendorCheck);
        var alert = await scope.Source.UpdateAlertAsync(caller.TenantId, id, update, scope.Aborted).ConfigureAwait(false)
            ?? throw ProviderException.NotFound($"No alert with id '{id}'.");
        var stamped = Stamp(scope.Options, caller, alert);
        scope.Services.GetRequiredService<IProviderNotifier>().AlertUpdated(caller.TenantId, stamped);
        return deviations.NoPatchEcho ? Results.NoContent() : Json(stamped);
    }

    /// <summary>The alert as served: always the caller's tenant; the provider's names when the source left them out.</summary>
    private static ProviderAlert Stamp(GsProviderOptions options, ProviderCaller caller, ProviderAlert alert)
    {
        var copy = alert.Clone();
        copy.AzureTenantId = caller.TenantId;
        copy.VendorInformation ??= new VendorInformation { Vendor = options.Vendor, Provider = options.Provider, ProviderVersion = options.ProviderVersion };
        return copy;
    }

    private static async ValueTask<IResult> StartActionAsync(Scope scope, ProviderCaller caller)
    {
        using var body = await ReadBodyAsync(scope).ConfigureAwait(false);
        var (request, definition) = ActionRequests.Parse(body.RootElement, scope.Options, scope.Source.Actions);
        var action = scope.Services.GetRequiredService<SecurityActionEngine>().Start(caller.TenantId, caller.AppId, request, definition);
        return Json(action, 201);
    }

    private static ValueTask<IResult> ListActions(Scope scope, ProviderCaller caller)
    {
        var option = scope.Http.Request.Query.Keys.FirstOrDefault(k => k.StartsWith('$'));
        if (option != null) throw ProviderException.BadRequest($"The query option '{option}' is not supported on securityActions.");
        var actions = scope.Services.GetRequiredService<SecurityActionEngine>().List(caller.TenantId);
        return ValueTask.FromResult(Json(new { value = actions }));
    }

    private static ValueTask<IResult> GetAction(Scope scope, ProviderCaller caller, string id)
    {
        CheckId(id);
        var action = scope.Services.GetRequiredService<SecurityActionEngine>().Get(caller.TenantId, id)
            ?? throw ProviderException.NotFound($"No security action with id '{id}'.");
        return ValueTask.FromResult(Json(action));
    }

    private static ValueTask<IResult> CancelAction(Scope scope, ProviderCaller caller, string id)
    {
        CheckId(id);
        return ValueTask.FromResult(Json(scope.Services.GetRequiredService<SecurityActionEngine>().Cancel(caller.TenantId, id)));
    }

    private static void CheckId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength || id.Any(char.IsControl))
            throw ProviderException.BadRequest($"The id must be 1 to {MaxIdLength} printable characters.");
    }

    /// <summary>The request body as JSON: a JSON content type (when one is given), at most the configured size.</summary>
    private static async Task<JsonDocument> ReadBodyAsync(Scope scope)
    {
        var request = scope.Http.Request;
        if (!string.IsNullOrEmpty(request.ContentType) && !request.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            throw ProviderException.BadRequest($"The body must be JSON (Content-Type application/json), not '{request.ContentType}'.");
        if (request.ContentLength > scope.Options.MaxRequestBodyBytes)
            throw ProviderException.BadRequest($"The body is larger than {scope.Options.MaxRequestBodyBytes} bytes.");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, scope.Aborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > scope.Options.MaxRequestBodyBytes)
                throw ProviderException.BadRequest($"The body is larger than {scope.Options.MaxRequestBodyBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw ProviderException.BadRequest("The request has no body; send a JSON object.");
        try
        {
            return JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw ProviderException.BadRequest("The body is not valid JSON: " + e.Message);
        }
    }
}
