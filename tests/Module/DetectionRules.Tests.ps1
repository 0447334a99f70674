# Custom detection rules end to end against the emulator: a rule created from PowerShell raises an alert on its
# next run that Get-GsAlert returns; bad rules are refused before anything is sent; -WhatIf sends nothing; Set
# changes only what it is given. Everything the file makes is removed again, so later files see the seed.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:Emulator = Get-TestEmulator
    Connect-GsTenant -Emulator -Name rules

    function Invoke-Control([string] $Method, [string] $Path) {
        Invoke-RestMethod -Method $Method -Uri "$($Emulator.url)/_emulator/$Path" -SkipCertificateCheck
    }
    function Get-RequestTotal { (Invoke-Control GET 'counters').total }
    $script:Query = 'AlertEvidence | where EntityType == "Machine" and DeviceName != "" | summarize Timestamp = max(Timestamp) by DeviceName | take 2'
    $script:Host_ = @{ Type = 'Host'; DeviceName = 'DeviceName' }
}

# The files after this one read the newest alerts and expect the seeded ones.
AfterAll {
    Invoke-Control DELETE 'detectionrules' | Out-Null
    Disconnect-GsTenant -Name rules
}

Describe 'A detection rule created from PowerShell' {
    BeforeAll {
        $script:Rule = New-GsDetectionRule -Name 'Pester devices in alerts' -Query $Query -Period PT24H -Title 'Pester rule alert' `
            -Description 'Raised by the Pester detection rule.' -Severity High -Category Execution -MitreTechnique T1059, T1059.001 `
            -EntityMapping $Host_ -Connection rules -Confirm:$false
    }

    It 'is created in the 2026 shape with its id made from the name' {
        $Rule | Should -BeOfType ([GraphSecurity.DetectionRule])
        $Rule.Id | Should -Be 'Pester-devices-in-alerts'
        $Rule.Status | Should -Be 'enabled'
        $Rule.Frequency | Should -Be 'PT24H'
        $Rule.Query | Should -Be $Query
        $Rule.DetectionAction.AlertTemplate.Tactics[0].Tactic | Should -Be 'Execution'
        @($Rule.DetectionAction.AlertTemplate.MitreTechniques) | Should -Be @('T1059', 'T1059.001')
        $Rule.DetectionAction.AlertTemplate.EntityMappings.Hosts[0].DeviceNameColumn | Should -Be 'DeviceName'
        $Rule.LastRunDetails | Should -BeNullOrEmpty
    }

    It 'raises an alert on its next run that Get-GsAlert returns' {
        $run = Invoke-Control POST "detectionrules/$($Rule.Id)/run"
        $run.status | Should -Be 'completed'
        $run.alertsCreated | Should -BeGreaterThan 0
        $alerts = @(Get-GsAlert -First 20 -Connection rules | Where-Object Title -EQ 'Pester rule alert')
        $alerts | Should -HaveCount $run.alertsCreated
        $alerts[0].DetectionSource | Should -Be 'CustomDetection'
        $alerts[0].Severity | Should -Be 'High'
        $alerts[0].IncidentId | Should -Be $run.incidentId
        @($alerts[0].Evidence).Count | Should -BeGreaterThan 0
        # The same rows raise nothing the next time.
        (Invoke-Control POST "detectionrules/$($Rule.Id)/run").alertsCreated | Should -Be 0
        $read = Get-GsDetectionRule -Id $Rule.Id -Connection rules
        $read.LastRunStatus | Should -Be 'completed'
        $read.LastRunDateTime | Should -Not -BeNullOrEmpty
    }

    It 'is found by a wildcard name, and -First limits the list' {
        @(Get-GsDetectionRule -Name 'pester devices*' -Connection rules).Id | Should -Be @($Rule.Id)
        @(Get-GsDetectionRule -Name 'nothing like it*' -Connection rules) | Should -HaveCount 0
        New-GsDetectionRule -InputObject $Rule -Name 'Pester copy' -Disabled -Connection rules -Confirm:$false | Out-Null
        @(Get-GsDetectionRule -All -Connection rules).Count | Should -BeGreaterOrEqual 2
        @(Get-GsDetectionRule -First 1 -Connection rules) | Should -HaveCount 1
    }

    It 'Set-GsDetectionRule changes only what it is given' {
        $changed = $Rule | Set-GsDetectionRule -Disabled -Name 'Pester renamed' -PassThru -Connection rules -Confirm:$false
        $changed.Status | Should -Be 'disabled'
        $changed.DisplayName | Should -Be 'Pester renamed'
        $changed.Query | Should -Be $Query
        $changed.Severity | Should -Be 'high'
        $retitled = Set-GsDetectionRule -Id $Rule.Id -Severity Low -Enabled -PassThru -Connection rules -Confirm:$false
        $retitled.Severity | Should -Be 'low'
        $retitled.Title | Should -Be 'Pester rule alert'
        $retitled.Status | Should -Be 'enabled'
        $retitled.DetectionAction.AlertTemplate.Tactics[0].Tactic | Should -Be 'Execution'
    }

    It 'a query the service cannot run comes back as its 400 message' {
        $failures = $null
        Set-GsDetectionRule -Id $Rule.Id -Query 'NoSuchTable | take 1' -Connection rules -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].ErrorDetails.Message + $failures[0].Exception.Message | Should -Match 'queryText'
        (Get-GsDetectionRule -Id $Rule.Id -Connection rules).Query | Should -Be $Query
    }

    It 'Remove-GsDetectionRule deletes it; an unknown id is an error for it alone' {
        $failures = $null
        Remove-GsDetectionRule -Id $Rule.Id, 'no-such-rule', 'Pester-copy' -Connection rules -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].TargetObject | Should -Be 'no-such-rule'
        @(Get-GsDetectionRule -Name 'Pester*' -Connection rules) | Should -HaveCount 0
        Get-GsDetectionRule -Id $Rule.Id -Connection rules -ErrorAction SilentlyContinue -ErrorVariable missing | Should -BeNullOrEmpty
        $missing | Should -HaveCount 1
    }
}

Describe 'Checks before anything is sent' {
    It 'refuses <Why>' -ForEach @(
        @{ Why = 'an empty query'; Arguments = @{ Query = ' '; EntityMapping = @{ Type = 'Host'; DeviceName = 'DeviceName' } }; Message = 'query must not be empty' }
        @{ Why = 'no entity mapping'; Arguments = @{ Query = 'AlertInfo' }; Message = 'at least one Account, Host, Mailbox or IP' }
        @{ Why = 'a mapping without a Type'; Arguments = @{ Query = 'AlertInfo'; EntityMapping = @{ DeviceName = 'DeviceName' } }; Message = 'needs Type' }
        @{ Why = 'an unknown mapping key'; Arguments = @{ Query = 'AlertInfo'; EntityMapping = @{ Type = 'Host'; Fqdn = 'DeviceName' } }; Message = "'Fqdn' is not an identifier of a Host" }
        @{ Why = 'techniques without a tactic'; Arguments = @{ Query = 'AlertInfo'; MitreTechnique = 'T1059'; EntityMapping = @{ Type = 'Host'; DeviceName = 'DeviceName' } }; Message = 'needs -Category' }
    ) {
        $before = Get-RequestTotal
        $failures = $null
        New-GsDetectionRule -Name 'Refused' -Title 'x' @Arguments -Connection rules -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDetectionRule,*'
        $failures[0].Exception.Message | Should -Match ([regex]::Escape($Message))
        Get-RequestTotal | Should -Be $before
    }

    It 'refuses a period the service does not run at, and a bad severity, by their validation' {
        { New-GsDetectionRule -Name x -Query AlertInfo -Title x -Period PT2H -EntityMapping $Host_ -Connection rules } | Should -Throw -ExceptionType ([System.Management.Automation.ParameterBindingException])
        { New-GsDetectionRule -Name x -Query AlertInfo -Title x -Severity critical -EntityMapping $Host_ -Connection rules } | Should -Throw -ExceptionType ([System.Management.Automation.ParameterBindingException])
    }

    It '-WhatIf sends nothing' {
        $before = Get-RequestTotal
        New-GsDetectionRule -Name 'WhatIf rule' -Query $Query -Title x -EntityMapping $Host_ -Connection rules -WhatIf | Should -BeNullOrEmpty
        Set-GsDetectionRule -Id 'WhatIf-rule' -Disabled -Connection rules -WhatIf
        Remove-GsDetectionRule -Id 'WhatIf-rule' -Connection rules -WhatIf
        Get-RequestTotal | Should -Be $before
        @(Get-GsDetectionRule -Name 'WhatIf rule' -Connection rules) | Should -HaveCount 0
    }
}
