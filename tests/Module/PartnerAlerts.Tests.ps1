# A partner product's alerts by both 2026 routes, end to end against the emulator: 1,000 alerts through
# Graph createAlert and 1,000 through Logs Ingestion appear once each in alerts_v2 and in incidents, a
# re-send creates none, a 3 MB batch goes in requests under the 1 MB limit, a 429 is waited out, and the
# partner alerts work with the cmdlets that read and change alerts.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:Emulator = Get-TestEmulator
    $script:Dcr = 'dcr-000a00a000a00000a000000aa000a0aa'
    Connect-GsTenant -Emulator -Name partner

    function Invoke-Control([string] $Method, [string] $Path, $Body) {
        $arguments = @{ Method = $Method; Uri = "$($Emulator.url)/_emulator/$Path"; SkipCertificateCheck = $true }
        if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 6); $arguments.ContentType = 'application/json' }
        Invoke-RestMethod @arguments
    }
    # A partner's detection records: one user, device and IP each, a unique title per run tag.
    function New-Detection([string] $Tag, [int] $Count, [int] $DescriptionLength = 60) {
        foreach ($n in 1..$Count) {
            [pscustomobject]@{
                Title = "$Tag detection $n"; Description = ('Seen by the Northwind sensor. ' * 120).Substring(0, $DescriptionLength)
                Severity = ('Low', 'Medium', 'High')[$n % 3]; Category = 'CommandAndControl'; MitreTechniques = 'T1071.001'
                UserPrincipalName = "user$($n % 40)@contoso.example"; DeviceName = "wks-$($n % 25).contoso.example"; SrcIp = "198.51.100.$($n % 200)"
            }
        }
    }
    function Get-PartnerAlert([string] $Tag) { @(Get-GsAlert -Since $script:Start -All | Where-Object Title -like "$Tag detection *") }
    $script:Start = [DateTime]::UtcNow.AddSeconds(-5)
}

# The files after this one read the newest alerts and expect the seeded ones.
AfterAll {
    Invoke-Control POST 'ingest/rules/run' @{} | Out-Null
    Invoke-Control DELETE 'partner-alerts' | Out-Null
}

Describe 'Send-GsPartnerAlert -Via CreateAlert' {
    BeforeAll {
        $script:Detections = @(New-Detection 'Graph' 1000)
        $script:Created = @($Detections | Send-GsPartnerAlert)
    }

    It 'creates 1,000 manual alerts, each once in alerts_v2 and in one incident' {
        $Created.Count | Should -Be 1000
        $Created[0] | Should -BeOfType ([GraphSecurity.Alert])
        $Created[0].DetectionSource | Should -Be 'Manual'
        $Created[0].ProviderAlertId | Should -BeLike 'manual_*'
        $alerts = Get-PartnerAlert 'Graph'
        $alerts.Count | Should -Be 1000
        @($alerts.Title | Sort-Object -Unique).Count | Should -Be 1000
        $alerts[0].UserPrincipalNames | Should -BeLike 'user*@contoso.example'
        $alerts[0].IpAddresses | Should -BeLike '198.51.100.*'
        $incidentAlerts = @(Get-GsIncident -Since $Start -All -ExpandAlerts | ForEach-Object { $_.Alerts } | Where-Object Title -like 'Graph detection *')
        $incidentAlerts.Count | Should -Be 1000
        @($incidentAlerts.Id | Sort-Object -Unique).Count | Should -Be 1000
    }

    It 'creates none of them again when the same detections are sent again' {
        $again = @($Detections | Send-GsPartnerAlert -WarningVariable warned -WarningAction SilentlyContinue)
        $again.Count | Should -Be 0
        $warned | Should -Match '^1000 partner alert'
        (Get-PartnerAlert 'Graph').Count | Should -Be 1000
    }

    It 'links to an incident and reports bad input with the input, sending the rest' {
        $incidentId = $Created[0].IncidentId
        $bad = [pscustomobject]@{ Title = 'Graph bad'; Description = 'No entity at all'; Severity = 'High'; Category = 'Impact' }
        $good = [pscustomobject]@{ Title = 'Graph linked'; Description = 'Joins the first incident'; Severity = 'Low'; Category = 'Discovery'; Url = 'https://bad.example/a' }
        $critical = @{ Title = 'Graph critical'; Description = 'A severity the API does not have'; Severity = 'Critical'; Category = 'Impact'; Ip = '203.0.113.9' }
        $out = @($bad, $good, $critical | Send-GsPartnerAlert -LinkToIncident $incidentId -ErrorVariable failed -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $out[0].IncidentId | Should -Be $incidentId
        $failed.Count | Should -Be 2
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPartnerAlert*'
        $failed[0].TargetObject | Should -Be $bad
        $failed[0].Exception.Message | Should -BeLike '*no entity*'
        $failed[1].TargetObject | Should -Be $critical
        $failed[1].Exception.Message | Should -BeLike "*Severity 'Critical'*"
        (Get-GsIncident -Id $incidentId -ExpandAlerts).Alerts.Count | Should -Be 2
    }

    It 'shows what it would create with -WhatIf and sends nothing' {
        $out = @(New-Detection 'WhatIf' 3 | Send-GsPartnerAlert -WhatIf)
        $out.Count | Should -Be 0
        (Get-PartnerAlert 'WhatIf').Count | Should -Be 0
    }
}

Describe 'Send-GsPartnerAlert -Via LogsIngestion' {
    BeforeAll {
        Invoke-Control DELETE 'ingest/requests' | Out-Null
        $script:Rows = @(New-Detection 'Ingest' 1000)
        $script:Upload = $Rows | Send-GsPartnerAlert -Via LogsIngestion -DataCollectionRule $Dcr
        $script:Run = Invoke-Control POST 'ingest/rules/run' @{}
    }

    It 'sends 1,000 rows that the analytics rule makes 1,000 Sentinel alerts, each once, in incidents' {
        $Upload | Should -BeOfType ([GraphSecurity.PartnerAlertUpload])
        $Upload.Rows | Should -Be 1000
        $Upload.Compressed | Should -BeTrue
        $Upload.LargestRequest | Should -BeLessThan 1048577
        $alerts = Get-PartnerAlert 'Ingest'
        $alerts.Count | Should -Be 1000
        @($alerts.Title | Sort-Object -Unique).Count | Should -Be 1000
        @($alerts.ServiceSource | Sort-Object -Unique) | Should -Be 'MicrosoftSentinel'
        @($alerts.DetectionSource | Sort-Object -Unique) | Should -Be 'ScheduledAlerts'
        $alerts[0].DeviceNames | Should -BeLike 'wks-*'
        $incidentAlerts = @(Get-GsIncident -Since $Start -All -ExpandAlerts | ForEach-Object { $_.Alerts } | Where-Object Title -like 'Ingest detection *')
        @($incidentAlerts.Id | Sort-Object -Unique).Count | Should -Be 1000
        $incidentAlerts.Count | Should -Be 1000
    }

    It 'makes no alert of the same rows sent again (the rows carry deterministic AlertIds)' {
        $again = $Rows | Send-GsPartnerAlert -Via LogsIngestion -DataCollectionRule $Dcr
        $again.Rows | Should -Be 1000
        $run = Invoke-Control POST 'ingest/rules/run' @{}
        $run.alertsCreated | Should -Be 0
        (Get-PartnerAlert 'Ingest').Count | Should -Be 1000
    }

    It 'splits a 3 MB batch into requests under 1 MB, no row split, all rows in' {
        Invoke-Control DELETE 'ingest/requests' | Out-Null
        $big = @(New-Detection 'Large' 1000 -DescriptionLength 3000)
        $upload = $big | Send-GsPartnerAlert -Via LogsIngestion -DataCollectionRule $Dcr -NoCompression
        $upload.Bytes | Should -BeGreaterThan 3000000
        $upload.Rows | Should -Be 1000
        $upload.Requests | Should -BeGreaterOrEqual 3
        $received = Invoke-Control GET 'ingest/requests'
        $received.total | Should -Be $upload.Requests
        $received.accepted | Should -Be $upload.Requests
        $received.largestBody | Should -BeLessThan 1048577
        $received.rows | Should -Be 1000
        # The scheduled run may have come first: count the alerts, not what this run made.
        Invoke-Control POST 'ingest/rules/run' @{} | Out-Null
        (Get-PartnerAlert 'Large').Count | Should -Be 1000
    }

    It 'waits out a 429 (Retry-After) and sends every row' {
        Invoke-Control POST 'ingest/limit' @{ requests = 1; bytes = 2147483648; windowSeconds = 1 } | Out-Null
        try {
            $rows = @(New-Detection 'Throttled' 400 -DescriptionLength 3000)
            $upload = $rows | Send-GsPartnerAlert -Via LogsIngestion -DataCollectionRule $Dcr -NoCompression
            $upload.Rows | Should -Be 400
            $upload.Throttled | Should -BeGreaterThan 0
            $upload.Retries | Should -Be $upload.Throttled
        }
        finally { Invoke-Control POST 'ingest/limit' @{ requests = 12000; bytes = 2147483648; windowSeconds = 60 } | Out-Null }
    }

    It 'is refused (403) for an app without Monitoring Metrics Publisher, each row an error record' {
        Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -Name partner-reader -ClientId $ReaderClientId -ClientSecret (ConvertTo-TestSecureString $ReaderSecret)
        $out = @(New-Detection 'Refused' 2 | Send-GsPartnerAlert -Via LogsIngestion -DataCollectionRule $Dcr -Connection partner-reader -ErrorVariable failed -ErrorAction SilentlyContinue)
        $failed.Count | Should -Be 2
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LogsIngestionForbidden*'
        $out[0].FailedRows | Should -Be 2
    }
    AfterAll { Connect-GsTenant -Emulator -Name partner }
}

Describe 'The Northwind Sentry partner app sends into Contoso' {
    It 'sends by both routes with its own credential and User-Agent' {
        Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $PartnerClientId -ClientSecret (ConvertTo-TestSecureString $PartnerSecret) `
            -UserAgent $PartnerUserAgent -Name northwind
        try {
            $created = New-Detection 'Northwind' 1 | Send-GsPartnerAlert -Connection northwind
            $created.DetectionSource | Should -Be 'Manual'
            $upload = New-Detection 'NorthwindRows' 3 | Send-GsPartnerAlert -Via LogsIngestion -DataCollectionRule $Dcr -Connection northwind
            $upload.Rows | Should -Be 3
            Invoke-Control POST 'ingest/rules/run' @{} | Out-Null
            (Get-PartnerAlert 'NorthwindRows').Count | Should -Be 3
        }
        finally { Connect-GsTenant -Emulator -Name partner }
    }
}

Describe 'Partner alerts with the other cmdlets' {
    It 'are changed by Set-GsAlert, seen by Watch-GsAlert and queried in hunting' {
        $alert = (Get-PartnerAlert 'Ingest')[0]
        $updated = Set-GsAlert -Id $alert.Id -Status InProgress -AssignedTo 'soc@contoso.example' -PassThru
        $updated.Status | Should -Be 'InProgress'
        $changes = @(Watch-GsAlert -Once -Since $Start -ServiceSource MicrosoftSentinel -StatePath (Join-Path $env:GS_TEST_WORK 'partner-watch.json'))
        $change = @($changes | Where-Object Id -EQ $alert.Id)
        $change.Count | Should -Be 1
        $change[0].Alert.AssignedTo | Should -Be 'soc@contoso.example'
        @($changes | Where-Object Title -Like 'Ingest detection *').Count | Should -Be 1000
        $rows = @(Invoke-GsHuntingQuery -Query "PartnerAlerts_CL | where Title startswith 'Ingest detection' | summarize n = count()")
        $rows[0].n | Should -Be 2000
    }
}
