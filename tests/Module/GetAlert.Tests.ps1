BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name alerts-tests
    # The reference: every alert, read with Invoke-RestMethod and filtered here in PowerShell.
    $script:All = @(Get-RawAlert)
    function Get-Ids($alerts) { @($alerts | ForEach-Object Id | Sort-Object) }
    function Get-RawIds($alerts) { @($alerts | ForEach-Object id | Sort-Object) }
}
AfterAll { Disconnect-GsTenant -Name alerts-tests }

Describe 'Get-GsAlert typed filters' {
    It 'the emulator has a realistic dataset to filter' {
        $All.Count | Should -BeGreaterThan 500
        ($All.severity | Sort-Object -Unique) | Should -Be @('high', 'informational', 'low', 'medium')
        ($All.status | Sort-Object -Unique).Count | Should -BeGreaterOrEqual 3
    }

    It '-Severity High returns exactly the high-severity alerts' {
        Get-Ids (Get-GsAlert -Severity High -All) | Should -Be (Get-RawIds ($All | Where-Object severity -EQ 'high'))
    }

    It '-Status with two values returns alerts in either status' {
        Get-Ids (Get-GsAlert -Status New, InProgress -All) |
            Should -Be (Get-RawIds ($All | Where-Object { $_.status -in 'new', 'inProgress' }))
    }

    It '-ServiceSource selects by product' {
        Get-Ids (Get-GsAlert -ServiceSource MicrosoftDefenderForOffice365 -All) |
            Should -Be (Get-RawIds ($All | Where-Object serviceSource -EQ 'microsoftDefenderForOffice365'))
    }

    It '-ServiceSource accepts evolvable members (Sentinel), which the module asks the service to return' {
        $expected = Get-RawIds ($All | Where-Object serviceSource -EQ 'microsoftSentinel')
        $expected.Count | Should -BeGreaterThan 0
        $actual = Get-GsAlert -ServiceSource MicrosoftSentinel -All
        Get-Ids $actual | Should -Be $expected
        $actual[0].ServiceSource | Should -Be 'MicrosoftSentinel'
    }

    It '-Classification selects resolved alerts by verdict' {
        Get-Ids (Get-GsAlert -Classification TruePositive -All) |
            Should -Be (Get-RawIds ($All | Where-Object classification -EQ 'truePositive'))
    }

    It '-AssignedTo matches the owner exactly, and an empty string means unassigned' {
        $owner = ($All | Where-Object assignedTo | Group-Object assignedTo | Sort-Object Count -Descending | Select-Object -First 1).Name
        Get-Ids (Get-GsAlert -AssignedTo $owner -All) | Should -Be (Get-RawIds ($All | Where-Object assignedTo -EQ $owner))
        Get-Ids (Get-GsAlert -AssignedTo '' -All) | Should -Be (Get-RawIds ($All | Where-Object { -not $_.assignedTo }))
    }

    It '-Since and -Until bound the creation time' {
        $since = [DateTime]::UtcNow.AddDays(-7)
        $until = [DateTime]::UtcNow.AddDays(-2)
        Get-Ids (Get-GsAlert -Since $since -Until $until -All) |
            Should -Be (Get-RawIds ($All | Where-Object { $_.createdDateTime.ToUniversalTime() -ge $since -and $_.createdDateTime.ToUniversalTime() -lt $until }))
    }

    It 'combines typed filters with and, and values of one filter with or' {
        $since = [DateTime]::UtcNow.AddDays(-14)
        Get-Ids (Get-GsAlert -Severity High, Medium -Status New -Since $since -All) |
            Should -Be (Get-RawIds ($All | Where-Object { $_.severity -in 'high', 'medium' -and $_.status -eq 'new' -and $_.createdDateTime.ToUniversalTime() -ge $since }))
    }

    It 'a raw -Filter is and-ed with the typed ones without widening them' {
        Get-Ids (Get-GsAlert -Filter "status eq 'new' or status eq 'resolved'" -Severity Low -All) |
            Should -Be (Get-RawIds ($All | Where-Object { $_.severity -eq 'low' -and $_.status -in 'new', 'resolved' }))
    }

    It 'quotes in values are escaped (no match, no error)' {
        Get-GsAlert -AssignedTo "o'brien@contoso.example" -All -ErrorAction Stop | Should -BeNullOrEmpty
    }
}

Describe 'Get-GsAlert paging and streaming' {
    It '-All over several pages returns @odata.count alerts, each once' {
        $total = $null
        $alerts = Get-GsAlert -All -Top 150 -IncludeTotalCount | ForEach-Object {
            if ($_ -is [GraphSecurity.Alert]) { $_ } else { $total = $_ }
        }
        $total | Should -Not -BeNullOrEmpty
        $alerts.Count | Should -Be $All.Count
        ($alerts.Id | Sort-Object -Unique).Count | Should -Be $All.Count
        "$total" | Should -BeLike "*$($All.Count)*"
    }

    It 'returns the newest alerts first by default' {
        $alerts = Get-GsAlert -First 20
        $dates = $alerts.CreatedDateTime
        $dates | Should -Be ($dates | Sort-Object -Descending)
    }

    It '-First 5 makes one request' {
        $verbose = @()
        $alerts = Get-GsAlert -First 5 -Verbose 4>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose += $_ } else { $_ } }
        $alerts.Count | Should -Be 5
        @($verbose | Where-Object Message -Match '^GET .*alerts_v2').Count | Should -Be 1
    }

    It '-First spanning pages stops requesting once it has enough' {
        $verbose = @()
        $alerts = Get-GsAlert -First 25 -Top 10 -Verbose 4>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose += $_ } else { $_ } }
        $alerts.Count | Should -Be 25
        @($verbose | Where-Object Message -Match '^GET .*alerts_v2').Count | Should -Be 3
    }

    It '-Skip skips on the server' {
        $expected = (Get-GsAlert -First 8).Id | Select-Object -Skip 3
        (Get-GsAlert -First 5 -Skip 3).Id | Should -Be $expected
    }

    It 'writes the first alert before it asks for the second page' {
        $events = Get-GsAlert -First 30 -Top 10 -Verbose 4>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.VerboseRecord]) { if ($_.Message -match '^GET ') { 'request' } } else { 'alert' }
        }
        $events[0] | Should -Be 'request'
        $events[1] | Should -Be 'alert'
        [array]::IndexOf($events, 'alert') | Should -BeLessThan ([array]::LastIndexOf($events, 'request'))
        @($events | Where-Object { $_ -eq 'request' }).Count | Should -Be 3
    }

    It 'warns once when more alerts exist and neither -All nor -First was given' {
        $alerts = Get-GsAlert -Top 10 -WarningVariable warnings -WarningAction SilentlyContinue
        $alerts.Count | Should -Be 10
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike '*-All*'
        Get-GsAlert -Top 10 -All -WarningVariable allWarnings -WarningAction SilentlyContinue | Out-Null
        $allWarnings.Count | Should -Be 0
    }

    It 'stops cleanly when a downstream command has enough' {
        $verbose = @()
        $two = Get-GsAlert -All -Top 50 -Verbose 4>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose += $_ } else { $_ } } | Select-Object -First 2
        $two.Count | Should -Be 2
        @($verbose | Where-Object Message -Match '^GET ').Count | Should -BeLessOrEqual 2
    }
}

Describe 'Get-GsAlert by id' {
    It 'gets one alert by id, and ids from the pipeline' {
        $ids = (Get-GsAlert -First 3).Id
        (Get-GsAlert -Id $ids[0]).Id | Should -Be $ids[0]
        ($ids | Get-GsAlert).Id | Should -Be $ids
        (Get-GsAlert -First 2 | Get-GsAlert).Id | Should -Be $ids[0..1]
    }

    It 'an unknown id is a non-terminating ObjectNotFound error carrying the id' {
        $ids = (Get-GsAlert -First 1).Id, 'no-such-alert'
        $found = $ids | Get-GsAlert -ErrorVariable failures -ErrorAction SilentlyContinue
        @($found).Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be 'no-such-alert'
    }
}

Describe 'Get-GsAlert errors and output' {
    It 'an invalid filter surfaces the service message and request-id' {
        Get-GsAlert -Filter "investigationState eq 'running'" -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'GraphBadRequest*'
        $failures[0].ErrorDetails.Message | Should -BeLike '*investigationState*'
        $failures[0].ErrorDetails.Message | Should -Match 'request-id: [0-9a-f-]{36}'
    }

    It 'a filter syntax error is reported, not thrown as a stack trace' {
        Get-GsAlert -Filter "severity eq 'high' and" -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'alerts are typed objects with typed evidence and convenience properties' {
        $alert = Get-GsAlert -All | Where-Object { $_.Evidence.Count -gt 1 -and $_.DeviceNames.Count -gt 0 } | Select-Object -First 1
        $alert | Should -BeOfType ([GraphSecurity.Alert])
        $alert.Severity | Should -BeOfType ([GraphSecurity.AlertSeverity])
        $alert.CreatedDateTime | Should -BeOfType ([DateTimeOffset])
        $alert.Evidence | Where-Object { $_ -is [GraphSecurity.DeviceEvidence] } | Should -Not -BeNullOrEmpty
        $alert.DeviceNames[0] | Should -BeLike '*.*'
    }

    It 'Export-Csv gives readable columns, never type names' {
        $path = Join-Path $env:GS_TEST_WORK 'alerts.csv'
        Get-GsAlert -First 50 | Export-Csv -Path $path -NoTypeInformation
        $text = Get-Content -Raw $path
        $text | Should -Not -BeLike '*System.Object`[`]*'
        $text | Should -Not -BeLike '*System.String`[`]*'
        $text | Should -Not -BeLike '*GraphSecurity.ValueList*'
        $rows = Import-Csv $path
        $rows.Count | Should -Be 50
        ($rows | Where-Object MitreTechniques -Match '^T\d{4}').Count | Should -BeGreaterThan 0
    }

    It 'the default view is a table of severity, status, title, created, source and owner' {
        $text = Get-GsAlert -First 3 | Out-String -Width 250
        $text | Should -Match 'Severity\s+Status\s+Title\s+Created\s+ServiceSource\s+AssignedTo'
    }
}

Describe 'Get-GsAlert input checks' {
    It 'rejects -Since later than -Until before sending anything' {
        $err = { Get-GsAlert -Since (Get-Date) -Until (Get-Date).AddDays(-1) -Verbose 4>&1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidTimeRange*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'rejects a page size above the service maximum' {
        { Get-GsAlert -Top 5000 } | Should -Throw -ExpectedMessage '*5000*'
    }
}
