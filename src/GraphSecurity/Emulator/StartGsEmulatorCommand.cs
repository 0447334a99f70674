using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Emulator;

namespace GraphSecurity.Commands.Emulator;

/// <summary>
/// <para type="synopsis">Starts the local Graph Security emulator (HTTPS on 127.0.0.1), or returns the one already running.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "GsEmulator", SupportsShouldProcess = true)]
[OutputType(typeof(EmulatorInfo))]
public sealed class StartGsEmulatorCommand : GsCmdlet
{
    /// <summary>TCP port on 127.0.0.1; 0 (default) picks a free one.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>Random seed of the generated data; the same seed gives the same alerts.</summary>
    [Parameter]
    public int? Seed { get; set; }

    /// <summary>Number of alerts generated in the default tenant.</summary>
    [Parameter]
    [ValidateRange(0, 1000000)]
    public int? AlertCount { get; set; }

    /// <summary>A JSON file with tenants, apps (secrets, certificates, roles) and data settings.</summary>
    [Parameter]
    [ValidateText(SingleLine = true)]
    public string ConfigPath { get; set; }

    /// <summary>Where the emulator writes its URL and certificate thumbprint (default: ~/.graphsecurity/emulator.json).</summary>
    [Parameter]
    [ValidateText(SingleLine = true)]
    public string InfoPath { get; set; }

    protected override void EndProcessing()
    {
        var infoPath = InfoPath == null ? null : GetUnresolvedProviderPathFromPSPath(InfoPath);
        var running = EmulatorManager.Find(infoPath);
        if (running != null)
        {
            WriteWarning($"An emulator is already running at {running.Url} (pid {running.Pid}); returning it. Stop-GsEmulator stops it.");
            WriteObject(running);
            return;
        }
        if (!ShouldProcess("127.0.0.1" + (Port > 0 ? ":" + Port : ""), "Start the GraphSecurity emulator")) return;
        var options = new EmulatorStartOptions
        {
            Port = Port,
            Seed = Seed,
            AlertCount = AlertCount,
            ConfigPath = ConfigPath == null ? null : GetUnresolvedProviderPathFromPSPath(ConfigPath),
            InfoPath = infoPath,
        };
        try
        {
            WriteObject(Run(token => EmulatorManager.StartAsync(options, Log, token)));
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) { ThrowTerminatingFor(ex, options.InfoPath); }
    }
}
