# Threat indicators end to end: bulk upload from a CSV (validation, batching, idempotent re-runs,
# throttling and faults), then Get-, Set- and Remove-GsTiIndicator, checked against raw REST reads.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name ti-tests
    $script:Emulator = Get-TestEmulator
    $script:Generator = Join-Path $PSScriptRoot '../../docs/examples/New-SampleIocCsv.ps1'
    $script:Folder = Join-Path $env:GS_TEST_WORK 'ti'
    New-Item -ItemType Directory -Force $Folder | Out-Null

    function Invoke-Control([string] $Method, [string] $Path, $Body) {
        $arguments = @{ Method = $Method; Uri = "$($Emulator.url)/_emulator/$Path"; SkipCertificateCheck = $true }
        if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 6); $arguments.ContentType = 'application/json' }
        Invoke-RestMethod @arguments
    }
    # Every indicator of the default app, read page by page with Invoke-RestMethod.
    function Get-RawTiIndicator([string] $Filter) {
        $headers = @{ Authorization = "Bearer $(Get-RawToken)" }
        $url = "$($Emulator.url)/beta/security/tiIndicators?`$top=1000" + $(if ($Filter) { '&$filter=' + [Uri]::EscapeDataString($Filter) })
        while ($url) {
            $page = Invoke-RestMethod -Uri $url -Headers $headers -SkipCertificateCheck
            $page.value
            $url = $page.'@odata.nextLink'
        }
    }
    # The emulator counts bulk actions under one route, so requests are counted from the module's
    # request log: one verbose line per HTTP request sent, written below the command's own code.
    function Measure-Request([string] $Action, [scriptblock] $Script) {
        $output = & $Script 4>&1
        $script:Requests = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match "^POST \S+/$Action -> " }).Count
        $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
    }
    function Import-TiCsv([int] $Seed, [int] $Count, [int] $InvalidCount) {
        $path = Join-Path $Folder "iocs-$Seed.csv"
        $file = & $Generator -Path $path -Count $Count -InvalidCount $InvalidCount -Seed $Seed
        $results = Measure-Request submitTiIndicators { Import-Csv $path | New-GsTiIndicator -Target Graph -ErrorVariable +script:uploadErrors -ErrorAction SilentlyContinue -Verbose }
        [pscustomobject]@{ File = $file; Results = @($results); Path = $path; Submits = $Requests }
    }
    # The externalIds of a set of indicators that the service holds more or less than once.
    function Get-CountMismatch($Raw, [string[]] $ExternalIds) {
        $counts = @{}
        foreach ($item in $Raw) { $counts[$item.externalId] = 1 + [int]$counts[$item.externalId] }
        @($ExternalIds | Where-Object { $counts[$_] -ne 1 })
    }
}
AfterAll {
    Invoke-Control DELETE faults | Out-Null
    Disconnect-GsTenant -Name ti-tests
}

Describe 'New-GsTiIndicator bulk upload' {
    BeforeEach { $script:uploadErrors = @() }
    AfterEach { Invoke-Control DELETE faults | Out-Null }

    It 'creates 4,963 of 5,000 rows in at most 50 submits, with an error carrying the line of each of the 37 bad rows; a second run creates nothing' {
        $run = Import-TiCsv -Seed 101 -Count 5000 -InvalidCount 37
        $run.Submits | Should -BeGreaterThan 0
        $run.Submits | Should -BeLessOrEqual 50

        $run.Results.Count | Should -Be 5000
        @($run.Results | Where-Object Status -EQ Created).Count | Should -Be 4963
        $uploadErrors.Count | Should -Be 37
        @($uploadErrors | ForEach-Object { $_.TargetObject.Line } | Sort-Object) | Should -Be $run.File.InvalidLines
        $uploadErrors | ForEach-Object { $_.ToString() | Should -Match '^Line \d+: ' }
        $uploadErrors[0].TargetObject.InputObject.TargetProduct | Should -Not -BeNullOrEmpty   # the row itself
        $uploadErrors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidTiIndicator*'

        # What the service holds, read independently: each created externalId exactly once, with the id reported.
        $created = @($run.Results | Where-Object Status -EQ Created)
        $raw = @(Get-RawTiIndicator)
        Get-CountMismatch $raw $created.ExternalId | Should -BeNullOrEmpty
        $rawIds = [Collections.Generic.HashSet[string]]::new([string[]]$raw.id)
        @($created | Where-Object { -not $rawIds.Contains($_.Id) }) | Should -BeNullOrEmpty

        $script:uploadErrors = @()
        $again = @(Measure-Request submitTiIndicators { Import-Csv $run.Path | New-GsTiIndicator -Target Graph -ErrorVariable +script:uploadErrors -ErrorAction SilentlyContinue -Verbose })
        @($again | Where-Object Status -EQ Created).Count | Should -Be 0
        @($again | Where-Object Status -EQ Skipped).Count | Should -Be 4963
        $Requests | Should -Be 0
        $uploadErrors.Count | Should -Be 37
        Get-CountMismatch (Get-RawTiIndicator) $created.ExternalId | Should -BeNullOrEmpty
    }

    It 'gives the same totals and no duplicates while the emulator throttles 20% of requests and fails or cuts off others' {
        Invoke-Control POST faults @{ seed = 5; rules = @(@{ route = '/beta/security/tiIndicators*'; throttleRate = 0.2; retryAfterSeconds = 0
                    errorRate = 0.05; errorStatuses = @(500, 503); truncateRate = 0.03 }) } | Out-Null
        $run = Import-TiCsv -Seed 102 -Count 5000 -InvalidCount 37
        $faults = (Invoke-Control GET faults).rules
        Invoke-Control DELETE faults | Out-Null

        $faults.Count | Should -Be 1
        @($run.Results | Where-Object Status -EQ Created).Count | Should -Be 4963
        @($uploadErrors | ForEach-Object { $_.TargetObject.Line } | Sort-Object) | Should -Be $run.File.InvalidLines
        ($run.Results | Measure-Object Retries -Sum).Sum | Should -BeGreaterThan 0
        $created = @($run.Results | Where-Object Status -EQ Created)
        Get-CountMismatch (Get-RawTiIndicator) $created.ExternalId | Should -BeNullOrEmpty
    }

    It 'reads the sample CSV of docs/examples, whose columns are feed names (ip, domain, url, sha256, md5, email, ValidUntil)' {
        $sample = Join-Path $PSScriptRoot '../../docs/examples/iocs.csv'
        $results = @(Import-Csv $sample | New-GsTiIndicator -Target Graph -ErrorVariable +script:uploadErrors -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 20
        @($results | Where-Object { $_.Status -in 'Created', 'Skipped' }).Count | Should -Be 18
        @($uploadErrors.TargetObject.Line) | Should -Be @(6, 16)
        ($results | Where-Object Line -EQ 4).IndicatorType | Should -Be 'fileHashValue'   # the md5 column, after an empty sha256 cell
        ($results | Where-Object Line -EQ 5).IndicatorType | Should -Be 'emailSenderAddress'
        $raw = Get-RawTiIndicator -Filter "externalId eq '$(($results | Where-Object Line -EQ 4).ExternalId)'"
        $raw.fileHashType | Should -Be 'md5'
        $raw.targetProduct | Should -Be 'Azure Sentinel'
        $raw.azureTenantId | Should -Be $script:DefaultTenantId
    }

    It 'takes plain strings from the pipeline and typed parameters, and applies -ValidFor' {
        $result = '198.51.100.77' | New-GsTiIndicator -Target Graph -Action Block -ThreatType C2 -TargetProduct 'Microsoft Defender ATP' -ValidFor (New-TimeSpan -Days 3) -Severity 4
        $result.Status | Should -BeIn 'Created', 'Skipped'
        $result.IndicatorType | Should -Be 'networkDestinationIPv4'
        $raw = Get-RawTiIndicator -Filter "externalId eq '$($result.ExternalId)'"
        $raw.action | Should -Be 'block'
        $raw.threatType | Should -Be 'C2'
        $raw.severity | Should -Be 4
        ([DateTimeOffset]$raw.expirationDateTime - [DateTimeOffset]::UtcNow).TotalDays | Should -BeGreaterThan 2.9
    }

    It '-WhatIf validates and plans (counts per target, rejected rows) without sending anything' {
        $path = Join-Path $Folder 'whatif.csv'
        $file = & $Generator -Path $path -Count 250 -InvalidCount 3 -Seed 103
        $before = (Invoke-Control GET counters).total
        $transcript = Join-Path $Folder 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        $output = @(Import-Csv $path | New-GsTiIndicator -Target Graph -WhatIf -ErrorVariable +script:uploadErrors -ErrorAction SilentlyContinue)
        Stop-Transcript | Out-Null
        (Invoke-Control GET counters).total | Should -Be $before
        $output.Count | Should -Be 0
        @($uploadErrors.TargetObject.Line) | Should -Be $file.InvalidLines
        $plan = Get-Content -Raw $transcript
        $plan | Should -Match '\(250 inputs\)'
        $valid = @(Import-Csv $path | Select-Object -Index (0..249 | Where-Object { ($_ + 1) -notin $file.InvalidLines }))
        foreach ($target in $valid | Group-Object TargetProduct) {
            $plan | Should -Match ("{0}: {1} indicators in {2} submitTiIndicators request" -f $target.Name, $target.Count, [Math]::Ceiling($target.Count / 100))
        }
        $plan | Should -Match '3 input\(s\) rejected before sending'
        ($plan -split "`n" | Where-Object { $_ -match 'What if' }).Count | Should -Be 1
    }

    It 'keeps several batches in flight and still returns the results in input order' {
        # Random latency makes later batches finish before earlier ones; the order must not change.
        Invoke-Control POST faults @{ seed = 5; rules = @(@{ route = '/beta/security/tiIndicators*'; latencyMs = 20; jitterMs = 400 }) } | Out-Null
        $path = Join-Path $Folder 'inflight.csv'
        & $Generator -Path $path -Count 120 -InvalidCount 0 -Seed 106 | Out-Null
        $rows = @(Import-Csv $path | Where-Object TargetProduct -EQ 'Azure Sentinel')
        $output = @(Measure-Request submitTiIndicators { $rows | New-GsTiIndicator -Target Graph -BatchSize 5 -ThrottleLimit 6 -Verbose })
        $Requests | Should -Be ([Math]::Ceiling($rows.Count / 5))
        $output.Count | Should -Be $rows.Count
        @($output.Line) | Should -Be @(1..$rows.Count)
        @($output | Where-Object Status -EQ 'Failed').Count | Should -Be 0
        # The lines point at the right rows: each result carries its own input.
        foreach ($result in $output) { $result.InputObject | Should -Be $rows[$result.Line - 1] }
    }

    It 'takes a field given on the command line over the piped property, and rejects a bad property value with its line' {
        $rows = @(
            [pscustomobject]@{ DomainName = 'precedence-1.bad.example'; Action = 'block'; TargetProduct = 'Azure Sentinel'; ThreatType = 'Phishing' }
            [pscustomobject]@{ DomainName = 'precedence-2.bad.example'; Action = 'block'; TargetProduct = 'Azure Sentinel'; ThreatType = 'Phishing'; Confidence = 'high' }
        )
        $results = @($rows | New-GsTiIndicator -Target Graph -Action Alert -ErrorVariable +script:uploadErrors -ErrorAction SilentlyContinue | Sort-Object Line)
        $results.Count | Should -Be 2
        $results[0].Status | Should -BeIn 'Created', 'Skipped'
        (Get-RawTiIndicator -Filter "externalId eq '$($results[0].ExternalId)'").action | Should -Be 'alert'
        $results[1].Status | Should -Be 'Failed'
        $uploadErrors.Count | Should -Be 1
        $uploadErrors[0].TargetObject.Line | Should -Be 2
        $uploadErrors[0].ToString() | Should -Match '^Line 2: .*confidence'
    }

    It 'sends batches of -BatchSize' {
        $path = Join-Path $Folder 'batch.csv'
        & $Generator -Path $path -Count 30 -InvalidCount 0 -Seed 104 | Out-Null
        $results = @(Measure-Request submitTiIndicators { Import-Csv $path | Where-Object TargetProduct -EQ 'Azure Sentinel' | New-GsTiIndicator -Target Graph -BatchSize 5 -Verbose })
        $results.Count | Should -BeGreaterThan 5
        $Requests | Should -Be ([Math]::Ceiling($results.Count / 5))
    }
}

Describe 'Get-, Set- and Remove-GsTiIndicator' {
    BeforeAll {
        $path = Join-Path $Folder 'manage.csv'
        & $Generator -Path $path -Count 240 -InvalidCount 0 -Seed 105 | Out-Null
        $script:Managed = @(Import-Csv $path | New-GsTiIndicator -Target Graph)
        $script:ManagedIds = $Managed.Id
    }

    It 'gets by id, and filters like the raw $filter does' {
        $one = Get-GsTiIndicator -Target Graph -Id $ManagedIds[0]
        $one.Id | Should -Be $ManagedIds[0]
        $one.ConnectionName | Should -Be 'ti-tests'
        $one.ExternalId | Should -Be $Managed[0].ExternalId

        $ids = @(Get-GsTiIndicator -Target Graph -ExternalId $Managed[0..2].ExternalId).Id | Sort-Object
        $ids | Should -Be (@($ManagedIds[0..2]) | Sort-Object)

        $typed = @(Get-GsTiIndicator -Target Graph -ThreatType Phishing, C2 -TargetProduct MicrosoftDefenderAtp -Active -ExpiringBefore (Get-Date).AddDays(31) -All).Id | Sort-Object
        $raw = @(Get-RawTiIndicator -Filter "(threatType eq 'Phishing' or threatType eq 'C2') and targetProduct eq 'Microsoft Defender ATP' and isActive eq true and expirationDateTime lt $((Get-Date).AddDays(31).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'))").id | Sort-Object
        $typed.Count | Should -BeGreaterThan 0
        $typed | Should -Be $raw
    }

    It 'pages with -First and warns once when more exist' {
        $page = @(Get-GsTiIndicator -Target Graph -Top 7 -WarningVariable warnings -WarningAction SilentlyContinue)
        $page.Count | Should -Be 7
        @($warnings | Where-Object { $_ -notlike '*April 2026*' }).Count | Should -Be 1
        @(Get-GsTiIndicator -Target Graph -First 3).Count | Should -Be 3
    }

    It 'an unknown id is an error carrying that id' {
        Get-GsTiIndicator -Target Graph -Id 'no-such-indicator' -ErrorVariable notFound -ErrorAction SilentlyContinue
        $notFound[0].TargetObject | Should -Be 'no-such-indicator'
        $notFound[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'updates piped Sentinel indicators in updateTiIndicators batches and Defender ones one by one' {
        $targets = Get-GsTiIndicator -Target Graph -Id $ManagedIds
        $updated = @(Measure-Request updateTiIndicators { $targets | Set-GsTiIndicator -Target Graph -Severity 1 -Description 'Reviewed' -PassThru -Confirm:$false -Verbose })
        $updated.Count | Should -Be 240
        @($targets | Where-Object TargetProduct -EQ 'Azure Sentinel').Count | Should -BeGreaterThan 0
        # Each batch of 100 sends its Sentinel items in one updateTiIndicators request and patches the Defender ones.
        $batchesWithSentinel = @(0..2 | Where-Object { @($targets[($_ * 100)..([Math]::Min(239, $_ * 100 + 99))] | Where-Object TargetProduct -EQ 'Azure Sentinel').Count -gt 0 }).Count
        $Requests | Should -Be $batchesWithSentinel
        $raw = @(Get-RawTiIndicator | Where-Object id -In $ManagedIds)
        @($raw | Where-Object { $_.severity -eq 1 -and $_.description -eq 'Reviewed' }).Count | Should -Be 240
    }

    It 'refuses to run with nothing to change' {
        { Set-GsTiIndicator -Target Graph -Id $ManagedIds[0] -ErrorAction Stop } | Should -Throw '*Nothing to change*'
    }

    It 'removes piped indicators by id and others by externalId, and reports unknown ones' {
        $byId = Get-GsTiIndicator -Target Graph -Id $ManagedIds[0..119]
        $byId | Remove-GsTiIndicator -Target Graph -Confirm:$false
        $removed = @(Remove-GsTiIndicator -Target Graph -ExternalId $Managed[120..239].ExternalId -PassThru -Confirm:$false)
        @($removed | Where-Object Status -EQ Removed).Count | Should -Be 120
        @(Get-RawTiIndicator | Where-Object id -In $ManagedIds).Count | Should -Be 0

        Remove-GsTiIndicator -Target Graph -Id 'no-such-indicator' -Confirm:$false -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].TargetObject | Should -Be 'no-such-indicator'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'exports readable CSV columns for indicators and results' {
        $indicator = Get-GsTiIndicator -Target Graph -First 1
        $csv = @($indicator, $Managed[0]) | ForEach-Object { $_ | ConvertTo-Csv -NoTypeInformation } | Out-String
        $csv | Should -Not -Match 'System\.Object\[\]|System\.Collections'
    }
}
