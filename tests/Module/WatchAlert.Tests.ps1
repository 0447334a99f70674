BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name watch-tests
    $script:emulator = Get-TestEmulator
    $script:control = "$($emulator.url)/_emulator"
    $script:statePath = Join-Path $env:GS_TEST_WORK 'watch-alert-state.json'
    $script:emitted = [Collections.Generic.List[object]]::new()

    # Alerts made and changed through the emulator's control API ("from the portal"), not through the module.
    function New-EmulatorAlert([hashtable] $Body = @{}) {
        (Invoke-RestMethod -Method Post -Uri "$control/tenants/$DefaultTenantId/alerts" -Body ($Body | ConvertTo-Json) -ContentType 'application/json' -SkipCertificateCheck).value
    }
    function Set-EmulatorAlert([string] $Id, [hashtable] $Body) {
        Invoke-RestMethod -Method Patch -Uri "$control/tenants/$DefaultTenantId/alerts/$Id" -Body ($Body | ConvertTo-Json) -ContentType 'application/json' -SkipCertificateCheck
    }
    function Format-Version($id, $lastUpdate) { '{0}|{1}' -f $id, ([DateTimeOffset]$lastUpdate).UtcTicks }
    # One scheduled-runbook style run: poll once with small pages, resume from the state file.
    function Invoke-Watch([hashtable] $Extra = @{}) {
        $changes = @(Watch-GsAlert -Once -StatePath $statePath -Top 2 -Connection watch-tests @Extra)
        $changes | ForEach-Object { $emitted.Add($_) }
        $changes
    }
    function Get-AlertRequestCount {
        $counters = Invoke-RestMethod -Uri "$control/counters" -SkipCertificateCheck
        ($counters.routes | Where-Object { $_.method -eq 'GET' -and $_.route -like '/v1.0/security/alerts_v2' } | Measure-Object -Property count -Sum).Sum
    }
    Remove-Item $statePath -ErrorAction Ignore
}
AfterAll {
    Invoke-RestMethod -Method Delete -Uri "$control/faults" -SkipCertificateCheck | Out-Null
    Disconnect-GsTenant -Name watch-tests
}

Describe 'Watch-GsAlert' {
    It 'starts at -Since and reports the alerts changed since then as New' {
        $script:first = New-EmulatorAlert @{ count = 1 }
        $script:since = ([DateTimeOffset]$first[0].lastUpdateDateTime).UtcDateTime
        $changes = Invoke-Watch @{ Since = $since }
        $changes.Count | Should -Be 1
        $changes[0].Id | Should -Be $first[0].id
        $changes[0].ChangeType | Should -Be 'New'
        $changes[0].Alert.Title | Should -Be $first[0].title
        $changes[0].ConnectionName | Should -Be 'watch-tests'
        Test-Path $statePath | Should -BeTrue
    }

    It 'reads every page of changes, including alerts with identical timestamps' {
        Invoke-RestMethod -Method Delete -Uri "$control/counters" -SkipCertificateCheck | Out-Null
        $created = New-EmulatorAlert @{ count = 5 }
        @($created.lastUpdateDateTime | Select-Object -Unique).Count | Should -Be 1 -Because 'one create call stamps the same time on every alert (ties)'
        $changes = Invoke-Watch
        ($changes.Id | Sort-Object) | Should -Be ($created.id | Sort-Object)
        $changes.ChangeType | Select-Object -Unique | Should -Be 'New'
        Get-AlertRequestCount | Should -BeGreaterOrEqual 3 -Because '5 changes in pages of 2 take at least three requests'
    }

    It 'catches an alert with the cursor''s exact timestamp that arrives after the poll, and a write inside the overlap window' {
        $cursor = ([DateTimeOffset]$emitted[-1].LastUpdateDateTime).UtcDateTime.ToString('o')
        $tie = New-EmulatorAlert @{ lastUpdateDateTime = $cursor }
        ([DateTimeOffset]$tie[0].lastUpdateDateTime) | Should -Be ([DateTimeOffset]$cursor)
        # Written after the poll but stamped between -Since and the cursor: only the overlap window finds it.
        $middle = ([DateTimeOffset]$since).AddTicks((([DateTimeOffset]$cursor) - ([DateTimeOffset]$since)).Ticks / 2)
        $behind = New-EmulatorAlert @{ lastUpdateDateTime = $middle.UtcDateTime.ToString('o') }
        ([DateTimeOffset]$behind[0].lastUpdateDateTime) | Should -BeLessThan ([DateTimeOffset]$cursor)
        $changes = Invoke-Watch
        ($changes.Id | Sort-Object) | Should -Be (@($tie[0].id, $behind[0].id) | Sort-Object)
        $changes.ChangeType | Select-Object -Unique | Should -Be 'New'
    }

    It 'reports an alert that arrives 40 minutes late with an old createdDateTime' {
        $created = ([DateTimeOffset]$first[0].createdDateTime).AddMinutes(-40).UtcDateTime.ToString('o')
        $late = New-EmulatorAlert @{ createdDateTime = $created }
        ([DateTimeOffset]$late[0].createdDateTime) | Should -BeLessThan ([DateTimeOffset]$since) -Because 'a createdDateTime cursor would skip it'
        $changes = Invoke-Watch
        $changes.Id | Should -Be $late[0].id
        $changes.ChangeType | Should -Be 'New'
    }

    It 'reports updates to alerts it has already seen as Updated, once' {
        $a = $emitted[0].Id; $b = $emitted[2].Id
        $changedA = Set-EmulatorAlert $a @{ status = 'inProgress'; assignedTo = 'soc.analyst2@contoso.example' }
        $changedB = Set-EmulatorAlert $b @{ comment = 'Escalated by the portal'; commentBy = 'Microsoft Defender portal' }
        $changes = Invoke-Watch
        ($changes.Id | Sort-Object) | Should -Be (@($a, $b) | Sort-Object)
        $changes.ChangeType | Select-Object -Unique | Should -Be 'Updated'
        ($changes | Where-Object Id -eq $a).Alert.AssignedTo | Should -Be 'soc.analyst2@contoso.example'
        ($changes | Where-Object Id -eq $a).LastUpdateDateTime | Should -Be ([DateTimeOffset]$changedA.lastUpdateDateTime)
        Invoke-Watch | Should -BeNullOrEmpty -Because 'nothing changed since the last poll'
    }

    It 'loses nothing when the service throttles (429), whether the retries succeed or the poll fails' {
        try {
            # Two requests per (scaled) second: the third page request of a poll gets a 429 with Retry-After.
            $throttling = @{ enabled = $true; timeScale = 60; buckets = @{ alerts_v2 = @{ requests = 2; windowSeconds = 60 } } }
            Invoke-RestMethod -Method Post -Uri "$control/throttling" -Body ($throttling | ConvertTo-Json -Depth 5) -ContentType 'application/json' -SkipCertificateCheck | Out-Null
            $some = New-EmulatorAlert @{ count = 5 }
            $log = Invoke-Watch @{ Verbose = $true } 4>&1
            Invoke-RestMethod -Method Post -Uri "$control/throttling" -Body '{"enabled":false}' -ContentType 'application/json' -SkipCertificateCheck | Out-Null
            $log | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match ' -> 429 ' } | Should -Not -BeNullOrEmpty
            ($log | Where-Object { $_ -is [GraphSecurity.AlertChange] }).Id | Sort-Object | Should -Be ($some.id | Sort-Object)

            $rule = @{ seed = 11; rules = @(@{ route = '/v1.0/security/alerts_v2*'; methods = @('GET'); throttleRate = 1.0; retryAfterSeconds = 1 }) }
            Invoke-RestMethod -Method Post -Uri "$control/faults" -Body ($rule | ConvertTo-Json -Depth 5) -ContentType 'application/json' -SkipCertificateCheck | Out-Null
            $more = New-EmulatorAlert @{ count = 2 }
            $failed = Watch-GsAlert -Once -StatePath $statePath -Top 2 -Connection watch-tests -ErrorVariable pollErrors -ErrorAction SilentlyContinue
            $failed | Should -BeNullOrEmpty
            $pollErrors[0].FullyQualifiedErrorId | Should -BeLike 'GraphThrottled*'
        }
        finally {
            Invoke-RestMethod -Method Post -Uri "$control/throttling" -Body '{"enabled":false}' -ContentType 'application/json' -SkipCertificateCheck | Out-Null
            Invoke-RestMethod -Method Delete -Uri "$control/faults" -SkipCertificateCheck | Out-Null
        }
        $changes = Invoke-Watch
        ($changes.Id | Sort-Object) | Should -Be ($more.id | Sort-Object)
    }

    It 'resumes after the watching process is killed between polls' {
        $out = Join-Path $env:GS_TEST_WORK 'watch-child.txt'
        Remove-Item $out -ErrorAction Ignore
        $script = @"
Import-Module '$env:GS_TEST_MODULE'
Connect-GsTenant -Emulator -Name child | Out-Null
Watch-GsAlert -StatePath '$statePath' -Interval 1 -Top 2 | ForEach-Object { Add-Content -Path '$out' -Value ('{0} {1} {2}' -f `$_.ChangeType, `$_.Id, `$_.LastUpdateDateTime.UtcTicks) }
"@
        $scriptPath = Join-Path $env:GS_TEST_WORK 'watch-child.ps1'
        Set-Content -Path $scriptPath -Value $script
        $child = Start-Process -FilePath (Get-Process -Id $PID).Path -ArgumentList @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-File', $scriptPath) -PassThru `
            -RedirectStandardError (Join-Path $env:GS_TEST_WORK 'watch-child.err') -RedirectStandardOutput (Join-Path $env:GS_TEST_WORK 'watch-child.out')
        try {
            $seenByChild = New-EmulatorAlert @{ count = 2 }
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline -and @(Get-Content $out -ErrorAction Ignore).Count -lt 2) { Start-Sleep -Milliseconds 200 }
            Start-Sleep -Seconds 2  # at least one more poll, so a repeat would show
        }
        finally { Stop-Process -Id $child.Id -Force -ErrorAction Ignore; $child.WaitForExit() }
        $lines = @(Get-Content $out)
        $lines.Count | Should -Be 2
        ($lines | ForEach-Object { ($_ -split ' ')[1] } | Sort-Object) | Should -Be ($seenByChild.id | Sort-Object)
        foreach ($line in $lines) {
            $type, $id, $ticks = $line -split ' '
            $emitted.Add([pscustomobject]@{ Id = $id; LastUpdateDateTime = [DateTimeOffset]::new([long]$ticks, [TimeSpan]::Zero); ChangeType = $type })
        }

        $after = New-EmulatorAlert @{ count = 1 }
        Set-EmulatorAlert $seenByChild[0].id @{ status = 'resolved' } | Out-Null
        $changes = Invoke-Watch
        ($changes.Id | Sort-Object) | Should -Be (@($after[0].id, $seenByChild[0].id) | Sort-Object)
        ($changes | Where-Object Id -eq $seenByChild[0].id).ChangeType | Should -Be 'Updated'
    }

    It 'emitted every change exactly once: no version twice, and every alert changed since -Since in its latest version' {
        $versions = $emitted | ForEach-Object { Format-Version $_.Id $_.LastUpdateDateTime }
        @($versions | Group-Object | Where-Object Count -gt 1) | Should -BeNullOrEmpty
        $sinceText = ([DateTimeOffset]$since).UtcDateTime.ToString('yyyy-MM-ddTHH:mm:ss.fffffffZ')
        $raw = Get-RawAlert -Query "&`$filter=lastUpdateDateTime ge $sinceText"
        $raw.Count | Should -BeGreaterThan 10
        foreach ($alert in $raw) { Format-Version $alert.id $alert.lastUpdateDateTime | Should -BeIn $versions }
    }

    It 'exports readable columns to CSV' {
        $csv = $emitted | Where-Object { $_ -is [GraphSecurity.AlertChange] } | Select-Object -First 2 | ConvertTo-Csv
        ($csv | ConvertFrom-Csv)[0].Alert | Should -Be ($csv | ConvertFrom-Csv)[0].Id
        $csv -join "`n" | Should -Not -Match 'System\.|GraphSecurity\.'
    }

    It 'refuses a state file of another kind before sending anything' {
        $bad = Join-Path $env:GS_TEST_WORK 'not-state.json'
        '{"version":1,"resource":"security/incidents","cursor":"2026-01-01T00:00:00Z","known":{}}' | Set-Content $bad
        { Watch-GsAlert -Once -StatePath $bad -Connection watch-tests -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidWatchState*'
    }
}
