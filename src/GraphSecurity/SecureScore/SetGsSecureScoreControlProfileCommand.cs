using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.SecureScore;

namespace GraphSecurity.Commands.SecureScore;

/// <summary>
/// <para type="synopsis">Records a decision about a Secure Score control: its state (Default, Ignored, ThirdParty, Reviewed), owner and a comment.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "GsSecureScoreControlProfile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[GraphPermission("secureScoreControlProfiles", "SecurityEvents.ReadWrite.All")]
[OutputType(typeof(SecureScoreControlProfile))]
public sealed class SetGsSecureScoreControlProfileCommand : GsConnectedCmdlet
{
    /// <summary>The control's id (e.g. AdminMFAV2); also bound from ControlName of a control score.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ControlName")]
    [ArgumentCompleter(typeof(RecentIdCompleter<SecureScoreControlProfile>))]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Id { get; set; }

    [Parameter]
    public SecureScoreControlState State { get; set; }

    /// <summary>Who owns the control's follow-up (usually a UPN).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string AssignedTo { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Comment { get; set; }

    /// <summary>Write the updated control profile to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private Dictionary<string, object> Body() => ControlProfileService.UpdateBody(
        MyInvocation.BoundParameters.ContainsKey(nameof(State)) ? State : (SecureScoreControlState?)null, AssignedTo, Comment);

    protected override void BeginProcessing()
    {
        if (Body().Count > 1) return; // vendorInformation is always there
        ThrowArgumentError(ErrorIds.NothingToUpdate, "Nothing to change: give at least one of -State, -AssignedTo or -Comment.", null);
    }

    protected override void ProcessRecord()
    {
        if (!IsValidId(Id)) return;
        var body = Body();
        var action = string.Join(", ", new[]
        {
            body.ContainsKey("state") ? $"state={body["state"]}" : null,
            AssignedTo != null ? $"assignedTo='{AssignedTo}'" : null,
            Comment != null ? "a comment" : null,
        }.Where(p => p != null));
        if (!ShouldProcess($"secure score control {Id}", "Set " + action)) return;

        var connection = GraphConnection;
        ForInput(Id, connection, () =>
        {
            var profile = Run(token => new ControlProfileService(connection.Graph).UpdateAsync(Id, body, token, returnRepresentation: PassThru));
            if (PassThru && profile != null)
            {
                profile.ConnectionName = connection.Name;
                WriteObject(profile);
            }
        });
    }
}
