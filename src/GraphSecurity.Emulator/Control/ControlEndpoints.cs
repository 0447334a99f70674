using System.Net;
using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Control;

/// <summary>A module's runtime switches (faults, timings) that <c>POST /_emulator/reset</c> puts back as configured.</summary>
public interface IControlResettable
{
    void ResetControls();
}

/// <summary>
/// The emulator's control API under <c>/_emulator/</c>: no authentication, loopback callers only. The
/// host's routes are here; each module adds its own to the same group (<see cref="Hosting.IEmulatorModule.MapControl"/>).
/// Errors are <c>{"error":"message"}</c> with 400 (bad body) or 404 (unknown tenant, alert or user code).
/// </summary>
public static class ControlEndpoints
{
    public const string Prefix = "/_emulator";

    public static bool IsControlPath(PathString path) => path.StartsWithSegments(Prefix);

    /// <summary>Maps the group and the host's own control routes; returns the group, for the modules' control routes.</summary>
    public static RouteGroupBuilder Map(WebApplication app)
    {
        var g = app.MapGroup(Prefix).AddEndpointFilter(async (ctx, next) =>
        {
            // TestServer has no remote address; a real listener only binds loopback, this is belt and braces.
            var remote = ctx.HttpContext.Connection.RemoteIpAddress;
            if (remote != null && !IPAddress.IsLoopback(remote))
                return Results.Json(new { error = "The control API only answers loopback callers." }, statusCode: 403);
            try
            {
                return await next(ctx);
            }
            catch (Exception e) when (e is ArgumentException or JsonException or BadHttpRequestException)
            {
                return Results.Json(new { error = e.Message }, statusCode: 400);
            }
        });

        g.MapGet("/health", () => Results.Json(new { status = "ok" }));
        Hosting.ServingStats.Map(g);
        g.MapPost("/devicecode/approve", (DeviceCodeDecision body, UserGrants grants, Hosting.EmulatorOptions options) => Decide(body, grants, options, approve: true));
        g.MapPost("/devicecode/decline", (DeviceCodeDecision body, UserGrants grants, Hosting.EmulatorOptions options) => Decide(body, grants, options, approve: false));

        g.MapGet("/faults", (FaultInjector faults) => Results.Json(faults.Settings, AlertControl.Json));
        g.MapPost("/faults", (FaultSettings body, FaultInjector faults) =>
        {
            faults.Configure(body ?? throw new ArgumentException("A body is required."));
            return Results.Json(faults.Settings, AlertControl.Json);
        });
        g.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Configure(new FaultSettings());
            return Results.NoContent();
        });

        g.MapGet("/throttling", (ThrottleService throttle) => Results.Json(throttle.Settings, AlertControl.Json));
        g.MapPost("/throttling", (ThrottleSettings body, ThrottleService throttle) =>
        {
            throttle.Configure(body ?? throw new ArgumentException("A body is required."));
            return Results.Json(throttle.Settings, AlertControl.Json);
        });

        // The other APIs' named limits (set through their own config keys and control routes).
        g.MapGet("/throttling/limits", (ThrottleService throttle) => Results.Json(throttle.Limits.Select(l => new { l.Name, Key = l.Key.ToString(), l.Windows }), AlertControl.Json));

        g.MapGet("/retired", (RetiredApis retired) => Results.Json(new { retired = retired.Retired }));
        g.MapPost("/retired", (RetiredSwitch body, RetiredApis retired) =>
        {
            retired.Set(body?.Api ?? throw new ArgumentException("'api' is required."), body.Retired);
            return Results.Json(new { retired = retired.Retired });
        });

        g.MapGet("/counters", (RequestCounters counters) => Results.Json(counters.Describe()));
        g.MapDelete("/counters", (RequestCounters counters) =>
        {
            counters.Reset();
            return Results.NoContent();
        });

        g.MapPost("/reset", (HttpContext ctx, FaultInjector faults, ThrottleService throttle, RequestCounters counters) =>
        {
            faults.Configure(new FaultSettings());
            throttle.Reset();
            counters.Reset();
            foreach (var resettable in ctx.RequestServices.GetServices<IControlResettable>()) resettable.ResetControls();
            return Results.NoContent();
        });

        // Stops the emulator the way Ctrl+C does: the answer goes out, then the host shuts down and
        // removes its info file.
        g.MapPost("/shutdown", (IHostApplicationLifetime lifetime) =>
        {
            _ = Task.Run(async () =>
            {
                await Task.Delay(100);
                lifetime.StopApplication();
            });
            return Results.Json(new { status = "stopping" }, statusCode: 202);
        });

        return g;
    }

    /// <summary>Body of <c>POST /_emulator/retired</c>: {"api": "tiIndicators", "retired": true}.</summary>
    public sealed record RetiredSwitch(string Api, bool Retired = true);

    /// <summary>Body of <c>/_emulator/devicecode/approve</c> and <c>/decline</c>.</summary>
    public sealed record DeviceCodeDecision(string UserCode, string User);

    private static IResult Decide(DeviceCodeDecision body, UserGrants grants, Hosting.EmulatorOptions options, bool approve)
    {
        var code = grants.FindByUserCode(body?.UserCode ?? throw new ArgumentException("'userCode' is required."));
        if (code == null) return Results.Json(new { error = $"No pending device code has the user code '{body.UserCode}'." }, statusCode: 404);
        var upn = body.User ?? options.InteractiveUser;
        var user = upn != null ? code.Tenant.FindUser(upn) : code.Tenant.Users.FirstOrDefault();
        if (user == null) throw new ArgumentException($"User '{upn}' does not exist in tenant '{code.Tenant.Domain}'.");
        lock (code)
        {
            code.User = user;
            code.State = approve ? UserGrants.DeviceState.Approved : UserGrants.DeviceState.Declined;
        }
        return Results.Json(new { userCode = code.UserCode, user = user.UserPrincipalName, state = approve ? "approved" : "declined" });
    }

    public static IResult UnknownTenant(string tenant) => Results.Json(new { error = $"Tenant '{tenant}' not found." }, statusCode: 404);
}
