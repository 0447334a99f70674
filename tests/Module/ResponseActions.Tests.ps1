# Response actions through the APIs that carry them today (Defender for Endpoint machine actions and
# indicators, Graph identity accounts), end to end against the emulator: from an alert to its device,
# address and user, each undone again; the open-action check, permissions, the lifecycle and cancel.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name respond
    $script:emulator = Get-TestEmulator
    $script:control = "$($emulator.url)/_emulator"
    function Invoke-Control([string] $Method, [string] $Path, $Body = $null) {
        $parameters = @{ Method = $Method; Uri = "$control/$Path"; SkipCertificateCheck = $true }
        if ($null -ne $Body) { $parameters.Body = ($Body | ConvertTo-Json -Depth 5 -Compress); $parameters.ContentType = 'application/json' }
        # Written from a variable, so a JSON array reaches the pipeline item by item.
        $answer = Invoke-RestMethod @parameters
        $answer
    }
    function Get-Machine([string] $Id) { Invoke-Control GET "tenants/$DefaultTenantId/defender/machines" | Where-Object id -EQ $Id }
    function Get-RawMachineAction([string] $MachineId) { @(Invoke-Control GET "tenants/$DefaultTenantId/defender/machineactions" | Where-Object machineId -EQ $MachineId) }
    function Get-Identity([string] $Upn) { Invoke-Control GET "tenants/$DefaultTenantId/identities/accounts" | Where-Object userPrincipalName -EQ $Upn }
    function Get-Indicator([string] $Value) { @((Invoke-Control GET "tenants/$DefaultTenantId/defender/indicators").value | Where-Object indicatorValue -EQ $Value) }
    function Wait-Final([string] $Id) {
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do { $action = Get-GsSecurityAction -Id $Id -Connection respond; if ($action.IsFinished) { return $action }; Start-Sleep -Milliseconds 300 }
        until ([DateTime]::UtcNow -gt $deadline)
        throw "Action $Id did not end."
    }

    # An alert from Defender for Endpoint with one device, one address it found suspicious and a user.
    $script:alert = Get-GsAlert -All -Filter "serviceSource eq 'microsoftDefenderForEndpoint'" -Connection respond | Where-Object {
        @($_.Evidence | Where-Object EvidenceType -EQ 'deviceEvidence').Count -eq 1 -and
        @($_.Evidence | Where-Object { $_.EvidenceType -eq 'ipEvidence' -and $_.Verdict -ne 'NoThreatsFound' }).Count -eq 1 -and
        @($_.Evidence | Where-Object EvidenceType -EQ 'userEvidence').Count -ge 1
    } | Select-Object -First 1
    $script:device = $alert.Evidence | Where-Object EvidenceType -EQ 'deviceEvidence'
    $script:ip = ($alert.Evidence | Where-Object { $_.EvidenceType -eq 'ipEvidence' -and $_.Verdict -ne 'NoThreatsFound' }).IpAddress
    $script:upn = @($alert.Evidence | Where-Object EvidenceType -EQ 'userEvidence')[0].UserAccount.UserPrincipalName
    # Devices no alert above acts on, one per test that needs its own.
    $script:others = @(Invoke-Control GET "tenants/$DefaultTenantId/defender/machines" | Where-Object id -NE $device.MdeDeviceId)
}
AfterAll {
    Invoke-Control POST 'defender/machineactions/timing' @{ pendingSeconds = 1; inProgressSeconds = 2 } | Out-Null
    Invoke-Control DELETE 'defender/machineactions/faults' | Out-Null
    Disconnect-GsTenant -Name respond
}

Describe 'From an alert to its device, address and user' {
    It 'the seeded alert has what the scenario needs' {
        $alert | Should -Not -BeNullOrEmpty
        $device.MdeDeviceId | Should -Match '^[0-9a-f]{40}$'
        Get-Machine $device.MdeDeviceId | Should -Not -BeNullOrEmpty -Because 'machines are the devices of the alerts'
        $upn | Should -Not -BeNullOrEmpty
    }

    It 'isolates exactly the alert''s device, waiting until Defender reports it done' {
        $action = Get-GsAlert -Id $alert.Id -Connection respond | Invoke-GsSecurityAction -Action IsolateDevice -Wait -PollInterval 1 -Confirm:$false
        $action.Name | Should -Be 'IsolateDevice'
        $action.Api | Should -Be 'DefenderMachineActions'
        $action.Status | Should -Be 'Completed'
        $action.ApiStatus | Should -Be 'Succeeded'
        $action.TargetId | Should -Be $device.MdeDeviceId
        $action.Target | Should -Be $device.DeviceDnsName
        $action.AlertId | Should -Be $alert.Id
        $action.Comment | Should -BeLike "*alert $($alert.Id)*"
        $action.Requestor | Should -Not -BeNullOrEmpty
        $action.CompletedDateTime | Should -Not -BeNullOrEmpty
        (Get-Machine $device.MdeDeviceId).isolation | Should -Be 'Full'
        @(Invoke-Control GET "tenants/$DefaultTenantId/defender/machines" | Where-Object { $_.isolation }).id | Should -Be @($device.MdeDeviceId)
        $script:isolation = $action
    }

    It 'blocks the address of its IP evidence with one indicator that expires in 7 days' {
        $block = @($alert | Invoke-GsSecurityAction -Action BlockIp -Confirm:$false)
        $block | Should -HaveCount 1
        $block[0].Api | Should -Be 'DefenderIndicators'
        $block[0].Target | Should -Be $ip
        $block[0].Status | Should -Be 'Completed'
        $stored = Get-Indicator $ip
        $stored | Should -HaveCount 1
        $stored[0].action | Should -Be 'Block'
        $stored[0].indicatorType | Should -Be 'IpAddress'
        $stored[0].id | Should -Be $block[0].Id
        ([DateTimeOffset]$stored[0].expirationTime - [DateTimeOffset]::UtcNow).TotalDays | Should -BeGreaterThan 6.99
        ([DateTimeOffset]$stored[0].expirationTime - [DateTimeOffset]::UtcNow).TotalDays | Should -BeLessOrEqual 7
        $script:block = $block[0]
    }

    It 'revokes the user''s sessions, then disables the account' {
        $revoke = $alert | Invoke-GsSecurityAction -Action RevokeSessions -Confirm:$false
        $disable = $alert | Invoke-GsSecurityAction -Action DisableUser -Confirm:$false
        $revoke.Api, $disable.Api | Should -Be 'GraphIdentityAccounts', 'GraphIdentityAccounts'
        $revoke.Target, $disable.Target | Should -Be $upn, $upn
        $disable.Id | Should -Not -BeNullOrEmpty -Because 'the correlation id is kept'
        $identity = Get-Identity $upn
        $identity.isEnabled | Should -BeFalse
        $identity.sessionsRevokedDateTime | Should -Not -BeNullOrEmpty
        @($identity.actions.action) | Should -Contain 'revokeAllSessions'
        $script:disable = $disable
        $script:revoke = $revoke
    }

    It 'undoes each again: release, unblock, enable; revoked sessions cannot be undone' {
        $undone = @($isolation, $block, $disable, $revoke | Undo-GsSecurityAction -Confirm:$false -WarningVariable skipped -WarningAction SilentlyContinue)
        $undone.Name | Should -Be 'ReleaseDevice', 'RemoveIpBlock', 'EnableUser'
        $skipped | Should -HaveCount 1
        "$skipped" | Should -BeLike '*RevokeSessions*no opposite*'
        (Wait-Final $undone[0].Id).ApiStatus | Should -Be 'Succeeded'
        (Get-Machine $device.MdeDeviceId).isolation | Should -BeNullOrEmpty
        Get-Indicator $ip | Should -HaveCount 0
        (Get-Identity $upn).isEnabled | Should -BeTrue
    }

    It 'the results are an audit trail Export-Csv keeps: who, what, target, API, id, status, times' {
        $csv = @($isolation, $block, $disable) | ConvertTo-Csv | ConvertFrom-Csv
        foreach ($column in 'Name', 'Api', 'Target', 'TargetId', 'Id', 'Status', 'ApiStatus', 'Requestor', 'RequestedDateTime', 'CompletedDateTime', 'AlertId') {
            $csv[0].PSObject.Properties.Name | Should -Contain $column
        }
        $csv.Requestor | Should -Not -Contain ''
        ($csv | ConvertTo-Csv) -join "`n" | Should -Not -Match 'System\.|GraphSecurity\.'
    }

    It '-WhatIf names every target and sends nothing' {
        $before = (Invoke-Control GET counters).total
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        $alert | Invoke-GsSecurityAction -Action IsolateDevice -WhatIf
        $alert | Invoke-GsSecurityAction -Action DisableUser -WhatIf
        Stop-Transcript | Out-Null
        (Invoke-Control GET counters).total | Should -Be $before
        $text = Get-Content -Raw $transcript
        $text | Should -Match ([regex]::Escape($device.MdeDeviceId))
        $text | Should -Match ([regex]::Escape($upn))
    }
}

Describe 'One action at a time on a device' {
    It 'a second isolate while one is pending returns the pending one, and cancelling it works once' {
        $target = $others[0]
        Invoke-Control POST 'defender/machineactions/timing' @{ pendingSeconds = 60; inProgressSeconds = 2 } | Out-Null
        try {
            $first = Invoke-GsSecurityAction -Action IsolateDevice -Device $target.computerDnsName -Confirm:$false
            $second = Invoke-GsSecurityAction -Action IsolateDevice -Device $target.id -Confirm:$false -WarningVariable pending -WarningAction SilentlyContinue
            $second.Id | Should -Be $first.Id
            $second.AlreadyOpen | Should -BeTrue
            "$pending" | Should -BeLike "*already Pending*$($first.Id)*"
            @(Get-RawMachineAction $target.id | Where-Object type -EQ 'Isolate') | Should -HaveCount 1

            $stopped = $first | Stop-GsSecurityAction -Comment 'wrong device' -PassThru -Confirm:$false
            $stopped.Status | Should -Be 'Cancelled'
            $stopped.ApiStatus | Should -Be 'Cancelled'
            $first | Stop-GsSecurityAction -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue
            $refused | Should -HaveCount 1
            $refused[0].TargetObject | Should -Be $first.Id
            "$refused" | Should -BeLike '*final state*'
        }
        finally { Invoke-Control POST 'defender/machineactions/timing' @{ pendingSeconds = 1; inProgressSeconds = 2 } | Out-Null }
        (Get-Machine $target.id).isolation | Should -BeNullOrEmpty
    }

    It 'an app without Machine.Isolate gets an error naming it, and nothing is left half done' {
        $target = $others[1]
        Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $ResponderClientId -ClientSecret (ConvertTo-TestSecureString $ResponderSecret) -Name responder | Out-Null
        try {
            $result = Invoke-GsSecurityAction -Action IsolateDevice -Device $target.id -Connection responder -Confirm:$false -ErrorVariable denied -ErrorAction SilentlyContinue
        }
        finally {
            Disconnect-GsTenant -Name responder
            Connect-GsTenant -Emulator -Name respond | Out-Null   # current again for the tests that follow
        }
        $result | Should -BeNullOrEmpty
        $denied | Should -HaveCount 1
        "$($denied[0]) $($denied[0].ErrorDetails.RecommendedAction)" | Should -Match 'Machine\.Isolate'
        Get-RawMachineAction $target.id | Should -HaveCount 0
        (Get-Machine $target.id).isolation | Should -BeNullOrEmpty
    }
}

Describe '-Wait follows an action to its end' {
    It 'reports <Outcome> with its own error' -ForEach @(
        @{ Outcome = 'Failed'; ErrorId = 'SecurityActionFailed'; Index = 2 }
        @{ Outcome = 'TimeOut'; ErrorId = 'DeviceActionTimedOut'; Index = 3 }
    ) {
        $target = $others[$Index]
        Invoke-Control POST 'defender/machineactions/faults' @{ outcome = $Outcome; type = 'RunAntiVirusScan'; count = 1 } | Out-Null
        try {
            $action = Invoke-GsSecurityAction -Action RunAntivirusScan -ScanType Full -Device $target.id -Wait -PollInterval 1 -Confirm:$false -ErrorVariable ended -ErrorAction SilentlyContinue
        }
        finally { Invoke-Control DELETE 'defender/machineactions/faults' | Out-Null }
        $action.Status | Should -Be 'Failed'
        $action.ApiStatus | Should -Be $Outcome
        $ended | Should -HaveCount 1
        $ended[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
        $ended[0].TargetObject.Id | Should -Be $action.Id
    }

    It 'Get-GsSecurityAction filters by device, action, status and time, with the common and the API status' {
        $target = $others[2]
        $all = @(Get-GsSecurityAction -Device $target.computerDnsName -All -Connection respond)
        $all | Should -HaveCount 1
        $all[0].Name | Should -Be 'RunAntivirusScan'
        @(Get-GsSecurityAction -Status Failed -Name RunAntivirusScan -Since (Get-Date).AddHours(-1) -All -Connection respond).Id | Should -Contain $all[0].Id
        @(Get-GsSecurityAction -Status Completed -Device $target.id -All -Connection respond) | Should -HaveCount 0
        @(Get-GsSecurityAction -Since (Get-Date).AddHours(-1) -Name IsolateDevice -All -Connection respond).Target | Should -Contain $device.DeviceDnsName
    }
}

Describe 'Investigation package and live response' {
    It 'Save-GsInvestigationPackage refuses a collection not yet done, then downloads its zip once it is' {
        $target = $others[4]
        # The timing applies to the actions created after it is set.
        Invoke-Control POST 'defender/machineactions/timing' @{ pendingSeconds = 60; inProgressSeconds = 2 } | Out-Null
        try {
            $pending = Invoke-GsSecurityAction -Action CollectInvestigationPackage -Device $target.id -Confirm:$false
            $pending | Save-GsInvestigationPackage -Path $TestDrive -ErrorVariable notReady -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            "$notReady" | Should -BeLike '*not ready*Pending*'
            $pending | Stop-GsSecurityAction -Confirm:$false
            Invoke-Control POST 'defender/machineactions/timing' @{ pendingSeconds = 0; inProgressSeconds = 0 } | Out-Null
            $collected = Invoke-GsSecurityAction -Action CollectInvestigationPackage -Device $target.id -Wait -PollInterval 1 -Confirm:$false
        }
        finally { Invoke-Control POST 'defender/machineactions/timing' @{ pendingSeconds = 1; inProgressSeconds = 2 } | Out-Null }
        $collected.ApiStatus | Should -Be 'Succeeded'
        $file = $collected | Save-GsInvestigationPackage -Path $TestDrive
        $file.Name | Should -Be "$($target.computerDnsName)-$($collected.Id).zip"
        $zip = [IO.Compression.ZipFile]::OpenRead($file.FullName)
        try { ($zip.Entries | Where-Object Name -EQ 'README.txt') | Should -Not -BeNullOrEmpty } finally { $zip.Dispose() }
        Get-ChildItem $TestDrive -Filter *.partial | Should -BeNullOrEmpty
    }

    It 'Invoke-GsLiveResponse runs a library script on the alert''s device and returns its output' {
        $result = $alert | Invoke-GsLiveResponse -ScriptName Get-ProcessList.ps1 -PollInterval 1 -Confirm:$false
        $result.ExitCode | Should -Be 0
        $result.DeviceId | Should -Be $device.MdeDeviceId
        $result.Output | Should -Not -BeNullOrEmpty
        (Get-GsSecurityAction -Id $result.ActionId -Connection respond).Name | Should -Be 'LiveResponse'
    }

    It 'a script not in the library fails with the reason' {
        Invoke-GsLiveResponse -Device $others[5].id -ScriptName no-such.ps1 -PollInterval 1 -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed | Should -HaveCount 1
        "$failed" | Should -BeLike '*no-such.ps1*'
    }
}

Describe 'Bad input is refused before anything is sent' {
    It 'refuses <Why>' -ForEach @(
        @{ Why = 'a private address for BlockIp'; Arguments = @{ Name = 'BlockIp'; Indicator = '10.1.2.3' }; Match = '*only public*' }
        @{ Why = 'a malformed hash for BlockFile'; Arguments = @{ Name = 'BlockFile'; Indicator = 'abc' }; Match = '*SHA-256*' }
        @{ Why = 'an unknown action'; Arguments = @{ Name = 'IsolateEverything'; Device = 'x' }; Match = '*not a response action*' }
        @{ Why = 'an action without a target'; Arguments = @{ Name = 'IsolateDevice' }; Match = '*-Device*' }
    ) {
        $before = (Invoke-Control GET counters).total
        Invoke-GsSecurityAction @Arguments -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $refused | Should -HaveCount 1
        "$refused" | Should -BeLike $Match
        (Invoke-Control GET counters).total | Should -Be $before
    }
}
