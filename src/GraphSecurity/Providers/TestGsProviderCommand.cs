using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Providers;

namespace GraphSecurity.Commands.Providers;

/// <summary>
/// <para type="synopsis">Checks a partner provider endpoint against the gsprov/1 provider contract: paging, filters, ordering, updates, authentication, security actions, error shapes and latency, one result per rule.</para>
/// </summary>
/// <remarks>
/// Reads the provider's metadata (GET {Url}/), gets a token for the audience it names in the connection's tenant
/// (or as the app of -Credential), then runs each rule of docs/provider-contract.md and writes one ProviderCheck
/// per rule, then a one-line summary. Checks that change the provider — tagging an alert and removing the tag
/// again, blocking and unblocking documentation addresses (192.0.2.10, 192.0.2.11) — run only when
/// ShouldProcess allows; with -WhatIf they are reported as Skipped. A provider that names the audience of a
/// Microsoft API is refused: no Graph, Defender or Azure token is ever sent to a provider.
/// </remarks>
[Cmdlet(VerbsDiagnostic.Test, "GsProvider", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ProviderCheck))]
[OutputType(typeof(bool))]
public sealed class TestGsProviderCommand : GsConnectedCmdlet
{
    /// <summary>The provider's contract base URL, e.g. http://127.0.0.1:7801/gsprov/v1 (https unless it is on loopback).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("BaseUrl")]
    [ValidateNotNull]
    public Uri Url { get; set; }

    /// <summary>Another app of the connection's tenant to call the provider as: its client id as the user name and its client secret as the password.</summary>
    [Parameter]
    [Credential]
    public PSCredential Credential { get; set; }

    /// <summary>The audience of the provider's tokens (its app-id URI); default: the audience its metadata names.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string Audience { get; set; }

    /// <summary>How long the provider may take to answer, in seconds (the broker waits 10).</summary>
    [Parameter]
    [Alias("Timeout")]
    [ValidateRange(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Return only $true when every check that ran passed, else $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttps && Url.Scheme != Uri.UriSchemeHttp) || (Url.Scheme == Uri.UriSchemeHttp && !Url.IsLoopback))
        {
            ThrowArgumentError(ErrorIds.InvalidProviderUrl,
                $"-Url must be an https URL, or http on a loopback address, not '{Url}': the checks send the provider a bearer token.", Url);
            return;
        }
        var connection = GraphConnection;
        ForInput(Url, connection, () =>
        {
            var allowChanges = ShouldProcess(Url.ToString(), "Test the provider, including an alert update (reverted) and blockIp/unblockIp actions on documentation addresses");
            ITokenSource tokens = Credential == null ? connection.Tokens : Run(_ => connection.AppTokensAsync(Credential.UserName, Credential.Password));
            var options = new ProviderConformanceOptions
            {
                BaseUrl = Url,
                Audience = Audience,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                AllowChanges = allowChanges,
                ProtectedAudiences = connection.Cloud.Apis.Select(a => a.Resource).Distinct().ToList(),
                TokenFor = async (audience, ct) => (await tokens.GetTokenAsync(audience, ct).ConfigureAwait(false)).Value,
            };
            using var suite = new ProviderConformance(options, check => { if (!Quiet) Post(() => WriteObject(check)); });
            var results = Run(token => suite.RunAsync(token));
            var ran = results.Where(r => r.Outcome != ProviderCheckOutcome.Skipped).ToList();
            var failed = ran.Where(r => !r.Passed).Select(r => r.Check).ToList();
            var skipped = results.Count - ran.Count;
            if (Quiet) { WriteObject(failed.Count == 0); return; }
            var summary = $"{Url}: {ran.Count - failed.Count} of {ran.Count} checks passed" + (skipped > 0 ? $", {skipped} skipped" : "") +
                          (failed.Count > 0 ? "; failed: " + string.Join(", ", failed) : ".");
            WriteInformation(new HostInformationMessage { Message = summary, NoNewLine = false }, new[] { "PSHOST", "GraphSecurity" });
        });
    }
}
