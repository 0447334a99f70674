# Transient faults, a restarted or stopped emulator, retired APIs: reads lose nothing and repeat
# nothing, and every failure says what happened and what to do. Each part runs against an emulator
# of its own, so its faults and restarts touch no other test.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')

    function Start-OwnEmulator([string] $Name, [int] $AlertCount = 1000, [int] $Port = 0) {
        $info = Join-Path $env:GS_TEST_WORK "$Name-emulator.json"
        $parameters = @{ InfoPath = $info; Seed = 11; AlertCount = $AlertCount }
        if ($Port) { $parameters.Port = $Port }
        Start-GsEmulator @parameters
    }
    function Set-Faults($Emulator, [object[]] $Rules, [int] $Seed = 5) {
        $body = @{ seed = $Seed; rules = $Rules } | ConvertTo-Json -Depth 6
        Invoke-RestMethod -Method Post -Uri "$($Emulator.Url.ToString().TrimEnd('/'))/_emulator/faults" -Body $body -ContentType 'application/json' -SkipCertificateCheck | Out-Null
    }
    function Clear-Faults($Emulator) {
        Invoke-RestMethod -Method Delete -Uri "$($Emulator.Url.ToString().TrimEnd('/'))/_emulator/faults" -SkipCertificateCheck | Out-Null
    }
    # Every alert id of the emulator, read with Invoke-RestMethod (no module code involved).
    function Get-RawIds($Emulator) {
        $root = $Emulator.Url.ToString().TrimEnd('/')
        $body = @{ grant_type = 'client_credentials'; client_id = $DefaultClientId; client_secret = $DefaultSecret; scope = 'https://graph.microsoft.com/.default' }
        $token = (Invoke-RestMethod -Method Post -Uri "$root/$DefaultTenantId/oauth2/v2.0/token" -Body $body -SkipCertificateCheck).access_token
        $url = "$root/v1.0/security/alerts_v2?`$top=2000&`$select=id"
        while ($url) {
            $page = Invoke-RestMethod -Uri $url -Headers @{ Authorization = "Bearer $token" } -SkipCertificateCheck
            $page.value.id
            $url = $page.'@odata.nextLink'
        }
    }
}

Describe 'Reads under transient faults' {
    BeforeAll {
        $script:storm = Start-OwnEmulator -Name storm -AlertCount 20000
        Connect-GsTenant -Emulator -EmulatorInfoPath $storm.InfoPath -Name storm
        $script:cleanIds = @(Get-RawIds $storm)
    }
    AfterAll {
        Disconnect-GsTenant -Name storm
        Stop-GsEmulator -InfoPath $storm.InfoPath
    }
    AfterEach { Clear-Faults $storm }

    It 'a fault storm (25 % 429, 5 % 5xx, 3 % drops, 2 % cut-off bodies) returns exactly the clean read, once each' {
        $cleanIds.Count | Should -Be 20000
        Set-Faults $storm @(@{ route = '/v1.0/security/alerts_v2*'; throttleRate = 0.25; retryAfterSeconds = 0; errorRate = 0.05; errorStatuses = @(500, 502, 503, 504); dropRate = 0.03; truncateRate = 0.02 })
        $verbose = [Collections.Generic.List[string]]::new()
        $ids = @(Get-GsAlert -All -Top 500 -Connection storm -Verbose 4>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) } else { $_.Id }
            })
        $ids.Count | Should -Be 20000
        @($ids | Sort-Object -Unique).Count | Should -Be 20000
        Compare-Object ($cleanIds | Sort-Object) ($ids | Sort-Object) | Should -BeNullOrEmpty
        # The storm really hit: retries of several kinds were needed.
        $retries = @($verbose | Where-Object { $_ -match '; retry \d+ of \d+ in ' })
        $retries.Count | Should -BeGreaterThan 5
        ($retries -match '429 TooManyRequests').Count | Should -BeGreaterThan 0
        ($retries -match 'connection lost').Count | Should -BeGreaterThan 0
    }

    It 'one 500 on a page is retried from the same page link' {
        Set-Faults $storm @(@{ route = '/v1.0/security/alerts_v2*'; errorRate = 1; errorStatuses = @(500); times = 1 })
        $verbose = @(Get-GsAlert -First 300 -Top 100 -Connection storm -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $failed = $verbose | Where-Object Message -Match 'failed \(500 UnknownError\); retry 1 of 5'
        $failed | Should -HaveCount 1
        $url = ($failed.Message -split ' ')[1]
        ($verbose | Where-Object Message -Like "GET $url -> 200*retry 1") | Should -HaveCount 1
    }

    It 'when the retries are spent the read stops with a terminating error that says how far it got' {
        $written = 0
        $failure = $null
        try {
            Get-GsAlert -All -Top 100 -Connection storm | ForEach-Object {
                # Everything after the first page fails: the next page is asked for only after this.
                if ($written -eq 0) { Set-Faults $storm @(@{ route = '/v1.0/security/alerts_v2*'; errorRate = 1; errorStatuses = @(503); retryAfterSeconds = 0 }) }
                $written++
            }
        }
        catch { $failure = $_ }
        $written | Should -Be 100
        $failure | Should -Not -BeNullOrEmpty -Because 'the read must not end as if it were complete'
        $failure.FullyQualifiedErrorId | Should -BeLike 'GraphServiceError,*'
        $failure.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $failure.ErrorDetails.Message | Should -Match 'stopped after 100 alerts on 1 page'
        $failure.ErrorDetails.Message | Should -Match 'still failing after 6 attempts'
        $failure.ErrorDetails.Message | Should -Match 'The page that failed: https://.*skip=100'
        $failure.ErrorDetails.Message | Should -Match "connection 'storm'"
        $failure.ErrorDetails.RecommendedAction | Should -Match '-Skip 100'
    }

    It 'Watch-GsAlert under the same storm writes every change once' {
        $state = Join-Path $env:GS_TEST_WORK 'storm-watch.json'
        Remove-Item $state -ErrorAction Ignore
        $since = (Get-Date).AddDays(-40)
        Set-Faults $storm @(@{ route = '/v1.0/security/alerts_v2*'; throttleRate = 0.25; retryAfterSeconds = 0; errorRate = 0.05; dropRate = 0.03; truncateRate = 0.02 })
        $changes = @(Watch-GsAlert -Once -StatePath $state -Since $since -Top 1000 -Connection storm 3>$null)
        $ids = $changes.Id
        @($ids | Sort-Object -Unique).Count | Should -Be $ids.Count
        $ids.Count | Should -Be 20000
    }
}

Describe 'A connection whose emulator went away' {
    It 'after a restart on the same port: the emulator is not the one connected to, connect again' {
        $first = Start-OwnEmulator -Name restart
        try {
            Connect-GsTenant -Emulator -EmulatorInfoPath $first.InfoPath -Name restart
            @(Get-GsAlert -First 1 -Connection restart).Count | Should -Be 1
            Stop-GsEmulator -InfoPath $first.InfoPath
            $second = Start-OwnEmulator -Name restart -Port $first.Port
            $second.Port | Should -Be $first.Port
            $failure = $null
            try { Get-GsAlert -First 1 -Connection restart -ErrorAction Stop } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'EmulatorChanged,*'
            $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
            $failure.ErrorDetails.Message | Should -Match 'is not the one this connection was made to'
            $failure.ErrorDetails.Message | Should -Not -Match 'proxy'
            $failure.ErrorDetails.RecommendedAction | Should -Match 'Connect-GsTenant -Emulator'
            # Connecting again is the fix.
            Connect-GsTenant -Emulator -EmulatorInfoPath $second.InfoPath -Name restart
            @(Get-GsAlert -First 1 -Connection restart).Count | Should -Be 1
        }
        finally {
            Disconnect-GsTenant -Name restart -ErrorAction Ignore
            Stop-GsEmulator -InfoPath (Join-Path $env:GS_TEST_WORK 'restart-emulator.json') -ErrorAction Ignore
        }
    }

    It 'a stopped emulator: nothing answers, after a few quick tries' {
        $gone = Start-OwnEmulator -Name gone
        Connect-GsTenant -Emulator -EmulatorInfoPath $gone.InfoPath -Name gone
        Stop-GsEmulator -InfoPath $gone.InfoPath
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $failure = $null
            try { Get-GsAlert -First 1 -Connection gone -ErrorAction Stop } catch { $failure = $_ }
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
            $failure.FullyQualifiedErrorId | Should -BeLike 'ServiceUnreachable,*'
            $failure.ErrorDetails.Message | Should -Match 'Nothing answers at https://127.0.0.1'
            $failure.ErrorDetails.RecommendedAction | Should -Match 'Start-GsEmulator'
        }
        finally { Disconnect-GsTenant -Name gone }
    }

    It 'New-GsTiIndicator gives up on the run after a bounded wait and reports every unsent row with its input' {
        $gone = Start-OwnEmulator -Name feed-gone
        Connect-GsTenant -Emulator -EmulatorInfoPath $gone.InfoPath -Name feed-gone
        Stop-GsEmulator -InfoPath $gone.InfoPath
        try {
            $rows = 1..1000 | ForEach-Object { [pscustomobject]@{ url = "https://bad$_.example/x"; action = 'block'; threatType = 'Malware'; targetProduct = 'Azure Sentinel' } }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $results = @($rows | New-GsTiIndicator -Target Graph -Connection feed-gone -ErrorVariable failures -ErrorAction SilentlyContinue)
            $seconds = $clock.Elapsed.TotalSeconds
            $seconds | Should -BeLessThan 30 -Because 'a refused connection is not a throttle: the run gives up after a few seconds, not minutes'
            $results.Count | Should -Be 1000
            @($results | Where-Object Status -EQ 'Failed').Count | Should -Be 1000
            $failures.Count | Should -Be 1000
            @($failures.TargetObject.InputObject.url | Select-Object -Unique).Count | Should -Be 1000
            $failures[-1].ErrorDetails.Message | Should -Match 'Not sent: Nothing answers at'
        }
        finally { Disconnect-GsTenant -Name feed-gone }
    }
}

Describe 'What the service answers for a removed API, and other 4xx faults' {
    BeforeAll {
        $script:retired = Start-OwnEmulator -Name retired
        Connect-GsTenant -Emulator -EmulatorInfoPath $retired.InfoPath -Name retired
        $script:root = $retired.Url.ToString().TrimEnd('/')
    }
    AfterAll {
        Disconnect-GsTenant -Name retired
        Stop-GsEmulator -InfoPath $retired.InfoPath
    }

    It 'a retired tiIndicators API is the ApiRetired error that points to the migration topic' {
        Invoke-RestMethod -Method Post -Uri "$root/_emulator/retired" -Body '{"api":"tiIndicators","retired":true}' -ContentType 'application/json' -SkipCertificateCheck | Out-Null
        $failure = $null
        try { Get-GsTiIndicator -Target Graph -Connection retired -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'ApiRetired,*'
        $failure.CategoryInfo.Category | Should -Be 'NotImplemented'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'about_GraphSecurity_Migration'
    }

    It 'a retired securityActions API is the same' {
        Invoke-RestMethod -Method Post -Uri "$root/_emulator/retired" -Body '{"api":"securityActions","retired":true}' -ContentType 'application/json' -SkipCertificateCheck | Out-Null
        $failure = $null
        try { Get-GsSecurityAction -Api GraphSecurityActions -Connection retired -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'ApiRetired,*'
    }

    It 'a 404 and a 410 from a fault rule are reported as such, not retried' -ForEach @(@{ Status = 404; Id = 'GraphNotFound' }, @{ Status = 410; Id = 'GraphRequestFailed' }) {
        Set-Faults $retired @(@{ route = '/v1.0/security/incidents*'; errorRate = 1; errorStatuses = @($Status) })
        try {
            $failure = $null
            $verbose = @(try { Get-GsIncident -First 1 -Connection retired -ErrorAction Stop -Verbose 4>&1 } catch { $failure = $_ })
            $failure.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '; retry ' }).Count | Should -Be 0
        }
        finally { Clear-Faults $retired }
    }
}

Describe 'Documented retries are the retries made' {
    It 'the paging topic gives the limits the policy uses' {
        $policy = (Get-EngineType GraphSecurity.Engine.Http.RetryPolicy)::Default
        $topic = Get-Content -Raw (Join-Path $PSScriptRoot '../../docs/about_GraphSecurity_Paging_And_Throttling.md')
        $topic | Should -Match "\| 429 Too Many Requests \| up to $($policy.MaxThrottledRetries) times"
        $topic | Should -Match "truncated|cut off"
        $topic | Should -Match "\| up to $($policy.MaxTransientRetries) times, for requests that are safe to repeat"
        $topic | Should -Match "\| up to $($policy.MaxUnreachableRetries) times, for every request"
        $topic | Should -Not -Match 'up to three times'
    }

    It 'a throttled request is sent as often as documented, with a verbose line per retry' {
        $own = Start-OwnEmulator -Name throttled
        try {
            Connect-GsTenant -Emulator -EmulatorInfoPath $own.InfoPath -Name throttled
            Set-Faults $own @(@{ route = '/v1.0/security/alerts_v2*'; throttleRate = 1; retryAfterSeconds = 0 })
            $failure = $null
            $verbose = @(try { Get-GsAlert -First 1 -Connection throttled -Verbose -ErrorAction Stop 4>&1 } catch { $failure = $_ })
            $policy = (Get-EngineType GraphSecurity.Engine.Http.RetryPolicy)::Default
            $sent = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^GET .* -> 429' })
            $sent.Count | Should -Be ($policy.MaxThrottledRetries + 1)
            @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match "; retry \d+ of $($policy.MaxThrottledRetries) in" }).Count | Should -Be $policy.MaxThrottledRetries
            $failure.FullyQualifiedErrorId | Should -BeLike 'GraphThrottled,*'
            $failure.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        }
        finally {
            Disconnect-GsTenant -Name throttled -ErrorAction Ignore
            Stop-GsEmulator -InfoPath $own.InfoPath
        }
    }
}
