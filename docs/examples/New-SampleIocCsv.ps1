<#
.SYNOPSIS
    Writes a threat-indicator CSV in the shape feeds export, with a known number of bad rows.

.DESCRIPTION
    One indicator per row, in the column a feed would use for it (ip, domain, url, sha256, md5,
    email), plus TargetProduct, Action, ThreatType, Description, Confidence, Tags and ValidUntil.
    Values are unique per row and depend only on -Seed and the row number, so the same call always
    writes the same file. -InvalidCount rows, spread evenly, carry one mistake each (bad IP, hash of
    the wrong length, relative URL, an unknown threat type, an impossible expiry, unknown action, confidence out of
    range, description too long, an e-mail indicator for Defender ATP), in rotation.
    The file docs/examples/iocs.csv was written with: ./New-SampleIocCsv.ps1 -Path iocs.csv -Count 20 -InvalidCount 2
    Outputs the path, the row count and the line numbers (1 = first data row) of the bad rows.
#>
param(
    [Parameter(Mandatory)] [string] $Path,
    [int] $Count = 20,
    [int] $InvalidCount = 2,
    [int] $Seed = 1,
    # Empty: New-GsTiIndicator's -ValidFor applies.
    [string] $ValidUntil = ''
)

$sha = [Security.Cryptography.SHA256]::Create()
$md5 = [Security.Cryptography.MD5]::Create()
function Get-Hex([Security.Cryptography.HashAlgorithm] $Algorithm, [string] $Text) {
    [BitConverter]::ToString($Algorithm.ComputeHash([Text.Encoding]::UTF8.GetBytes($Text))).Replace('-', '').ToLowerInvariant()
}

$mistakes = 'BadIp', 'ShortHash', 'RelativeUrl', 'UnknownThreatType', 'UnknownAction', 'Confidence', 'LongDescription', 'EmailForDefender', 'BadDate'
$invalid = @{}
for ($k = 0; $k -lt $InvalidCount; $k++) { $invalid[[int][Math]::Floor(($k + 0.5) * $Count / $InvalidCount) + 1] = $mistakes[$k % $mistakes.Count] }
$kinds = 'ip', 'domain', 'url', 'sha256', 'md5', 'email'

$writer = [IO.StreamWriter]::new([IO.Path]::GetFullPath($Path, (Get-Location).Path))
try {
    $writer.WriteLine('TargetProduct,Action,ThreatType,ip,domain,url,sha256,md5,email,Description,Confidence,Tags,ValidUntil')
    for ($line = 1; $line -le $Count; $line++) {
        $kind = $kinds[$line % $kinds.Count]
        $key = "sample-$Seed-$line"
        $row = [ordered]@{
            TargetProduct = if ($kind -eq 'email' -or $line % 4 -eq 0) { 'Azure Sentinel' } else { 'Microsoft Defender ATP' }
            Action = ('alert', 'block', 'allow')[$line % 3]; ThreatType = ('Malware', 'Phishing', 'C2', 'Botnet', 'WatchList')[$line % 5]
            ip = ''; domain = ''; url = ''; sha256 = ''; md5 = ''; email = ''
            Description = "Sample $kind indicator $line"; Confidence = 50 + $line % 50; Tags = "sample;seed-$Seed"; ValidUntil = $ValidUntil
        }
        switch ($kind) {
            'ip' { $row.ip = '45.{0}.{1}.{2}' -f ($Seed % 256), (($line -shr 8) % 256), ($line % 256) }
            'domain' { $row.domain = "host$line.seed$Seed.bad.example" }
            'url' { $row.url = "https://phish$line.seed$Seed.example/login?id=$line" }
            'sha256' { $row.sha256 = Get-Hex $sha $key }
            'md5' { $row.md5 = Get-Hex $md5 $key }
            'email' { $row.email = "spam$line@seed$Seed.bad.example" }
        }
        switch ($invalid[$line]) {
            'BadIp' { $row.ip = "300.1.2.$($line % 256)"; $row.domain = $row.url = $row.sha256 = $row.md5 = $row.email = '' }
            'ShortHash' { $row.sha256 = (Get-Hex $sha $key).Substring(1); $row.ip = $row.domain = $row.url = $row.md5 = $row.email = '' }
            'RelativeUrl' { $row.url = "/login?id=$line"; $row.ip = $row.domain = $row.sha256 = $row.md5 = $row.email = '' }
            'UnknownThreatType' { $row.ThreatType = 'Malwar' }
            'UnknownAction' { $row.Action = 'blok' }
            'Confidence' { $row.Confidence = 150 }
            'LongDescription' { $row.Description = 'x' * 101 }
            'EmailForDefender' { $row.email = "spam$line@seed$Seed.bad.example"; $row.ip = $row.domain = $row.url = $row.sha256 = $row.md5 = ''; $row.TargetProduct = 'Microsoft Defender ATP' }
            'BadDate' { $row.ValidUntil = '2026-13-45' }
        }
        $writer.WriteLine((@($row.Values) | ForEach-Object { $text = "$_"; if ($text -match '[",]') { '"' + $text.Replace('"', '""') + '"' } else { $text } }) -join ',')
    }
}
finally { $writer.Dispose() }

[pscustomobject]@{ Path = $Path; Count = $Count; InvalidLines = @($invalid.Keys | Sort-Object) }
