using System;
using System.Collections.Generic;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Hunting;

namespace GraphSecurity.Commands.Hunting;

/// <summary>
/// <para type="synopsis">Runs an advanced hunting (KQL) query and writes each result row as an object with typed columns.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "GsHuntingQuery")]
[GraphPermission("runHuntingQuery", "ThreatHunting.Read.All")]
[OutputType(typeof(PSObject))]
public sealed class InvokeGsHuntingQueryCommand : GsConnectedCmdlet
{
    /// <summary>The type name every row carries (before PSCustomObject), so rows can be told apart from other objects.</summary>
    public const string RowTypeName = "GraphSecurity.HuntingRow";

    /// <summary>The KQL query.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Query { get; set; }

    /// <summary>How far back to look, counted from now (e.g. 7.00:00:00 or (New-TimeSpan -Days 7)); the service keeps 30 days.</summary>
    [Parameter]
    [ValidateDuration(1, 3650 * 86400)]
    public TimeSpan Timespan { get; set; }

    /// <summary>Rows at or after this time.</summary>
    [Parameter]
    [ValidateMoment]
    public DateTime Since { get; set; }

    /// <summary>Rows before this time.</summary>
    [Parameter]
    [ValidateMoment]
    public DateTime Until { get; set; }

    protected override void BeginProcessing()
    {
        var bound = MyInvocation.BoundParameters;
        if (bound.ContainsKey(nameof(Timespan)) && Timespan <= TimeSpan.Zero)
            ThrowArgumentError(ErrorIds.InvalidTimeRange, "-Timespan must be positive.", Timespan);
        if (bound.ContainsKey(nameof(Timespan)) && bound.ContainsKey(nameof(Since)) && bound.ContainsKey(nameof(Until)))
            ThrowArgumentError(ErrorIds.InvalidTimeRange, "Give at most two of -Timespan, -Since and -Until.", Timespan);
        if (bound.ContainsKey(nameof(Since)) && bound.ContainsKey(nameof(Until)) && Since >= Until)
            ThrowArgumentError(ErrorIds.InvalidTimeRange, $"-Since ({Since:u}) must be earlier than -Until ({Until:u}).", Since);
    }

    protected override void ProcessRecord()
    {
        var bound = MyInvocation.BoundParameters;
        var timespan = HuntingService.Interval(
            bound.ContainsKey(nameof(Since)) ? new DateTimeOffset(Since) : (DateTimeOffset?)null,
            bound.ContainsKey(nameof(Until)) ? new DateTimeOffset(Until) : (DateTimeOffset?)null,
            bound.ContainsKey(nameof(Timespan)) ? Timespan : (TimeSpan?)null);

        foreach (var connection in GraphConnections)
        {
            ForInput(Query, connection, () =>
            {
                var result = Run(token => new HuntingService(connection.Graph).RunAsync(Query, timespan, token));
                WriteVerbose($"{result.Rows.Count} rows; columns: {string.Join(", ", Describe(result.Schema))}.");
                foreach (var row in result.Rows) WriteObject(ToObject(result.Schema, row));
            });
        }
    }

    private static IEnumerable<string> Describe(IReadOnlyList<HuntingColumn> schema)
    {
        foreach (var column in schema) yield return $"{column.Name} ({column.Type})";
    }

    private static PSObject ToObject(IReadOnlyList<HuntingColumn> schema, object[] row)
    {
        var item = new PSObject();
        item.TypeNames.Insert(0, RowTypeName);
        for (var i = 0; i < schema.Count; i++) item.Properties.Add(new PSNoteProperty(schema[i].Name, ToPowerShell(row[i])));
        return item;
    }

    /// <summary>Dynamic objects become PSCustomObjects, so their members read as properties.</summary>
    private static object ToPowerShell(object value)
    {
        switch (value)
        {
            case Dictionary<string, object> members:
                var item = new PSObject();
                foreach (var member in members) item.Properties.Add(new PSNoteProperty(member.Key, ToPowerShell(member.Value)));
                return item;
            case object[] items:
                return Array.ConvertAll(items, ToPowerShell);
            default:
                return value;
        }
    }
}
