# Fast correctness checks of the benchmark's contenders (build.ps1 bench itself is too slow for the
# suite): on the test emulator's small dataset every contender must read the same alerts, the write
# contenders must create what the CSV holds, and the report must render.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:BenchFolder = Join-Path $PSScriptRoot '../GraphSecurity.Bench'
    $script:Contender = Join-Path $BenchFolder 'Contender.ps1'
    $script:Info = $env:GRAPHSECURITY_EMULATOR_INFO
    $script:Expected = @(Get-RawAlert).Count
    $script:BenchDll = Get-ChildItem (Join-Path $BenchFolder 'bin/*/net10.0/GraphSecurity.Bench.dll') |
        Sort-Object LastWriteTime | Select-Object -Last 1
    function Invoke-Contender([hashtable] $Parameters) {
        & $Contender -ModulePath $env:GS_TEST_MODULE -InfoPath $Info @Parameters | ConvertFrom-Json
    }
    function Invoke-CsContender([string] $Name) {
        $output = & dotnet $BenchDll.FullName $Name --info $Info
        $LASTEXITCODE | Should -Be 0
        @($output)[-1] | ConvertFrom-Json
    }
}
AfterAll { Disconnect-GsTenant -Name Bench -ErrorAction Ignore }

Describe 'Benchmark contenders' {
    It 'the module and the Invoke-RestMethod loop read every alert' {
        $Expected | Should -BeGreaterThan 500
        $module = Invoke-Contender @{ Name = 'module-read' }
        $irm = Invoke-Contender @{ Name = 'irm-read' }
        $module.items | Should -Be $Expected
        $irm.items | Should -Be $Expected
        $module.seconds | Should -BeGreaterThan 0
        $module.peakWorkingSetBytes | Should -BeGreaterThan 0
    }

    It 'the SDK PageIterator and the raw limit (C#) read every alert' {
        $BenchDll | Should -Not -BeNullOrEmpty
        (Invoke-CsContender sdk).items | Should -Be $Expected
        $raw = Invoke-CsContender raw
        $raw.items | Should -Be $Expected
        $raw.pages | Should -Be ([Math]::Ceiling($Expected / 2000))
        (Invoke-CsContender fetch).pages | Should -Be $raw.pages
    }

    It 'the write contenders create one indicator per CSV row, and the module skips what exists' {
        $csv = Join-Path $TestDrive 'indicators.csv'
        $tag = [Guid]::NewGuid().ToString('N').Substring(0, 8)
        $expires = (Get-Date).ToUniversalTime().AddDays(1).ToString('yyyy-MM-ddTHH:mm:ssZ')
        1..3 | ForEach-Object {
            [pscustomobject]@{ ExternalId = "bench-test-$tag-$_"; Description = 'Bench test'; Action = 'alert'; TargetProduct = 'Microsoft Defender ATP'
                ThreatType = 'Malware'; TlpLevel = 'amber'; ExpirationDateTime = $expires; DomainName = "bench$_-$tag.example.net" }
        } | Export-Csv -Path $csv -NoTypeInformation
        try {
            (Invoke-Contender @{ Name = 'write-bulk'; CsvPath = $csv }).items | Should -Be 3
            (Invoke-Contender @{ Name = 'write-irm'; CsvPath = $csv; Count = 2 }).items | Should -Be 2
            $headers = @{ Authorization = "Bearer $(Get-RawToken)" }
            $filter = [Uri]::EscapeDataString((1..3 | ForEach-Object { "externalId eq 'bench-test-$tag-$_'" }) -join ' or ')
            $created = @((Invoke-RestMethod -Uri "$((Get-TestEmulator).url)/beta/security/tiIndicators?`$top=100&`$filter=$filter" -Headers $headers -SkipCertificateCheck).value)
            $created.Count | Should -Be 5
            # The module finds the three externalIds and skips them: one result per row, nothing created twice.
            (Invoke-Contender @{ Name = 'write-module'; CsvPath = $csv }).items | Should -Be 3
            @((Invoke-RestMethod -Uri "$((Get-TestEmulator).url)/beta/security/tiIndicators?`$top=100&`$filter=$filter" -Headers $headers -SkipCertificateCheck).value).Count | Should -Be 5
        }
        finally {
            $body = @{ value = @(1..3 | ForEach-Object { "bench-test-$tag-$_" }) } | ConvertTo-Json
            Invoke-RestMethod -Method Post -Uri "$((Get-TestEmulator).url)/beta/security/tiIndicators/deleteTiIndicatorsByExternalId" `
                -Headers @{ Authorization = "Bearer $(Get-RawToken)" } -Body $body -ContentType 'application/json' -SkipCertificateCheck | Out-Null
        }
    }

    It 'the report renders every section and judges each target' {
        $path = Join-Path $PSScriptRoot '../GraphSecurity.Bench/Write-BenchReport.ps1'
        $read = { param($s) @{ seconds = $s; itemsPerSecond = 1000 / $s; firstItemSeconds = 0.1; peakWorkingSetBytes = 100MB } }
        $results = @{
            machine = @{ date = 'today'; commit = 'abc'; os = 'os'; cpu = 'cpu'; logicalCores = 2; memoryBytes = 1GB; dotnet = '.NET'; pwsh = '7'; loadAverageAtStart = '0' }
            parameters = @{ runs = 3; startupRuns = 10; perItemSample = 10 }
            read = @{ '1000' = @{ module = & $read 1; irm = & $read 6; sdk = & $read 4; raw = & $read 0.8; fetch = & $read 0.5 } }
            write = @{ indicators = 10
                unthrottled = @{ throttling = $false; 'write-module' = @{ seconds = 1; requests = 3 }; 'write-bulk' = @{ seconds = 2; requests = 1 }; 'write-irm' = @{ seconds = 30; requests = 10 } }
                throttled = @{ throttling = $true; requestsPerMinute = 1000; 'write-module' = @{ seconds = 1.1; requests = 3; requestsNeeded = 3; throttleMinimumSeconds = 0.003 }; 'write-irm' = @{ seconds = 30; requests = 10; requestsNeeded = 10; throttleMinimumSeconds = 0.01 } }
                bound = @{ throttling = $true; requestsPerMinute = 50; 'write-module' = @{ seconds = 0.07; requests = 5; requestsNeeded = 3; throttleMinimumSeconds = 0.06 } } }
            startup = @{ bare = @{ processSeconds = 1 }; import = @{ processSeconds = 1.1; seconds = 0.1 }; firstAlert = @{}; importAddsSeconds = 0.1 }
            latency = @{ latencyMs = 100; pageSize = 100; alerts = 1000; consumerMsPerAlert = 1; prefetchOn = @{ seconds = 1 }; prefetchOff = @{ seconds = 2 }; speedup = 2 }
        }
        $report = (& $path -Results $results) -join "`n"
        $report | Should -Match '\| Read 1000: module ÷ SDK PageIterator \| ≥ 3× \| 4\.00× \| met \|'
        $report | Should -Match '\| Read 1000: module ÷ Invoke-RestMethod loop \| ≥ 5× \| 6\.00× \| met \|'
        $report | Should -Match 'Write: per-item POSTs ÷ New-GsTiIndicator \| ≥ 20× \| 30\.00× \| met'
        $report | Should -Match 'Write throttled 1,000/min: seconds ÷ max\(throttle minimum, unthrottled seconds\) \| ≤ 1\.2× \| 1\.10× \| met'
        $report | Should -Match 'Write throttle-bound 50/min: seconds ÷ \(requests ÷ allowed rate\) \| ≤ 1\.2× \| 1\.17× \(3 requests\) \| met'
        $report | Should -Match '\| on, 50/min ×60 \| Import-Csv \\\| New-GsTiIndicator \| 5 \|'
        $report | Should -Match 'Prefetch speed-up at 100 ms latency \| ≥ 1\.8× \| 2\.00× \| met'
        $report | Should -Match 'Import adds over bare pwsh .* \| 100 ms \| met'
    }
    It 'the grouping contenders group every synthetic alert, and the report compares them' {
        $module = Invoke-Contender @{ Name = 'grouping'; Count = 300 }
        $naive = Invoke-Contender @{ Name = 'grouping-naive'; Count = 300 }
        $module.items | Should -Be 300
        $module.groups | Should -BeGreaterThan 0
        $naive.items | Should -Be 300
        $path = Join-Path $PSScriptRoot '../GraphSecurity.Bench/Write-BenchReport.ps1'
        $run = { param($s, $g) @{ seconds = $s; groups = $g; peakWorkingSetBytes = 200MB } }
        $results = @{
            machine = @{ date = 'today'; commit = 'abc'; os = 'os'; cpu = 'cpu'; logicalCores = 2; memoryBytes = 1GB; dotnet = '.NET'; pwsh = '7'; loadAverageAtStart = '0' }
            parameters = @{ runs = 1; groupingCount = 100000; groupingNaiveCount = 5000 }
            grouping = @{ 'module-large' = & $run 8 9000; 'module-small' = & $run 0.5 70; 'naive-small' = & $run 2 1
                sameCountRatio = 4; naiveScaledSeconds = 800; scaledRatio = 100; perAlertGrowth = 0.8 }
        }
        $report = (& $path -Results $results) -join "`n"
        $report | Should -Match '\| Group-GsAlert on 100000 alerts \| ≤ 10 s \| 8\.00 s \| met \|'
        $report | Should -Match 'scaled by n² to 100000 alerts it would take 800 s, 100× Group-GsAlert'
    }
}
