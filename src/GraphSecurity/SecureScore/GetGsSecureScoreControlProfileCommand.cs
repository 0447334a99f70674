using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.SecureScore;

namespace GraphSecurity.Commands.SecureScore;

/// <summary>
/// <para type="synopsis">Gets Secure Score controls (control profiles): by id, or filtered by category, service, tier and deprecation.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsSecureScoreControlProfile", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[GraphPermission("secureScoreControlProfiles", "SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All")]
[OutputType(typeof(SecureScoreControlProfile))]
public sealed class GetGsSecureScoreControlProfileCommand : GsListCmdlet
{
    /// <summary>The control's id (e.g. AdminMFAV2); also bound from ControlName of a control score.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ControlName")]
    [ArgumentCompleter(typeof(RecentIdCompleter<SecureScoreControlProfile>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Id { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ValidateSet("Identity", "Data", "Device", "Apps", "Infrastructure", IgnoreCase = true)]
    public string[] Category { get; set; }

    /// <summary>The service the control belongs to (e.g. AzureAD, EXO, MDO, SPO).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Service { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ValidateSet("Core", "Defense in Depth", "Advanced", IgnoreCase = true)]
    public string[] Tier { get; set; }

    /// <summary>$true: only deprecated controls; $false: only current ones.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public bool Deprecated { get; set; }

    /// <summary>Page size: controls per request (1–1000).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, 1000)]
    public int Top { get; set; }

    protected override string ItemsName => "controls";

    protected override void ProcessRecord() =>
        ListOrGet(connection => new ControlProfileService(connection.Graph), Id, () => new ControlProfileQuery
        {
            Category = Category.OrNone(),
            Service = Service.OrNone(),
            Tier = Tier.OrNone(),
            Deprecated = MyInvocation.BoundParameters.ContainsKey(nameof(Deprecated)) ? Deprecated : (bool?)null,
        }.ToCollectionQuery());
}
