using GraphSecurity.Emulator.Monitor;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>Settings of the Logs Ingestion API and the analytics rules over its tables.</summary>
public sealed partial class EmulatorOptions
{
    /// <summary>The data collection rules: the seeded partner-alerts rule, plus or replaced by the config file's.</summary>
    public List<DataCollectionRule> DataCollectionRules { get; set; } = new() { DataCollectionRule.Default() };
    public IngestionLimit IngestionLimit { get; set; } = new();
    /// <summary>Time between analytics-rule runs; zero runs them only on request (<c>POST /_emulator/ingest/rules/run</c>).</summary>
    public TimeSpan AnalyticsRuleInterval { get; set; } = TimeSpan.FromSeconds(5);

    private void ApplyIngestion(IngestionSettings ingestion)
    {
        if (ingestion == null) return;
        DataCollectionRules = ingestion.Merge(DataCollectionRules);
        if (ingestion.Limit != null)
        {
            ingestion.Limit.Validate();
            IngestionLimit = ingestion.Limit;
        }
        if (ingestion.RuleIntervalSeconds is double seconds)
        {
            if (seconds < 0) throw new ArgumentException("Ingestion: 'ruleIntervalSeconds' must be 0 or more.");
            AnalyticsRuleInterval = TimeSpan.FromSeconds(seconds);
        }
    }
}

public sealed partial class EmulatorConfigFile
{
    /// <summary>"ingestion": {"dataCollectionRules": [...], "limit": {"requests": 12000, "bytes": 2147483648, "windowSeconds": 60}, "ruleIntervalSeconds": 5}</summary>
    public IngestionSettings Ingestion { get; set; }
}
