using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.DetectionRules;

namespace GraphSecurity.Commands.DetectionRules;

/// <summary>
/// <para type="synopsis">Deletes custom detection rules.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "GsDetectionRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[GraphPermission("custom detection rules", "CustomDetection.ReadWrite.All")]
public sealed class RemoveGsDetectionRuleCommand : GsConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("RuleId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    protected override void ProcessRecord()
    {
        var connection = GraphConnection;
        var service = new DetectionRuleService(connection.Graph);
        foreach (var id in Id)
        {
            if (!IsValidId(id) || !ShouldProcess($"detection rule {id}", "Delete")) continue;
            ForInput(id, connection, () => { Run(token => service.DeleteAsync(id, token)); });
        }
    }
}
