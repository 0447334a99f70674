<#
.SYNOPSIS
    The product's main job in two minutes: triage the new high-severity alerts of the last week,
    contain a device, then feed custom threat indicators from a CSV.

.DESCRIPTION
    Starts a local emulator, connects to it, lists the new high-severity alerts of the last 7 days,
    triages a few (take ownership, mark in progress or resolve, leave a comment), isolates the device
    of one and releases it again, prints a summary, uploads threat indicators and stops the emulator. Run it with:  dotnet pwsh ./build.ps1 demo
#>
param([string] $ModulePath = (Join-Path $PSScriptRoot '../out/GraphSecurity/GraphSecurity.psd1'))

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

# A private info file, so the demo never touches an emulator you already run.
$env:GRAPHSECURITY_EMULATOR_INFO = Join-Path ([IO.Path]::GetTempPath()) "graphsecurity-demo-$PID/emulator.json"
$emulator = Start-GsEmulator
try {
    Write-Host "Emulator running at $($emulator.Url)`n"
    # The emulator's Sentinel workspace: threat indicators for Sentinel go there.
    Connect-GsTenant -Emulator -WorkspaceId 5e1c7a3b-9d2f-4b6e-8a1c-3f5d7b9e1a2c

    Write-Host 'New high-severity alerts of the last 7 days:' -ForegroundColor Cyan
    $alerts = Get-GsAlert -Severity High -Status New -Since (Get-Date).AddDays(-7) -All
    $alerts | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    # Triage: the analyst takes the three newest, starts on the first two and closes the third.
    $triage = $alerts | Select-Object -First 3
    $triage | Select-Object -First 2 |
        Set-GsAlert -Status InProgress -AssignedTo 'soc.analyst1@contoso.example' -Comment 'Investigating: isolating the device.'
    $triage | Select-Object -Skip 2 |
        Set-GsAlert -Status Resolved -Classification FalsePositive -Determination SecurityTesting `
            -AssignedTo 'soc.analyst1@contoso.example' -Comment 'Red-team exercise, confirmed with the owner.'

    Write-Host 'After triage:' -ForegroundColor Cyan
    $triage | Get-GsAlert | Format-Table Severity, Status, Classification, AssignedTo, Title -AutoSize | Out-String -Width 200 | Write-Host

    # Respond: isolate the device of the first alert that names exactly one (Defender for Endpoint
    # machine actions), wait until it is done, keep the result as the audit record, then release it.
    $contained = $triage | Where-Object { $_.DeviceNames.Count -eq 1 } | Select-Object -First 1
    if ($contained) {
        Write-Host "Isolating $($contained.DeviceNames[0]) (alert $($contained.Id)):" -ForegroundColor Cyan
        $isolation = $contained | Invoke-GsSecurityAction -Action IsolateDevice -Wait -PollInterval 1 -Confirm:$false
        $isolation | Format-Table Name, Target, Status, ApiStatus, Api, Requestor -AutoSize | Out-String -Width 200 | Write-Host
        $release = $isolation | Undo-GsSecurityAction -Confirm:$false
        Write-Host "  Undone with $($release.Name) ($($release.ApiStatus)); Get-GsSecurityAction -Id $($release.Id) follows it."
    }

    $open = Get-GsAlert -Severity High -Status New -Since (Get-Date).AddDays(-7) -All
    $byDevice = $open | ForEach-Object DeviceNames | Group-Object | Sort-Object Count -Descending | Select-Object -First 3
    Write-Host 'Summary:' -ForegroundColor Cyan
    Write-Host ("  {0} new high-severity alerts in the last 7 days; {1} triaged; {2} still new." -f $alerts.Count, $triage.Count, $open.Count)
    if ($byDevice) { Write-Host ('  Devices with the most open alerts: ' + (($byDevice | ForEach-Object { "$($_.Name) ($($_.Count))" }) -join ', ')) }

    # Feed custom threat indicators: an old tiIndicators export with two bad rows, uploaded twice. Its
    # targetProduct routes each row to the successor API: Defender for Endpoint or the Sentinel workspace.
    Write-Host "`nThreat indicators from docs/examples/iocs.csv:" -ForegroundColor Cyan
    $iocs = Join-Path $PSScriptRoot 'examples/iocs.csv'
    $first = Import-Csv $iocs | New-GsTiIndicator -ErrorVariable rejected -ErrorAction SilentlyContinue
    $first | Sort-Object Line | Format-Table Line, Status, Target, IndicatorType, Indicator -AutoSize | Out-String -Width 200 | Write-Host
    $rejected | ForEach-Object { Write-Host "  rejected: $_" -ForegroundColor Yellow }
    $second = Import-Csv $iocs | New-GsTiIndicator -ErrorAction SilentlyContinue
    Write-Host ("  Second run of the same file: " + (($second | Group-Object Status | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', ') + ' (nothing created twice).')
}
finally {
    Disconnect-GsTenant -All
    Stop-GsEmulator
}
