BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name legacy-tests
    $script:Url = (Get-TestEmulator).url
    function Invoke-Raw([string] $PathAndQuery) {
        Invoke-RestMethod -Uri "$Url/v1.0/$PathAndQuery" -Headers @{ Authorization = "Bearer $(Get-RawToken)" } -SkipCertificateCheck
    }
    function Set-ProviderFault([string] $Provider, [bool] $Fail) {
        $body = @{ provider = $Provider; fail = $Fail; status = 504; latencyMs = 10000 } | ConvertTo-Json
        Invoke-RestMethod -Method Post -Uri "$Url/_emulator/legacy/providers" -SkipCertificateCheck -ContentType 'application/json' -Body $body | Out-Null
    }
    # Every legacy alert: $top applies per provider, so one page of 1000 per provider holds them all here.
    $script:All = @((Invoke-Raw 'security/alerts?$top=1000').value)
    function Get-Ids($alerts) { @($alerts | ForEach-Object Id | Sort-Object) }
    function Get-RawIds($alerts) { @($alerts | ForEach-Object id | Sort-Object) }
}
AfterAll {
    Set-ProviderFault 'IPC' $false
    Disconnect-GsTenant -Name legacy-tests
}

Describe 'Get-GsAlert -Legacy' {
    It 'the legacy view has alerts of several providers' {
        $All.Count | Should -BeGreaterThan 100
        ($All.vendorInformation.provider | Sort-Object -Unique).Count | Should -BeGreaterOrEqual 5
    }

    It 'reads every legacy alert as a typed LegacyAlert' {
        $alerts = Get-GsAlert -Legacy -All -Top 1000 -WarningAction SilentlyContinue
        Get-Ids $alerts | Should -Be (Get-RawIds $All)
        $alerts[0] | Should -BeOfType [GraphSecurity.LegacyAlert]
        $alerts[0].VendorInformation.Vendor | Should -Be 'Microsoft'
        $alerts[0].ConnectionName | Should -Be 'legacy-tests'
    }

    It 'writes the dated deprecation warning once per session' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:GS_TEST_MODULE'; Get-GsAlert -Legacy -First 1 -Connection legacy-tests; Get-GsAlert -Legacy -First 1 -Connection legacy-tests").Invoke()
            $warnings = @($ps.Streams.Warning | Where-Object Message -Match 'deprecated')
            $warnings.Count | Should -Be 1
            $warnings[0].Message | Should -Match '2026-08-31'
        }
        finally { $ps.Dispose() }
    }

    It '-Provider selects by vendorInformation/provider' {
        Get-Ids (Get-GsAlert -Legacy -Provider IPC, MCAS -All -WarningAction SilentlyContinue) |
            Should -Be (Get-RawIds ($All | Where-Object { $_.vendorInformation.provider -in 'IPC', 'MCAS' }))
    }

    It '-User selects alerts whose userStates name the user (a lambda filter)' {
        $upn = ($All.userStates.userPrincipalName | Where-Object { $_ } | Group-Object | Sort-Object Count -Descending | Select-Object -First 1).Name
        $expected = Get-RawIds ($All | Where-Object { $_.userStates.userPrincipalName -contains $upn })
        $expected.Count | Should -BeGreaterThan 1
        Get-Ids (Get-GsAlert -Legacy -User $upn -All -WarningAction SilentlyContinue) | Should -Be $expected
    }

    It '-Host selects alerts whose hostStates name the host, by FQDN or NetBIOS name' {
        $state = ($All.hostStates | Where-Object fqdn | Group-Object fqdn | Sort-Object Count -Descending | Select-Object -First 1).Group[0]
        $expected = Get-RawIds ($All | Where-Object { $_.hostStates.fqdn -contains $state.fqdn })
        Get-Ids (Get-GsAlert -Legacy -Host $state.fqdn -All -WarningAction SilentlyContinue) | Should -Be $expected
        Get-Ids (Get-GsAlert -Legacy -Host $state.netBiosName -All -WarningAction SilentlyContinue) | Should -Be (Get-RawIds ($All | Where-Object { $_.hostStates.netBiosName -contains $state.netBiosName }))
    }

    It 'refuses alerts_v2-only parameters with -Legacy before sending anything' {
        { Get-GsAlert -Legacy -Status New -WarningAction SilentlyContinue } | Should -Throw -ExpectedMessage '*-Status applies to alerts_v2 only*'
        { Get-GsAlert -Provider IPC } | Should -Throw -ExpectedMessage '*add -Legacy*'
    }
}

Describe 'Partial results (206) of the legacy API' {
    BeforeAll { Set-ProviderFault 'IPC' $true }
    AfterAll { Set-ProviderFault 'IPC' $false }

    It 'warns once per failing provider and still returns the good results' {
        $raw = Invoke-WebRequest -Uri "$Url/v1.0/security/alerts?`$top=1000" -Headers @{ Authorization = "Bearer $(Get-RawToken)" } -SkipCertificateCheck
        $raw.StatusCode | Should -Be 206
        $expected = Get-RawIds ($raw.Content | ConvertFrom-Json).value
        $expected.Count | Should -Be @($All | Where-Object { $_.vendorInformation.provider -ne 'IPC' }).Count

        $alerts = Get-GsAlert -Legacy -All -Top 1000 -WarningVariable warnings -WarningAction SilentlyContinue
        Get-Ids $alerts | Should -Be $expected
        $providerWarnings = @($warnings | Where-Object { "$_" -match 'Provider ' })
        $providerWarnings.Count | Should -Be 1
        "$($providerWarnings[0])" | Should -Match 'IPC'
        "$($providerWarnings[0])" | Should -Match '504'
    }

    It 'one warning per provider even over several pages' {
        $alerts = Get-GsAlert -Legacy -All -Top 20 -WarningVariable warnings -WarningAction SilentlyContinue
        @($alerts).Count | Should -BeGreaterThan 20
        @($warnings | Where-Object { "$_" -match 'Provider IPC' }).Count | Should -Be 1
    }

    It '-FailOnPartialResult makes it an error instead' {
        $alerts = Get-GsAlert -Legacy -All -FailOnPartialResult -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $alerts | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'PartialResult,*'
        $failures[0].ErrorDetails.Message | Should -Match 'IPC'
    }
}

Describe 'Set-GsAlert on legacy alerts' {
    It 'Get-GsAlert -Legacy | Set-GsAlert carries vendorInformation from the piped alert: one read and one PATCH per alert' {
        $targets = Get-GsAlert -Legacy -Provider MCAS -First 2 -WarningAction SilentlyContinue
        Invoke-RestMethod -Method Delete -Uri "$Url/_emulator/counters" -SkipCertificateCheck | Out-Null
        $targets | Set-GsAlert -Status InProgress -Classification InformationalExpectedActivity -AssignedTo 'soc.analyst5@contoso.example'
        $counters = Invoke-RestMethod -Uri "$Url/_emulator/counters" -SkipCertificateCheck
        # The read is the checked update's (what differs, a newer change, the comment list); the provider comes from the piped alert.
        ($counters.routes | Where-Object { $_.method -eq 'GET' -and $_.route -like '*security/alerts*' } | Measure-Object count -Sum).Sum | Should -Be 2
        ($counters.routes | Where-Object { $_.method -eq 'PATCH' } | Measure-Object count -Sum).Sum | Should -Be 2
        foreach ($id in $targets.Id) {
            $raw = Invoke-Raw "security/alerts/$id"
            $raw.status | Should -Be 'inProgress'          # alerts_v2 InProgress
            $raw.feedback | Should -Be 'benignPositive'     # InformationalExpectedActivity
            $raw.assignedTo | Should -Be 'soc.analyst5@contoso.example'
        }
    }

    It 'maps -Status New to newAlert and Resolved to resolved, and -PassThru returns the legacy alert' {
        $target = Get-GsAlert -Legacy -Provider IPC -First 1 -WarningAction SilentlyContinue
        $resolved = $target | Set-GsAlert -Status Resolved -Classification TruePositive -PassThru
        $resolved.Status | Should -Be 'Resolved'
        $resolved.Feedback | Should -Be 'TruePositive'
        $resolved.ClosedDateTime | Should -Not -BeNullOrEmpty
        # The copy -PassThru gave back is current; the one read before the change is not, and is refused.
        ($resolved | Set-GsAlert -Status New -PassThru).Status | Should -Be 'NewAlert'
        $target | Set-GsAlert -Status Resolved -ErrorVariable conflict -ErrorAction SilentlyContinue
        $conflict[0].FullyQualifiedErrorId | Should -BeLike 'UpdateConflict,*'
    }

    It 'by id with -Legacy, a comment is appended to the existing ones' {
        $target = Get-GsAlert -Legacy -Provider ASC -First 1 -WarningAction SilentlyContinue
        $before = @((Invoke-Raw "security/alerts/$($target.Id)").comments)
        Set-GsAlert -Legacy -Id $target.Id -Comment 'Checked the resource configuration.'
        $after = @((Invoke-Raw "security/alerts/$($target.Id)").comments)
        $after.Count | Should -Be ($before.Count + 1)
        $after[-1] | Should -Be 'Checked the resource configuration.'
    }

    It '-Determination is refused for a legacy alert, as an error carrying the id' {
        $target = Get-GsAlert -Legacy -Provider IPC -First 1 -WarningAction SilentlyContinue
        $target | Set-GsAlert -Determination Malware -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].TargetObject | Should -Be $target.Id
    }
}
