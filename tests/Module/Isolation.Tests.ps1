# The module beside other modules' copies of its dependencies: an older MSAL, IdentityModel and
# Azure.Core (what Az.Accounts or Microsoft.Graph.Authentication bring) loaded before or after it, and
# an assembly that stands in for a newer MSAL.
# Each order runs in a process of its own, since assemblies cannot be unloaded from the default context.
BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestSetup.ps1') }
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    # Restored by tests/tools/TestPackages.csproj.
    $script:OlderAssemblies = @(
        Join-Path $packages 'microsoft.identitymodel.abstractions/6.35.0/lib/net6.0/Microsoft.IdentityModel.Abstractions.dll'
        Join-Path $packages 'microsoft.identity.client/4.61.3/lib/net6.0/Microsoft.Identity.Client.dll'
        Join-Path $packages 'azure.core/1.38.0/lib/net6.0/Azure.Core.dll'
    )

    # Runs the child script in a new pwsh with the order given and returns what it reported.
    function Invoke-LoadOrder([string] $Order) {
        $child = Invoke-TestPwsh (Join-Path $PSScriptRoot 'Isolation.Child.ps1') @('-Order', $Order, '-OlderAssemblies', ($OlderAssemblies -join ';'))
        $json = $child.Output | Where-Object { $_ -like 'REPORT *' } | Select-Object -Last 1
        if (-not $json) { throw "The child process reported nothing:`n$($child.Output -join "`n")" }
        $json.Substring(7) | ConvertFrom-Json
    }
}

Describe 'An older MSAL, IdentityModel and Azure.Core loaded first, then GraphSecurity' {
    BeforeAll { $script:Report = Invoke-LoadOrder 'OlderFirst' }

    It 'the older assemblies are the ones the session sees: <_>' -ForEach @('Microsoft.Identity.Client 4.61.3.0', 'Microsoft.IdentityModel.Abstractions 6.35.0.0', 'Azure.Core 1.38.0.0') {
        $name, $version = $_ -split ' '
        $default = $Report.Assemblies | Where-Object { $_.Name -eq $name -and $_.Context -eq 'Default' }
        $default.Version | Should -Be $version
    }

    It 'the module loads its own MSAL beside them, privately' {
        $ours = $Report.Assemblies | Where-Object { $_.Name -eq 'Microsoft.Identity.Client' -and $_.Context -ne 'Default' }
        $ours.Version | Should -Not -Be '4.61.3.0'
        [version] $ours.Version | Should -BeGreaterThan ([version] '4.61.3.0')
        ($Report.Assemblies | Where-Object Name -eq 'GraphSecurity.Engine').Context | Should -Be 'DependencyLoadContext'
        ($Report.Assemblies | Where-Object Name -eq 'GraphSecurity.Models').Context | Should -Be 'Default'
    }

    It 'signs in with <_> and reads alerts' -ForEach $TestSignInFlows {
        $flow = $Report.Flows | Where-Object Flow -eq $_
        $flow.Error | Should -BeNullOrEmpty -Because $flow.Detail
        $flow.Alerts | Should -Be 2
    }

    It 'a script using the older MSAL through its own types still works' {
        $Report.OlderMsal.Version | Should -Be '4.61.3.0'
        $Report.OlderMsal.ClientId | Should -Be $DefaultClientId
        $Report.OlderMsal.Error | Should -BeNullOrEmpty
    }
}

Describe 'GraphSecurity first, then an older MSAL, IdentityModel and Azure.Core' {
    BeforeAll { $script:Report = Invoke-LoadOrder 'ModuleFirst' }

    It 'reads alerts before the older assemblies are loaded, and after' {
        $Report.Flows.Count | Should -Be 2
        foreach ($flow in $Report.Flows) {
            $flow.Error | Should -BeNullOrEmpty
            $flow.Alerts | Should -Be 2
        }
    }

    It 'a script using the older MSAL through its own types gets those types, not the module''s' {
        $Report.OlderMsal.Version | Should -Be '4.61.3.0'
        $Report.OlderMsal.Context | Should -Be 'Default'
        $Report.OlderMsal.ClientId | Should -Be $DefaultClientId
        $Report.OlderMsal.Error | Should -BeNullOrEmpty
        $Report.OlderAzureCore | Should -Be '1.38.0.0'
    }
}

Describe 'A newer MSAL (version 99) loaded first, then GraphSecurity' {
    BeforeAll { $script:Report = Invoke-LoadOrder 'NewerFirst' }

    It 'signs in and reads alerts with the module''s own MSAL beside the newer one' {
        $Report.Flows.Count | Should -Be 2
        foreach ($flow in $Report.Flows) {
            $flow.Error | Should -BeNullOrEmpty
            $flow.Alerts | Should -Be 2
        }
        ($Report.Assemblies | Where-Object { $_.Name -eq 'Microsoft.Identity.Client' -and $_.Context -eq 'Default' }).Version | Should -Be '99.0.0.0'
        $ours = $Report.Assemblies | Where-Object { $_.Name -eq 'Microsoft.Identity.Client' -and $_.Context -eq 'DependencyLoadContext' }
        [version] $ours.Version | Should -BeLessThan ([version] '99.0.0.0')
    }
}
