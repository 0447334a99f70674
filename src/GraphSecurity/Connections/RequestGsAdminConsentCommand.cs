using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Emulator;

namespace GraphSecurity.Commands.Connections;

/// <summary>
/// <para type="synopsis">Asks a customer tenant's admin to consent to a multi-tenant app and reports what was granted.</para>
/// </summary>
/// <remarks>
/// No -WhatIf: the command changes nothing itself. The tenant changes only when its admin accepts on
/// the consent page, and that acceptance is the confirmation.
/// </remarks>
[Cmdlet(VerbsLifecycle.Request, "GsAdminConsent")]
[OutputType(typeof(GsAdminConsentResult))]
public sealed class RequestGsAdminConsentCommand : GsCmdlet
{
    /// <summary>The customer tenant whose admin consents: its GUID or a verified domain.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Tenant")]
    [ValidateNotNullOrEmpty]
    [ValidateTenant]
    public string TenantId { get; set; }

    /// <summary>The multi-tenant app's application (client) id.</summary>
    [Parameter(Mandatory = true)]
    [Alias("AppId", "ApplicationId")]
    [ValidateNotNullOrEmpty]
    [ValidateGuid(What = "an application (client) id")]
    public string ClientId { get; set; }

    /// <summary>Permissions for the v2 endpoint, e.g. https://graph.microsoft.com/.default or SecurityEvents.Read.All (Graph's when unqualified).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Permission { get; set; }

    /// <summary>A loopback redirect URI registered on the app (http://localhost or http://127.0.0.1); without a port, a free one is used.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri RedirectUri { get; set; }

    /// <summary>Show the consent URL instead of opening a browser, then wait for the answer.</summary>
    [Parameter]
    public SwitchParameter NoBrowser { get; set; }

    /// <summary>Ask the running emulator's identity platform; its consent page accepts without a person.</summary>
    [Parameter]
    public SwitchParameter Emulator { get; set; }

    [Parameter]
    [ValidateSet("Global", "USGov", "USGovDoD", "China", "Emulator", IgnoreCase = true)]
    public string Environment { get; set; } = "Global";

    /// <summary>How long to wait for the browser to come back.</summary>
    [Parameter]
    [ValidateRange(5, 3600)]
    public int TimeoutSeconds { get; set; } = 300;

    protected override void EndProcessing()
    {
        if (RedirectUri != null && AdminConsent.RedirectProblem(RedirectUri) is string problem)
            ThrowArgumentError(ErrorIds.InvalidArgument, $"-RedirectUri '{RedirectUri}' cannot receive the answer: {problem}.", RedirectUri,
                "Register a loopback redirect URI such as http://localhost on the app and pass that (any port is accepted for it).");
        var request = new AdminConsentRequest
        {
            TenantId = TenantId,
            ClientId = ClientId,
            Permissions = Permission,
            RedirectUri = RedirectUri,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
        };
        if (Emulator.IsPresent || string.Equals(Environment, "Emulator", StringComparison.OrdinalIgnoreCase))
        {
            var info = EmulatorManager.Find(null);
            if (info == null)
                ThrowTerminatingError(ErrorRecords.Create(new InvalidOperationException("No emulator is running."), ErrorIds.EmulatorNotRunning,
                    ErrorCategory.ResourceUnavailable, null, $"No emulator is running (no live info file at {EmulatorManager.DefaultInfoPath}).",
                    "Run Start-GsEmulator (or Connect-GsTenant -Emulator, which starts one), then try again."));
            request.Cloud = CloudEnvironment.Emulator(info.Url);
            request.OpenBrowser = (uri, token) => EmulatorBrowser.OpenAsync(uri, info.Thumbprint, token);
        }
        else
        {
            request.Cloud = CloudEnvironment.FromName(Environment);
        }
        if (NoBrowser) request.ShowUrl = url => Post(() => WriteWarning($"Open this URL in a browser on this machine and sign in as an admin of the tenant: {url}"));

        GsAdminConsentResult result;
        try
        {
            result = Run(token => AdminConsent.RequestAsync(request, token));
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex)
        {
            ThrowTerminatingFor(ex, TenantId);
            return;
        }
        WriteObject(result);
        if (!result.Granted)
            WriteError(ErrorRecords.Create(new InvalidOperationException(result.ErrorDescription ?? result.Error), ErrorIds.ConsentNotGranted,
                ErrorCategory.PermissionDenied, result, $"The admin consent was not granted: {result.ErrorDescription ?? result.Error}",
                "Sign in with an account that may consent for the organization (Global Administrator or Privileged Role Administrator for application permissions) and accept."));
        else
            WriteVerbose($"Admin consent granted in {result.GrantedTenantId}: {string.Join(" ", result.Permissions)}.");
    }
}
