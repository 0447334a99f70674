# The package as a user gets it: publish the .nupkg of build.ps1 package to a local file repository,
# install it with Install-PSResource, then in a new process import it by name, start its emulator,
# connect, read alerts and read its help. The user profile is a fresh folder, so the repository
# registration and the installed module touch nothing of the machine's.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $moduleFolder = Split-Path $env:GS_TEST_MODULE
    $script:Manifest = Import-PowerShellDataFile $env:GS_TEST_MODULE
    $script:Nupkg = Join-Path (Split-Path $moduleFolder) "package/GraphSecurity.$($Manifest.ModuleVersion).nupkg"
    if (-not (Test-Path $Nupkg)) { throw "No package at ${Nupkg}: run './build.ps1 package' first." }

    $script:Profile = Join-Path $env:GS_TEST_WORK "package-profile-$PID"
    # Where Install-PSResource -Scope CurrentUser puts the module under that profile.
    $script:Installed = Join-Path $Profile ".local/share/powershell/Modules/GraphSecurity/$($Manifest.ModuleVersion)"
    $script:Repository = Join-Path $env:GS_TEST_WORK "package-repository-$PID"
    # .NET reports a special folder (LocalApplicationData…) only if it exists; PSResourceGet would
    # otherwise keep its repository list relative to the working folder.
    New-Item -ItemType Directory -Force $Repository, (Join-Path $Profile '.local/share'), (Join-Path $Profile '.config'), (Join-Path $Profile '.cache') | Out-Null

    # Runs a script in a new pwsh whose user profile (HOME, XDG folders) is the fresh folder.
    function Invoke-AsNewUser([string] $Script) {
        $scriptPath = Join-Path $env:GS_TEST_WORK "package-step-$([Guid]::NewGuid().ToString('N')).ps1"
        Set-Content -Path $scriptPath -Value "`$ErrorActionPreference = 'Stop'`n$Script"
        $environment = @{
            HOME = $Profile; XDG_DATA_HOME = (Join-Path $Profile '.local/share'); XDG_CONFIG_HOME = (Join-Path $Profile '.config')
            XDG_CACHE_HOME = (Join-Path $Profile '.cache'); PSModulePath = $null
            GRAPHSECURITY_EMULATOR_INFO = (Join-Path $Profile 'emulator.json'); GRAPHSECURITY_EMULATOR_PATH = $null
        }
        Invoke-WithEnvironment $environment { Invoke-TestPwsh $scriptPath }
    }

    $script:Install = Invoke-AsNewUser @"
Register-PSResourceRepository -Name GsLocal -Uri '$Repository' -Trusted
Publish-PSResource -NupkgPath '$Nupkg' -Repository GsLocal
Install-PSResource -Name GraphSecurity -Repository GsLocal -Scope CurrentUser -TrustRepository -Quiet
(Get-InstalledPSResource -Name GraphSecurity).InstalledLocation
"@
    $script:Use = Invoke-AsNewUser @'
$module = Import-Module GraphSecurity -PassThru
"MODULE $($module.ModuleBase)"
$emulator = Start-GsEmulator -AlertCount 40
try {
    Connect-GsTenant -Emulator -Name installed | Out-Null
    "ALERTS $(@(Get-GsAlert -First 5 -Connection installed).Count)"
    "EXAMPLES $(@((Get-Help Get-GsAlert -Examples).examples.example).Count)"
    "ABOUT $(@(Get-Help about_GraphSecurity* | Where-Object Category -eq HelpFile).Count)"
} finally {
    Stop-GsEmulator
}
'@
}
AfterAll { Remove-Item $Profile, $Repository -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'The package' {
    It 'is published to a file repository and installed with Install-PSResource, all inside the fresh profile' {
        $Install.ExitCode | Should -Be 0 -Because ($Install.Output -join "`n")
        Join-Path $Profile '.local/share/PSResourceGet/PSResourceRepository.xml' | Should -Exist
        Join-Path (Get-Location) 'PSResourceGet' | Should -Not -Exist
        Get-ChildItem $Repository -Filter 'GraphSecurity.*.nupkg' | Should -HaveCount 1
        Join-Path $Installed 'GraphSecurity.psd1' | Should -Exist
    }

    It 'holds only what the module needs: no tests, build outputs or symbols' {
        Get-ChildItem $Installed -Recurse -File -Include '*.pdb', '*.Tests.*', '*.trx', '*.deps.json' |
            Where-Object FullName -NotLike '*/Emulator/*.deps.json' | Should -BeNullOrEmpty
        Join-Path $Installed 'Dependencies/GraphSecurity.Engine.dll' | Should -Exist
        Join-Path $Installed 'Emulator/GraphSecurity.Emulator.dll' | Should -Exist
        Join-Path $Installed 'en-US/GraphSecurity.dll-Help.xml' | Should -Exist
        Join-Path $Installed 'Microsoft.Identity.Client.dll' | Should -Not -Exist -Because 'third-party assemblies stay in Dependencies/'
    }

    It 'has a manifest that Test-ModuleManifest accepts, with project, licence, tags and release notes' {
        $tested = Test-ModuleManifest (Join-Path $Installed 'GraphSecurity.psd1') -ErrorAction Stop
        $tested.ProjectUri | Should -Not -BeNullOrEmpty
        $tested.LicenseUri | Should -Not -BeNullOrEmpty
        $tested.Tags | Should -Contain 'Security'
        $tested.ReleaseNotes | Should -Match 'First release'
    }

    It 'imports by name in a new process, starts its emulator, connects and reads alerts' {
        $Use.ExitCode | Should -Be 0 -Because ($Use.Output -join "`n")
        ($Use.Output | Where-Object { $_ -like 'MODULE *' }) | Should -BeLike "MODULE $Profile*"
        ($Use.Output | Where-Object { $_ -like 'ALERTS *' }) | Should -Be 'ALERTS 5'
    }

    It 'brings its help: examples for Get-GsAlert and the about topics' {
        [int](($Use.Output | Where-Object { $_ -like 'EXAMPLES *' }) -replace 'EXAMPLES ') | Should -BeGreaterThan 2
        [int](($Use.Output | Where-Object { $_ -like 'ABOUT *' }) -replace 'ABOUT ') | Should -BeGreaterOrEqual 5
    }
}
