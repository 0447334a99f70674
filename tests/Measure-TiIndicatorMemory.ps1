<#
.SYNOPSIS
    Measures the memory New-GsTiIndicator uses while many generated rows are piped through it.

.DESCRIPTION
    Starts a private emulator, then pipes -Count generated rows (feed-style columns, made one at a
    time so the input itself takes no memory) through New-GsTiIndicator, first with -WhatIf
    (validation and planning only), then for real against the emulator. Every 10,000 rows it
    samples this process's working set and the managed heap after a full collection, and at the
    end reports the peak working set. Flat samples mean the command keeps nothing per row.
    Run after a build:  dotnet pwsh -File tests/Measure-TiIndicatorMemory.ps1 [-Count 100000] [-SkipSubmit]
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/GraphSecurity/GraphSecurity.psd1'),
    [int] $Count = 100000,
    [switch] $SkipSubmit
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$env:GRAPHSECURITY_EMULATOR_INFO = Join-Path ([IO.Path]::GetTempPath()) "graphsecurity-memory-$PID/emulator.json"

function New-Row([int] $Line, [int] $Run) {
    # Unique per run and line; a row in 500 has a bad IP so the rejected path is measured too.
    $ip = if ($Line % 500 -eq 0) { "300.0.0.$($Line % 256)" } else { '10.{0}.{1}.{2}' -f $Run, (($Line -shr 8) % 256), ($Line % 256) }
    switch ($Line % 4) {
        0 { [pscustomobject]@{ ip = $ip; domain = ''; sha256 = ''; TargetProduct = 'Microsoft Defender ATP'; Action = 'block'; ThreatType = 'C2' } }
        1 { [pscustomobject]@{ ip = ''; domain = "h$Line.r$Run.bad.example"; sha256 = ''; TargetProduct = 'Azure Sentinel'; Action = 'alert'; ThreatType = 'Phishing' } }
        2 { [pscustomobject]@{ ip = ''; domain = ''; sha256 = ('{0:x8}' -f $Line) * 7 + ('{0:x8}' -f $Run); TargetProduct = 'Microsoft Defender ATP'; Action = 'block'; ThreatType = 'Malware' } }
        3 { [pscustomobject]@{ ip = ''; domain = "m$Line.r$Run.bad.example"; sha256 = ''; TargetProduct = 'Microsoft Defender ATP'; Action = 'alert'; ThreatType = 'WatchList' } }
    }
}

function Measure-Run([string] $Name, [int] $Run, [hashtable] $Options) {
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $samples = [Collections.Generic.List[object]]::new()
    $sample = {
        param($Line)
        $process.Refresh()
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $samples.Add([pscustomobject]@{ Run = $Name; Rows = $Line; WorkingSetMB = [Math]::Round($process.WorkingSet64 / 1MB, 1); ManagedHeapMB = [Math]::Round([GC]::GetTotalMemory($false) / 1MB, 1) })
    }
    & $sample 0
    $statuses = @{}
    $watch = [Diagnostics.Stopwatch]::StartNew()
    1..$Count | ForEach-Object {
        if ($_ % 10000 -eq 0) { & $sample $_ }
        New-Row $_ $Run
    } | New-GsTiIndicator @Options -ErrorAction SilentlyContinue | ForEach-Object { $statuses[$_.Status] = 1 + [int]$statuses[$_.Status] }
    $watch.Stop()
    & $sample $Count
    $process.Refresh()
    $samples
    Write-Host ("{0}: {1:n0} rows in {2:n1} s; results {3}; peak working set so far {4:n1} MB" -f $Name, $Count, $watch.Elapsed.TotalSeconds,
        (($statuses.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', '), ($process.PeakWorkingSet64 / 1MB))
}

$emulator = Start-GsEmulator
try {
    Connect-GsTenant -Emulator -Name memory | Out-Null
    $results = @(Measure-Run 'WhatIf' 1 @{ WhatIf = $true })
    if (-not $SkipSubmit) { $results += Measure-Run 'Submit' 2 @{} }
    $results | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
}
finally {
    Stop-GsEmulator -InfoPath $emulator.InfoPath | Out-Null
}
