using GraphSecurity.Emulator.Arm;
using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Sentinel;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>Settings of the Sentinel workspaces (ARM) and the threat-intelligence upload API.</summary>
public sealed partial class EmulatorOptions
{
    /// <summary>The workspaces with their role assignments: the defaults, plus or replaced by the config file's.</summary>
    public List<SentinelWorkspace> SentinelWorkspaces { get; set; } = SentinelWorkspace.Defaults();
    /// <summary>Upload requests per caller per window; applies while throttling is enabled, scaled by its timeScale.</summary>
    public ThrottleLimit SentinelUploadLimit { get; set; } = SentinelSettings.DefaultUploadLimit();

    private void ApplySentinel(SentinelSettings sentinel)
    {
        if (sentinel == null) return;
        SentinelWorkspaces = sentinel.MergeWorkspaces(SentinelWorkspaces);
        if (sentinel.UploadLimit != null)
        {
            SentinelSettings.ValidateLimit(sentinel.UploadLimit);
            SentinelUploadLimit = sentinel.UploadLimit;
        }
    }
}

public sealed partial class EmulatorConfigFile
{
    /// <summary>"sentinel": {"workspaces": [...], "uploadLimit": {"requests": 100, "windowSeconds": 60}}</summary>
    public SentinelSettings Sentinel { get; set; }
}
