using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.DetectionRules;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Commands.DetectionRules;

/// <summary>
/// <para type="synopsis">Gets custom detection rules (beta /security/rules/detectionRules).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsDetectionRule", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[GraphPermission("custom detection rules", "CustomDetection.Read.All")]
[OutputType(typeof(DetectionRule))]
public sealed class GetGsDetectionRuleCommand : GsConnectedCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "Id";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("RuleId")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    /// <summary>Only rules whose display name matches this wildcard pattern.</summary>
    [Parameter(Position = 0, ParameterSetName = ListSet)]
    [Alias("DisplayName")]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Name { get; set; }

    /// <summary>Follow every page until the last.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var connection in GraphConnections)
        {
            var service = new DetectionRuleService(connection.Graph);
            Action<DetectionRule> write = r => { r.ConnectionName = connection.Name; WriteObject(r); };
            if (Id == null)
            {
                var pattern = Name == null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
                var first = PagingParameters.First;
                long? max = first == ulong.MaxValue ? (long?)null : (long)Math.Min(first, long.MaxValue);
                var reader = service.List(new CollectionQuery(DetectionRuleService.CollectionPath));
                if (pattern != null) reader.Keep = r => pattern.IsMatch(r.DisplayName ?? "");
                var skip = PagingParameters.Skip;
                Action<DetectionRule> skipping = r => { if (skip > 0) skip--; else write(r); };
                ForInput(connection.Name, connection, () => { Run(token => reader.ReadAsync(max + (long)Math.Min(skip, long.MaxValue - 1), true, StreamPages(skipping), token)); });
                continue;
            }
            foreach (var id in Id)
            {
                if (!IsValidId(id)) continue;
                ForInput(id, connection, () => { write(Run(token => service.GetAsync(id, token))); });
            }
        }
    }
}
