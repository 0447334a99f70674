@{
    RootModule           = 'GraphSecurity.dll'
    # Loaded before the root module: it sends the engine and its dependencies to a private load context.
    NestedModules        = @('GraphSecurity.Loader.dll')
    # The build replaces this with <ModuleVersion> from Directory.Build.props.
    ModuleVersion        = '0.0.0'
    GUID                 = '3c9f6f0e-4a1d-4d7b-9b0e-6f1c2a7d5e84'
    Author               = 'GraphSecurity contributors'
    CompanyName          = 'GraphSecurity'
    Copyright            = '(c) GraphSecurity contributors. MIT License.'
    Description          = 'Microsoft security APIs from PowerShell (Graph Security, Defender for Endpoint, Microsoft Sentinel): sign in once with every Entra flow, read and triage alerts as typed, streamed objects, reach any endpoint with Invoke-GsRequest, and develop against a local emulator of the APIs.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    FormatsToProcess     = @('GraphSecurity.Format.ps1xml')
    TypesToProcess       = @('GraphSecurity.Types.ps1xml')
    CmdletsToExport      = @(
        'Connect-GsTenant', 'Disconnect-GsTenant', 'Get-GsConnection',
        'Get-GsAlert', 'Set-GsAlert', 'Watch-GsAlert',
        'Get-GsIncident', 'Set-GsIncident', 'Watch-GsIncident', 'Add-GsIncidentComment', 'Add-GsAlertComment',
        'Invoke-GsHuntingQuery', 'Invoke-GsRequest',
        'Get-GsThreatIntelligence', 'Get-GsIntelProfile', 'Get-GsThreatArticle', 'Get-GsVulnerability',
        'Get-GsSecureScore', 'Compare-GsSecureScore', 'Get-GsSecureScoreControlProfile', 'Set-GsSecureScoreControlProfile',
        'Invoke-GsSecurityAction', 'Get-GsSecurityAction', 'Stop-GsSecurityAction', 'Undo-GsSecurityAction', 'Save-GsInvestigationPackage', 'Invoke-GsLiveResponse',
        'New-GsSubscription', 'Get-GsSubscription', 'Update-GsSubscription', 'Remove-GsSubscription', 'Receive-GsNotification',
        'New-GsTiIndicator', 'Get-GsTiIndicator', 'Set-GsTiIndicator', 'Sync-GsTiIndicator', 'Remove-GsTiIndicator',
        'Send-GsPartnerAlert',
        'Group-GsAlert',
        'Get-GsDetectionRule', 'New-GsDetectionRule', 'Set-GsDetectionRule', 'Remove-GsDetectionRule',
        'Test-GsProvider', 'Request-GsAdminConsent',
        'Start-GsEmulator', 'Stop-GsEmulator', 'Get-GsEmulator'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Security', 'MicrosoftGraph', 'Defender', 'Alerts', 'Incidents', 'SecureScore', 'ThreatIntelligence', 'Sentinel', 'Entra', 'Emulator', 'PSEdition_Core', 'PSEdition_Desktop')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/GraphSecurity/GraphSecurity'
            # Build writes the current version's section of CHANGELOG.md here.
            ReleaseNotes = ''
        }
    }
}
