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

BeforeDiscovery {
    # One case per parameter that takes text, a date, a duration or a number, and per enumeration
    # parameter whose type has the API's placeholder members: chosen here, so no case returns early.
    $common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name +
        [System.Management.Automation.Internal.ShouldProcessParameters].GetProperties().Name +
        [System.Management.Automation.PagingParameters].GetProperties().Name
    $checked = [string], [string[]], [datetime], [datetimeoffset], [Nullable[datetimeoffset]], [timespan], [int], [long], [Nullable[int]]
    # Parameters that take any value of their type, and why.
    $free = @{
        'Start-GsEmulator -Seed' = 'any integer is a seed'
    }
    $script:ValueParameters = @()
    $script:EnumParameters = @()
    foreach ($command in Get-Command -Module GraphSecurity -CommandType Cmdlet) {
        foreach ($parameter in $command.Parameters.Values | Where-Object Name -NotIn $common) {
            $key = "$($command.Name) -$($parameter.Name)"
            $type = $parameter.ParameterType
            # New-GsTiIndicator reads its fields from piped rows as well; TiIndicatorValidator checks both alike.
            $fromRows = $command.Name -eq 'New-GsTiIndicator' -and [GraphSecurity.Engine.TiIndicators.TiIndicatorFields]::ByName.ContainsKey($parameter.Name) -or ($command.Name -eq 'New-GsTiIndicator' -and $parameter.Name -eq 'Indicator')
            if ($type -in $checked -and -not $free.ContainsKey($key) -and -not $fromRows) { $script:ValueParameters += @{ Key = $key; Command = $command.Name; Parameter = $parameter.Name } }
            $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
            if ($element.IsEnum -and [Enum]::GetNames($element) -contains 'UnknownFutureValue') { $script:EnumParameters += @{ Key = $key; Command = $command.Name; Parameter = $parameter.Name; Enum = $element } }
        }
    }
}

Describe 'Values are checked as they bind' {
    It '<Key> has a check that runs before anything is sent' -ForEach $ValueParameters {
        $checks = (Get-Command $Command).Parameters[$Parameter].Attributes | Where-Object {
            $_ -is [System.Management.Automation.ValidateArgumentsAttribute] -and $_ -isnot [System.Management.Automation.ValidateNotNullOrEmptyAttribute] -and $_ -isnot [System.Management.Automation.ValidateNotNullAttribute]
        }
        @($checks).Count | Should -BeGreaterThan 0 -Because "$Key needs ValidateText, ValidateGuid, ValidateTenant, ValidateSet, ValidateMoment, ValidateDuration or ValidateRange"
    }

    It '<Key> completes and accepts only members the service uses' -ForEach $EnumParameters {
        $attributes = (Get-Command $Command).Parameters[$Parameter].Attributes
        $set = $attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
        $set | Should -Not -BeNullOrEmpty -Because 'PowerShell completes enumerations from ValidateSet'
        $set.ValidValues | Should -Not -Contain 'UnknownFutureValue'
        $known = $attributes | Where-Object { $_ -is [GraphSecurity.Commands.Base.ValidateKnownValueAttribute] }
        if ($known) {
            @($set.ValidValues) | Should -Be @([GraphSecurity.Commands.Base.ValidateKnownValueAttribute]::Members($Enum, $known.AllowUnknown))
        }
        $line = "$Command -$Parameter "
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Not -Contain 'UnknownFutureValue'
        @($completions | Sort-Object) | Should -Be @($set.ValidValues | Sort-Object)
    }
}
