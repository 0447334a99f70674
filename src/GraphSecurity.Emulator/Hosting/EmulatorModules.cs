using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Batch;
using GraphSecurity.Emulator.Graph.Hunting;
using GraphSecurity.Emulator.Graph.Incidents;
using GraphSecurity.Emulator.Graph.Legacy;
using GraphSecurity.Emulator.Graph.SecureScore;
using GraphSecurity.Emulator.Graph.SecurityActions;
using GraphSecurity.Emulator.Graph.Subscriptions;
using GraphSecurity.Emulator.Graph.TiIndicators;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>The resources the emulator serves, one module each (<see cref="IEmulatorModule"/>).</summary>
public static class EmulatorModules
{
    /// <summary>In dependency order: incidents and legacy alerts are derived from the seeded alerts.</summary>
    public static IReadOnlyList<IEmulatorModule> All { get; } = new IEmulatorModule[]
    {
        new AlertsModule(),
        new IncidentsModule(),
        new LegacyAlertsModule(),
        new SecureScoreModule(),
        new HuntingModule(),
        new SubscriptionsModule(),
        new TiIndicatorsModule(),
        new SecurityActionsModule(),
        new BatchModule(),
        new Defender.DefenderModule(),
        new Defender.Machines.MachinesModule(),
        new Graph.Identities.IdentityAccountsModule(),
        new Arm.ArmModule(),
        new Sentinel.SentinelModule(),
        new Identity.Consent.ConsentModule(),
        new Monitor.MonitorModule(),
        new Graph.DetectionRules.DetectionRulesModule(),
        new Graph.ThreatIntelligence.ThreatIntelligenceModule(),
    };
}
