using System;
using System.Collections.Generic;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.DetectionRules;

namespace GraphSecurity.Commands.DetectionRules;

/// <summary>
/// <para type="synopsis">Changes custom detection rules: name, query, schedule, on/off and the alert template; only the fields given are sent.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "GsDetectionRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("custom detection rules", "CustomDetection.ReadWrite.All")]
[OutputType(typeof(DetectionRule))]
public sealed class SetGsDetectionRuleCommand : DetectionRuleCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("RuleId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    /// <summary>A new display name.</summary>
    [Parameter]
    [Alias("DisplayName")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Name { get; set; }

    [Parameter]
    public SwitchParameter Enabled { get; set; }

    [Parameter]
    public SwitchParameter Disabled { get; set; }

    /// <summary>Writes the changed rule.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!IsValidId(Id)) return;
        var changes = new Dictionary<string, object>();
        try
        {
            if (Enabled && Disabled) throw new ArgumentException("-Enabled and -Disabled cannot be given together.");
            if (Name != null) changes["displayName"] = Name;
            if (Bound(nameof(Description))) changes["description"] = Description;
            if (Query != null) changes["queryCondition"] = new Dictionary<string, object> { ["queryText"] = DetectionRuleService.QueryText(Query) };
            if (Period != null) changes["schedule"] = new Dictionary<string, object> { ["frequency"] = DetectionRuleService.Frequency(Period) };
            if (Enabled || Disabled) changes["status"] = Enabled ? "enabled" : "disabled";
            if (changes.Count == 0 && !TemplateBound) throw new ArgumentException("Give at least one field to change.");
        }
        catch (ArgumentException e)
        {
            WriteInvalid(e, Id);
            return;
        }
        if (!ShouldProcess($"detection rule {Id}", "Change " + string.Join(", ", TemplateBound ? new List<string>(changes.Keys) { "detectionAction" } : changes.Keys))) return;
        var connection = GraphConnection;
        var service = new DetectionRuleService(connection.Graph);
        ForInput(Id, connection, () =>
        {
            if (TemplateBound)
            {
                // detectionAction is one field to the service: the template is read, changed and sent whole.
                var definition = DetectionRuleService.DefinitionOf(Run(token => service.GetAsync(Id, token)));
                ApplyTo(definition);
                try { changes["detectionAction"] = DetectionRuleService.NewBody(definition)["detectionAction"]; }
                catch (ArgumentException e)
                {
                    WriteInvalid(e, Id);
                    return;
                }
            }
            var rule = Run(token => service.UpdateAsync(Id, changes, token, returnRepresentation: true));
            if (!PassThru) return;
            rule ??= Run(token => service.GetAsync(Id, token));
            rule.ConnectionName = connection.Name;
            WriteObject(rule);
        });
    }
}
