using System;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.SecureScore;

namespace GraphSecurity.Commands.SecureScore;

/// <summary>
/// <para type="synopsis">Gets the tenant's Secure Score: the latest by default, or the last N days (newest first).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsSecureScore", DefaultParameterSetName = LatestSet)]
[GraphPermission("secureScores", "SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All")]
[OutputType(typeof(GraphSecurity.SecureScore))]
public sealed class GetGsSecureScoreCommand : GsConnectedCmdlet
{
    private const string LatestSet = "Latest";
    private const string IdSet = "Id";

    /// <summary>How many days of history to return, newest first (1–90; the service keeps 90).</summary>
    [Parameter(ParameterSetName = LatestSet, Position = 0)]
    [ValidateRange(1, SecureScoreService.RetainedDays)]
    public int Days { get; set; } = 1;

    /// <summary>A score's id ({tenantId}_{yyyy-MM-dd}).</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var connection in GraphConnections)
        {
            var scores = new SecureScoreService(connection.Graph);
            if (ParameterSetName == IdSet)
            {
                foreach (var id in Id.Where(id => IsValidId(id)))
                    ForInput(id, connection, () => Write(Run(token => scores.GetAsync(id, token)), connection.Name));
                continue;
            }
            ForInput(null, connection, () => Run(token => scores.List(scores.Latest(Days)).ReadAsync(Days, false,
                StreamPages<GraphSecurity.SecureScore>(score => Write(score, connection.Name)), token)));
        }
    }

    private void Write(GraphSecurity.SecureScore score, string connectionName)
    {
        score.ConnectionName = connectionName;
        WriteObject(score);
    }
}
