<#
.SYNOPSIS
    Builds, tests and demonstrates the GraphSecurity module.

.DESCRIPTION
    Tasks:
      Build  compiles the solution and assembles the importable module in out/GraphSecurity
             (manifest, cmdlet and model assemblies, format files; the engine and third-party
             assemblies in Dependencies/, the emulator in Emulator/).
      Package  Build, then out/package/GraphSecurity/<version> (the installed layout, without
             .pdb files unless -IncludeSymbols) and out/package/GraphSecurity.<version>.nupkg,
             which Publish-PSResource and Install-PSResource accept.
      Test   Package, then the format check (dotnet format --verify-no-changes), the xunit projects and the Pester suite (in a child pwsh, against
             out/GraphSecurity and a running emulator; the package tests install the .nupkg).
             Ends with "N passed, N failed" and a non-zero exit code when anything failed.
      Demo   Build, then the triage walkthrough of docs/demo.ps1 against a local emulator.
      Docs   Build, then write docs/commands/<cmdlet>.md for cmdlets that have no page yet and
             refresh the SYNTAX and parameter blocks of the others from the cmdlets themselves
             (prose is kept). Help is compiled from these pages by every Build.
      Bench  Package, then the benchmark of docs/performance.md: the packaged module against an Invoke-RestMethod
             loop, the Microsoft.Graph SDK and the raw limit, against local emulators. Writes
             out/bench/results.md and results.json (medians of several runs, machine info). Slow
             (tens of minutes at the default sizes), so never part of Test; -BenchArgs passes options
             to tests/GraphSecurity.Bench/Invoke-Bench.ps1, e.g.
             dotnet pwsh -c './build.ps1 bench -BenchArgs @{ Sizes = 2000; Runs = 1 }'
      Clean  removes out/ and the projects' bin/obj folders.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Docs', 'Bench', 'Clean')]
    [string[]] $Task = 'Build',

    # Options for the Bench task (parameters of tests/GraphSecurity.Bench/Invoke-Bench.ps1).
    [hashtable] $BenchArgs = @{},

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Package: keep the .pdb files (symbols) in the package.
    [switch] $IncludeSymbols
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'GraphSecurity'
$ResultsDir = Join-Path $Out 'test-results'
$PackageOut = Join-Path $Out 'package'

# A plain function on purpose: an advanced one would take "--verbosity minimal" for its own -Verbose.
function Invoke-Dotnet {
    & dotnet @args | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $version = $props.Project.PropertyGroup | ForEach-Object { $_.ModuleVersion } | Where-Object { $_ } | Select-Object -First 1
    if (-not $version) { throw 'Directory.Build.props has no <ModuleVersion>.' }
    $version
}

# Only the cmdlet assembly and the output types stay in the module folder; the engine and every
# third-party assembly go to Dependencies/, which the module loads privately (src/GraphSecurity.Loader).
function Move-Dependency([string] $ModuleFolder) {
    $stays = 'GraphSecurity.Loader.dll', 'GraphSecurity.Loader.pdb', 'GraphSecurity.dll', 'GraphSecurity.pdb', 'GraphSecurity.Models.dll', 'GraphSecurity.Models.pdb', 'GraphSecurity.Models.xml'
    $dependencies = New-Item -ItemType Directory -Force (Join-Path $ModuleFolder 'Dependencies')
    Get-ChildItem $ModuleFolder -File | Where-Object { $_.Extension -in '.dll', '.pdb', '.xml' -and $_.Name -notin $stays } |
        Move-Item -Destination $dependencies
}

# Test restores in locked mode: a package version that differs from packages.lock.json fails the run
# instead of drifting. Build restores normally and updates the lock files after a version change.
$LockedRestore = $false

function Invoke-Build {
    $restore = if ($LockedRestore) { '-p:RestoreLockedMode=true' } else { '-p:RestoreLockedMode=false' }
    Invoke-Dotnet build (Join-Path $Root 'GraphSecurity.sln') -c $Configuration --nologo --verbosity minimal $restore

    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    Invoke-Dotnet publish (Join-Path $Root 'src/GraphSecurity/GraphSecurity.csproj') -c $Configuration --no-build -o $ModuleOut --nologo --verbosity quiet
    Invoke-Dotnet publish (Join-Path $Root 'src/GraphSecurity.Emulator/GraphSecurity.Emulator.csproj') -c $Configuration --no-build -o (Join-Path $ModuleOut 'Emulator') --nologo --verbosity quiet

    # The host supplies System.Management.Automation; shipping a copy would break loading.
    Remove-Item (Join-Path $ModuleOut 'System.Management.Automation.dll'), (Join-Path $ModuleOut 'GraphSecurity.deps.json') -ErrorAction Ignore
    Move-Dependency $ModuleOut
    Copy-Item (Join-Path $Root 'src/GraphSecurity/GraphSecurity.Format.ps1xml'), (Join-Path $Root 'src/GraphSecurity/GraphSecurity.Types.ps1xml') $ModuleOut
    $manifest = Get-Content -Raw (Join-Path $Root 'GraphSecurity.psd1')
    $manifest = $manifest -replace "ModuleVersion(\s*)=(\s*)'[^']*'", "ModuleVersion`$1=`$2'$(Get-ModuleVersion)'"
    $releaseNotes = (Get-ReleaseNote (Get-ModuleVersion)).Replace("'", "''")
    $manifest = $manifest -replace "ReleaseNotes(\s*)=(\s*)'[^']*'", "ReleaseNotes`$1=`$2'$($releaseNotes.Replace('$', '$$'))'"
    Set-Content -Path (Join-Path $ModuleOut 'GraphSecurity.psd1') -Value $manifest -Encoding utf8

    $helpCompiler = Join-Path $Root "src/GraphSecurity.HelpCompiler/bin/$Configuration/net10.0/GraphSecurity.HelpCompiler.dll"
    Invoke-Dotnet $helpCompiler (Join-Path $Root 'docs') (Join-Path $ModuleOut 'en-US') 'GraphSecurity.dll-Help.xml'
    Write-Host "Module assembled in $ModuleOut"
}

# The text of the current version's section of CHANGELOG.md, for the manifest's ReleaseNotes.
function Get-ReleaseNote([string] $Version) {
    $changelog = Get-Content -Raw (Join-Path $Root 'CHANGELOG.md')
    $section = [regex]::Match($changelog, "(?ms)^## $([regex]::Escape($Version))\b[^\n]*\n(.*?)(?=^## |\z)")
    if (-not $section.Success) { throw "CHANGELOG.md has no section '## $Version'." }
    $section.Groups[1].Value.Trim()
}

# A versioned module folder (out/package/GraphSecurity/<version>, the layout of an installed module)
# and the .nupkg that PSResourceGet publishes and installs, from the module Build assembled.
function Invoke-Package {
    Invoke-Build
    $version = Get-ModuleVersion
    if (Test-Path $PackageOut) { Remove-Item $PackageOut -Recurse -Force }
    $folder = New-Item -ItemType Directory -Force (Join-Path $PackageOut "GraphSecurity/$version")
    Copy-Item (Join-Path $ModuleOut '*') $folder -Recurse
    if (-not $IncludeSymbols) { Get-ChildItem $folder -Recurse -Filter '*.pdb' | Remove-Item }
    Copy-Item (Join-Path $Root 'LICENSE'), (Join-Path $Root 'CHANGELOG.md') $folder
    $manifest = Test-ModuleManifest (Join-Path $folder 'GraphSecurity.psd1') -ErrorAction Stop
    Compress-PSResource -Path $folder -DestinationPath $PackageOut
    $nupkg = Get-Item (Join-Path $PackageOut "GraphSecurity.$version.nupkg")
    $installedBytes = (Get-ChildItem $folder -Recurse -File | Measure-Object Length -Sum).Sum
    Write-Host ("Package {0} {1}: {2:N1} MB; installed {3:N1} MB in {4}" -f $manifest.Name, $manifest.Version, ($nupkg.Length / 1MB), ($installedBytes / 1MB), $folder)
}

function Get-PesterModulePath {
    $locked = @(if ($LockedRestore) { '--locked-mode' })
    Invoke-Dotnet restore (Join-Path $Root 'tests/tools/TestPackages.csproj') --nologo --verbosity quiet @locked
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $path = Join-Path $packages.Trim() 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester was not restored to $path." }
    $path
}

function Invoke-XunitTests {
    $totals = @{ Passed = 0; Failed = 0 }
    foreach ($project in Get-ChildItem (Join-Path $Root 'tests') -Recurse -Filter '*.Tests.csproj') {
        $trx = "$($project.BaseName).trx"
        & dotnet test $project.FullName -c $Configuration --no-build --nologo --verbosity quiet `
            --logger "trx;LogFileName=$trx" --results-directory $ResultsDir | Out-Host
        $exitCode = $LASTEXITCODE
        $trxPath = Join-Path $ResultsDir $trx
        $passed = 0
        $failed = 0
        if (Test-Path $trxPath) {
            $counters = ([xml](Get-Content -Raw $trxPath)).TestRun.ResultSummary.Counters
            $passed = [int]$counters.passed
            $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        }
        if ($exitCode -ne 0 -and $failed -eq 0) { $failed = 1 }   # the run itself broke
        Write-Host "xunit $($project.BaseName): $passed passed, $failed failed"
        $totals.Passed += $passed
        $totals.Failed += $failed
    }
    $totals
}

function Invoke-PesterTests {
    $pester = Get-PesterModulePath
    $resultFile = Join-Path $ResultsDir 'pester.json'
    Remove-Item $resultFile -ErrorAction Ignore
    Push-Location $Root
    try {
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Module/Invoke-ModuleTests.ps1') `
            -ModulePath (Join-Path $ModuleOut 'GraphSecurity.psd1') -PesterPath $pester -ResultFile $resultFile | Out-Host
    }
    finally { Pop-Location }
    if (-not (Test-Path $resultFile)) {
        Write-Host 'Pester: the run ended without results.'
        return @{ Passed = 0; Failed = 1 }
    }
    $result = Get-Content -Raw $resultFile | ConvertFrom-Json
    Write-Host "Pester: $($result.Passed) passed, $($result.Failed) failed"
    @{ Passed = [int]$result.Passed; Failed = [int]$result.Failed }
}

# The code style of .editorconfig, checked without changing anything; 'dotnet format' fixes it.
function Test-Format {
    & dotnet format (Join-Path $Root 'GraphSecurity.sln') --verify-no-changes --no-restore --verbosity quiet | Out-Host
    if ($LASTEXITCODE -eq 0) { Write-Host 'Format: clean'; return @{ Passed = 1; Failed = 0 } }
    Write-Host "Format: files differ from .editorconfig's style (exit code $LASTEXITCODE); run 'dotnet format GraphSecurity.sln'."
    @{ Passed = 0; Failed = 1 }
}

function Invoke-Test {
    $script:LockedRestore = $true
    Invoke-Package
    New-Item -ItemType Directory -Force $ResultsDir | Out-Null
    Get-ChildItem $ResultsDir -File | Remove-Item -Force
    $format = Test-Format
    $xunit = Invoke-XunitTests
    $pester = Invoke-PesterTests
    $passed = $format.Passed + $xunit.Passed + $pester.Passed
    $failed = $format.Failed + $xunit.Failed + $pester.Failed
    if ($passed -eq 0) { $failed = [Math]::Max($failed, 1) }
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Push-Location $Root
    try {
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'docs/demo.ps1') -ModulePath (Join-Path $ModuleOut 'GraphSecurity.psd1')
        if ($LASTEXITCODE -ne 0) { throw "The demo failed with exit code $LASTEXITCODE." }
    }
    finally { Pop-Location }
}

function Invoke-Docs {
    Invoke-Build
    Push-Location $Root
    try {
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'docs/Update-CommandDocs.ps1') -ModulePath (Join-Path $ModuleOut 'GraphSecurity.psd1') | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "Updating the command pages failed with exit code $LASTEXITCODE." }
    }
    finally { Pop-Location }
}

function Invoke-Bench {
    Invoke-Package
    $bench = Join-Path $Root 'tests/GraphSecurity.Bench'
    $parameters = @{
        # The module as it is installed from the package (isolation on, no symbols).
        ModulePath = Join-Path $PackageOut "GraphSecurity/$(Get-ModuleVersion)/GraphSecurity.psd1"
        BenchDll   = Join-Path $bench "bin/$Configuration/net10.0/GraphSecurity.Bench.dll"
        OutDir     = Join-Path $Out 'bench'
    } + $BenchArgs
    # Every contender runs in its own child process; this one only orchestrates.
    & (Join-Path $bench 'Invoke-Bench.ps1') @parameters
}

function Invoke-Clean {
    if (Test-Path $Out) { Remove-Item $Out -Recurse -Force }
    Get-ChildItem (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-Build }
        'Package' { Invoke-Package }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Docs' { Invoke-Docs }
        'Bench' { Invoke-Bench }
        'Clean' { Invoke-Clean }
    }
}
