<#
.SYNOPSIS
    Writes a threat-intelligence feed as CSV for Defender for Endpoint and Sentinel, with a known
    number of bad and of expired rows.

.DESCRIPTION
    One indicator per row, in rotation: a public IPv4 address, a domain, a URL, a SHA-256 hash,
    with Action, ThreatType, Description, Confidence (spread over 0–100), ValidUntil and IsActive.
    Values depend only on -Seed and the row number, so the same call writes the same file.
    -InvalidCount rows, spread evenly, carry one mistake each (an impossible IP address, a hash of
    the wrong length, a relative URL, an unknown action, a confidence over 100, an impossible date),
    in rotation; -ExpiredCount other rows expired at the start of 2026.
    Outputs the path, the row count and the line numbers (1 = first data row) of the bad and of the
    expired rows.

.EXAMPLE
    ./New-SampleFeedCsv.ps1 -Path feed.csv -Count 50000 -InvalidCount 37 -ExpiredCount 120
#>
param(
    [Parameter(Mandatory)] [string] $Path,
    [int] $Count = 100,
    [int] $InvalidCount = 3,
    [int] $ExpiredCount = 2,
    [int] $Seed = 1,
    [string] $ValidUntil = '2027-06-30T00:00:00Z'
)

$sha = [Security.Cryptography.SHA256]::Create()
function Get-Hex([string] $Text) { [Convert]::ToHexString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($Text))).ToLowerInvariant() }

# Bad rows first, expired rows in between them: no line is both.
$mistakes = 'BadIp', 'ShortHash', 'RelativeUrl', 'UnknownAction', 'Confidence', 'BadDate'
$invalid = @{}
for ($k = 0; $k -lt $InvalidCount; $k++) { $invalid[[int][Math]::Floor(($k + 0.5) * $Count / $InvalidCount) + 1] = $mistakes[$k % $mistakes.Count] }
$expired = [Collections.Generic.HashSet[int]]::new()
for ($k = 0; $k -lt $ExpiredCount; $k++) {
    $line = [int][Math]::Floor(($k + 0.25) * $Count / $ExpiredCount) + 1
    while ($invalid.ContainsKey($line) -or $expired.Contains($line)) { $line++ }
    [void] $expired.Add($line)
}
$kinds = 'ip', 'domain', 'url', 'sha256'

$writer = [IO.StreamWriter]::new([IO.Path]::GetFullPath($Path, (Get-Location).Path))
try {
    $writer.WriteLine('Action,ThreatType,ip,domain,url,sha256,Description,Confidence,ValidUntil,IsActive')
    for ($line = 1; $line -le $Count; $line++) {
        $kind = $kinds[$line % $kinds.Count]
        $ip = $domain = $url = $hash = ''
        switch ($kind) {
            # 45.0.0.0/8 and 46.0.0.0/8 are public unicast; each row its own address.
            'ip' { $ip = '{0}.{1}.{2}.{3}' -f (45 + ($Seed % 2)), (($line -shr 16) % 256), (($line -shr 8) % 256), ($line % 256) }
            'domain' { $domain = "host$line.seed$Seed.feed.example" }
            'url' { $url = "https://lure$line.seed$Seed.example/login" }
            'sha256' { $hash = Get-Hex "feed-$Seed-$line" }
        }
        $action = ('block', 'alert', 'Warn')[$line % 3]
        $confidence = ($line * 37) % 101
        $until = if ($expired.Contains($line)) { '2026-01-01T00:00:00Z' } else { $ValidUntil }
        switch ($invalid[$line]) {
            'BadIp' { $ip = "300.1.2.$($line % 256)"; $domain = $url = $hash = '' }
            'ShortHash' { $hash = (Get-Hex "feed-$Seed-$line").Substring(1); $ip = $domain = $url = '' }
            'RelativeUrl' { $url = "/login?id=$line"; $ip = $domain = $hash = '' }
            'UnknownAction' { $action = 'blok' }
            'Confidence' { $confidence = 150 }
            'BadDate' { $until = '2026-13-45' }
        }
        $threat = ('Malware', 'Phishing', 'C2', 'Botnet')[$line % 4]
        $writer.WriteLine("$action,$threat,$ip,$domain,$url,$hash,Feed $kind $line,$confidence,$until,true")
    }
}
finally { $writer.Dispose() }

[pscustomobject]@{ Path = $Path; Count = $Count; InvalidLines = @($invalid.Keys | Sort-Object); ExpiredLines = @($expired | Sort-Object) }
