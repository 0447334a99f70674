BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name securescore-tests
    $script:Url = (Get-TestEmulator).url
    function Get-Raw([string] $PathAndQuery) {
        $headers = @{ Authorization = "Bearer $(Get-RawToken)" }
        $next = "$Url/v1.0/$PathAndQuery"
        while ($next) {
            $page = Invoke-RestMethod -Uri $next -Headers $headers -SkipCertificateCheck
            if ($null -ne $page.value) { $page.value } else { $page }
            $next = $page.'@odata.nextLink'
        }
    }
    $script:RawScores = @(Get-Raw 'security/secureScores?$top=90')
    $script:RawProfiles = @(Get-Raw 'security/secureScoreControlProfiles')
}
AfterAll {
    Invoke-RestMethod -Method Post -Uri "$Url/_emulator/reset" -SkipCertificateCheck | Out-Null
    Disconnect-GsTenant -Name securescore-tests
}

Describe 'Get-GsSecureScore' {
    It 'returns the latest score by default, with current, max, percentage and typed control scores' {
        $score = Get-GsSecureScore
        @($score).Count | Should -Be 1
        $score.Id | Should -Be $RawScores[0].id
        $score.CurrentScore | Should -Be $RawScores[0].currentScore
        $score.MaxScore | Should -Be $RawScores[0].maxScore
        $score.Percentage | Should -Be ([math]::Round($RawScores[0].currentScore * 100 / $RawScores[0].maxScore, 2))
        $score.ControlScores.Count | Should -Be $RawScores[0].controlScores.Count
        $control = $score.ControlScores[0]
        $control.Score | Should -BeOfType [double]
        $control.Count | Should -BeOfType [int]
        $control.IsApplicable | Should -BeTrue
        $control.ControlName | Should -Be $RawScores[0].controlScores[0].controlName
        $score.AllTenantsAverage | Should -Be ($RawScores[0].averageComparativeScores | Where-Object basis -EQ 'AllTenants').averageScore
        ($score.AverageComparativeScores | Where-Object Basis -EQ 'TotalSeats').SeatSizeRangeUpperValue | Should -BeOfType [int]
        $score.ConnectionName | Should -Be 'securescore-tests'
    }

    It '-Days N returns N days of history, newest first' {
        $scores = Get-GsSecureScore -Days 7
        $scores.Id | Should -Be $RawScores[0..6].id
        $scores.CreatedDateTime | Should -Be ($scores.CreatedDateTime | Sort-Object -Descending)
    }

    It 'Export-Csv writes readable columns' {
        $path = Join-Path $TestDrive 'scores.csv'
        Get-GsSecureScore -Days 2 | Export-Csv -Path $path
        $text = Get-Content -Raw $path
        $text | Should -Not -Match 'System\.'
        (Import-Csv $path)[0].ControlScores | Should -Match '='
    }
}

Describe 'Compare-GsSecureScore' {
    It 'gives one delta per control between yesterday and today, computed like the raw scores' {
        $deltas = Compare-GsSecureScore
        $today = $RawScores[0].controlScores; $yesterday = $RawScores[1].controlScores
        $deltas.Count | Should -Be (@($today.controlName) + @($yesterday.controlName) | Sort-Object -Unique).Count
        foreach ($d in $deltas) {
            $before = ($yesterday | Where-Object controlName -EQ $d.ControlName).score
            $after = ($today | Where-Object controlName -EQ $d.ControlName).score
            $d.Delta | Should -Be ([math]::Round([double]$after - [double]$before, 2))
        }
        $deltas.Delta | Should -Be ($deltas.Delta | Sort-Object)
    }

    It '-Change Worse lists exactly the controls whose score dropped (what got worse since a week ago)' {
        $today = $RawScores[0].controlScores; $weekAgo = $RawScores[7].controlScores
        $expected = @($today | Where-Object { $c = $_; $old = ($weekAgo | Where-Object controlName -EQ $c.controlName).score; $null -ne $old -and $c.score -lt $old } | ForEach-Object controlName | Sort-Object)
        @(Compare-GsSecureScore -DaysAgo 7 -Change Worse | ForEach-Object ControlName | Sort-Object) | Should -Be $expected
    }

    It 'compares two given days' {
        $reference = $RawScores[10].createdDateTime; $difference = $RawScores[3].createdDateTime
        $deltas = Compare-GsSecureScore -ReferenceDate $reference -DifferenceDate $difference
        $deltas[0].ReferenceDate.UtcDateTime.Date | Should -Be $reference.ToUniversalTime().Date
        $deltas[0].DifferenceDate.UtcDateTime.Date | Should -Be $difference.ToUniversalTime().Date
        ($deltas | Measure-Object Delta -Sum).Sum | Should -BeGreaterOrEqual ([math]::Round($RawScores[3].currentScore - $RawScores[10].currentScore, 2) - 0.1)
    }

    It 'a day outside the 90 kept is an ObjectNotFound error' {
        Compare-GsSecureScore -ReferenceDate (Get-Date).AddDays(-200) -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Get-GsSecureScoreControlProfile' {
    It 'lists every control, in the service''s order' {
        (Get-GsSecureScoreControlProfile -All).Id | Should -Be $RawProfiles.id
    }

    It 'filters like the raw data (<Name>)' -ForEach @(
        @{ Name = 'category'; Parameters = @{ Category = 'Identity' }; Match = { $_.controlCategory -eq 'Identity' } }
        @{ Name = 'tier'; Parameters = @{ Tier = 'Core', 'Advanced' }; Match = { $_.tier -in 'Core', 'Advanced' } }
        @{ Name = 'deprecated'; Parameters = @{ Deprecated = $true }; Match = { $_.deprecated } }
        @{ Name = 'current only'; Parameters = @{ Deprecated = $false }; Match = { -not $_.deprecated } }
    ) {
        $expected = @($RawProfiles | Where-Object $Match | ForEach-Object id)
        $expected.Count | Should -BeGreaterThan 0
        (Get-GsSecureScoreControlProfile @Parameters -All).Id | Should -Be $expected
    }

    It '-Service filters by service' {
        $service = $RawProfiles[0].service
        (Get-GsSecureScoreControlProfile -Service $service -All).Id | Should -Be @($RawProfiles | Where-Object service -EQ $service | ForEach-Object id)
    }

    It 'gets controls by id, also from the control scores of a secure score' {
        (Get-GsSecureScoreControlProfile -Id $RawProfiles[1].id).Title | Should -Be $RawProfiles[1].title
        $score = Get-GsSecureScore
        $profiles = $score.ControlScores | Select-Object -First 3 | Get-GsSecureScoreControlProfile
        $profiles.Id | Should -Be ($score.ControlScores | Select-Object -First 3).ControlName
    }
}

Describe 'Set-GsSecureScoreControlProfile' {
    It 'Get-GsSecureScoreControlProfile | Set-GsSecureScoreControlProfile records state, owner and comment' {
        $targets = Get-GsSecureScoreControlProfile -Category Data -First 2
        $updated = $targets | Set-GsSecureScoreControlProfile -State ThirdParty -AssignedTo 'soc.analyst4@contoso.example' -Comment 'Covered by the DLP vendor.' -PassThru
        $updated.Id | Should -Be $targets.Id
        foreach ($id in $targets.Id) {
            $last = (Get-Raw "security/secureScoreControlProfiles/$id").controlStateUpdates[-1]
            $last.state | Should -Be 'ThirdParty'
            $last.assignedTo | Should -Be 'soc.analyst4@contoso.example'
            $last.comment | Should -Be 'Covered by the DLP vendor.'
        }
        $updated[0].State | Should -Be 'ThirdParty'
        $updated[0].AssignedTo | Should -Be 'soc.analyst4@contoso.example'
    }

    It '-WhatIf sends nothing' {
        $id = $RawProfiles[5].id
        $before = @((Get-Raw "security/secureScoreControlProfiles/$id").controlStateUpdates).Count
        Set-GsSecureScoreControlProfile -Id $id -State Ignored -WhatIf
        @((Get-Raw "security/secureScoreControlProfiles/$id").controlStateUpdates).Count | Should -Be $before
    }

    It 'refuses to run with nothing to change' {
        { Set-GsSecureScoreControlProfile -Id 'AdminMFAV2' } | Should -Throw -ExpectedMessage 'Nothing to change*'
    }

    It 'an unknown control is a non-terminating error carrying the id' {
        'NoSuchControl' | Set-GsSecureScoreControlProfile -State Reviewed -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be 'NoSuchControl'
    }
}

Describe 'Secure score concurrency' {
    It 'never has more than 4 requests in flight on one connection, even from parallel runspaces' {
        # The emulator enforces the documented 4 concurrent requests (429 beyond); slow each request so they overlap.
        $throttling = @{ enabled = $true } | ConvertTo-Json
        Invoke-RestMethod -Method Post -Uri "$Url/_emulator/throttling" -SkipCertificateCheck -ContentType 'application/json' -Body $throttling | Out-Null
        $faults = @{ rules = @(@{ route = '/v1.0/security/secureScoreControlProfiles/*'; latencyMs = 300 }) } | ConvertTo-Json -Depth 4
        Invoke-RestMethod -Method Post -Uri "$Url/_emulator/faults" -SkipCertificateCheck -ContentType 'application/json' -Body $faults | Out-Null
        Invoke-RestMethod -Method Delete -Uri "$Url/_emulator/counters" -SkipCertificateCheck | Out-Null
        try {
            $module = $env:GS_TEST_MODULE
            $ids = $RawProfiles[0..11].id
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $results = $ids | ForEach-Object -ThrottleLimit 12 -Parallel {
                Import-Module $using:module
                Get-GsSecureScoreControlProfile -Id $_ -Connection securescore-tests -Verbose 4>&1
            }
            $watch.Stop()
        }
        finally {
            Invoke-RestMethod -Method Delete -Uri "$Url/_emulator/faults" -SkipCertificateCheck | Out-Null
            Invoke-RestMethod -Method Post -Uri "$Url/_emulator/throttling" -SkipCertificateCheck -ContentType 'application/json' -Body '{"enabled":false}' | Out-Null
        }
        @($results | Where-Object { $_ -is [GraphSecurity.SecureScoreControlProfile] }).Count | Should -Be 12
        @($results | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match ' 429 ' }) | Should -BeNullOrEmpty
        $counters = Invoke-RestMethod -Uri "$Url/_emulator/counters" -SkipCertificateCheck
        ($counters.routes | Where-Object route -Like '*secureScoreControlProfiles/{id}' | Measure-Object count -Sum).Sum | Should -Be 12
        # 12 requests of >= 300 ms through 4 slots take at least 3 rounds.
        $watch.ElapsedMilliseconds | Should -BeGreaterThan 900
    }
}
