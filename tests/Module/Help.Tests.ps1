# Help is part of the product: every cmdlet documented, every example that can run against the
# emulator is run, and must succeed.
BeforeDiscovery {
    Import-Module $env:GS_TEST_MODULE
    $script:Cmdlets = @(Get-Command -Module GraphSecurity -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $script:Examples = @(foreach ($cmdlet in $Cmdlets) {
            $number = 0
            foreach ($example in (Get-Help $cmdlet.Name -Full).examples.example) {
                $number++
                $title = ($example.title -replace '^-+\s*|\s*-+$', '')
                if ($title -notlike '*(needs a tenant)') {
                    @{ Name = $cmdlet.Name; Number = $number; Title = $title; Code = ($example.code | Out-String) }
                }
            }
        })
    $script:AboutTopics = @('about_GraphSecurity', 'about_GraphSecurity_Authentication', 'about_GraphSecurity_Emulator', 'about_GraphSecurity_Paging_And_Throttling', 'about_GraphSecurity_Migration', 'about_GraphSecurity_Providers')
}

BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:Common = [System.Management.Automation.PSCmdlet]::CommonParameters + 'UseTransaction'
}

Describe 'Help of <Name>' -ForEach $Cmdlets {
    BeforeAll { $script:Help = Get-Help $Name -Full }

    It 'has a synopsis of its own' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -Match ("^" + [regex]::Escape($Name) + " \[")   # not the syntax PowerShell shows when help is missing
    }

    It 'has a description' {
        ($Help.description.Text -join ' ').Length | Should -BeGreaterThan 40
    }

    It 'describes every parameter' {
        $documented = @{}
        foreach ($parameter in $Help.parameters.parameter) { $documented[$parameter.name] = ($parameter.description.Text -join ' ') }
        foreach ($name in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $Common }) {
            $documented[$name] | Should -Not -BeNullOrEmpty -Because "-$name of $Name needs a description"
        }
    }

    It 'has at least two examples' {
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'Example <Number> of <Name>: <Title>' -ForEach $Examples {
    BeforeAll {
        Disconnect-GsTenant -All
        Connect-GsTenant -Emulator -Name Emulator
    }
    AfterAll { Disconnect-GsTenant -All }

    It 'runs against the emulator without an error' {
        $ErrorActionPreference = 'Stop'
        $WarningPreference = 'SilentlyContinue'
        { & ([scriptblock]::Create($Code)) | Out-String | Out-Null } | Should -Not -Throw
    }
}

Describe 'About topic <_>' -ForEach $AboutTopics {
    It 'is found by Get-Help' {
        $text = Get-Help $_ | Out-String
        $text | Should -BeLike "*$_*"
        $text | Should -BeLike '*SHORT DESCRIPTION*'
    }
}
