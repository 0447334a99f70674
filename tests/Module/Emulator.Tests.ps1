BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

Describe 'Start-GsEmulator / Stop-GsEmulator' {
    BeforeAll { $script:InfoPath = Join-Path $env:GS_TEST_WORK 'second/emulator.json' }
    AfterAll { Stop-GsEmulator -InfoPath $InfoPath }

    It 'starts an emulator on loopback that writes its URL and thumbprint, and no secret' {
        $emulator = Start-GsEmulator -InfoPath $InfoPath -Seed 7 -AlertCount 120
        $emulator.Url.Host | Should -Be '127.0.0.1'
        $emulator.Url.Scheme | Should -Be 'https'
        $emulator.Thumbprint | Should -Match '^[0-9A-F]{40}$'
        $emulator.AlertCount | Should -Be 120
        $text = Get-Content -Raw $InfoPath
        $text | Should -Not -BeLike '*secret*'
        (Get-GsEmulator -InfoPath $InfoPath).Pid | Should -Be $emulator.Pid
    }

    It 'returns the running one instead of starting a second' {
        $first = Get-GsEmulator -InfoPath $InfoPath
        $again = Start-GsEmulator -InfoPath $InfoPath -WarningVariable warnings -WarningAction SilentlyContinue
        $again.Pid | Should -Be $first.Pid
        $warnings.Count | Should -Be 1
    }

    It 'serves its own seeded data to a connection made with -Emulator' {
        Connect-GsTenant -Emulator -EmulatorInfoPath $InfoPath -Name second
        try {
            $alerts = Get-GsAlert -All -Connection second
            $alerts.Count | Should -Be 120
        }
        finally { Disconnect-GsTenant -Name second }
    }

    It 'stops it and removes the info file' {
        $emulator = Get-GsEmulator -InfoPath $InfoPath
        Stop-GsEmulator -InfoPath $InfoPath
        Test-Path $InfoPath | Should -BeFalse
        Get-Process -Id $emulator.Pid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-GsEmulator -InfoPath $InfoPath | Should -BeNullOrEmpty
    }

    It '-Environment Emulator without a running emulator says how to start one' {
        { Connect-GsTenant -Environment Emulator -EmulatorInfoPath $InfoPath -TenantId $DefaultTenantId -ClientId $DefaultClientId -ClientSecret (ConvertTo-TestSecureString z) } |
            Should -Throw -ExpectedMessage 'No emulator is running*'
    }
}
