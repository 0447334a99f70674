BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name action-tests
    # This file covers the partnering document's beta securityActions, which only -Api GraphSecurityActions reaches.
    $PSDefaultParameterValues['*-GsSecurityAction:Api'] = 'GraphSecurityActions'
    $PSDefaultParameterValues['Invoke-GsSecurityAction:WarningAction'] = 'SilentlyContinue'
    $script:emulator = Get-TestEmulator
    function Get-RawAction([string] $Id) {
        $headers = @{ Authorization = "Bearer $(Get-RawToken)" }
        if ($Id) { Invoke-RestMethod -Uri "$($emulator.url)/beta/security/securityActions/$Id" -Headers $headers -SkipCertificateCheck }
        else { (Invoke-RestMethod -Uri "$($emulator.url)/beta/security/securityActions?`$top=2000" -Headers $headers -SkipCertificateCheck).value }
    }
    function Get-PostCount {
        $counters = Invoke-RestMethod -Uri "$($emulator.url)/_emulator/counters" -SkipCertificateCheck
        [int](($counters.routes | Where-Object { $_.method -eq 'POST' -and $_.route -like '/beta/security/securityActions*' } | Measure-Object -Property count -Sum).Sum)
    }
}
AfterAll {
    $PSDefaultParameterValues.Remove('*-GsSecurityAction:Api')
    $PSDefaultParameterValues.Remove('Invoke-GsSecurityAction:WarningAction')
    Disconnect-GsTenant -Name action-tests
}

Describe 'Invoke-GsSecurityAction' {
    It 'blocks an IP: the action starts NotStarted and the service holds what was asked' {
        $action = Invoke-GsSecurityAction -IpAddress 203.0.113.7 -Reason 'Phishing C2 seen in alert' -ClientContext 'ticket-4711' -Confirm:$false
        $action.Name | Should -Be 'BlockIp'
        $action.Status | Should -Be 'NotStarted'
        $action.Target | Should -Be '203.0.113.7'
        $action.ConnectionName | Should -Be 'action-tests'
        $raw = Get-RawAction $action.Id
        $raw.parameters[0].name | Should -Be 'IP'
        $raw.parameters[0].value | Should -Be '203.0.113.7'
        $raw.actionReason | Should -Be 'Phishing C2 seen in alert'
        $raw.clientContext | Should -Be 'ticket-4711'
        $raw.vendorInformation.provider | Should -Be 'Windows Defender ATP'
    }

    It 'with -Wait follows the action from NotStarted through Running to Completed' {
        $action = Invoke-GsSecurityAction -Name BlockIp -Parameter @{ IP = '198.51.100.23' } -Wait -PollInterval 1 -Confirm:$false
        $action.Status | Should -Be 'Completed'
        $action.CompletedDateTime | Should -Not -BeNullOrEmpty
        @($action.States.Status) | Should -Be @('NotStarted', 'Running', 'Completed')
        (Get-RawAction $action.Id).status | Should -Be 'Completed'
    }

    It 'with -WhatIf sends nothing' {
        $before = Get-PostCount
        $count = @(Get-RawAction).Count
        Invoke-GsSecurityAction -IpAddress 192.0.2.1 -WhatIf | Should -BeNullOrEmpty
        Get-PostCount | Should -Be $before
        @(Get-RawAction).Count | Should -Be $count
    }

    It 'rejects a value that is not an IP address before sending, as an error for that input' {
        $before = Get-PostCount
        $result = '192.0.2.9', 'not-an-ip' | Invoke-GsSecurityAction -Confirm:$false -ErrorVariable invalid -ErrorAction SilentlyContinue
        @($result).Count | Should -Be 1
        $invalid.Count | Should -Be 1
        $invalid[0].TargetObject | Should -Be 'not-an-ip'
        $invalid[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-PostCount | Should -Be ($before + 1)
    }

    It 'with -Wait reports an action that ends Failed as the action plus a SecurityActionFailed error' {
        $job = Start-ThreadJob -ScriptBlock {
            param($ModulePath)
            Import-Module $ModulePath
            Invoke-GsSecurityAction -Api GraphSecurityActions -IpAddress 192.0.2.66 -Wait -PollInterval 1 -TimeoutSeconds 60 -Connection action-tests -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed
        } -ArgumentList $env:GS_TEST_MODULE
        try {
            # Cancel it behind the waiting command's back, through the raw API.
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            do { Start-Sleep -Milliseconds 100; $target = Get-RawAction | Where-Object { $_.parameters[0].value -eq '192.0.2.66' } | Select-Object -First 1 }
            until ($target -or [DateTime]::UtcNow -gt $deadline)
            Invoke-RestMethod -Method Post -Uri "$($emulator.url)/beta/security/securityActions/$($target.id)/cancelSecurityAction" -Headers @{ Authorization = "Bearer $(Get-RawToken)" } -SkipCertificateCheck | Out-Null
            $output = $job | Wait-Job -Timeout 60 | Receive-Job
        }
        finally { $job | Remove-Job -Force }
        $action = $output | Where-Object { $_ -is [GraphSecurity.SecurityAction] }
        $action.Id | Should -Be $target.id
        $action.Status | Should -Be 'Failed'
        $action.ErrorInfo.Code | Should -Be 409
        ($output | Where-Object { $_ -is [Management.Automation.ErrorRecord] }).FullyQualifiedErrorId | Should -BeLike 'SecurityActionFailed*'
    }

    It 'times out cleanly with -Wait: the action is written with its status and a timeout error' {
        $action = Invoke-GsSecurityAction -IpAddress 192.0.2.77 -Wait -TimeoutSeconds 1 -PollInterval 1 -Confirm:$false -ErrorVariable timedOut -ErrorAction SilentlyContinue
        $action.Status | Should -BeIn @('NotStarted', 'Running')
        $timedOut[0].FullyQualifiedErrorId | Should -BeLike 'SecurityActionTimeout*'
    }
}

Describe 'Get-GsSecurityAction' {
    It 'exports readable columns to CSV' {
        $csv = Get-GsSecurityAction -First 3 | ConvertTo-Csv | ConvertFrom-Csv
        $csv[0].Parameters | Should -Match '^IP=\S+'
        $csv[0].VendorInformation | Should -Be 'Microsoft/Windows Defender ATP'
        ($csv | ConvertTo-Csv) -join "`n" | Should -Not -Match 'System\.|GraphSecurity\.'
    }

    It 'lists what the service lists, newest first, and filters by status' {
        $raw = @(Get-RawAction)
        $listed = @(Get-GsSecurityAction -All)
        $listed.Id | Should -Be $raw.id
        $completed = @(Get-GsSecurityAction -Status Completed -All)
        $completed.Count | Should -Be @($raw | Where-Object status -eq 'Completed').Count
        $completed.Status | Select-Object -Unique | Should -Be 'Completed'
    }

    It 'gets actions by id from the pipeline, and an unknown id is an error for that id' {
        $some = Get-GsSecurityAction -First 2
        $again = $some | Get-GsSecurityAction
        $again.Id | Should -Be $some.Id
        Get-GsSecurityAction -Id 'no-such-action' -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $missing[0].TargetObject | Should -Be 'no-such-action'
    }
}

Describe 'Stop-GsSecurityAction' {
    It 'cancels actions piped from Invoke-GsSecurityAction' {
        $actions = '192.0.2.10', '192.0.2.11' | Invoke-GsSecurityAction -Reason 'test' -Confirm:$false
        $actions | Stop-GsSecurityAction -Confirm:$false
        foreach ($action in $actions) {
            $raw = Get-RawAction $action.Id
            $raw.status | Should -Be 'Failed'
            $raw.errorInfo.code | Should -Be 409
        }
    }

    It 'cannot cancel a finished action: a non-terminating error names it' {
        $done = Invoke-GsSecurityAction -IpAddress 192.0.2.12 -Wait -PollInterval 1 -Confirm:$false
        $done | Stop-GsSecurityAction -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].TargetObject | Should -Be $done.Id
        $refused[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-RawAction $done.Id).status | Should -Be 'Completed'
    }

    It 'with -PassThru writes the cancelled action, which the service marks Failed with code 409' {
        $action = Invoke-GsSecurityAction -Name blockip -Parameter @{ IP = '10.0.0.1' } -Confirm:$false
        $action.Name | Should -Be 'BlockIp'
        $stopped = Stop-GsSecurityAction -Id $action.Id -PassThru -Confirm:$false
        $stopped.Status | Should -Be 'Failed'
        $stopped.ErrorInfo.Code | Should -Be 409
        $stopped.ErrorInfo.Message | Should -Be (Get-RawAction $action.Id).errorInfo.message
    }

    It '-WhatIf cancels nothing' {
        $action = Invoke-GsSecurityAction -IpAddress 192.0.2.13 -Confirm:$false
        $action | Stop-GsSecurityAction -WhatIf
        (Get-RawAction $action.Id).status | Should -BeIn @('NotStarted', 'Running')
    }
}
