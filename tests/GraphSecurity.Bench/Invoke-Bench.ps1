<#
.SYNOPSIS
    The benchmark of build.ps1 bench: the module against what users would pick instead.

.DESCRIPTION
    Starts emulators, runs every contender in its own process several times (round-robin, so drifting
    machine load hits all of them alike), and writes results.json (every run, medians, machine info)
    and results.md (the table, ratios against the targets of docs/performance.md) to -OutDir.

    Sections: Read (bulk read of N alerts_v2 with evidence), Write (bulk indicator write, throttling
    off and on), Startup (import and first alert), Latency (prefetch at 100 ms per request),
    Successors (feeds into Sentinel and Defender for Endpoint under their time-scaled limits, memory),
    Grouping (Group-GsAlert on synthetic alerts against a pairwise grouping, memory; no emulator).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $BenchDll,
    [Parameter(Mandatory)] [string] $OutDir,
    [int[]] $Sizes = @(10000, 100000),
    [int] $Runs = 3,
    [int] $StartupRuns = 10,
    [int] $WriteCount = 10000,
    # Per-item POSTs are timed on this many rows and scaled to -WriteCount (they cost the same per row).
    [int] $PerItemSample = 1000,
    # The tiIndicators limit (requests a minute, ×60 time scale) of the write mode in which the throttle binds the module.
    [int] $BoundRequestsPerMinute = 50,
    [int] $LatencyCount = 4000,
    # Milliseconds the latency run's consumer sleeps every 10 alerts (10: 100 ms per 100-alert page).
    [int] $ConsumerMs = 10,
    # The Invoke-RestMethod loop and the SDK read at most this many alerts; at larger sizes their rate
    # is taken from the largest size they read (their cost per alert is constant), and the report says so.
    [int] $SlowReadMaxSize = [int]::MaxValue,
    [ValidateSet('Read', 'Write', 'Startup', 'Latency', 'Successors', 'Grouping')]
    [string[]] $Section = @('Read', 'Write', 'Startup', 'Latency', 'Successors', 'Grouping'),
    # Grouping: Group-GsAlert on this many synthetic alerts, and both it and the pairwise grouping on the smaller count.
    [int] $GroupingCount = 100000,
    [int] $GroupingNaiveCount = 5000,
    # Successors: the emulator runs the real rate limits this many times faster (2: a minute lasts 30 s).
    [double] $SuccessorTimeScale = 2,
    [int] $SentinelFeedCount = 50000,
    [int] $DefenderFeedCount = 14995,
    # Defender imports carry this many indicators, so that the import limit (30 a minute) binds.
    [int] $DefenderBatchSize = 100,
    [int[]] $MemoryCounts = @(20000, 100000),
    # Another build of the module (its GraphSecurity.psd1), e.g. the last release: the Read section
    # then also runs it, in the same rounds against the same emulator, and reports this build ÷ that one.
    [string] $BaselineModulePath,
    # What the baseline build is, for the report (e.g. a commit).
    [string] $BaselineLabel
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ProgressPreference = 'SilentlyContinue'

$ModulePath = (Resolve-Path $ModulePath).Path
$BenchDll = (Resolve-Path $BenchDll).Path
$OutDir = [IO.Path]::GetFullPath($OutDir)
$Dotnet = (Get-Process -Id $PID).Path
$PwshDll = [Reflection.Assembly]::GetEntryAssembly().Location
$Work = Join-Path ([IO.Path]::GetTempPath()) "graphsecurity-bench-$PID"
$ContenderScript = Join-Path $Work 'Contender.ps1'
New-Item -ItemType Directory -Force $Work, $OutDir | Out-Null

# Private copies of the module and the C# contenders, so a build during a long run changes nothing.
Copy-Item (Split-Path $ModulePath) (Join-Path $Work 'module') -Recurse
$ModulePath = Join-Path $Work "module/$(Split-Path -Leaf $ModulePath)"
Copy-Item (Split-Path $BenchDll) (Join-Path $Work 'bench') -Recurse
$BenchDll = Join-Path $Work "bench/$(Split-Path -Leaf $BenchDll)"
Copy-Item (Join-Path $PSScriptRoot 'Contender.ps1') $ContenderScript
$EmulatorDll = Join-Path (Split-Path $ModulePath) 'Emulator/GraphSecurity.Emulator.dll'
if ($BaselineModulePath) {
    $BaselineModulePath = (Resolve-Path $BaselineModulePath).Path
    Copy-Item (Split-Path $BaselineModulePath) (Join-Path $Work 'baseline-module') -Recurse
    $BaselineModulePath = Join-Path $Work "baseline-module/$(Split-Path -Leaf $BaselineModulePath)"
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count -eq 0) { return $null }
    $middle = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Write-Step([string] $Text) { Write-Host "[$(Get-Date -Format HH:mm:ss)] $Text" }

# Runs a command and parses the JSON line it prints last; the wall time of the whole process is added.
function Invoke-Child([string[]] $Arguments, [hashtable] $Environment = @{}) {
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        $wall = [Diagnostics.Stopwatch]::StartNew()
        $output = & $Dotnet @Arguments 2>&1
        $wall.Stop()
        if ($LASTEXITCODE -ne 0) { throw "The contender failed ($LASTEXITCODE): $($Arguments -join ' ')`n$($output -join "`n")" }
    }
    finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
    $line = @($output | ForEach-Object { "$_" } | Where-Object { $_.StartsWith('{') })[-1]
    $parsed = $line | ConvertFrom-Json -AsHashtable
    $parsed.processSeconds = $wall.Elapsed.TotalSeconds
    $parsed
}

function Invoke-PwshContender([string] $Name, [hashtable] $Parameters = @{}, [hashtable] $Environment = @{}, [string] $Module = $ModulePath) {
    $arguments = @($PwshDll, '-NoProfile', '-NonInteractive', '-File', $ContenderScript, '-Name', $Name, '-ModulePath', $Module)
    foreach ($k in $Parameters.Keys) { $arguments += "-$k"; $arguments += "$($Parameters[$k])" }
    Invoke-Child $arguments $Environment
}

function Invoke-CsContender([string] $Name, [string] $InfoPath) { Invoke-Child @($BenchDll, $Name, '--info', $InfoPath) }

function Start-BenchEmulator([int] $AlertCount) {
    $info = Join-Path $Work "emulator-$AlertCount.json"
    Remove-Item $info -ErrorAction Ignore
    $start = [Diagnostics.ProcessStartInfo]::new($Dotnet)
    foreach ($a in @($EmulatorDll, '--port', '0', '--info-file', $info, '--alert-count', "$AlertCount", '--seed', '7')) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($start)
    while (-not (Test-Path $info)) {
        if ($process.HasExited) { throw "The emulator exited: $($process.StandardError.ReadToEnd())" }
        if ($clock.Elapsed.TotalMinutes -gt 10) { $process.Kill(); throw 'The emulator did not start within 10 minutes.' }
        Start-Sleep -Milliseconds 200
    }
    $url = (Get-Content -Raw $info | ConvertFrom-Json).url
    Write-Step "Emulator with $AlertCount alerts ready at $url after $([Math]::Round($clock.Elapsed.TotalSeconds, 1)) s"
    [pscustomobject]@{ Process = $process; InfoPath = $info; Url = $url; StartSeconds = $clock.Elapsed.TotalSeconds }
}

function Stop-BenchEmulator($Emulator) {
    if (-not $Emulator.Process.HasExited) { $Emulator.Process.Kill(); $Emulator.Process.WaitForExit() }
    $Emulator.Process.Dispose()
}

function Invoke-Control($Emulator, [string] $Method, [string] $Path, $Body = $null) {
    $parameters = @{ Method = $Method; Uri = "$($Emulator.Url)/_emulator/$Path"; SkipCertificateCheck = $true }
    if ($null -ne $Body) { $parameters.Body = ($Body | ConvertTo-Json -Depth 6 -Compress); $parameters.ContentType = 'application/json' }
    Invoke-RestMethod @parameters
}

# The emulator's own serving rate (GET /_emulator/stats), when this emulator reports one.
function Get-ServingStats($Emulator) {
    try { Invoke-Control $Emulator Get 'stats' } catch { $null }
}

function Get-MachineInfo {
    $cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1] } else { $env:PROCESSOR_IDENTIFIER }
    $memory = if (Test-Path /proc/meminfo) { [long](((Get-Content /proc/meminfo | Select-Object -First 1) -split '\s+')[1]) * 1KB } else { $null }
    $load = if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg) } else { $null }
    [ordered]@{
        os = [Runtime.InteropServices.RuntimeInformation]::OSDescription
        cpu = $cpu
        logicalCores = [Environment]::ProcessorCount
        memoryBytes = $memory
        dotnet = [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        pwsh = "$($PSVersionTable.PSVersion)"
        loadAverageAtStart = $load
        commit = (& git -C $PSScriptRoot rev-parse --short HEAD 2>$null)
        date = (Get-Date).ToUniversalTime().ToString('u')
    }
}

function Add-Runs([hashtable] $Table, [string] $Key, $Run) {
    if (-not $Table.ContainsKey($Key)) { $Table[$Key] = [Collections.Generic.List[object]]::new() }
    $Table[$Key].Add($Run)
}

function Get-Summary($RunList, [string[]] $Fields) {
    $summary = [ordered]@{ runs = $RunList.Count }
    foreach ($f in $Fields) {
        $values = @($RunList | Where-Object { $_.ContainsKey($f) -and $null -ne $_[$f] } | ForEach-Object { [double]$_[$f] })
        if ($values.Count) { $summary[$f] = Get-Median $values }
    }
    $summary
}

$results = [ordered]@{ machine = Get-MachineInfo; parameters = [ordered]@{ baselineModule = $(if ($BaselineModulePath) { if ($BaselineLabel) { $BaselineLabel } else { 'version ' + (Import-PowerShellDataFile $BaselineModulePath).ModuleVersion } }); sizes = $Sizes; runs = $Runs; startupRuns = $StartupRuns; slowReadMaxSize = $SlowReadMaxSize; writeCount = $WriteCount; perItemSample = $PerItemSample; boundRequestsPerMinute = $BoundRequestsPerMinute; latencyCount = $LatencyCount; sentinelFeedCount = $SentinelFeedCount; defenderFeedCount = $DefenderFeedCount; defenderBatchSize = $DefenderBatchSize; memoryCounts = $MemoryCounts; groupingCount = $GroupingCount; groupingNaiveCount = $GroupingNaiveCount } }

# ---------------------------------------------------------------- bulk read
if ('Read' -in $Section) {
    $results.read = [ordered]@{}
    foreach ($size in $Sizes) {
        $emulator = Start-BenchEmulator $size
        try {
            $log = @{}
            # One warm-up read so every contender meets the same (JIT-compiled, cached) emulator.
            $null = Invoke-CsContender raw $emulator.InfoPath
            for ($r = 1; $r -le $Runs; $r++) {
                foreach ($name in 'module', 'baseline', 'irm', 'sdk', 'raw') {
                    if ($name -in 'irm', 'sdk' -and $size -gt $SlowReadMaxSize) { continue }
                    if ($name -eq 'baseline' -and -not $BaselineModulePath) { continue }
                    Write-Step "Read $size, run $r, $name"
                    $run = switch ($name) {
                        'module' { Invoke-PwshContender module-read @{ InfoPath = $emulator.InfoPath } }
                        'baseline' { Invoke-PwshContender module-read @{ InfoPath = $emulator.InfoPath } -Module $BaselineModulePath }
                        'irm' { Invoke-PwshContender irm-read @{ InfoPath = $emulator.InfoPath } }
                        default { Invoke-CsContender $name $emulator.InfoPath }
                    }
                    if ($run.items -ne $size) { throw "$name read $($run.items) alerts, expected $size." }
                    Add-Runs $log $name $run
                }
                foreach ($name in 'module', 'irm') {
                    if ($name -eq 'irm' -and $size -gt $SlowReadMaxSize) { continue }
                    Add-Runs $log "$name-first" (Invoke-PwshContender "$name-first" @{ InfoPath = $emulator.InfoPath })
                }
                # The emulator alone: the same pages downloaded and discarded (is it the bottleneck?).
                Add-Runs $log 'fetch' (Invoke-CsContender fetch $emulator.InfoPath)
            }
            $sizeResult = [ordered]@{ emulatorStartSeconds = $emulator.StartSeconds; servingStats = Get-ServingStats $emulator }
            foreach ($name in 'module', 'baseline', 'irm', 'sdk', 'raw', 'fetch') {
                if ($name -eq 'baseline' -and -not $BaselineModulePath) { continue }
                if (-not $log.ContainsKey($name)) {
                    $from = @($results.read.Keys | ForEach-Object { [int]$_ } | Where-Object { $_ -le $SlowReadMaxSize } | Sort-Object)[-1]
                    $sizeResult[$name] = [ordered]@{ runs = 0; rateFromSize = $from; itemsPerSecond = $results.read["$from"][$name].itemsPerSecond; seconds = $size / $results.read["$from"][$name].itemsPerSecond }
                    continue
                }
                $s = Get-Summary $log[$name] 'seconds', 'firstItemSeconds', 'peakWorkingSetBytes'
                $s.itemsPerSecond = $size / $s.seconds
                if ($log.ContainsKey("$name-first")) { $s.firstItemSeconds = (Get-Summary $log["$name-first"] 'firstItemSeconds').firstItemSeconds }
                $s.all = $log[$name]
                $sizeResult[$name] = $s
            }
            $results.read["$size"] = $sizeResult
        }
        finally { Stop-BenchEmulator $emulator }
    }
}

# ---------------------------------------------------------------- start-up and latency (one emulator)
if ('Startup' -in $Section -or 'Latency' -in $Section) {
    $emulator = Start-BenchEmulator 10000
    try {
        if ('Startup' -in $Section) {
            $log = @{}
            for ($r = 1; $r -le $StartupRuns; $r++) {
                Write-Step "Start-up run $r"
                Add-Runs $log 'bare' (Invoke-PwshContender bare)
                Add-Runs $log 'import' (Invoke-PwshContender import)
                Add-Runs $log 'first-alert' (Invoke-PwshContender first-alert @{ InfoPath = $emulator.InfoPath })
            }
            $bare = Get-Summary $log['bare'] 'processSeconds', 'peakWorkingSetBytes'
            $import = Get-Summary $log['import'] 'processSeconds', 'seconds', 'workingSetAddedBytes', 'peakWorkingSetBytes'
            $first = Get-Summary $log['first-alert'] 'connectSeconds', 'firstAlertSeconds'
            $results.startup = [ordered]@{
                bare = $bare; import = $import; firstAlert = $first
                importAddsSeconds = $import.processSeconds - $bare.processSeconds
                importAddsPeakWorkingSetBytes = $import.peakWorkingSetBytes - $bare.peakWorkingSetBytes
                all = $log
            }
        }
        if ('Latency' -in $Section) {
            $null = Invoke-Control $emulator Post 'faults' @{ rules = @(@{ route = '/v1.0/security/alerts_v2*'; methods = @('GET'); latencyMs = 100 }) }
            try {
                $log = @{}
                for ($r = 1; $r -le $Runs; $r++) {
                    foreach ($mode in 'on', 'off') {
                        Write-Step "Latency run $r, prefetch $mode"
                        Add-Runs $log $mode (Invoke-PwshContender latency @{ InfoPath = $emulator.InfoPath; Count = $LatencyCount; ConsumerMs = $ConsumerMs } @{ GRAPHSECURITY_PAGE_PREFETCH = $mode })
                    }
                }
                $on = Get-Summary $log['on'] 'seconds'
                $off = Get-Summary $log['off'] 'seconds'
                $results.latency = [ordered]@{ latencyMs = 100; pageSize = 100; alerts = $LatencyCount; consumerMsPerAlert = $ConsumerMs / 10
                    prefetchOn = $on; prefetchOff = $off; speedup = $off.seconds / $on.seconds; all = $log }
            }
            finally { $null = Invoke-Control $emulator Delete 'faults' }
        }
    }
    finally { Stop-BenchEmulator $emulator }
}

# ---------------------------------------------------------------- bulk write
if ('Write' -in $Section) {
    $csv = Join-Path $Work 'indicators.csv'
    $expires = (Get-Date).ToUniversalTime().AddDays(30).ToString('yyyy-MM-ddTHH:mm:ssZ')
    1..$WriteCount | ForEach-Object {
        [pscustomobject]@{ ExternalId = "bench-$_"; Description = "Benchmark indicator $_"; Action = 'alert'; TargetProduct = 'Microsoft Defender ATP'
            ThreatType = 'Malware'; TlpLevel = 'amber'; ExpirationDateTime = $expires; DomainName = "bench$_.example.net" }
    } | Export-Csv -Path $csv -NoTypeInformation

    $emulator = Start-BenchEmulator 1000
    try {
        $results.write = [ordered]@{ indicators = $WriteCount }
        # Throttling modes. "throttled" is the tiIndicators limit of the reference (1,000 requests a minute),
        # a minute lasting a second. The module sends a few hundred requests for 10,000 indicators, which that
        # limit never holds back, so "bound" lowers the limit until it does: there the module's time is
        # compared with the least time the limit allows for the requests it needs.
        $modes = [ordered]@{
            unthrottled = @{ contenders = @('write-bulk', 'write-irm', 'write-module') }
            throttled   = @{ contenders = @('write-bulk', 'write-irm', 'write-module'); requestsPerMinute = 1000 }
            bound       = @{ contenders = @('write-module'); requestsPerMinute = $BoundRequestsPerMinute }
        }
        foreach ($modeName in $modes.Keys) {
            $spec = $modes[$modeName]
            $ratePerSecond = $null
            if ($spec['requestsPerMinute']) {
                $null = Invoke-Control $emulator Post 'throttling' @{ enabled = $true; timeScale = 60; buckets = @{ tiIndicators = @{ requests = $spec['requestsPerMinute']; windowSeconds = 60 } } }
                $ratePerSecond = [double]$spec['requestsPerMinute']
            }
            $log = @{}
            try {
                for ($r = 1; $r -le $Runs; $r++) {
                    foreach ($name in $spec.contenders) {
                        Write-Step "Write, $modeName, run $r, $name"
                        # Every run starts from an empty store: the writers use the same externalIds, and a
                        # writer that checks for existing ones (the module) must create, not skip.
                        $null = Invoke-Control $emulator Delete 'tiIndicators'
                        $null = Invoke-Control $emulator Delete 'counters'
                        $rows = if ($name -eq 'write-irm') { [Math]::Min($PerItemSample, $WriteCount) } else { $WriteCount }
                        $run = Invoke-PwshContender $name @{ InfoPath = $emulator.InfoPath; CsvPath = $csv; Count = $rows }
                        $counters = Invoke-Control $emulator Get 'counters'
                        $run.requests = [long](@($counters.routes | Where-Object { $_.route -like '*tiIndicators*' } | Measure-Object count -Sum).Sum)
                        if ($run.items -ne $rows) { throw "$name wrote $($run.items) indicators, expected $rows." }
                        if ($rows -ne $WriteCount) {
                            # Scale the sample to the whole file: same cost per row, one request per row.
                            $run.sampleRows = $rows; $run.sampleSeconds = $run.seconds; $run.sampleRequests = $run.requests
                            $run.seconds = $run.seconds * $WriteCount / $rows
                            $run.requests = [long]($run.requests * $WriteCount / $rows)
                        }
                        Add-Runs $log $name $run
                    }
                }
            }
            finally { if ($ratePerSecond) { $null = Invoke-Control $emulator Post 'throttling' @{ enabled = $false } } }
            $mode = [ordered]@{ throttling = [bool]$ratePerSecond; requestsPerMinute = $spec['requestsPerMinute']; allowedRequestsPerSecond = $ratePerSecond }
            foreach ($name in $spec.contenders) {
                $s = Get-Summary $log[$name] 'seconds', 'requests'
                if ($ratePerSecond) {
                    # The requests that must get through are those of the same writer unthrottled; the
                    # throttled count also holds the answers that were 429.
                    $needed = $results.write.unthrottled.$name.requests
                    $s.requestsNeeded = $needed
                    $s.throttleMinimumSeconds = $needed / $ratePerSecond
                }
                $s.all = $log[$name]
                $mode[$name] = $s
            }
            $results.write[$modeName] = $mode
        }
    }
    finally { Stop-BenchEmulator $emulator }
}

if ('Successors' -in $Section) {
    # The successor APIs under their documented limits, time-scaled: each feed's time against the least
    # time the limits allow for the calls it needs (floor((calls - 1) / limit) windows), and memory at
    # two feed sizes.
    $feed = Join-Path $Work 'feed.csv'
    $null = & (Join-Path $PSScriptRoot '../../docs/examples/New-SampleFeedCsv.ps1') -Path $feed -Count ([Math]::Max($SentinelFeedCount, $DefenderFeedCount)) -InvalidCount 0 -ExpiredCount 0 -Seed 3
    $defenderFeed = Join-Path $Work 'feed-defender.csv'
    Get-Content $feed -TotalCount ($DefenderFeedCount + 1) | Set-Content $defenderFeed
    $sentinelFeed = Join-Path $Work 'feed-sentinel.csv'
    Get-Content $feed -TotalCount ($SentinelFeedCount + 1) | Set-Content $sentinelFeed
    $emulator = Start-BenchEmulator 100
    try {
        $results.successors = [ordered]@{ timeScale = $SuccessorTimeScale }
        $log = @{}
        for ($r = 1; $r -le $Runs; $r++) {
            foreach ($spec in @(
                    @{ Name = 'sentinel-feed'; Csv = $sentinelFeed; Rows = $SentinelFeedCount; PerCall = 100; Limit = 100 }
                    @{ Name = 'defender-feed'; Csv = $defenderFeed; Rows = $DefenderFeedCount; PerCall = $DefenderBatchSize; Limit = 30 })) {
                Write-Step "Successors, run $r, $($spec.Name)"
                $null = Invoke-Control $emulator Delete 'sentinel/ti'
                $null = Invoke-Control $emulator Delete 'defender/indicators'
                # Posting the settings starts every window afresh.
                $null = Invoke-Control $emulator Post 'throttling' @{ enabled = $true; timeScale = $SuccessorTimeScale }
                try { $run = Invoke-PwshContender $spec.Name @{ InfoPath = $emulator.InfoPath; CsvPath = $spec.Csv; BatchSize = $DefenderBatchSize } }
                finally { $null = Invoke-Control $emulator Post 'throttling' @{ enabled = $false } }
                if ($run.items -ne $spec.Rows) { throw "$($spec.Name) created $($run.items) indicators, expected $($spec.Rows)." }
                $calls = [Math]::Ceiling($spec.Rows / $spec.PerCall)
                $run.calls = $calls
                $run.limitMinimumSeconds = [Math]::Floor(($calls - 1) / $spec.Limit) * 60 / $SuccessorTimeScale
                $run.ratio = $run.seconds / $run.limitMinimumSeconds
                Add-Runs $log $spec.Name $run
            }
            foreach ($count in $MemoryCounts) {
                Write-Step "Successors, run $r, memory at $count rows"
                $null = Invoke-Control $emulator Delete 'sentinel/ti'
                Add-Runs $log "memory-$count" (Invoke-PwshContender sentinel-memory @{ InfoPath = $emulator.InfoPath; Count = $count })
            }
        }
        foreach ($key in $log.Keys) {
            $summary = Get-Summary $log[$key] 'seconds', 'ratio', 'limitMinimumSeconds', 'peakWorkingSetBytes', 'calls'
            $summary.all = $log[$key]
            $results.successors[$key] = $summary
        }
    }
    finally { Stop-BenchEmulator $emulator }
}

if ('Grouping' -in $Section) {
    # Group-GsAlert at the large count and, in the same rounds, it and the pairwise baseline at the small
    # count: the ratio at the same count, and the large count's time against the baseline scaled by n².
    $log = @{}
    for ($r = 1; $r -le $Runs; $r++) {
        foreach ($spec in @(
                @{ Key = 'module-large'; Name = 'grouping'; Count = $GroupingCount }
                @{ Key = 'module-small'; Name = 'grouping'; Count = $GroupingNaiveCount }
                @{ Key = 'naive-small'; Name = 'grouping-naive'; Count = $GroupingNaiveCount })) {
            Write-Step "Grouping, run $r, $($spec.Key) ($($spec.Count) alerts)"
            $run = Invoke-PwshContender $spec.Name @{ Count = $spec.Count }
            if ($run.items -ne $spec.Count) { throw "$($spec.Key) grouped $($run.items) alerts, expected $($spec.Count)." }
            Add-Runs $log $spec.Key $run
        }
    }
    $results.grouping = [ordered]@{}
    foreach ($key in $log.Keys) {
        $summary = Get-Summary $log[$key] 'seconds', 'peakWorkingSetBytes', 'groups'
        $summary.all = $log[$key]
        $results.grouping[$key] = $summary
    }
    $g = $results.grouping
    $g.sameCountRatio = $g.'naive-small'.seconds / $g.'module-small'.seconds
    $g.naiveScaledSeconds = $g.'naive-small'.seconds * [Math]::Pow($GroupingCount / $GroupingNaiveCount, 2)
    $g.scaledRatio = $g.naiveScaledSeconds / $g.'module-large'.seconds
    $g.perAlertGrowth = ($g.'module-large'.seconds / $GroupingCount) / ($g.'module-small'.seconds / $GroupingNaiveCount)
}

$results | ConvertTo-Json -Depth 10 | Set-Content -Path (Join-Path $OutDir 'results.json') -Encoding utf8
& (Join-Path $PSScriptRoot 'Write-BenchReport.ps1') -Results $results | Set-Content -Path (Join-Path $OutDir 'results.md') -Encoding utf8
Get-Content (Join-Path $OutDir 'results.md') | Out-Host
Remove-Item $Work -Recurse -Force -ErrorAction Ignore
