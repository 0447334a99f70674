# Threat intelligence (Graph /security/threatIntelligence): host lookups, enrichment of alerts from the
# pipeline (one lookup per distinct host, counted by the emulator), profiles, articles, vulnerabilities,
# and the permission and licence errors.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name ti
    $script:Emulator = Get-TestEmulator

    function Get-RouteCount([string] $Route) {
        $counters = Invoke-RestMethod -Uri "$($Emulator.url)/_emulator/counters" -SkipCertificateCheck
        $routes = @($counters.routes)
        ($routes | Where-Object { $_.method -eq 'GET' -and $_.route -eq $Route } | Measure-Object -Property count -Sum).Sum
    }
}

Describe 'Get-GsThreatIntelligence -HostName / -Url' {
    It 'returns reputation, WHOIS, resolutions and components of a known-bad domain' {
        $h = Get-GsThreatIntelligence -Domain login-micros0ft.example -Connection ti
        $h | Should -BeOfType ([GraphSecurity.ThreatIntelligenceHost])
        $h.Kind | Should -Be 'Hostname'
        $h.Classification | Should -Be 'malicious'
        $h.Score | Should -BeGreaterThan 80
        $h.Reputation.Rules[0].Severity | Should -Be 'high'
        $h.Whois.Registrar.Organization | Should -Be 'Example Registrar, Inc.'
        @($h.Resolutions.Artifact.Id) | Should -Be @('198.51.100.3', '198.51.100.11')
        $h.Components.Name | Should -Contain 'nginx'
        $h.ConnectionName | Should -Be 'ti'
    }

    It 'reports an unknown IP address as unknown, and a URL by its host' {
        $ip = Get-GsThreatIntelligence -IpAddress 198.51.100.4 -ReputationOnly -Connection ti
        $ip.Kind | Should -Be 'IpAddress'
        $ip.Classification | Should -Be 'unknown'
        $ip.Score | Should -Be 0
        (Get-GsThreatIntelligence -Url 'https://cdn-update.example/a/b.html' -ReputationOnly -Connection ti).Id | Should -Be 'cdn-update.example'
    }

    It 'refuses a value that is not a host or URL before sending, and goes on with the rest' {
        $results = Get-GsThreatIntelligence -HostName 'bad host', '203.0.113.5' -ReputationOnly -Connection ti -ErrorVariable errs -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $results.Classification | Should -Be 'suspicious'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $errs[0].TargetObject | Should -Be 'bad host'
        { Get-GsThreatIntelligence -Url 'not/a/url' -Connection ti -ErrorAction Stop } | Should -Throw '*not an absolute http or https URL*'
    }
}

Describe 'Get-GsAlert | Get-GsThreatIntelligence' {
    It 'enriches 1,000 alerts with at most one lookup per distinct indicator' {
        $alerts = @(Get-GsAlert -First 1000 -Connection ti)
        $alerts.Count | Should -Be 1000
        $ips = @($alerts.Evidence | Where-Object { $_ -is [GraphSecurity.IpEvidence] } | ForEach-Object IpAddress)
        $urls = @($alerts.Evidence | Where-Object { $_ -is [GraphSecurity.UrlEvidence] } | ForEach-Object Url)
        $distinctIndicators = @($ips + $urls | Sort-Object -Unique).Count
        $distinctHosts = @($ips + @($urls | ForEach-Object { ([uri]$_).Host.ToLowerInvariant() }) | Sort-Object -Unique).Count

        Invoke-RestMethod -Method Delete -Uri "$($Emulator.url)/_emulator/counters" -SkipCertificateCheck | Out-Null
        $enriched = @($alerts | Get-GsThreatIntelligence -Connection ti)
        $lookups = Get-RouteCount '/v1.0/security/threatIntelligence/hosts/{id}/reputation'

        $enriched.Count | Should -Be $distinctIndicators
        $lookups | Should -Be $distinctHosts
        $lookups | Should -BeLessOrEqual $distinctIndicators
        # The profiles are read once for the pipeline, not per alert.
        Get-RouteCount '/v1.0/security/threatIntelligence/intelProfiles' | Should -Be 1
        $enriched[0] | Should -BeOfType ([GraphSecurity.IndicatorEnrichment])
        # The order is the order first seen, and -Verbose reports the lookups.
        $verbose = $alerts[0..99] | Get-GsThreatIntelligence -Connection ti -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'distinct indicators, \d+ host lookups'
        ($enriched.AlertIds | Measure-Object).Count | Should -BeGreaterOrEqual $distinctIndicators
    }

    It 'comes back malicious for the known-bad evidence of the seeded alerts, with its intel profile, and unknown for the rest' {
        $alerts = @(Get-GsAlert -First 300 -Connection ti)
        $enriched = @($alerts | Get-GsThreatIntelligence -Connection ti)
        $phish = @($enriched | Where-Object Host -EQ 'login-micros0ft.example')
        $phish.Count | Should -BeGreaterThan 0
        $phish | ForEach-Object { $_.Classification | Should -Be 'malicious'; $_.Known | Should -BeTrue; $_.IntelProfiles | Should -Contain 'Amber Lantern' }
        $badIps = @($enriched | Where-Object { $_.Kind -eq 'IpAddress' -and $_.Indicator -match '^198\.51\.100\.(\d+)$' -and [int]$Matches[1] % 8 -eq 3 })
        $badIps.Count | Should -BeGreaterThan 0
        $badIps | ForEach-Object { $_.Classification | Should -Be 'malicious'; $_.IntelProfiles | Should -Contain 'Copper Fox' }
        $unknown = @($enriched | Where-Object { -not $_.Known })
        $unknown.Count | Should -BeGreaterThan ($enriched.Count / 2)
        $unknown | ForEach-Object { $_.Classification | Should -Be 'unknown'; $_.IntelProfiles.Count | Should -Be 0 }
    }
}

Describe 'Get-GsIntelProfile, Get-GsThreatArticle, Get-GsVulnerability' {
    It 'lists profiles and reads one with its indicators' {
        $profiles = @(Get-GsIntelProfile -Connection ti)
        $profiles.Title | Should -Contain 'Copper Fox'
        $fox = Get-GsIntelProfile -Id ($profiles | Where-Object Title -EQ 'Copper Fox').Id -IncludeIndicators -Connection ti
        $fox.Kind | Should -Be 'actor'
        $fox.Indicators.Artifact.Id | Should -Contain '198.51.100.3'
        @(Get-GsIntelProfile -Search GlassKey -Connection ti).Title | Should -Be @('GlassKey loader')
    }

    It 'lists articles newest first, searches, pages with -First and -All, and reads indicators' {
        $all = @(Get-GsThreatArticle -All -Connection ti)
        $all.Count | Should -Be 4
        $all[0].CreatedDateTime | Should -BeGreaterThan $all[1].CreatedDateTime
        @(Get-GsThreatArticle -First 2 -Connection ti).Count | Should -Be 2
        $found = Get-GsThreatArticle -Search invoice -IncludeIndicators -Connection ti
        $found.Id | Should -Be 'a1000001'
        $found.Indicators.Artifact.Id | Should -Contain 'invoice-portal.example'
        { Get-GsThreatArticle -Search 'two terms' -Connection ti } | Should -Throw
    }

    It 'reads a CVE and reports an unknown one as not found' {
        $cve = Get-GsVulnerability -Id cve-2025-10001 -Connection ti
        $cve.Severity | Should -Be 'critical'
        $cve.ActiveExploitsObserved | Should -BeTrue
        Get-GsVulnerability -Id CVE-1999-0001 -Connection ti -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GraphNotFound*'
        Get-GsVulnerability -Id 'MS17-010', 'CVE-2025-10003' -Connection ti -ErrorVariable bad -ErrorAction SilentlyContinue | ForEach-Object Id | Should -Be 'CVE-2025-10003'
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $bad[0].TargetObject | Should -Be 'MS17-010'
    }
}

Describe 'Permission and licence errors' {
    It 'names ThreatIntelligence.Read.All when the app lacks it' {
        Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $ReaderClientId -ClientSecret (ConvertTo-TestSecureString $ReaderSecret) -Name ti-reader
        Get-GsThreatIntelligence -HostName 198.51.100.3 -Connection ti-reader -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GraphForbidden*'
        "$($errs[0].ErrorDetails.Message) $($errs[0].ErrorDetails.RecommendedAction)" | Should -BeLike '*ThreatIntelligence.Read.All*'
        # Enrichment stops at the first refusal instead of repeating it for every indicator.
        $alerts = @(Get-GsAlert -First 50 -Connection ti)
        $err = { $alerts | Get-GsThreatIntelligence -Connection ti-reader } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GraphForbidden*'
    }

    It 'says which licence is missing for an unlicensed tenant, and works once it is licensed' {
        Connect-GsTenant -Environment Emulator -TenantId $FabrikamTenantId -ClientId $FabrikamClientId -ClientSecret (ConvertTo-TestSecureString $FabrikamSecret) -Name ti-fabrikam
        Get-GsThreatArticle -Connection ti-fabrikam -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ThreatIntelligenceNotLicensed*'
        $errs[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errs[0].ErrorDetails.RecommendedAction | Should -BeLike '*Defender XDR or Microsoft Sentinel licence*'
        $body = @{ tenantId = $FabrikamTenantId; licensed = $true } | ConvertTo-Json
        Invoke-RestMethod -Method Post -Uri "$($Emulator.url)/_emulator/threatIntelligence/licence" -Body $body -ContentType application/json -SkipCertificateCheck | Out-Null
        try { @(Get-GsThreatArticle -Connection ti-fabrikam).Count | Should -Be 4 }
        finally {
            $body = @{ tenantId = $FabrikamTenantId; licensed = $false } | ConvertTo-Json
            Invoke-RestMethod -Method Post -Uri "$($Emulator.url)/_emulator/threatIntelligence/licence" -Body $body -ContentType application/json -SkipCertificateCheck | Out-Null
        }
    }
}
