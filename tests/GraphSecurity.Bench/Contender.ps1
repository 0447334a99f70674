<#
.SYNOPSIS
    Runs one benchmark contender in this (fresh) pwsh process and prints one JSON line with its result.

.DESCRIPTION
    Called by Invoke-Bench.ps1 (build.ps1 bench) once per run, so peak working set and start-up are
    per process. Every timing starts after sign-in, so all contenders pay for the same work: reading
    every alert of the emulator's default tenant, or writing the indicators of a CSV file.

    Contenders:
      module-read / module-first   Get-GsAlert -All | Measure-Object  (| Select-Object -First 1)
      irm-read / irm-first         an Invoke-RestMethod @odata.nextLink loop | Measure-Object  (| Select -First 1)
      import                       Import-Module GraphSecurity (time and working set in this process)
      first-alert                  Connect-GsTenant -Emulator, then the first Get-GsAlert -First 1
      latency                      Get-GsAlert -All -Top 100 -First $Count into a consumer that takes
                                   10 ms every 10 alerts (GRAPHSECURITY_PAGE_PREFETCH decides whether the next
                                   page is fetched while the current one is written)
      write-irm                    Import-Csv | one Invoke-RestMethod POST per indicator (the first $Count rows)
      write-bulk                   Import-Csv | submitTiIndicators, 100 indicators per request
      write-module                 Import-Csv | New-GsTiIndicator -Target Graph
      sentinel-feed                Import-Csv | New-GsTiIndicator -Target Sentinel (the emulator's workspace)
      defender-feed                Import-Csv | New-GsTiIndicator (Defender for Endpoint) -BatchSize $BatchSize
      sentinel-memory              $Count generated rows | New-GsTiIndicator -Target Sentinel, nothing kept in between
      grouping                     $Count synthetic alerts (rows of another tool) | Group-GsAlert; no emulator
      grouping-naive               the same alerts grouped by comparing every pair (C#, no limits), the baseline
#>
param(
    [Parameter(Mandatory)] [string] $Name,
    [string] $ModulePath,
    [string] $InfoPath,
    [string] $CsvPath,
    [int] $Count = 2000,
    # latency: milliseconds the consumer sleeps every 10 alerts
    [int] $ConsumerMs = 10,
    # defender-feed: indicators per import
    [int] $BatchSize = 500
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# The emulator's well-known default app (docs/emulator.md); it opens nothing but the local emulator.
$TenantId = 'b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c'
$ClientId = '6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20'
$Secret = 'gs-emulator-default-secret'

# The emulator's Sentinel workspace of that tenant.
$WorkspaceId = '5e1c7a3b-9d2f-4b6e-8a1c-3f5d7b9e1a2c'

function Get-Info { Get-Content -Raw $InfoPath | ConvertFrom-Json }

function Get-Token([string] $Url) {
    $body = @{ grant_type = 'client_credentials'; client_id = $ClientId; client_secret = $Secret; scope = 'https://graph.microsoft.com/.default' }
    (Invoke-RestMethod -Method Post -Uri "$Url/$TenantId/oauth2/v2.0/token" -Body $body -SkipCertificateCheck).access_token
}

function Get-PeakWorkingSet {
    $self = [Diagnostics.Process]::GetCurrentProcess()
    $self.Refresh()
    $self.PeakWorkingSet64
}

function Connect-Module {
    Import-Module $ModulePath
    Connect-GsTenant -Emulator -EmulatorInfoPath $InfoPath -Name Bench | Out-Null
}

# The loop a script author writes without the module: follow @odata.nextLink until there is none.
function Read-WithRestMethod([string] $Url, [string] $Token) {
    $headers = @{ Authorization = "Bearer $Token"; Prefer = 'include-unknown-enum-members' }
    $next = "$Url/v1.0/security/alerts_v2?`$top=2000"
    while ($next) {
        $page = Invoke-RestMethod -Uri $next -Headers $headers -SkipCertificateCheck
        $page.value
        $next = $page.'@odata.nextLink'
    }
}

function ConvertTo-IndicatorBody($Row) {
    [ordered]@{
        action             = $Row.Action
        description        = $Row.Description
        expirationDateTime = $Row.ExpirationDateTime
        externalId         = $Row.ExternalId
        targetProduct      = $Row.TargetProduct
        threatType         = $Row.ThreatType
        tlpLevel           = $Row.TlpLevel
        domainName         = $Row.DomainName
    }
}

# Synthetic alerts for the grouping contenders, the same for a given count: a time every 30 s and a
# user, device and address each drawn from pools that grow with the count, so groups stay small.
function New-SyntheticAlert([int] $Count) {
    $random = [Random]::new(7)
    $start = [datetimeoffset]'2026-01-01T00:00:00Z'
    $users = [Math]::Max(10, [int]($Count / 20)); $devices = [Math]::Max(10, [int]($Count / 30)); $addresses = [Math]::Max(10, [int]($Count / 10))
    for ($i = 0; $i -lt $Count; $i++) {
        $ip = $random.Next($addresses)
        [pscustomobject]@{
            Id        = "syn-$i"
            Time      = $start.AddSeconds(30 * $i)
            User      = "u$($random.Next($users))@contoso.example"
            HostName  = "h$($random.Next($devices)).contoso.example"
            IpAddress = "10.$($ip -shr 16 -band 255).$($ip -shr 8 -band 255).$($ip -band 255)"
        }
    }
}

$result = [ordered]@{ contender = $Name }
$clock = [Diagnostics.Stopwatch]::new()
switch ($Name) {
    'module-read' {
        Connect-Module
        $clock.Start()
        $result.items = (Get-GsAlert -All | Measure-Object).Count
    }
    'module-first' {
        Connect-Module
        $clock.Start()
        $result.items = @(Get-GsAlert -All | Select-Object -First 1).Count
        $result.firstItemSeconds = $clock.Elapsed.TotalSeconds
    }
    'irm-read' {
        $url = (Get-Info).url
        $token = Get-Token $url
        $clock.Start()
        $result.items = (Read-WithRestMethod $url $token | Measure-Object).Count
    }
    'irm-first' {
        $url = (Get-Info).url
        $token = Get-Token $url
        $clock.Start()
        $result.items = @(Read-WithRestMethod $url $token | Select-Object -First 1).Count
        $result.firstItemSeconds = $clock.Elapsed.TotalSeconds
    }
    'bare' { $clock.Start() }
    'import' {
        $before = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64
        $clock.Start()
        Import-Module $ModulePath
        $clock.Stop()
        $result.workingSetAddedBytes = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64 - $before
    }
    'first-alert' {
        Import-Module $ModulePath
        $clock.Start()
        Connect-GsTenant -Emulator -EmulatorInfoPath $InfoPath -Name Bench | Out-Null
        $result.connectSeconds = $clock.Elapsed.TotalSeconds
        $result.items = @(Get-GsAlert -First 1).Count
        $result.firstAlertSeconds = $clock.Elapsed.TotalSeconds - $result.connectSeconds
    }
    'latency' {
        Connect-Module
        $null = Get-GsAlert -First 1   # steady state: code compiled and connection open, as in a long read
        $clock.Start()
        # 10 ms every 10 alerts: 1 ms per alert, a 100-alert page as long as the 100 ms latency
        # (sleeping per alert would add timer slack on every call and make writing the slower stage).
        $n = 0
        $result.items = (Get-GsAlert -All -Top 100 -First $Count | ForEach-Object { if (++$n % 10 -eq 0) { [Threading.Thread]::Sleep($ConsumerMs) }; $_ } | Measure-Object).Count
    }
    'write-irm' {
        $url = (Get-Info).url
        $token = Get-Token $url
        $headers = @{ Authorization = "Bearer $token" }
        # -Count limits how many rows are posted (a sample, when the whole file would take too long).
        $rows = @(Import-Csv $CsvPath | Select-Object -First $Count)
        $clock.Start()
        $created = 0
        foreach ($row in $rows) {
            $body = ConvertTo-IndicatorBody $row | ConvertTo-Json -Compress
            # Invoke-RestMethod waits for Retry-After on a 429 when retries are allowed.
            $null = Invoke-RestMethod -Method Post -Uri "$url/beta/security/tiIndicators" -Headers $headers -Body $body `
                -ContentType 'application/json' -SkipCertificateCheck -MaximumRetryCount 20 -RetryIntervalSec 1
            $created++
        }
        $result.items = $created
    }
    'write-bulk' {
        $url = (Get-Info).url
        $token = Get-Token $url
        $headers = @{ Authorization = "Bearer $token" }
        $rows = Import-Csv $CsvPath
        $clock.Start()
        $created = 0
        for ($i = 0; $i -lt $rows.Count; $i += 100) {
            $batch = @($rows[$i..([Math]::Min($i + 99, $rows.Count - 1))] | ForEach-Object { ConvertTo-IndicatorBody $_ })
            $body = @{ value = $batch } | ConvertTo-Json -Depth 4 -Compress
            $answer = Invoke-RestMethod -Method Post -Uri "$url/beta/security/tiIndicators/submitTiIndicators" -Headers $headers -Body $body `
                -ContentType 'application/json' -SkipCertificateCheck -MaximumRetryCount 20 -RetryIntervalSec 1
            $created += @($answer.value | Where-Object { $_.id }).Count
        }
        $result.items = $created
    }
    'write-module' {
        Connect-Module
        $rows = Import-Csv $CsvPath
        $clock.Start()
        $result.items = ($rows | New-GsTiIndicator -Target Graph | Measure-Object).Count
    }
    { $_ -in 'sentinel-feed', 'defender-feed' } {
        Connect-Module
        $rows = Import-Csv $CsvPath
        $clock.Start()
        $written = if ($Name -eq 'sentinel-feed') { $rows | New-GsTiIndicator -Target Sentinel -WorkspaceId $WorkspaceId -ErrorAction SilentlyContinue }
        else { $rows | New-GsTiIndicator -BatchSize $BatchSize -ErrorAction SilentlyContinue }
        $result.items = @($written | Where-Object Status -EQ Created).Count
    }
    'sentinel-memory' {
        Connect-Module
        $clock.Start()
        # Rows made one at a time, so the input itself holds no memory.
        $result.items = (1..$Count | ForEach-Object {
                [pscustomobject]@{ domain = "m$_.memory.example"; Action = 'block'; ThreatType = 'Phishing'; Confidence = $_ % 100 }
            } | New-GsTiIndicator -Target Sentinel -WorkspaceId $WorkspaceId | Measure-Object).Count
    }
    'grouping' {
        Import-Module $ModulePath
        $alerts = @(New-SyntheticAlert $Count)
        $clock.Start()
        $groups = @($alerts | Group-GsAlert -WarningAction SilentlyContinue)
        $clock.Stop()
        $result.items = ($groups | Measure-Object AlertCount -Sum).Sum
        $result.groups = $groups.Count
    }
    'grouping-naive' {
        # Every pair within the window that shares a value is united: n²/2 comparisons.
        Add-Type -TypeDefinition @'
using System;
public static class NaiveGrouping
{
    public static int Group(long[] ticks, string[][] values, long windowTicks)
    {
        var n = ticks.Length;
        var parent = new int[n];
        for (var i = 0; i < n; i++) parent[i] = i;
        Func<int, int> find = null;
        find = x => parent[x] == x ? x : (parent[x] = find(parent[x]));
        for (var i = 0; i < n; i++)
            for (var j = 0; j < i; j++)
            {
                if (Math.Abs(ticks[i] - ticks[j]) > windowTicks) continue;
                foreach (var a in values[i])
                    if (Array.IndexOf(values[j], a) >= 0) { parent[find(i)] = find(j); break; }
            }
        var groups = 0;
        for (var i = 0; i < n; i++) if (find(i) == i) groups++;
        return groups;
    }
}
'@
        $alerts = @(New-SyntheticAlert $Count)
        $ticks = [long[]]@($alerts | ForEach-Object { $_.Time.UtcTicks })
        $values = [string[][]]@($alerts | ForEach-Object { , [string[]]@($_.User.ToLowerInvariant(), $_.HostName.ToLowerInvariant(), $_.IpAddress) })
        # Only the comparisons are timed: the baseline gets its values ready-made.
        $clock.Start()
        $result.groups = [NaiveGrouping]::Group($ticks, $values, [timespan]::FromDays(1).Ticks)
        $clock.Stop()
        $result.items = $alerts.Count
    }
    default { throw "Unknown contender '$Name'." }
}
$clock.Stop()
$result.seconds = $clock.Elapsed.TotalSeconds
$result.peakWorkingSetBytes = Get-PeakWorkingSet
$result | ConvertTo-Json -Compress
