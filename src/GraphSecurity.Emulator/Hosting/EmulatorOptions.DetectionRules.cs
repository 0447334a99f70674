namespace GraphSecurity.Emulator.Hosting;

/// <summary>Settings of the custom detection rule scheduler.</summary>
public sealed partial class EmulatorOptions
{
    /// <summary>How often the scheduler looks for due rules; zero turns scheduled runs off (the control route still runs them).</summary>
    public TimeSpan DetectionRuleTick { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Divides every rule's frequency (3600 makes an hourly rule run every second).</summary>
    public double DetectionRuleTimeScale { get; set; } = 1;

    private void ApplyDetectionRules(EmulatorConfigFile.DetectionRulesEntry entry)
    {
        if (entry == null) return;
        if (entry.TimeScale is { } scale)
        {
            if (!(scale > 0)) throw new ArgumentException("detectionRules.timeScale must be greater than 0.");
            DetectionRuleTimeScale = scale;
        }
        if (entry.TickSeconds is { } tick)
        {
            if (tick < 0) throw new ArgumentException("detectionRules.tickSeconds must not be negative.");
            DetectionRuleTick = TimeSpan.FromSeconds(tick);
        }
    }
}

public sealed partial class EmulatorConfigFile
{
    /// <summary>"detectionRules": {"timeScale": 3600, "tickSeconds": 1}</summary>
    public DetectionRulesEntry DetectionRules { get; set; }

    public sealed class DetectionRulesEntry
    {
        public double? TimeScale { get; set; }
        public double? TickSeconds { get; set; }
    }
}
