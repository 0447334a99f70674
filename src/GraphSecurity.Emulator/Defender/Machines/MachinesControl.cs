using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Defender.Machines;

/// <summary>The control routes of machines and their actions (relative to <c>/_emulator</c>).</summary>
public sealed partial class MachinesModule
{
    /// <summary>Body of <c>POST /_emulator/defender/machineactions/timing</c>; a value left out keeps the current one.</summary>
    public sealed record TimingChange(double? PendingSeconds, double? InProgressSeconds);

    /// <summary>
    /// <c>/defender/machineactions/timing</c> and <c>/faults</c> drive the lifecycle of new actions;
    /// <c>/tenants/{tenant}/defender/machines</c>, <c>/machineactions</c> and <c>/library</c> show a tenant's state.
    /// </summary>
    public void MapControl(IEndpointRouteBuilder control)
    {
        control.MapGet("/defender/machineactions/timing", (MachineActionLog log) => Results.Json(log.Timing, AlertControl.Json));
        control.MapPost("/defender/machineactions/timing", (TimingChange body, MachineActionLog log) =>
            Results.Json(log.SetTiming(body?.PendingSeconds, body?.InProgressSeconds), AlertControl.Json));
        control.MapGet("/defender/machineactions/faults", (MachineActionLog log) => Results.Json(log.Faults, AlertControl.Json));
        control.MapPost("/defender/machineactions/faults", (MachineActionFault body, MachineActionLog log) =>
        {
            log.AddFault(body ?? throw new ArgumentException("A body is required."));
            return Results.Json(log.Faults, AlertControl.Json);
        });
        control.MapDelete("/defender/machineactions/faults", (MachineActionLog log) =>
        {
            log.ClearFaults();
            return Results.NoContent();
        });

        control.MapGet("/tenants/{tenant}/defender/machines", (string tenant, TenantDirectory directory, MachineDirectory machines, MachineActionLog log, EmulatorClock clock) =>
        {
            if (directory.Find(tenant) is not { } t) return ControlEndpoints.UnknownTenant(tenant);
            var now = clock.UtcNow;
            return Results.Json(machines.Of(t.Id).Select(m =>
            {
                var state = log.StateOf(t.Id, m.Id, now);
                return new
                {
                    id = m.Id, computerDnsName = m.ComputerDnsName, lastIpAddress = m.Device.Ip, isolation = state.Isolation,
                    codeExecutionRestricted = state.CodeExecutionRestricted, offboarded = state.Offboarded, lastScan = state.LastScan,
                };
            }));
        });
        control.MapGet("/tenants/{tenant}/defender/machineactions", (HttpContext ctx, string tenant, TenantDirectory directory, MachineActionLog log, EmulatorClock clock) =>
        {
            if (directory.Find(tenant) is not { } t) return ControlEndpoints.UnknownTenant(tenant).ExecuteAsync(ctx);
            var now = clock.UtcNow;
            return Graph.GraphResponse.WriteAsync(ctx, 200, w =>
            {
                w.WriteStartArray();
                foreach (var a in log.Snapshot(t.Id).Reverse()) MachineActionSchema.Entity.Write(w, MachineActionView.Of(a, now), null, true);
                w.WriteEndArray();
            });
        });
        control.MapGet("/tenants/{tenant}/defender/library", (string tenant, TenantDirectory directory, LiveResponseLibrary library) =>
            directory.Find(tenant) is { } t ? Results.Json(library.Names(t.Id)) : ControlEndpoints.UnknownTenant(tenant));
    }
}
