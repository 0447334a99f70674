<#
.SYNOPSIS
    Turns the benchmark results (Invoke-Bench.ps1's object, or results.json) into the markdown table.
#>
param(
    [Parameter(Mandatory, ParameterSetName = 'Object')] $Results,
    [Parameter(Mandatory, ParameterSetName = 'Path')] [string] $Path
)

Set-StrictMode -Off   # optional sections and fields read as $null
if ($Path) { $Results = Get-Content -Raw $Path | ConvertFrom-Json }

function F($Value, [string] $Format = 'N2') { if ($null -eq $Value) { '–' } else { ([double]$Value).ToString($Format, [Globalization.CultureInfo]::InvariantCulture) } }
function MB($Bytes) { if ($null -eq $Bytes) { '–' } else { F ($Bytes / 1MB) 'N0' } }
function Verdict([bool] $Met) { if ($Met) { 'met' } else { '**missed**' } }

$targets = [Collections.Generic.List[string]]::new()
$m = $Results.machine
"# GraphSecurity benchmark results"
""
"$($m.date) · commit $($m.commit) · $($m.os) · $($m.cpu) · $($m.logicalCores) logical cores · $(MB $m.memoryBytes) MB RAM · $($m.dotnet) · pwsh $($m.pwsh) · load average at start: $($m.loadAverageAtStart)"
""
"Medians of $($Results.parameters.runs) runs (start-up: $($Results.parameters.startupRuns)); every run is a fresh process. Method: docs/performance.md."

if ($Results.read) {
    ""
    "## Bulk read: every alerts_v2 alert with evidence, piped to Measure-Object"
    ""
    "| Alerts | Contender | Seconds | Alerts/s | Module speed ÷ this | First object (s) | Peak working set (MB) |"
    "|---:|---|---:|---:|---:|---:|---:|"
    $labels = [ordered]@{ module = 'Get-GsAlert -All (module)'; baseline = 'Get-GsAlert -All (baseline build)'; irm = 'Invoke-RestMethod nextLink loop (pwsh)'; sdk = 'Microsoft.Graph SDK PageIterator (C#)'; raw = 'Limit: HttpClient + JsonDocument (C#)' }
    $sizes = @($Results.read.PSObject.Properties.Name + @($Results.read.Keys) | Where-Object { $_ -match '^\d+$' } | Sort-Object { [int]$_ } -Unique)
    foreach ($size in $sizes) {
        $r = $Results.read.$size
        foreach ($name in $labels.Keys) {
            $c = $r.$name
            if (-not $c) { continue }
            $label = if ($c.rateFromSize) { "$($labels[$name]) — rate of the $($c.rateFromSize) run" } else { $labels[$name] }
            "| $size | $label | $(F $c.seconds) | $(F $c.itemsPerSecond 'N0') | $(F ($r.module.itemsPerSecond / $c.itemsPerSecond))× | $(F $c.firstItemSeconds 'N3') | $(MB $c.peakWorkingSetBytes) |"
        }
    }
    ""
    "Emulator alone (pages downloaded and discarded by one client, nothing parsed): " + (($sizes | ForEach-Object { "$(F $Results.read.$_.fetch.itemsPerSecond 'N0') alerts/s at $_" }) -join ', ') + '.'
    $big = $Results.read.($sizes[-1]); $small = $Results.read.($sizes[0])
    $vsSdk = $big.module.itemsPerSecond / $big.sdk.itemsPerSecond
    $vsIrm = $big.module.itemsPerSecond / $big.irm.itemsPerSecond
    $vsRaw = $big.raw.itemsPerSecond / $big.module.itemsPerSecond
    $memory = $big.module.peakWorkingSetBytes / $small.module.peakWorkingSetBytes
    $targets.Add("| Read $($sizes[-1]): module ÷ SDK PageIterator | ≥ 3× | $(F $vsSdk)× | $(Verdict ($vsSdk -ge 3)) |")
    $targets.Add("| Read $($sizes[-1]): module ÷ Invoke-RestMethod loop | ≥ 5× | $(F $vsIrm)× | $(Verdict ($vsIrm -ge 5)) |")
    $targets.Add("| Read $($sizes[-1]): raw limit ÷ module | ≤ 2× | $(F $vsRaw)× | $(Verdict ($vsRaw -le 2)) |")
    if ($big.baseline) {
        $vsBaseline = $big.module.itemsPerSecond / $big.baseline.itemsPerSecond
        $targets.Add("| Read $($sizes[-1]): this build ÷ the baseline build ($($Results.parameters.baselineModule)) | ≥ 0.95× (no slower) | $(F $vsBaseline)× | $(Verdict ($vsBaseline -ge 0.95)) |")
    }
    $headroom = $big.fetch.itemsPerSecond / $big.module.itemsPerSecond
    $targets.Add("| Emulator not the bottleneck: emulator alone ÷ module ($($sizes[-1])) | > 1× | $(F $headroom)× | $(Verdict ($headroom -gt 1)) |")
    $targets.Add("| Peak memory $($sizes[-1]) ÷ $($sizes[0]) (module) | ≤ 1.3× | $(F $memory)× | $(Verdict ($memory -le 1.3)) |")
    foreach ($size in $sizes) {
        $stats = $Results.read.$size.servingStats
        if ($stats) { ""; "Emulator ($size alerts) reported: ``$($stats | ConvertTo-Json -Compress -Depth 4)``" }
    }
}

if ($Results.write) {
    $w = $Results.write
    ""
    "## Bulk write: $($w.indicators) indicators from a CSV"
    ""
    if ($Results.parameters.perItemSample -lt $w.indicators) {
        "Per-item POSTs were timed on the first $($Results.parameters.perItemSample) rows and scaled to $($w.indicators) (one request per row, same cost per row; the measured sample is in results.json)."
        ""
    }
    "Requests: as counted by the emulator, 429 answers included. Throttle minimum: the requests the writer needs (its unthrottled count) ÷ the allowed rate (a minute lasts a second)."
    ""
    "| Throttling | Contender | Requests | Seconds | Per-item POSTs ÷ this | Throttle minimum (s) | Seconds ÷ minimum |"
    "|---|---|---:|---:|---:|---:|---:|"
    $labels = @{ 'write-module' = 'Import-Csv \| New-GsTiIndicator'; 'write-bulk' = 'submitTiIndicators ×100 (pwsh)'; 'write-irm' = 'per-item Invoke-RestMethod POST' }
    foreach ($mode in 'unthrottled', 'throttled', 'bound') {
        $t = $w.$mode
        if (-not $t) { continue }
        $throttling = if ($t.throttling) { "on, $(F $t.requestsPerMinute 'N0')/min ×60" } else { 'off' }
        foreach ($name in 'write-module', 'write-bulk', 'write-irm') {
            $c = $t.$name
            if (-not $c) { continue }
            $min = $c.throttleMinimumSeconds
            # Compared with per-item POSTs under the same throttling; the throttle-bound mode runs the module alone.
            $perItem = if ($t.'write-irm') { (F ($t.'write-irm'.seconds / $c.seconds)) + '×' } else { '–' }
            "| $throttling | $($labels[$name]) | $(F $c.requests 'N0') | $(F $c.seconds) | $perItem | $(if ($min) { F $min } else { '–' }) | $(if ($min) { (F ($c.seconds / $min)) + '×' } else { '–' }) |"
        }
    }
    $module = $w.unthrottled.'write-module'
    $speedup = $w.unthrottled.'write-irm'.seconds / $module.seconds
    $targets.Add("| Write: per-item POSTs ÷ New-GsTiIndicator | ≥ 20× | $(F $speedup)× | $(Verdict ($speedup -ge 20)) |")
    if ($w.throttled.'write-module') {
        $c = $w.throttled.'write-module'
        # At 1,000/min the module's requests fit in one window: the throttle minimum is far below the
        # module's own time, so the bound is the larger of the two.
        $bound = [Math]::Max($c.throttleMinimumSeconds, $module.seconds)
        $targets.Add("| Write throttled 1,000/min: seconds ÷ max(throttle minimum, unthrottled seconds) | ≤ 1.2× | $(F ($c.seconds / $bound))× | $(Verdict ($c.seconds / $bound -le 1.2)) |")
        $irm = $w.throttled.'write-irm'
        if ($irm) { $targets.Add("| Write throttled 1,000/min: per-item POSTs seconds ÷ throttle minimum | (for reference) | $(F ($irm.seconds / $irm.throttleMinimumSeconds))× ($(F $irm.requestsNeeded 'N0') requests) | – |") }
    }
    if ($w.bound.'write-module') {
        $c = $w.bound.'write-module'
        $ratio = $c.seconds / $c.throttleMinimumSeconds
        $targets.Add("| Write throttle-bound $(F $w.bound.requestsPerMinute 'N0')/min: seconds ÷ (requests ÷ allowed rate) | ≤ 1.2× | $(F $ratio)× ($(F $c.requestsNeeded 'N0') requests) | $(Verdict ($ratio -le 1.2)) |")
    }
}

if ($Results.startup) {
    $s = $Results.startup
    ""
    "## Start-up"
    ""
    "| Measure | Median |"
    "|---|---:|"
    "| bare pwsh process (s) | $(F $s.bare.processSeconds 'N3') |"
    "| pwsh process that imports GraphSecurity (s) | $(F $s.import.processSeconds 'N3') |"
    "| Import-Module inside the process (s) | $(F $s.import.seconds 'N3') |"
    "| working set added by Import-Module (MB) | $(MB $s.import.workingSetAddedBytes) |"
    "| peak working set, bare / with import (MB) | $(MB $s.bare.peakWorkingSetBytes) / $(MB $s.import.peakWorkingSetBytes) |"
    "| Connect-GsTenant -Emulator (s) | $(F $s.firstAlert.connectSeconds 'N3') |"
    "| then the first Get-GsAlert -First 1 (s) | $(F $s.firstAlert.firstAlertSeconds 'N3') |"
    $targets.Add("| Import adds over bare pwsh (process wall time) | ≤ 150 ms | $(F ($s.importAddsSeconds * 1000) 'N0') ms | $(Verdict ($s.importAddsSeconds -le 0.150)) |")
}

if ($Results.latency) {
    $l = $Results.latency
    ""
    "## Latency hiding: $($l.latencyMs) ms per request, $($l.alerts) alerts in pages of $($l.pageSize), consumer $($l.consumerMsPerAlert) ms per alert"
    ""
    "| Paging | Seconds |"
    "|---|---:|"
    "| next page fetched while the current one is written | $(F $l.prefetchOn.seconds) |"
    "| next page fetched after the current one is written | $(F $l.prefetchOff.seconds) |"
    $targets.Add("| Prefetch speed-up at $($l.latencyMs) ms latency | ≥ 1.8× | $(F $l.speedup)× | $(Verdict ($l.speedup -ge 1.8)) |")
}

if ($Results.successors) {
    $x = $Results.successors
    ""
    "## Successor APIs under their documented limits, $(F $x.timeScale 'N0')× faster (one window = $(F (60 / $x.timeScale) 'N0') s)"
    ""
    "| Feed | Calls | Seconds | Least the limits allow (s) | Seconds ÷ least | Peak working set (MB) |"
    "|---|---:|---:|---:|---:|---:|"
    "| Sentinel: $($Results.parameters.sentinelFeedCount) rows, uploads of 100 (100 a minute) | $(F $x.'sentinel-feed'.calls 'N0') | $(F $x.'sentinel-feed'.seconds) | $(F $x.'sentinel-feed'.limitMinimumSeconds) | $(F $x.'sentinel-feed'.ratio 'N3') | $(MB $x.'sentinel-feed'.peakWorkingSetBytes) |"
    "| Defender for Endpoint: $($Results.parameters.defenderFeedCount) rows, imports of $($Results.parameters.defenderBatchSize) (30 a minute) | $(F $x.'defender-feed'.calls 'N0') | $(F $x.'defender-feed'.seconds) | $(F $x.'defender-feed'.limitMinimumSeconds) | $(F $x.'defender-feed'.ratio 'N3') | $(MB $x.'defender-feed'.peakWorkingSetBytes) |"
    $counts = @($Results.parameters.memoryCounts)
    ""
    "Memory, generated rows piped to New-GsTiIndicator -Target Sentinel (throttling off): " + (($counts | ForEach-Object { "$(MB $x."memory-$_".peakWorkingSetBytes) MB at $_ rows" }) -join ', ') + '.'
    foreach ($feed in 'sentinel-feed', 'defender-feed') {
        $targets.Add("| $feed`: seconds ÷ the least the limits allow | ≤ 1.05 | $(F $x.$feed.ratio 'N3') | $(Verdict ($x.$feed.ratio -le 1.05)) |")
    }
    $flat = $x."memory-$($counts[-1])".peakWorkingSetBytes / $x."memory-$($counts[0])".peakWorkingSetBytes
    $targets.Add("| Peak memory $($counts[-1]) ÷ $($counts[0]) rows to Sentinel | ≤ 1.1× (flat) | $(F $flat)× | $(Verdict ($flat -le 1.1)) |")
}

if ($Results.grouping) {
    $g = $Results.grouping
    $large = $Results.parameters.groupingCount; $small = $Results.parameters.groupingNaiveCount
    ""
    "## Grouping: synthetic alerts (one user, device and address each) piped to Group-GsAlert"
    ""
    "| Contender | Alerts | Groups | Seconds | Peak working set (MB) |"
    "|---|---:|---:|---:|---:|"
    "| Group-GsAlert | $large | $(F $g.'module-large'.groups 'N0') | $(F $g.'module-large'.seconds) | $(MB $g.'module-large'.peakWorkingSetBytes) |"
    "| Group-GsAlert | $small | $(F $g.'module-small'.groups 'N0') | $(F $g.'module-small'.seconds) | $(MB $g.'module-small'.peakWorkingSetBytes) |"
    "| Pairwise (C#, every pair) | $small | $(F $g.'naive-small'.groups 'N0') | $(F $g.'naive-small'.seconds) | $(MB $g.'naive-small'.peakWorkingSetBytes) |"
    ""
    "At $small alerts the pairwise grouping takes $(F $g.sameCountRatio)× Group-GsAlert's time; scaled by n² to $large alerts it would take $(F $g.naiveScaledSeconds 'N0') s, $(F $g.scaledRatio 'N0')× Group-GsAlert. Group-GsAlert's time per alert grows $(F $g.perAlertGrowth)× from $small to $large alerts."
    $targets.Add("| Group-GsAlert on $large alerts | ≤ 10 s | $(F $g.'module-large'.seconds) s | $(Verdict ($g.'module-large'.seconds -le 10)) |")
    $targets.Add("| Grouping time per alert, $large ÷ $small alerts | ≤ 2× (near-linear) | $(F $g.perAlertGrowth)× | $(Verdict ($g.perAlertGrowth -le 2)) |")
}

""
"## Targets"
""
"| Target | Goal | Measured | |"
"|---|---|---:|---|"
$targets
