# Bad input is refused before anything is sent, with an error that names the parameter and says what
# is expected; errors of a multi-connection command name the connection and tenant; values users
# type (international domains, typed hash columns, enumeration members) are taken or refused clearly.
BeforeDiscovery {
    # Every cmdlet with an -Id, and what else it needs to run (nothing of it is ever sent).
    $script:IdCommands = @(
        @{ Command = 'Get-GsAlert'; Extra = @{} }
        @{ Command = 'Set-GsAlert'; Extra = @{ Status = 'Resolved'; Confirm = $false } }
        @{ Command = 'Add-GsAlertComment'; Extra = @{ Comment = 'x'; Confirm = $false } }
        @{ Command = 'Get-GsIncident'; Extra = @{} }
        @{ Command = 'Set-GsIncident'; Extra = @{ Status = 'Resolved'; Confirm = $false } }
        @{ Command = 'Add-GsIncidentComment'; Extra = @{ Comment = 'x'; Confirm = $false } }
        @{ Command = 'Get-GsSecureScore'; Extra = @{} }
        @{ Command = 'Get-GsSecureScoreControlProfile'; Extra = @{} }
        @{ Command = 'Set-GsSecureScoreControlProfile'; Extra = @{ State = 'Reviewed'; Confirm = $false } }
        @{ Command = 'Get-GsSecurityAction'; Extra = @{} }
        @{ Command = 'Stop-GsSecurityAction'; Extra = @{ Confirm = $false } }
        @{ Command = 'Save-GsInvestigationPackage'; Extra = @{ Path = 'TestDrive:/packages' } }
        @{ Command = 'Get-GsSubscription'; Extra = @{} }
        @{ Command = 'Update-GsSubscription'; Extra = @{ Confirm = $false } }
        @{ Command = 'Remove-GsSubscription'; Extra = @{ Confirm = $false } }
        @{ Command = 'Get-GsTiIndicator'; Extra = @{} }
        @{ Command = 'Set-GsTiIndicator'; Extra = @{ Description = 'x'; Confirm = $false } }
        @{ Command = 'Remove-GsTiIndicator'; Extra = @{ Confirm = $false } }
        @{ Command = 'Get-GsDetectionRule'; Extra = @{} }
        @{ Command = 'Set-GsDetectionRule'; Extra = @{ Enabled = $true; Confirm = $false } }
        @{ Command = 'Remove-GsDetectionRule'; Extra = @{ Confirm = $false } }
        @{ Command = 'Get-GsIntelProfile'; Extra = @{} }
        @{ Command = 'Get-GsThreatArticle'; Extra = @{} }
        @{ Command = 'Get-GsVulnerability'; Extra = @{} }
    )
    $script:BadIds = '.', '..', ' ', 'a/b', 'x?y', 'x#y', '../alerts_v2'
}

BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name checks
    $script:emulator = Get-TestEmulator
    function Get-RequestTotal { (Invoke-RestMethod -Uri "$($emulator.url)/_emulator/counters" -SkipCertificateCheck).total }
}
AfterAll { Disconnect-GsTenant -Name checks }

Describe 'Ids are checked before anything is sent' {
    It 'every cmdlet with -Id is in this list' {
        $withId = Get-Command -Module GraphSecurity -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('Id') } | ForEach-Object Name
        @($withId | Sort-Object) | Should -Be @($IdCommands.Command | Sort-Object)
    }

    It '<Command> -Id refuses dot segments, blanks and URL delimiters without a request' -ForEach $IdCommands {
        $before = Get-RequestTotal
        foreach ($bad in $BadIds) {
            $failures = $null
            $output = @(& $Command -Id $bad -Connection checks @Extra -ErrorVariable failures -ErrorAction SilentlyContinue)
            $output | Should -HaveCount 0 -Because "-Id '$bad' must not list or change anything"
            $failures | Should -HaveCount 1 -Because "-Id '$bad'"
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidId,*'
            $failures[0].TargetObject | Should -Be $bad
            $failures[0].ErrorDetails.Message | Should -Match 'is not a valid id'
        }
        Get-RequestTotal | Should -Be $before
    }

    It 'a bad id among piped ids is an error for it alone; the others are read' {
        $good = (Get-GsAlert -First 2 -Connection checks).Id
        $read = @($good[0], '..', $good[1] | Get-GsAlert -Connection checks -ErrorVariable failures -ErrorAction SilentlyContinue)
        $read.Id | Should -Be $good
        $failures | Should -HaveCount 1
        $failures[0].TargetObject | Should -Be '..'
    }
}

Describe 'Parameters are checked before anything is sent' {
    It '<Name> is refused with a message that names the parameter and says what is expected' -ForEach @(
        @{ Name = 'Watch-GsAlert -Since 0001-01-01'; Script = { Watch-GsAlert -Once -Since ([datetime]'0001-01-01') -Connection checks }; Parameter = 'Since'; Says = '1970-01-01' }
        @{ Name = 'Get-GsAlert -Until MaxValue'; Script = { Get-GsAlert -Until ([datetime]::MaxValue) -Connection checks }; Parameter = 'Until'; Says = 'leave the parameter out' }
        @{ Name = "Connect-GsTenant -ClientId ' '"; Script = { Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId ' ' -ClientSecret (ConvertTo-TestSecureString $DefaultSecret) -Name bad }; Parameter = 'ClientId'; Says = 'is a GUID' }
        @{ Name = 'Connect-GsTenant -ClientId with a control character'; Script = { Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId "$DefaultClientId`u{7}" -ClientSecret (ConvertTo-TestSecureString $DefaultSecret) -Name bad }; Parameter = 'ClientId'; Says = '\\u0007' }
        @{ Name = 'Connect-GsTenant -TenantId that is no tenant'; Script = { Connect-GsTenant -Environment Emulator -TenantId 'contoso tenant' -ClientId $DefaultClientId -ClientSecret (ConvertTo-TestSecureString $DefaultSecret) -Name bad }; Parameter = 'TenantId'; Says = 'GUID or one of its domains' }
        @{ Name = 'Get-GsAlert -AssignedTo with a NUL'; Script = { Get-GsAlert -AssignedTo "ada`u{0}@contoso.example" -Connection checks }; Parameter = 'AssignedTo'; Says = 'control character' }
        @{ Name = 'Invoke-GsHuntingQuery -Timespan negative'; Script = { Invoke-GsHuntingQuery -Query 'AlertInfo | take 1' -Timespan (New-TimeSpan -Days -1) -Connection checks }; Parameter = 'Timespan'; Says = 'is not between' }
        @{ Name = 'New-GsTiIndicator -ValidFor zero'; Script = { New-GsTiIndicator -Url 'https://bad.example/' -ValidFor ([timespan]::Zero) -Connection checks }; Parameter = 'ValidFor'; Says = 'is not between' }
        @{ Name = 'Watch-GsAlert -Since and -FromNow'; Script = { Watch-GsAlert -Once -Since (Get-Date) -FromNow -Connection checks }; Parameter = $null; Says = 'not both' }
    ) {
        $before = Get-RequestTotal
        $failure = $null
        try { & $Script -ErrorAction Stop | Out-Null } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.CategoryInfo.Category | Should -BeIn @('InvalidData', 'InvalidArgument')
        $failure.CategoryInfo.Category | Should -Not -Be 'NotSpecified'
        if ($Parameter) { $failure.Exception.Message | Should -Match "parameter '$Parameter'" }
        ($failure.Exception.Message + $failure.ErrorDetails.Message) | Should -Match $Says
        $failure.Exception.Message | Should -Not -Match 'un-representable|Exception calling'
        Get-RequestTotal | Should -Be $before
        Get-GsConnection -Name bad -ErrorAction Ignore | Should -BeNullOrEmpty
    }
}

Describe 'Errors of one connection among several name it' {
    BeforeAll {
        Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $NoRolesClientId -ClientSecret (ConvertTo-TestSecureString $NoRolesSecret) -Name checks-noperm
    }
    AfterAll { Disconnect-GsTenant -Name checks-noperm }

    It 'Get-GsAlert -Connection ok,noperm: the alerts of one, a 403 naming the other and its tenant' {
        $alerts = @(Get-GsAlert -Connection checks, checks-noperm -First 3 -ErrorVariable failures -ErrorAction SilentlyContinue)
        $alerts | Should -HaveCount 3
        $alerts.ConnectionName | Select-Object -Unique | Should -Be 'checks'
        $failures | Should -HaveCount 1
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].ErrorDetails.Message | Should -Match "connection 'checks-noperm'"
        $failures[0].ErrorDetails.Message | Should -Match $DefaultTenantId
        $failures[0].TargetObject.Name | Should -Be 'checks-noperm'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'SecurityAlert.Read.All'
    }
}

Describe 'Values users type' {
    It 'an internationalised domain is taken and sent as its IDNA (punycode) form' {
        $result = New-GsTiIndicator -Target Graph -DomainName 'bücher.example' -Action block -ThreatType Malware -TargetProduct 'Azure Sentinel' -Connection checks -Confirm:$false
        $result.Status | Should -BeIn 'Created', 'Skipped'
        $result.Indicator | Should -Be 'xn--bcher-kva.example'
        (Get-GsTiIndicator -Target Graph -Id $result.Id -Connection checks).DomainName | Should -Be 'xn--bcher-kva.example'
        # In a generic indicator column as well.
        (New-GsTiIndicator -Target Graph -Indicator 'münchen.example' -Action block -ThreatType Malware -TargetProduct 'Azure Sentinel' -Connection checks -Confirm:$false).Indicator | Should -Be 'xn--mnchen-3ya.example'
    }

    It 'a wrong-length hash in a sha256 column says the column expects 64 hexadecimal characters' {
        $row = [pscustomobject]@{ sha256 = 'abcdef0123'; action = 'block'; threatType = 'Malware'; targetProduct = 'Azure Sentinel' }
        $row | New-GsTiIndicator -Connection checks -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures | Should -HaveCount 1
        $failures[0].ErrorDetails.Message | Should -Match 'not a sha256 hash: a sha256 hash is 64 hexadecimal characters, this one has 10'
        $failures[0].ErrorDetails.Message | Should -Not -Match 'give fileHashType'
    }

    It 'UnknownFutureValue and Unknown are neither completed nor taken as filters' -ForEach @(
        @{ Line = 'Get-GsAlert -Status '; Refused = 'UnknownFutureValue'; Script = { Get-GsAlert -Status UnknownFutureValue -Connection checks } }
        @{ Line = 'Get-GsAlert -Severity '; Refused = 'Unknown'; Script = { Get-GsAlert -Severity Unknown -Connection checks } }
        @{ Line = 'Get-GsIncident -Status '; Refused = 'UnknownFutureValue'; Script = { Get-GsIncident -Status UnknownFutureValue -Connection checks } }
    ) {
        $completions = (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
        $completions | Should -Not -Contain $Refused
        $completions | Should -Not -Contain 'UnknownFutureValue'
        $before = Get-RequestTotal
        $failure = $null
        try { & $Script -ErrorAction Stop } catch { $failure = $_ }
        $failure.Exception.Message | Should -Match "'$Refused' cannot be used"
        $failure.Exception.Message | Should -Match 'Use one of:'
        Get-RequestTotal | Should -Be $before
    }

    It 'Unknown stays a value where the service uses it (an unclassified alert)' {
        @(Get-GsAlert -Classification Unknown -First 1 -Connection checks).Count | Should -Be 1
    }
}
