using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Incidents;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Graph.DetectionRules;

/// <summary>Custom detection rules (beta) and the scheduler that runs them over the hunting tables.</summary>
public sealed class DetectionRulesModule : IEmulatorModule
{
    public IEnumerable<string> GraphPaths => new[] { "security/rules" };

    public void AddServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton<DetectionRuleStore>();
        services.AddSingleton<DetectionRuleRunner>();
        services.AddHostedService<DetectionRuleScheduler>();
    }

    public void MapRoutes(IEndpointRouteBuilder app) => DetectionRulesEndpoints.Map(app);

    /// <summary>
    /// POST /_emulator/detectionrules/{id}/run: run one rule now; DELETE /_emulator/detectionrules: remove every
    /// rule with the alerts and incidents their runs made (tests leave the seed as it was).
    /// </summary>
    public void MapControl(IEndpointRouteBuilder control)
    {
        control.MapPost("/detectionrules/{id}/run", (string id, DetectionRuleStore store, DetectionRuleRunner runner) =>
            store.FindAny(id) is { } rule
                ? Results.Json(runner.Run(rule), Control.AlertControl.Json)
                : Results.Json(new { error = $"Detection rule '{id}' was not found." }, statusCode: 404));
        control.MapDelete("/detectionrules", (DetectionRuleStore store, AlertRepository alerts, TenantStores<Incident> incidents) =>
        {
            var removed = 0;
            foreach (var rule in store.Clear())
            {
                HashSet<string> ids;
                lock (rule.Run.AlertIds) ids = new HashSet<string>(rule.Run.AlertIds, StringComparer.OrdinalIgnoreCase);
                removed += alerts.For(rule.TenantId).RemoveWhere(a => ids.Contains(a.Id));
                incidents.For(rule.TenantId).RemoveWhere(i => i.AlertIds.Count > 0 && i.AlertIds.All(ids.Contains));
            }
            return Results.Json(new { removedAlerts = removed }, Control.AlertControl.Json);
        });
    }
}

/// <summary>Every tick, runs each enabled rule whose next run is due (frequency divided by the time scale; none when the tick is zero).</summary>
public sealed class DetectionRuleScheduler : IHostedService, IDisposable
{
    private readonly DetectionRuleStore _store;
    private readonly DetectionRuleRunner _runner;
    private readonly EmulatorClock _clock;
    private readonly EmulatorOptions _options;
    private readonly ILogger<DetectionRuleScheduler> _log;
    private Timer _timer;

    public DetectionRuleScheduler(DetectionRuleStore store, DetectionRuleRunner runner, EmulatorClock clock, EmulatorOptions options, ILogger<DetectionRuleScheduler> log)
    {
        _store = store;
        _runner = runner;
        _clock = clock;
        _options = options;
        _log = log;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var tick = _options.DetectionRuleTick;
        if (tick > TimeSpan.Zero) _timer = new Timer(_ => Tick(), null, tick, tick);
        return Task.CompletedTask;
    }

    /// <summary>Runs the due rules; answers how many ran.</summary>
    public int Tick()
    {
        var ran = 0;
        foreach (var rule in _store.All().Where(r => r.Status == "enabled"))
        {
            if (DetectionRuleRunner.NextRun(rule, _options.DetectionRuleTimeScale) > _clock.UtcNow) continue;
            try
            {
                _runner.Run(rule);
                ran++;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.LogError(e, "The run of detection rule {Rule} failed.", rule.Id);
            }
        }
        return ran;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.Infinite, Timeout.Infinite);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
