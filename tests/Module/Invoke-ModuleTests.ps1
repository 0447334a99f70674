<#
.SYNOPSIS
    Runs the Pester suite against the built module and a freshly started emulator.

.DESCRIPTION
    Called by build.ps1 in a child pwsh. Starts one emulator for the whole run (its own info file,
    a certificate-authenticated test app registered through a config file) and the sample partner
    provider on http://127.0.0.1:7801 (the address the help examples use), runs every *.Tests.ps1
    beside this script, stops both and writes the counts to -ResultFile.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ResultFile,
    # Test files to run (default: every *.Tests.ps1 of this folder).
    [string[]] $TestPath = $PSScriptRoot
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath
Import-Module $ModulePath

$work = Join-Path ([IO.Path]::GetTempPath()) "graphsecurity-tests-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
. (Join-Path $PSScriptRoot 'TestSetup.ps1')

$emulator = $null
$provider = $null
try {
    $context = New-TestContext -WorkFolder $work
    $emulator = Start-GsEmulator -InfoPath $context.InfoPath -ConfigPath $context.ConfigPath -Seed 42
    $env:GRAPHSECURITY_EMULATOR_INFO = $context.InfoPath
    $env:GS_TEST_MODULE = $ModulePath
    $env:GS_TEST_WORK = $work
    $provider = Start-TestProvider -Port 7801 -Name sample-provider

    $configuration = New-PesterConfiguration
    $configuration.Run.Path = $TestPath
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = 'Detailed'
    $result = Invoke-Pester -Configuration $configuration

    $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    @{ Passed = $result.PassedCount; Failed = $failed } | ConvertTo-Json | Set-Content -Path $ResultFile
}
finally {
    if ($provider) { Stop-TestProvider $provider }
    if ($emulator) { Stop-GsEmulator -InfoPath $emulator.InfoPath }
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
