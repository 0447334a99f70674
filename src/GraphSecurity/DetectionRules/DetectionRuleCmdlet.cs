using System.Collections;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.DetectionRules;

namespace GraphSecurity.Commands.DetectionRules;

/// <summary>The rule and alert-template parameters New- and Set-GsDetectionRule share, and how they fill a definition.</summary>
public abstract class DetectionRuleCmdlet : GsConnectedCmdlet
{
    /// <summary>The KQL hunting query the rule runs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Query { get; set; }

    /// <summary>How often the rule runs: PT0S (continuous), PT1H, PT3H, PT12H or PT24H (0, 1H, 3H, 12H, 24H also accepted).</summary>
    [Parameter]
    [Alias("Schedule", "Frequency")]
    [ValidateSet("PT0S", "PT1H", "PT3H", "PT12H", "PT24H", "0", "1H", "3H", "12H", "24H", IgnoreCase = true)]
    public string Period { get; set; }

    /// <summary>The title of the alerts the rule raises.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Title { get; set; }

    /// <summary>Describes the rule and the alerts it raises.</summary>
    [Parameter]
    [ValidateNotNull]
    [ValidateText]
    public string Description { get; set; }

    [Parameter]
    [ValidateSet("informational", "low", "medium", "high", IgnoreCase = true)]
    public string Severity { get; set; }

    /// <summary>The MITRE ATT&amp;CK tactic of the alerts.</summary>
    [Parameter]
    [ValidateSet("Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence", "PrivilegeEscalation", "DefenseEvasion",
        "CredentialAccess", "Discovery", "LateralMovement", "Collection", "CommandAndControl", "Exfiltration", "Impact", IgnoreCase = true)]
    public string Category { get; set; }

    /// <summary>MITRE ATT&amp;CK technique ids (T1059, T1059.001) under -Category.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidatePattern(@"^T\d{4}(\.\d{3})?$")]
    public string[] MitreTechnique { get; set; }

    /// <summary>Which query columns hold the alert's entities, e.g. @{ Type = 'Host'; DeviceName = 'DeviceName' }.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public Hashtable[] EntityMapping { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string RecommendedAction { get; set; }

    /// <summary>Response actions as the service takes them (hashtables), run on each alert's entities.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public Hashtable[] ResponseAction { get; set; }

    protected bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    /// <summary>True when a parameter of the alert template was given (the service replaces detectionAction as a whole).</summary>
    protected bool TemplateBound =>
        new[] { nameof(Title), nameof(Severity), nameof(Category), nameof(MitreTechnique), nameof(EntityMapping), nameof(RecommendedAction), nameof(ResponseAction), nameof(Description) }.Any(Bound);

    /// <summary>Writes the given parameters over <paramref name="d"/>.</summary>
    protected void ApplyTo(DetectionRuleDefinition d)
    {
        if (Bound(nameof(Query))) d.Query = Query;
        if (Bound(nameof(Period))) d.Period = Period;
        if (Bound(nameof(Title))) d.Title = Title;
        if (Bound(nameof(Description))) d.Description = Description;
        if (Bound(nameof(Severity))) d.Severity = Severity;
        if (Bound(nameof(Category))) d.Category = Category;
        if (Bound(nameof(MitreTechnique))) d.MitreTechniques = MitreTechnique.ToList();
        if (Bound(nameof(EntityMapping))) d.EntityMappings = EntityMapping.Cast<IDictionary>().ToList();
        if (Bound(nameof(RecommendedAction))) d.RecommendedActions = RecommendedAction;
        if (Bound(nameof(ResponseAction))) d.ResponseActions = ResponseAction.Cast<object>().ToList();
    }

    protected void WriteInvalid(System.Exception e, object target) =>
        WriteError(ErrorRecords.Argument(ErrorIds.InvalidDetectionRule, e.Message + " Nothing was sent for it.", target));
}
