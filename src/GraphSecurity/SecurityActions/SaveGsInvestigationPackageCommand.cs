using System;
using System.IO;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.SecurityActions;

namespace GraphSecurity.Commands.SecurityActions;

/// <summary>
/// <para type="synopsis">Downloads the investigation package a CollectInvestigationPackage action collected, as a zip file.</para>
/// </summary>
/// <remarks>
/// Asks Defender for Endpoint for the package's short-lived link (GetPackageUri, 2 calls a minute) and
/// downloads it without sending a token: the link carries its own signature. The collection must have
/// completed: start it with Invoke-GsSecurityAction -Action CollectInvestigationPackage -Wait.
/// </remarks>
[Cmdlet(VerbsData.Save, "GsInvestigationPackage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[GraphPermission("Defender for Endpoint machine actions", "Machine.Read.All", "Machine.CollectForensics")]
[OutputType(typeof(FileInfo))]
public sealed class SaveGsInvestigationPackageCommand : GsConnectedCmdlet
{
    /// <summary>The id of the CollectInvestigationPackage action; piped actions give theirs.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("SecurityActionId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    /// <summary>A folder (the file is named after the device and the action) or a .zip file path; default: the current folder.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Path { get; set; } = ".";

    /// <summary>Overwrite a file that is already there.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (!IsValidId(Id)) return;
        var connection = GraphConnection;
        ForInput(Id, connection, () =>
        {
            var machines = new DefenderMachineActions(connection);
            var action = Run(token => machines.GetAsync(Id, token));
            if (action.Name != "CollectInvestigationPackage")
                throw new ArgumentException($"Action {Id} is {action.Name}, not CollectInvestigationPackage: only a collection has a package.");
            if (action.Status != OperationStatus.Completed)
                throw new InvalidOperationException($"The investigation package of {action.Target} is not ready: the collection {Id} is {action.ApiStatus}. " +
                                                    "Wait for it with Get-GsSecurityAction -Id " + Id + ", or start it with -Wait.");
            var file = Destination(action);
            if (file.Exists && !Force)
                throw new IOException($"{file.FullName} already exists; use -Force to overwrite it.");
            if (!ShouldProcess(file.FullName, $"Save the investigation package of {action.Target}")) return;
            var link = Run(token => machines.PackageUriAsync(Id, token));
            var partial = file.FullName + ".partial";
            try
            {
                using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
                    Run(token => connection.DownloadAsync(link, stream, token));
                if (file.Exists) file.Delete();
                File.Move(partial, file.FullName);
            }
            finally { if (File.Exists(partial)) File.Delete(partial); }
            file.Refresh();
            WriteVerbose($"Investigation package of {action.Target} ({file.Length} bytes) saved to {file.FullName}.");
            WriteObject(file);
        });
    }

    private FileInfo Destination(SecurityAction action)
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(path) || !path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            Directory.CreateDirectory(path);
            var device = string.Concat((action.Target ?? "device").Split(System.IO.Path.GetInvalidFileNameChars()));
            return new FileInfo(System.IO.Path.Combine(path, $"{device}-{action.Id}.zip"));
        }
        return new FileInfo(path);
    }
}
