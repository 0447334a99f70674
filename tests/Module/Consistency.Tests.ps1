# The rules every cmdlet follows, checked over the whole exported surface so later cmdlets cannot slip.
# Each rule's cases are chosen at discovery, from the imported module: a case exists only where its rule
# applies, and every case asserts.
BeforeDiscovery {
    Import-Module $env:GS_TEST_MODULE
    $commands = @(Get-Command -Module GraphSecurity -CommandType Cmdlet)

    # The same parameter name means the same thing everywhere: its type (element type for arrays).
    $shared = [ordered]@{
        Connection = ([GraphSecurity.GsConnectionInfo[]])
        Filter     = ([string])
        Top        = ([int])
        All        = ([switch])
        PassThru   = ([switch])
        Since      = ([datetime])
        Until      = ([datetime])
    }
    $changing = 'Set', 'New', 'Remove', 'Stop', 'Update', 'Add', 'Start', 'Disconnect', 'Undo', 'Sync'
    # Invoke- is a verb of both kinds: a response action changes something, a hunting query only reads.
    $acting = 'Invoke-GsSecurityAction', 'Invoke-GsLiveResponse'
    $writing = 'Get', 'New', 'Watch', 'Compare', 'Receive', 'Start', 'Undo', 'Save', 'Invoke'

    $script:Cmdlets = @($commands | ForEach-Object { @{ Name = $_.Name } })
    $script:SharedParameters = @(foreach ($command in $commands) {
            foreach ($name in $shared.Keys | Where-Object { $command.Parameters.ContainsKey($_) }) {
                @{ Name = $command.Name; Parameter = $name; Type = $shared[$name]; TypeName = $shared[$name].Name }
            }
        })
    $script:IdCommands = @($commands | Where-Object { $_.Parameters.ContainsKey('Id') } | ForEach-Object { @{ Name = $_.Name } })
    $script:ChangingCommands = @($commands | Where-Object { $_.Verb -in $changing -or $_.Name -in $acting } | ForEach-Object { @{ Name = $_.Name } })
    $script:HighImpactCommands = @($commands | Where-Object { $_.Verb -eq 'Remove' -or $_.Name -in $acting } | ForEach-Object { @{ Name = $_.Name } })
    $script:WritingCommands = @($commands | Where-Object Verb -In $writing | ForEach-Object { @{ Name = $_.Name } })

    # A rule whose cases are all gone would pass by checking nothing: the counts are a case of their own.
    $script:RuleCounts = @(@{ Counts = [ordered]@{
                Cmdlets = $Cmdlets.Count; SharedParameters = $SharedParameters.Count; IdCommands = $IdCommands.Count
                ChangingCommands = $ChangingCommands.Count; HighImpactCommands = $HighImpactCommands.Count; WritingCommands = $WritingCommands.Count
            }
        })
}

BeforeAll {
    Import-Module $env:GS_TEST_MODULE
}

Describe 'Conventions' {
    It 'every rule has cmdlets to check' -ForEach $RuleCounts {
        foreach ($rule in $Counts.Keys) { $Counts[$rule] | Should -BeGreaterThan 0 -Because "the rule over $rule found no case" }
    }

    It '<Name> uses an approved verb and the Gs prefix' -ForEach $Cmdlets {
        $command = Get-Command $Name
        (Get-Verb).Verb | Should -Contain $command.Verb
        $command.Noun | Should -BeLike 'Gs*'
    }

    It '<Name> -<Parameter> has the shared type <TypeName>' -ForEach $SharedParameters {
        (Get-Command $Name).Parameters[$Parameter].ParameterType | Should -Be $Type
    }

    It '<Name> -Id takes strings and binds from piped objects' -ForEach $IdCommands {
        $id = (Get-Command $Name).Parameters['Id']
        $id.ParameterType | Should -BeIn @([string], [string[]])
        @($id.ParameterSets.Values | Where-Object ValueFromPipelineByPropertyName).Count | Should -BeGreaterThan 0
    }

    It '<Name> changes something, so it supports -WhatIf and -Confirm' -ForEach $ChangingCommands {
        $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command $Name))
        $metadata.SupportsShouldProcess | Should -BeTrue
    }

    It '<Name> deletes or acts, so it asks first (ConfirmImpact High)' -ForEach $HighImpactCommands {
        $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command $Name))
        $metadata.ConfirmImpact | Should -Be 'High'
    }

    It '<Name> declares its output type' -ForEach $WritingCommands {
        (Get-Command $Name).OutputType | Should -Not -BeNullOrEmpty
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
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $fields = Get-EngineType 'GraphSecurity.Engine.TiIndicators.TiIndicatorFields'
    $rowFields = $fields::ByName
    $script:ValueParameters = @()
    $script:EnumParameters = @()
    $script:KnownValueParameters = @()
    foreach ($command in Get-Command -Module GraphSecurity -CommandType Cmdlet) {
        foreach ($parameter in $command.Parameters.Values | Where-Object Name -NotIn $common) {
            $key = "$($command.Name) -$($parameter.Name)"
            $type = $parameter.ParameterType
            # New- and Sync-GsTiIndicator read their fields from piped rows as well; TiIndicatorValidator checks both alike.
            $fromRows = $command.Name -in 'New-GsTiIndicator', 'Sync-GsTiIndicator' -and ($rowFields.ContainsKey($parameter.Name) -or $parameter.Name -eq 'Indicator')
            if ($type -in $checked -and -not $free.ContainsKey($key) -and -not $fromRows) { $script:ValueParameters += @{ Key = $key; Command = $command.Name; Parameter = $parameter.Name } }
            $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
            if ($element.IsEnum -and [Enum]::GetNames($element) -contains 'UnknownFutureValue') {
                $known = $parameter.Attributes | Where-Object { $_ -is [GraphSecurity.Commands.Base.ValidateKnownValueAttribute] }
                $case = @{ Key = $key; Command = $command.Name; Parameter = $parameter.Name; Enum = $element }
                $script:EnumParameters += $case
                if ($known) { $script:KnownValueParameters += @($case + @{ AllowUnknown = $known.AllowUnknown }) }
            }
        }
    }
    $script:ValueRuleCounts = @(@{ Counts = [ordered]@{ ValueParameters = $ValueParameters.Count; EnumParameters = $EnumParameters.Count; KnownValueParameters = $KnownValueParameters.Count } })
}

Describe 'Values are checked as they bind' {
    It 'every rule has parameters to check' -ForEach $ValueRuleCounts {
        foreach ($rule in $Counts.Keys) { $Counts[$rule] | Should -BeGreaterThan 0 -Because "the rule over $rule found no case" }
    }

    It '<Key> has a check that runs before anything is sent' -ForEach $ValueParameters {
        $checks = (Get-Command $Command).Parameters[$Parameter].Attributes | Where-Object {
            $_ -is [System.Management.Automation.ValidateArgumentsAttribute] -and $_ -isnot [System.Management.Automation.ValidateNotNullOrEmptyAttribute] -and $_ -isnot [System.Management.Automation.ValidateNotNullAttribute]
        }
        @($checks).Count | Should -BeGreaterThan 0 -Because "$Key needs ValidateText, ValidateGuid, ValidateTenant, ValidateSet, ValidateMoment, ValidateDuration or ValidateRange"
    }

    It '<Key> completes and accepts only members the service uses' -ForEach $EnumParameters {
        $set = (Get-Command $Command).Parameters[$Parameter].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
        $set | Should -Not -BeNullOrEmpty -Because 'PowerShell completes enumerations from ValidateSet'
        $set.ValidValues | Should -Not -Contain 'UnknownFutureValue'
        $line = "$Command -$Parameter "
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Not -Contain 'UnknownFutureValue'
        @($completions | Sort-Object) | Should -Be @($set.ValidValues | Sort-Object)
    }

    It '<Key> lists in its ValidateSet exactly the members ValidateKnownValue takes' -ForEach $KnownValueParameters {
        $set = (Get-Command $Command).Parameters[$Parameter].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
        @($set.ValidValues) | Should -Be @([GraphSecurity.Commands.Base.ValidateKnownValueAttribute]::Members($Enum, $AllowUnknown))
    }
}
