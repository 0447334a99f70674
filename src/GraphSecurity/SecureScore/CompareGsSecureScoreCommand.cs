using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.SecureScore;

namespace GraphSecurity.Commands.SecureScore;

/// <summary>
/// <para type="synopsis">Compares the Secure Score of two days control by control: what got worse (or better) since then.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "GsSecureScore", DefaultParameterSetName = DaysAgoSet)]
[GraphPermission("secureScores", "SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All")]
[OutputType(typeof(SecureScoreControlDelta))]
public sealed class CompareGsSecureScoreCommand : GsConnectedCmdlet
{
    private const string DaysAgoSet = "DaysAgo";
    private const string DateSet = "Date";

    /// <summary>Compare the latest score with the one this many days earlier (default 1: yesterday).</summary>
    [Parameter(ParameterSetName = DaysAgoSet, Position = 0)]
    [ValidateRange(1, SecureScoreService.RetainedDays - 1)]
    public int DaysAgo { get; set; } = 1;

    /// <summary>The earlier day.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DateSet)]
    [ValidateMoment]
    public DateTime ReferenceDate { get; set; }

    /// <summary>The later day (default: the latest score).</summary>
    [Parameter(ParameterSetName = DateSet)]
    [ValidateMoment]
    public DateTime DifferenceDate { get; set; }

    /// <summary>Only controls that changed this way (e.g. Worse).</summary>
    [Parameter]
    public SecureScoreChange[] Change { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var connection in GraphConnections)
            ForInput(null, connection, () => Compare(connection, new SecureScoreService(connection.Graph)));
    }

    private void Compare(GraphConnection connection, SecureScoreService scores)
    {
        var pair = Run(async token =>
        {
            var later = ParameterSetName == DateSet && MyInvocation.BoundParameters.ContainsKey(nameof(DifferenceDate))
                ? scores.GetDayAsync(new DateTimeOffset(DifferenceDate), token)
                : scores.LatestAsync(token);
            var earlier = ParameterSetName == DateSet
                ? scores.GetDayAsync(new DateTimeOffset(ReferenceDate), token)
                : scores.DaysBeforeLatestAsync(DaysAgo, token);
            await Task.WhenAll(later, earlier).ConfigureAwait(false);
            return (earlier: earlier.Result, later: later.Result);
        });
        if (pair.earlier == null || pair.later == null)
        {
            var missing = pair.earlier == null ? "the earlier day" : "the later day";
            var message = $"No secure score for {missing} in '{connection.Name}'; the service keeps {SecureScoreService.RetainedDays} days.";
            WriteError(ErrorRecords.Create(new ItemNotFoundException(message), ErrorIds.SecureScoreNotFound, ErrorCategory.ObjectNotFound, connection.Name, message,
                "Choose days within the retention period (-DaysAgo, or -ReferenceDate and -DifferenceDate)."));
            return;
        }
        WriteVerbose($"Comparing {pair.earlier.CreatedDateTime:yyyy-MM-dd} ({pair.earlier.CurrentScore}) with {pair.later.CreatedDateTime:yyyy-MM-dd} ({pair.later.CurrentScore}).");
        foreach (var delta in SecureScoreComparison.Compare(pair.earlier, pair.later))
            if (Change == null || Change.Contains(delta.Change)) WriteObject(delta);
    }
}
