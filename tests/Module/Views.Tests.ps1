# Every default view, rendered with real objects from the emulator: no computed column that is
# empty on every row, evidence shown with its type, counts only when known, and seeded data that
# reads like a real tenant.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name views
    $script:emulator = Get-TestEmulator

    function Get-FreePort {
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start(); try { $probe.LocalEndpoint.Port } finally { $probe.Stop() }
    }

    # Real objects of every output type that has views.
    $script:Samples = @{}
    function Add-Sample([object[]] $Items) { foreach ($item in $Items) { if ($null -ne $item) { $Samples[$item.GetType().FullName] += @($item) } } }
    $alerts = @(Get-GsAlert -First 50 -Connection views)
    Add-Sample $alerts
    Add-Sample ($alerts | ForEach-Object Comments)
    Add-Sample (Get-GsAlert -Legacy -First 20 -Connection views 3>$null)
    Add-Sample (Get-GsIncident -First 10 -ExpandAlerts -Connection views)
    $scores = @(Get-GsSecureScore -Days 2 -Connection views)
    Add-Sample $scores
    Add-Sample $scores[0].ControlScores
    Add-Sample (Get-GsSecureScoreControlProfile -First 10 -Connection views)
    Add-Sample (Compare-GsSecureScore -DaysAgo 7 -Connection views)
    Add-Sample (Invoke-GsSecurityAction -IpAddress 198.51.100.99 -Connection views -Confirm:$false)
    Add-Sample (Get-GsSecurityAction -First 5 -Connection views)
    Add-Sample (Get-GsThreatIntelligence -HostName login-micros0ft.example, 198.51.100.4 -Connection views)
    Add-Sample ($alerts | Get-GsThreatIntelligence -Connection views)
    Add-Sample (Get-GsIntelProfile -Connection views)
    Add-Sample (Get-GsThreatArticle -Connection views)
    Add-Sample (Get-GsVulnerability -Id CVE-2025-10001, CVE-2025-10002 -Connection views)
    $device = ($alerts | Where-Object { $_.DeviceNames.Count -gt 0 } | Select-Object -First 1).DeviceNames[0]
    Add-Sample (Invoke-GsLiveResponse -Device $device -ScriptName Get-ProcessList.ps1 -PollInterval 1 -Connection views -Confirm:$false)
    Add-Sample (Invoke-GsSecurityAction -Api GraphSecurityActions -IpAddress 198.51.100.98 -Connection views -Confirm:$false 3>$null)
    Add-Sample (Get-GsSecurityAction -Api GraphSecurityActions -First 5 -Connection views)
    Add-Sample (New-GsTiIndicator -Target Graph -Url 'https://views.example/x' -Action block -ThreatType Malware -TargetProduct 'Azure Sentinel' -Connection views -Confirm:$false)
    Add-Sample (Get-GsTiIndicator -Target Graph -First 5 -Connection views)
    Add-Sample (Watch-GsAlert -Once -Since (Get-Date).AddDays(-2) -Connection views 3>$null)
    Add-Sample (Watch-GsIncident -Once -Since (Get-Date).AddDays(-30) -Connection views 3>$null)
    Add-Sample (Invoke-GsRequest -Uri 'api/indicators' -Api DefenderForEndpoint -OutputType HttpResponse -Connection views)
    Add-Sample (Get-GsConnection -Name views)
    Add-Sample (Get-GsConnection -Name views).Apis
    Add-Sample (Get-GsEmulator)
    Add-Sample (Send-GsPartnerAlert -Via LogsIngestion -DataCollectionRule 'dcr-000a00a000a00000a000000aa000a0aa' -Title 'Views partner alert' -Description 'A partner detection for the views.' `
            -Severity Low -Category Discovery -IpAddress 198.51.100.97 -Connection views -Confirm:$false)
    # The conformance checks of the sample provider the test run starts on port 7801.
    Add-Sample (Test-GsProvider -Url http://127.0.0.1:7801/gsprov/v1 -Connection views -WhatIf -InformationAction SilentlyContinue)
    # A delegated permission only, so the seeded Contoso consent keeps its roles.
    Add-Sample (Request-GsAdminConsent -Emulator -TenantId contoso.example -ClientId '5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f' -Permission User.Read)
    # Groups of the seeded alerts, most of them joined by shared evidence.
    Add-Sample ($alerts | Group-GsAlert 3>$null)
    $viewsRule = New-GsDetectionRule -Name 'Views detection rule' -Query 'AlertEvidence | where DeviceName != "" | project Timestamp, DeviceName | take 1' `
        -Title 'Views rule alert' -Severity Low -EntityMapping @{ Type = 'Host'; DeviceName = 'DeviceName' } -Connection views -Confirm:$false
    Add-Sample $viewsRule
    Remove-GsDetectionRule -Id $viewsRule.Id -Connection views -Confirm:$false

    # A subscription and one change notification, through a receiver (with its own subscription) in a thread job.
    $port = Get-FreePort
    $receiver = Start-ThreadJob -ScriptBlock {
        param($ModulePath, $Port)
        Import-Module $ModulePath
        Receive-GsNotification -Port $Port -Subscribe -Count 1 -Timeout 60 -Connection views
    } -ArgumentList $env:GS_TEST_MODULE, $port
    $deadline = (Get-Date).AddSeconds(30)
    do {
        Start-Sleep -Milliseconds 100
        $script:subscription = Get-GsSubscription -Connection views | Where-Object NotificationUrl -Like "http://127.0.0.1:$port/*"
    } until ($subscription -or (Get-Date) -gt $deadline)
    Add-Sample $subscription
    Invoke-RestMethod -Method Post -Uri "$($emulator.url)/_emulator/legacy/alerts" -Body '{"provider":"IPC","title":"Views test"}' -ContentType 'application/json' -SkipCertificateCheck | Out-Null
    Add-Sample ($receiver | Wait-Job -Timeout 60 | Receive-Job)
    $receiver | Remove-Job -Force

    $script:TableViews = @(Get-FormatData -TypeName GraphSecurity.* -PowerShellVersion $PSVersionTable.PSVersion | ForEach-Object {
            $type = $_.TypeNames[0]
            $_.FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] } |
                ForEach-Object { [pscustomobject]@{ Type = $type; Control = $_.Control } }
        })
}
AfterAll { Disconnect-GsTenant -Name views }

Describe 'Default views with real data' {
    It 'every type with a view has real samples here' {
        $TableViews.Count | Should -BeGreaterThan 10
        foreach ($view in $TableViews) { $Samples.ContainsKey($view.Type) | Should -BeTrue -Because "a real $($view.Type) is needed to check its view" }
    }

    It 'no computed table column is empty on every row' {
        foreach ($view in $TableViews) {
            $items = $Samples[$view.Type]
            $columns = $view.Control.Rows[0].Columns
            for ($i = 0; $i -lt $columns.Count; $i++) {
                $entry = $columns[$i].DisplayEntry
                if ($entry.ValueType -ne 'ScriptBlock') { continue }
                $script = [scriptblock]::Create($entry.Value)
                $values = foreach ($item in $items) { $_ = $item; [string](& { param($_) . $script } $item) }
                @($values | Where-Object { $_.Trim() }).Count | Should -BeGreaterThan 0 -Because "column $i ($($view.Control.Headers[$i].Label)) of $($view.Type) shows nothing for any of $($items.Count) real objects"
            }
        }
    }

    It 'legacy alerts and security actions show when they were created' {
        $legacy = ($Samples['GraphSecurity.LegacyAlert'] | Format-Table | Out-String)
        $legacy | Should -Match '\d{4}-\d\d-\d\d \d\d:\d\d'
        ($Samples['GraphSecurity.SecurityAction'] | Format-Table | Out-String) | Should -Match '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d'
    }

    It 'Format-List shows each piece of evidence with its type' {
        $FormatEnumerationLimit = 50
        $withProcess = $Samples['GraphSecurity.Alert'] | Where-Object { $_.Evidence | Where-Object { $_ -is [GraphSecurity.ProcessEvidence] } } | Select-Object -First 1
        $text = ($withProcess | Format-List | Out-String -Width 400)
        $text | Should -Match 'processEvidence: '
        $text | Should -Match 'deviceEvidence: '
        foreach ($evidence in $withProcess.Evidence) { $text | Should -Match ([regex]::Escape($evidence.EvidenceType + ':')) }
    }

    It 'an incident shows AlertCount only when its alerts were read' {
        $plain = Get-GsIncident -First 1 -Connection views
        $plain.AlertCount | Should -BeNullOrEmpty
        ($plain | Format-List | Out-String) | Should -Not -Match 'AlertCount'
        $expanded = Get-GsIncident -Id $plain.Id -ExpandAlerts -Connection views
        $expanded.AlertCount | Should -BeGreaterThan 0
        ($expanded | Format-List | Out-String) | Should -Match "AlertCount\s+: $($expanded.AlertCount)"
    }
}

Describe 'Seeded secure score' {
    It 'the latest day has a few controls worse than the day before, not most of them' {
        $controls = @((Get-GsSecureScore -Days 1 -Connection views).ControlScores).Count
        $controls | Should -BeGreaterThan 30
        $worse = @(Compare-GsSecureScore -DaysAgo 1 -Change Worse -Connection views)
        $worse.Count | Should -BeLessOrEqual 3
        # Over the 90 days some regressions do happen.
        $anyWorse = 1..89 | Where-Object { @(Compare-GsSecureScore -ReferenceDate (Get-Date).Date.AddDays(-$_ - 1) -DifferenceDate (Get-Date).Date.AddDays(-$_) -Change Worse -Connection views).Count -gt 0 } | Select-Object -First 1
        $anyWorse | Should -Not -BeNullOrEmpty
    }
}
