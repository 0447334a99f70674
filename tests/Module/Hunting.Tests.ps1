BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name hunting-tests
    $script:Url = (Get-TestEmulator).url
    # The reference: the same query sent with Invoke-RestMethod.
    function Invoke-RawHunting([string] $Query, [string] $Timespan) {
        $body = @{ Query = $Query }
        if ($Timespan) { $body.Timespan = $Timespan }
        Invoke-RestMethod -Method Post -Uri "$Url/v1.0/security/runHuntingQuery" -SkipCertificateCheck -ContentType 'application/json' `
            -Headers @{ Authorization = "Bearer $(Get-RawToken)" } -Body ($body | ConvertTo-Json)
    }
}
AfterAll {
    Invoke-RestMethod -Method Post -Uri "$Url/_emulator/reset" -SkipCertificateCheck | Out-Null
    Disconnect-GsTenant -Name hunting-tests
}

Describe 'Invoke-GsHuntingQuery' {
    It 'writes one object per row with the columns typed by the schema' {
        $kql = 'AlertInfo | summarize Alerts = count(), Newest = max(Timestamp) by Severity | sort by Severity asc'
        $raw = Invoke-RawHunting $kql
        $rows = @(Invoke-GsHuntingQuery -Query $kql)
        $rows.Count | Should -Be $raw.results.Count
        $rows.Severity | Should -Be $raw.results.Severity
        $rows[0].Alerts | Should -BeOfType [long]
        $rows[0].Newest | Should -BeOfType [datetime]
        $rows[0].Newest.Kind | Should -Be 'Utc'
        $rows[0].Severity | Should -BeOfType [string]
        ($rows.Alerts | Measure-Object -Sum).Sum | Should -Be ($raw.results.Alerts | Measure-Object -Sum).Sum
        $rows[0].PSObject.TypeNames[0] | Should -Be 'GraphSecurity.HuntingRow'
    }

    It 'dynamic columns become objects whose members are properties' {
        $row = Invoke-GsHuntingQuery -Query 'AlertEvidence | where EntityType == "Ip" | take 1 | project AlertId, AdditionalFields'
        $row.AdditionalFields.Verdict | Should -Not -BeNullOrEmpty
    }

    It '-Timespan limits the rows to the last days, like the raw call with an ISO 8601 duration' {
        $kql = 'AlertInfo | count'
        $week = (Invoke-GsHuntingQuery -Query $kql -Timespan (New-TimeSpan -Days 7)).Count
        $week | Should -Be (Invoke-RawHunting $kql 'P7D').results[0].Count
        $week | Should -BeLessThan (Invoke-GsHuntingQuery -Query $kql).Count
    }

    It '-Since and -Until send an interval' {
        $since = [DateTime]::UtcNow.AddDays(-10); $until = [DateTime]::UtcNow.AddDays(-3)
        $kql = 'AlertInfo | project AlertId, Timestamp'
        $rows = @(Invoke-GsHuntingQuery -Query $kql -Since $since -Until $until)
        $rows.Count | Should -BeGreaterThan 0
        $rows | Where-Object { $_.Timestamp -lt $since.AddSeconds(-1) -or $_.Timestamp -gt $until.AddSeconds(1) } | Should -BeNullOrEmpty
    }

    It 'queries come from the pipeline' {
        $counts = 'AlertInfo | count', 'AlertEvidence | count' | Invoke-GsHuntingQuery
        @($counts).Count | Should -Be 2
        $counts[1].Count | Should -BeGreaterThan $counts[0].Count
    }

    It 'bad KQL is a non-terminating error carrying the service message' {
        $rows = Invoke-GsHuntingQuery -Query 'AlertInfo | wher Severity == "High"' -ErrorVariable failures -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].ErrorDetails.Message | Should -Match 'Query could not be parsed'
        $failures[0].TargetObject | Should -Be 'AlertInfo | wher Severity == "High"'
    }

    It 'rejects an empty time range before sending anything' {
        { Invoke-GsHuntingQuery -Query 'AlertInfo | count' -Since (Get-Date) -Until (Get-Date).AddDays(-1) -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidTimeRange,GraphSecurity.Commands.Hunting.InvokeGsHuntingQueryCommand'
    }

    It 'a 429 over the hunting quota is retried after Retry-After and succeeds' {
        $settings = @{ enabled = $true; buckets = @{ hunting = @{ requests = 1; windowSeconds = 2 } } } | ConvertTo-Json -Depth 4
        Invoke-RestMethod -Method Post -Uri "$Url/_emulator/throttling" -SkipCertificateCheck -ContentType 'application/json' -Body $settings | Out-Null
        try {
            Invoke-RestMethod -Method Delete -Uri "$Url/_emulator/counters" -SkipCertificateCheck | Out-Null
            $first = Invoke-GsHuntingQuery -Query 'AlertInfo | count'
            $verbose = @()
            $second = Invoke-GsHuntingQuery -Query 'AlertInfo | count' -Verbose 4>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose += $_ } else { $_ } }
            $second.Count | Should -Be $first.Count
            @($verbose | Where-Object Message -Match '^POST .* 429').Count | Should -BeGreaterOrEqual 1
            $counters = Invoke-RestMethod -Uri "$Url/_emulator/counters" -SkipCertificateCheck
            ($counters.routes | Where-Object route -Like '*runHuntingQuery').count | Should -BeGreaterOrEqual 3
        }
        finally {
            Invoke-RestMethod -Method Post -Uri "$Url/_emulator/throttling" -SkipCertificateCheck -ContentType 'application/json' -Body '{"enabled":false}' | Out-Null
        }
    }
}
