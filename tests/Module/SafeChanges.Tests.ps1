# Changes that can be run twice, do not overwrite someone else's change, go to the right tenant, and
# are never lost: Set-/Add- cmdlets, watcher state files, and a started security action.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name safe
    Connect-GsTenant -Environment Emulator -TenantId $FabrikamTenantId -ClientId $FabrikamClientId -ClientSecret (ConvertTo-TestSecureString $FabrikamSecret) -Name safe-fabrikam
    $script:emulator = Get-TestEmulator
    $script:control = "$($emulator.url)/_emulator"

    function Get-RequestCount([string] $Method, [string] $Route) {
        $counters = Invoke-RestMethod -Uri "$control/counters" -SkipCertificateCheck
        [int](($counters.routes | Where-Object { $_.method -eq $Method -and $_.route -like $Route } | Measure-Object -Property count -Sum).Sum)
    }
    function New-EmulatorAlert {
        (Invoke-RestMethod -Method Post -Uri "$control/tenants/$DefaultTenantId/alerts" -Body '{"count":1}' -ContentType 'application/json' -SkipCertificateCheck).value[0]
    }
    function Set-EmulatorAlert([string] $Id, [hashtable] $Body) {
        Invoke-RestMethod -Method Patch -Uri "$control/tenants/$DefaultTenantId/alerts/$Id" -Body ($Body | ConvertTo-Json) -ContentType 'application/json' -SkipCertificateCheck | Out-Null
    }
    function Get-RawAlertById([string] $Id) {
        Invoke-RestMethod -Uri "$($emulator.url)/v1.0/security/alerts_v2/$Id" -Headers @{ Authorization = "Bearer $(Get-RawToken)" } -SkipCertificateCheck
    }
}
AfterAll {
    Disconnect-GsTenant -Name safe
    Disconnect-GsTenant -Name safe-fabrikam
    Invoke-RestMethod -Method Delete -Uri "$control/faults" -SkipCertificateCheck | Out-Null
}

Describe 'Set-GsAlert and Set-GsIncident run twice change things once' {
    It 'the same Set-GsAlert twice: one comment, and the second run sends nothing (lastUpdateDateTime stays)' {
        $id = (New-EmulatorAlert).id
        Get-GsAlert -Id $id -Connection safe | Set-GsAlert -Status InProgress -Comment 'Taking this one.' -Confirm:$false
        $afterFirst = Get-RawAlertById $id
        $patches = Get-RequestCount PATCH '/v1.0/security/alerts_v2/{id}'
        $posts = Get-RequestCount POST '/v1.0/security/alerts_v2/{id}/comments'

        $verbose = @(Get-GsAlert -Id $id -Connection safe | Set-GsAlert -Status InProgress -Comment 'Taking this one.' -Confirm:$false -Verbose 4>&1)
        $afterSecond = Get-RawAlertById $id
        @($afterSecond.comments | Where-Object comment -EQ 'Taking this one.').Count | Should -Be 1
        $afterSecond.lastUpdateDateTime | Should -Be $afterFirst.lastUpdateDateTime
        Get-RequestCount PATCH '/v1.0/security/alerts_v2/{id}' | Should -Be $patches
        Get-RequestCount POST '/v1.0/security/alerts_v2/{id}/comments' | Should -Be $posts
        ($verbose.Message -join "`n") | Should -Match 'nothing was sent'
        ($verbose.Message -join "`n") | Should -Match 'already has this comment from you'
    }

    It 'only the field that differs is sent' {
        $id = (New-EmulatorAlert).id
        Set-GsAlert -Id $id -Status InProgress -AssignedTo 'soc@contoso.example' -Connection safe -Confirm:$false
        $verbose = @(Set-GsAlert -Id $id -Status Resolved -AssignedTo 'soc@contoso.example' -Connection safe -Confirm:$false -Verbose 4>&1)
        ($verbose.Message -join "`n") | Should -Match 'assignedTo already set as asked'
        (Get-RawAlertById $id).status | Should -Be 'resolved'
    }

    It '-AllowDuplicateComment adds the same comment again' {
        $id = (New-EmulatorAlert).id
        1..2 | ForEach-Object { Add-GsAlertComment -Id $id 'Same text' -AllowDuplicateComment -Connection safe -Confirm:$false }
        @((Get-RawAlertById $id).comments | Where-Object comment -EQ 'Same text').Count | Should -Be 2
    }

    It 'the same comment written by someone else is still added' {
        $id = (New-EmulatorAlert).id
        Set-EmulatorAlert $id @{ comment = 'Looked at it.'; commentBy = 'Microsoft Defender portal' }
        Add-GsAlertComment -Id $id 'Looked at it.' -Connection safe -Confirm:$false
        @((Get-RawAlertById $id).comments | Where-Object comment -EQ 'Looked at it.').Count | Should -Be 2
    }

    It 'a piped copy older than the service is refused with both times, unless -Force' {
        $id = (New-EmulatorAlert).id
        $copy = Get-GsAlert -Id $id -Connection safe
        Start-Sleep -Milliseconds 20
        Set-EmulatorAlert $id @{ assignedTo = 'someone.else@contoso.example' }
        $current = Get-RawAlertById $id
        $copy | Set-GsAlert -Status Resolved -Confirm:$false -ErrorVariable conflict -ErrorAction SilentlyContinue
        $conflict | Should -HaveCount 1
        $conflict[0].FullyQualifiedErrorId | Should -BeLike 'UpdateConflict,*'
        $conflict[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $conflict[0].ErrorDetails.Message | Should -Match ([regex]::Escape(([DateTimeOffset]$current.lastUpdateDateTime).ToString('yyyy-MM-ddTHH:mm:ss')))
        $conflict[0].ErrorDetails.Message | Should -Match ([regex]::Escape($copy.LastUpdateDateTime.ToString('yyyy-MM-ddTHH:mm:ss')))
        $conflict[0].ErrorDetails.RecommendedAction | Should -Match '-Force'
        (Get-RawAlertById $id).status | Should -Not -Be 'resolved'

        $copy | Set-GsAlert -Status Resolved -Force -Confirm:$false
        (Get-RawAlertById $id).status | Should -Be 'resolved'
    }

    It 'Set-GsIncident: the second identical run sends nothing, a stale copy is refused' {
        $incident = Get-GsIncident -First 1 -Status Active -Connection safe
        $incident | Set-GsIncident -Status InProgress -CustomTags 'ticket-1' -Confirm:$false
        $patches = Get-RequestCount PATCH '/v1.0/security/incidents/{id}'
        Get-GsIncident -Id $incident.Id -Connection safe | Set-GsIncident -Status InProgress -CustomTags 'ticket-1' -Confirm:$false
        Get-RequestCount PATCH '/v1.0/security/incidents/{id}' | Should -Be $patches
        $incident | Set-GsIncident -Status Resolved -Confirm:$false -ErrorVariable conflict -ErrorAction SilentlyContinue
        $conflict[0].FullyQualifiedErrorId | Should -BeLike 'UpdateConflict,*'
    }
}

Describe 'A piped object goes back to its own tenant' {
    It 'an alert of Contoso piped to -Connection of Fabrikam is refused, nothing sent' {
        $alert = Get-GsAlert -First 1 -Connection safe
        $patches = Get-RequestCount PATCH '/v1.0/security/alerts_v2/{id}'
        $gets = Get-RequestCount GET '/v1.0/security/alerts_v2/{id}'
        $alert | Set-GsAlert -Connection safe-fabrikam -Status Resolved -Confirm:$false -ErrorVariable mismatch -ErrorAction SilentlyContinue
        $mismatch | Should -HaveCount 1
        $mismatch[0].FullyQualifiedErrorId | Should -BeLike 'TenantMismatch,*'
        $mismatch[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $mismatch[0].ErrorDetails.Message | Should -Match $DefaultTenantId
        $mismatch[0].ErrorDetails.Message | Should -Match $FabrikamTenantId
        $mismatch[0].ErrorDetails.RecommendedAction | Should -Match '-AllowTenantMismatch'
        Get-RequestCount PATCH '/v1.0/security/alerts_v2/{id}' | Should -Be $patches
        Get-RequestCount GET '/v1.0/security/alerts_v2/{id}' | Should -Be $gets
    }

    It '-AllowTenantMismatch sends it through the connection given (where that alert does not exist)' {
        $alert = Get-GsAlert -First 1 -Connection safe
        $alert | Set-GsAlert -Connection safe-fabrikam -Status Resolved -AllowTenantMismatch -Confirm:$false -ErrorVariable notFound -ErrorAction SilentlyContinue
        $notFound[0].FullyQualifiedErrorId | Should -BeLike 'GraphNotFound,*'
        $notFound[0].ErrorDetails.Message | Should -Match "connection 'safe-fabrikam'"
    }

    It 'without -Connection the piped object goes back through the connection it came from' {
        $alert = Get-GsAlert -First 1 -Connection safe-fabrikam
        $alert | Set-GsAlert -AssignedTo 'fab.analyst@fabrikam.example' -Confirm:$false -PassThru | ForEach-Object TenantId | Should -Be $FabrikamTenantId
    }
}

Describe 'Watch state files' {
    BeforeEach {
        $script:state = Join-Path $env:GS_TEST_WORK "safe-watch-$([guid]::NewGuid().ToString('N')).json"
    }

    It 'without a state file the watcher warns and says where it starts; -FromNow starts without a backlog' {
        $warnings = @()
        Watch-GsAlert -Once -StatePath $state -Since (Get-Date).AddHours(-1) -Connection safe -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -Match 'There is no watch state at'
        $warnings[0].Message | Should -Match '-Since'
        $fresh = Join-Path $env:GS_TEST_WORK "safe-watch-fromnow-$([guid]::NewGuid().ToString('N')).json"
        @(Watch-GsAlert -Once -StatePath $fresh -FromNow -Connection safe -WarningAction SilentlyContinue) | Should -HaveCount 0
        $alert = New-EmulatorAlert
        @(Watch-GsAlert -Once -StatePath $fresh -Connection safe).Id | Should -Be @($alert.id)
    }

    It 'a second watcher on the same state file fails clearly while the first runs' {
        $module = $env:GS_TEST_MODULE
        $first = Start-ThreadJob -ScriptBlock {
            Import-Module $using:module
            Connect-GsTenant -Emulator -Name safe-watch-1
            Watch-GsAlert -StatePath $using:state -Interval 1 -Connection safe-watch-1 -WarningAction SilentlyContinue | Select-Object -First 1000 | Out-Null
        }
        try {
            $deadline = (Get-Date).AddSeconds(30)
            while (-not (Test-Path "$state.lock") -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Milliseconds 500
            $failure = $null
            try { Watch-GsAlert -Once -StatePath $state -Connection safe -ErrorAction Stop | Out-Null } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'WatchStateInUse,*'
            $failure.ErrorDetails.Message | Should -Match ([regex]::Escape($state))
        }
        finally { $first | Stop-Job -PassThru | Remove-Job -Force }
        # Once the first has stopped, the file is free again.
        { Watch-GsAlert -Once -StatePath $state -Connection safe -ErrorAction Stop | Out-Null } | Should -Not -Throw
    }

    It 'a state file that cannot be written fails before any change is written, naming the file' {
        Watch-GsAlert -Once -StatePath $state -Since (Get-Date).AddMinutes(-1) -Connection safe -WarningAction SilentlyContinue | Out-Null
        New-EmulatorAlert | Out-Null
        $readOnly = $false
        if ($IsLinux -and (id -u) -eq 0 -and (Get-Command chattr -ErrorAction Ignore)) { chattr +i $state; $readOnly = $LASTEXITCODE -eq 0 }
        if (-not $readOnly) { Set-ItemProperty $state -Name IsReadOnly -Value $true; $readOnly = $true }
        try {
            $written = @()
            $failure = $null
            try { $written = @(Watch-GsAlert -Once -StatePath $state -Connection safe -ErrorAction Stop) } catch { $failure = $_ }
            $written | Should -HaveCount 0
            $failure.FullyQualifiedErrorId | Should -BeLike 'WatchStateUnusable,*'
            $failure.ErrorDetails.Message | Should -Match ([regex]::Escape($state))
        }
        finally {
            if ($IsLinux -and (id -u) -eq 0) { chattr -i $state 2>$null }
            Set-ItemProperty $state -Name IsReadOnly -Value $false -ErrorAction Ignore
        }
        # Writable again: the change is written now, once.
        @(Watch-GsAlert -Once -StatePath $state -Connection safe) | Should -HaveCount 1
    }
}

Describe 'A started security action is never lost' {
    It 'with -Wait the action is written before waiting, and when status reads fail the error names its id' {
        $rule = @{ seed = 3; rules = @(@{ route = '/beta/security/securityActions/*'; methods = @('GET'); errorRate = 1; errorStatuses = @(500) }) } | ConvertTo-Json -Depth 5
        Invoke-RestMethod -Method Post -Uri "$control/faults" -Body $rule -ContentType 'application/json' -SkipCertificateCheck | Out-Null
        try {
            $output = @(Invoke-GsSecurityAction -Api GraphSecurityActions -IpAddress 203.0.113.77 -Wait -PollInterval 1 -TimeoutSeconds 60 -Connection safe -Confirm:$false -ErrorVariable waitFailed -ErrorAction SilentlyContinue)
        }
        finally { Invoke-RestMethod -Method Delete -Uri "$control/faults" -SkipCertificateCheck | Out-Null }
        $output | Should -HaveCount 1
        $output[0].Id | Should -Not -BeNullOrEmpty
        $output[0].Status | Should -Be 'NotStarted'
        $waitFailed | Should -HaveCount 1
        $waitFailed[0].TargetObject.Id | Should -Be $output[0].Id
        $waitFailed[0].ErrorDetails.Message | Should -Match $output[0].Id
        $waitFailed[0].ErrorDetails.RecommendedAction | Should -Match "Get-GsSecurityAction -Id $($output[0].Id)"
        (Get-GsSecurityAction -Api GraphSecurityActions -Id $output[0].Id -Connection safe).Id | Should -Be $output[0].Id
    }

    It 'the object written before waiting ends with the final status' {
        $action = Invoke-GsSecurityAction -Api GraphSecurityActions -IpAddress 203.0.113.78 -Wait -PollInterval 1 -Connection safe -Confirm:$false
        $action.Status | Should -Be 'Completed'
    }
}
