# The rules every cmdlet follows, checked over the whole exported surface so later cmdlets cannot slip.
BeforeDiscovery {
    Import-Module $env:GS_TEST_MODULE
    $script:Cmdlets = @(Get-Command -Module GraphSecurity -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    # The same parameter name means the same thing everywhere: its type (element type for arrays).
    $script:Shared = @{
        Connection = ([GraphSecurity.GsConnectionInfo[]])
        Filter     = ([string])
        Top        = ([int])
        All        = ([switch])
        PassThru   = ([switch])
        Since      = ([datetime])
        Until      = ([datetime])
    }
    $script:Changing = 'Set', 'New', 'Remove', 'Stop', 'Update', 'Add', 'Start', 'Disconnect'
    # Invoke- is a verb of both kinds: a response action changes something, a hunting query only reads.
    $script:Acting = 'Invoke-GsSecurityAction'
}

Describe 'Conventions of <Name>' -ForEach $Cmdlets {
    BeforeAll {
        $script:Command = Get-Command $Name
        $script:Metadata = [System.Management.Automation.CommandMetadata]::new($Command)
    }

    It 'uses an approved verb and the Gs prefix' {
        (Get-Verb).Verb | Should -Contain $Command.Verb
        $Command.Noun | Should -BeLike 'Gs*'
    }

    It 'shared parameter names have the shared type' {
        foreach ($name in $Shared.Keys) {
            if ($Command.Parameters.ContainsKey($name)) {
                $Command.Parameters[$name].ParameterType | Should -Be $Shared[$name] -Because "-$name of $Name"
            }
        }
    }

    It 'an -Id parameter takes strings and binds from piped objects' {
        if (-not $Command.Parameters.ContainsKey('Id')) { return }
        $id = $Command.Parameters['Id']
        $id.ParameterType | Should -BeIn @([string], [string[]])
        @($id.ParameterSets.Values | Where-Object ValueFromPipelineByPropertyName).Count | Should -BeGreaterThan 0
    }

    It 'a command that changes something supports -WhatIf and -Confirm' {
        if ($Command.Verb -notin $Changing -and $Name -notin $Acting) { return }
        $Metadata.SupportsShouldProcess | Should -BeTrue -Because "$Name changes state"
        if ($Command.Verb -eq 'Remove' -or $Name -in $Acting) { $Metadata.ConfirmImpact | Should -Be 'High' -Because "$Name deletes or acts" }
    }

    It 'declares its output type' {
        if ($Command.Verb -in 'Get', 'New', 'Watch', 'Compare', 'Receive', 'Start') { $Command.OutputType | Should -Not -BeNullOrEmpty }
    }
}
