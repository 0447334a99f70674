using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Emulator;

namespace GraphSecurity.Commands.Emulator;

/// <summary>
/// <para type="synopsis">Stops the local emulator started by Start-GsEmulator or Connect-GsTenant -Emulator.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "GsEmulator", SupportsShouldProcess = true)]
public sealed class StopGsEmulatorCommand : GsCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateText(SingleLine = true)]
    public string InfoPath { get; set; }

    protected override void ProcessRecord()
    {
        var path = InfoPath == null ? null : GetUnresolvedProviderPathFromPSPath(InfoPath);
        var info = EmulatorManager.Find(path);
        if (info == null)
        {
            WriteVerbose($"No emulator is running (info file: {path ?? EmulatorManager.DefaultInfoPath}).");
            return;
        }
        if (!ShouldProcess($"{info.Url} (pid {info.Pid})", "Stop the GraphSecurity emulator")) return;
        EmulatorManager.Stop(info);
        WriteVerbose($"Stopped the emulator at {info.Url}.");
    }
}
