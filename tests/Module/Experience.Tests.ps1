# What separates a module people like from one they tolerate: views, completion, progress, and the
# preference variables behaving as in built-in cmdlets.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name experience
    $script:Emulator = Get-TestEmulator

    # Runs a script in a fresh runspace of this process (connections are shared) and returns it with its streams.
    function Invoke-InRunspace([string] $Script) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:GS_TEST_MODULE'; `$ProgressPreference = 'Continue'; $Script")
        $output = $ps.Invoke()
        [pscustomobject]@{ Output = $output; Streams = $ps.Streams; HadErrors = $ps.HadErrors }
        $ps.Dispose()
    }
}
AfterAll { Disconnect-GsTenant -Name experience }

Describe 'Module surface' {
    It 'imports without warnings (approved verbs only)' {
        $warnings = pwsh -NoProfile -Command "Import-Module '$env:GS_TEST_MODULE' -WarningVariable w -WarningAction SilentlyContinue; `$w.Count"
        $warnings | Should -Be 0
        $approved = (Get-Verb).Verb
        (Get-Command -Module GraphSecurity).Verb | Where-Object { $_ -notin $approved } | Should -BeNullOrEmpty
    }

    It 'every output type has a table view whose columns exist' {
        $types = Get-Command -Module GraphSecurity -CommandType Cmdlet | ForEach-Object { $_.OutputType.Type } |
            Where-Object { $_ -and $_.Namespace -eq 'GraphSecurity' } | Sort-Object FullName -Unique
        $types.Count | Should -BeGreaterThan 0
        foreach ($type in $types) {
            $views = Get-FormatData -TypeName $type.FullName -PowerShellVersion $PSVersionTable.PSVersion
            $table = $views.FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
            $table | Should -Not -BeNullOrEmpty -Because "$($type.FullName) needs a table view"
            $properties = $type.GetProperties().Name
            foreach ($column in $table.Control.Rows[0].Columns) {
                if ($column.DisplayEntry.ValueType -eq 'Property') {
                    $properties | Should -Contain $column.DisplayEntry.Value -Because "$($type.Name) view column"
                }
            }
        }
    }
}

Describe 'Completion' {
    It 'completes alert ids from recent results' {
        $recent = Get-GsAlert -First 3
        $line = 'Set-GsAlert -Id '
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $recent.Id | ForEach-Object { $completions.CompletionText | Should -Contain $_ }
        ($completions | Where-Object CompletionText -EQ $recent[0].Id).ToolTip | Should -Be $recent[0].Title
    }

    It 'completes connection names and enum values' {
        $line = 'Get-GsAlert -Connection exp'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'experience'
        $line = 'Get-GsAlert -Severity Hi'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'High'
    }
}

Describe 'Progress' {
    It '-All reports paging progress with a percentage' {
        $run = Invoke-InRunspace "Get-GsAlert -All -Top 250 -Connection experience | Measure-Object | ForEach-Object Count"
        $run.Output[0] | Should -BeGreaterThan 500
        $records = @($run.Streams.Progress | Where-Object Activity -Like 'Reading alerts*')
        $records.Count | Should -BeGreaterThan 0
        ($records | Where-Object PercentComplete -GT 0).Count | Should -BeGreaterThan 0
        $records[-1].RecordType | Should -Be 'Completed'
    }

    It 'a wait for Retry-After shows the seconds left, then the request goes through' {
        $faults = @{ seed = 5; rules = @(@{ route = '/v1.0/security/alerts_v2*'; throttleRate = 0.5; retryAfterSeconds = 1 }) } | ConvertTo-Json -Depth 5
        Invoke-RestMethod -Method Post -Uri "$($Emulator.url)/_emulator/faults" -Body $faults -ContentType 'application/json' -SkipCertificateCheck | Out-Null
        try {
            $run = Invoke-InRunspace "Get-GsAlert -First 40 -Top 5 -Connection experience -Verbose | Measure-Object | ForEach-Object Count"
        }
        finally { Invoke-RestMethod -Method Delete -Uri "$($Emulator.url)/_emulator/faults" -SkipCertificateCheck | Out-Null }
        $run.Output[0] | Should -Be 40
        $waits = @($run.Streams.Progress | Where-Object { $_.Activity -eq 'Waiting for Microsoft Graph' -and $_.RecordType -eq 'Processing' })
        $waits.Count | Should -BeGreaterThan 0
        $waits[0].SecondsRemaining | Should -Be 1
        $waits[0].StatusDescription | Should -BeLike "429*retry 1 of $((Get-EngineType GraphSecurity.Engine.Http.RetryPolicy)::Default.MaxThrottledRetries) in 1 s (Retry-After)"
        @($run.Streams.Verbose | Where-Object Message -Match '-> 429').Count | Should -Be $waits.Count
    }
}

Describe 'Preferences behave as in built-in cmdlets' {
    It '-ErrorAction Stop and $ErrorActionPreference = Stop make a per-item error terminating' {
        { Get-GsAlert -Id 'no-such-alert' -ErrorAction Stop } | Should -Throw
        { $ErrorActionPreference = 'Stop'; Get-GsAlert -Id 'no-such-alert' } | Should -Throw
    }

    It 'SilentlyContinue hides the error but records it; Ignore does not even record it' {
        $Error.Clear()
        Get-GsAlert -Id 'no-such-alert' -ErrorAction SilentlyContinue
        $Error.Count | Should -Be 1
        $Error.Clear()
        Get-GsAlert -Id 'no-such-alert' -ErrorAction Ignore
        $Error.Count | Should -Be 0
    }

    It 'a per-item error does not stop the other items' {
        $first = Get-GsAlert -First 1
        $ids = 'no-such-alert', $first.Id
        ($ids | Get-GsAlert -ErrorAction SilentlyContinue).Id | Should -Be $first.Id
    }

    It '$ConfirmPreference is honoured: at Low, Set-GsAlert asks first and changes nothing where nobody can answer' {
        $alert = Get-GsAlert -Status New -First 1
        $run = Invoke-InRunspace "`$ConfirmPreference = 'Low'; Set-GsAlert -Id '$($alert.Id)' -Status Resolved -Connection experience"
        $run.HadErrors | Should -BeTrue
        (Get-GsAlert -Id $alert.Id).Status | Should -Be 'New'
        $run = Invoke-InRunspace "`$ConfirmPreference = 'Low'; Set-GsAlert -Id '$($alert.Id)' -AssignedTo 'tier1@contoso.example' -Confirm:`$false -Connection experience"
        $run.HadErrors | Should -BeFalse
        (Get-GsAlert -Id $alert.Id).AssignedTo | Should -Be 'tier1@contoso.example'
    }
}
