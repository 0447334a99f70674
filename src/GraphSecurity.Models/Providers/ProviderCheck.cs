namespace GraphSecurity;

public enum ProviderCheckOutcome
{
    Passed,
    Failed,
    /// <summary>Not run: the provider has too little data for it, lacks the capability, or -WhatIf kept the check from changing anything.</summary>
    Skipped,
}

/// <summary>One rule of the provider contract (docs/provider-contract.md) checked against a provider endpoint by Test-GsProvider.</summary>
public class ProviderCheck
{
    /// <summary>The check's name, e.g. Top, PatchEcho, AuthMissingToken.</summary>
    public string? Check { get; set; }
    public ProviderCheckOutcome Outcome { get; set; }
    /// <summary>The rule the check holds the provider to.</summary>
    public string? Rule { get; set; }
    /// <summary>What was seen: on a failure, what the provider did instead.</summary>
    public string? Detail { get; set; }
    /// <summary>The provider's base URL.</summary>
    public string? Url { get; set; }
    /// <summary>The slowest answer the check waited for, in milliseconds.</summary>
    public long ElapsedMs { get; set; }
    public bool Passed => Outcome == ProviderCheckOutcome.Passed;
    public override string ToString() => $"{Check}: {Outcome}";
}
