using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.DetectionRules;

namespace GraphSecurity.Commands.DetectionRules;

/// <summary>
/// <para type="synopsis">Creates a custom detection rule: a hunting query that runs on a schedule and raises an alert per result row.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "GsDetectionRule", DefaultParameterSetName = ParametersSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("custom detection rules", "CustomDetection.ReadWrite.All")]
[OutputType(typeof(DetectionRule))]
public sealed class NewGsDetectionRuleCommand : DetectionRuleCmdlet
{
    private const string ParametersSet = "Parameters";
    private const string CopySet = "InputObject";

    /// <summary>The rule's display name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ParametersSet)]
    [Parameter(ParameterSetName = CopySet)]
    [Alias("DisplayName")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Name { get; set; }

    /// <summary>The rule's id (letters, digits, '-' and '_', starting with a letter); made from -Name when not given.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, DetectionRuleService.MaxIdLength)]
    [ValidatePattern("^[A-Za-z][A-Za-z0-9_-]*$")]
    public string RuleId { get; set; }

    /// <summary>Creates the rule turned off.</summary>
    [Parameter]
    public SwitchParameter Disabled { get; set; }

    /// <summary>A rule to copy (from Get-GsDetectionRule); the other parameters given change the copy.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = CopySet)]
    [ValidateNotNull]
    public DetectionRule InputObject { get; set; }

    protected override void ProcessRecord()
    {
        var definition = InputObject == null ? new DetectionRuleDefinition() : DetectionRuleService.DefinitionOf(InputObject);
        ApplyTo(definition);
        if (Name != null) definition.Name = Name;
        definition.Id = RuleId;
        if (Disabled) definition.Enabled = false;
        var target = (object)InputObject ?? Name;
        System.Collections.Generic.Dictionary<string, object> body;
        try { body = DetectionRuleService.NewBody(definition); }
        catch (ArgumentException e)
        {
            WriteInvalid(e, target);
            return;
        }
        var frequency = ((System.Collections.Generic.Dictionary<string, object>)body["schedule"])["frequency"];
        if (!ShouldProcess($"detection rule {body["id"]} ({definition.Name})", $"Create, running every {frequency}")) return;
        var connection = GraphConnection;
        ForInput(target, connection, () =>
        {
            var rule = Run(token => new DetectionRuleService(connection.Graph).CreateAsync(body, token));
            rule.ConnectionName = connection.Name;
            WriteObject(rule);
        });
    }
}
