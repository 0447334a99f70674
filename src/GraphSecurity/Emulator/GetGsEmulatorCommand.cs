using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Emulator;

namespace GraphSecurity.Commands.Emulator;

/// <summary>
/// <para type="synopsis">Shows the running local emulator, if any.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsEmulator")]
[OutputType(typeof(EmulatorInfo))]
public sealed class GetGsEmulatorCommand : GsCmdlet
{
    [Parameter]
    [ValidateText(SingleLine = true)]
    public string InfoPath { get; set; }

    protected override void EndProcessing()
    {
        var info = EmulatorManager.Find(InfoPath == null ? null : GetUnresolvedProviderPathFromPSPath(InfoPath));
        if (info != null) WriteObject(info);
    }
}
