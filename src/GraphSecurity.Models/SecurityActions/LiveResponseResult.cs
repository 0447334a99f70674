namespace GraphSecurity;

/// <summary>What a live response script printed on a device: its exit code, output and errors, and the machine action that ran it.</summary>
public class LiveResponseResult : IConnectionBound
{
    public string? Device { get; set; }
    public string? DeviceId { get; set; }
    public string? ScriptName { get; set; }
    public string? Arguments { get; set; }
    public int ExitCode { get; set; }
    public string? Output { get; set; }
    public string? Errors { get; set; }
    /// <summary>The LiveResponse machine action (Get-GsSecurityAction -Id shows it).</summary>
    public string? ActionId { get; set; }
    public string? ConnectionName { get; set; }
    public override string? ToString() => Output;
}
