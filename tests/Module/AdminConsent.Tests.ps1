# A partner's multi-tenant app across customer tenants: no token before a tenant's admin consents,
# Request-GsAdminConsent through the emulator's admin-consent endpoint, one credential for every
# consented customer afterwards, revoking; and the partner User-Agent on every request.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:Emulator = Get-TestEmulator
    $script:Secret = ConvertTo-TestSecureString $PartnerSecret
    $script:Consents = "$($Emulator.url)/_emulator/tenants/$FabrikamTenantId/consents"

    function Remove-FabrikamConsent {
        Invoke-RestMethod -Method Delete -Uri "$Consents/$PartnerClientId" -SkipCertificateCheck -SkipHttpErrorCheck | Out-Null
    }
    function Set-ConsentResponder([string] $Decision = 'accept', [string] $User) {
        Invoke-RestMethod -Method Post -Uri "$($Emulator.url)/_emulator/adminconsent/responder" -SkipCertificateCheck `
            -ContentType 'application/json' -Body (@{ decision = $Decision; user = $User } | ConvertTo-Json) | Out-Null
    }
    function Connect-Fabrikam { Connect-GsTenant -Emulator -TenantId $FabrikamTenantId -ClientId $PartnerClientId -ClientSecret $Secret -Name fabrikam }
    Remove-FabrikamConsent
}

AfterAll {
    Remove-FabrikamConsent
    Set-ConsentResponder
    Disconnect-GsTenant -All
}

Describe 'A partner app across customer tenants' {
    AfterEach { Set-ConsentResponder }

    It 'gets no token for Fabrikam before its admin consents, and the error is the platform''s' {
        $err = { Connect-Fabrikam } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -BeLike "*AADSTS700016: Application with identifier '$PartnerClientId' was not found in the directory 'fabrikam.example'*"
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*Request-GsAdminConsent*'
        Get-GsConnection -Name fabrikam -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'connects to Contoso, which consented, with the same credential' {
        Connect-GsTenant -Emulator -TenantId $DefaultTenantId -ClientId $PartnerClientId -ClientSecret $Secret -Name contoso
        $alert = Get-GsAlert -First 1 -Connection contoso
        $alert.TenantId | Should -Be $DefaultTenantId
    }

    It 'asks Fabrikam''s admin through the admin-consent endpoint, then connects and reads Fabrikam''s alerts' {
        $result = Request-GsAdminConsent -Emulator -TenantId fabrikam.example -ClientId $PartnerClientId
        $result.GetType().FullName | Should -Be 'GraphSecurity.GsAdminConsentResult'
        $result.Granted | Should -BeTrue
        $result.StateVerified | Should -BeTrue
        $result.GrantedTenantId | Should -Be $FabrikamTenantId
        $result.Endpoint | Should -Be 'v1'
        @($result.Permissions) | Should -Be @('.default')
        $result.RedirectUri.Host | Should -Be 'localhost'
        $result.RedirectUri.Port | Should -Not -Be 80 -Because 'a free port was chosen for the registered http://localhost'
        $consents = Invoke-RestMethod -Uri $Consents -SkipCertificateCheck
        $consents.consentedBy | Should -Be 'dorothy@fabrikam.example'

        Connect-Fabrikam
        $alerts = @(Get-GsAlert -First 5 -Connection fabrikam)
        $alerts.Count | Should -Be 5
        $alerts.TenantId | Sort-Object -Unique | Should -Be $FabrikamTenantId
        (Get-GsConnection -Name fabrikam).Apis.Where({ $_.Api -eq 'Graph' }).Permissions | Should -Contain 'SecurityAlert.ReadWrite.All'
    }

    It 'with -Permission asks the v2 endpoint and reports the scope granted' {
        $result = Request-GsAdminConsent -Emulator -TenantId $FabrikamTenantId -ClientId $PartnerClientId -Permission 'https://graph.microsoft.com/.default', 'User.Read'
        $result.Granted | Should -BeTrue
        $result.Endpoint | Should -Be 'v2'
        @($result.Permissions) | Should -Be @('https://graph.microsoft.com/.default', 'https://graph.microsoft.com/User.Read')
    }

    It 'a declined consent comes back as a result that says so, and an error record' {
        Set-ConsentResponder -Decision decline
        $result = Request-GsAdminConsent -Emulator -TenantId $DefaultTenantId -ClientId $PartnerClientId -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.Granted | Should -BeFalse
        $result.StateVerified | Should -BeTrue
        $result.Error | Should -Be 'access_denied'
        $result.ErrorDescription | Should -Be 'AADSTS65004: User declined to consent to access the app.'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConsentNotGranted*'
        $failures[0].Exception.Message | Should -BeLike '*AADSTS65004*'
    }

    It 'an account that may not consent for the organization is refused with AADSTS90094' {
        Set-ConsentResponder -User 'margaret@fabrikam.example'
        $result = Request-GsAdminConsent -Emulator -TenantId $FabrikamTenantId -ClientId $PartnerClientId -ErrorAction SilentlyContinue
        $result.Granted | Should -BeFalse
        $result.ErrorDescription | Should -BeLike 'AADSTS90094: Northwind Sentry needs permission*'
    }

    It 'a redirect URI the app does not have, or one that cannot be listened on, is refused' {
        { Request-GsAdminConsent -Emulator -TenantId $FabrikamTenantId -ClientId $PartnerClientId -RedirectUri 'http://127.0.0.1:8765/' } |
            Should -Throw -ExpectedMessage '*AADSTS50011*'
        $err = { Request-GsAdminConsent -Emulator -TenantId $FabrikamTenantId -ClientId $PartnerClientId -RedirectUri 'https://sentry.northwindsec.example/consent/callback' } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err.Exception.Message | Should -BeLike '*cannot receive the answer*'
    }

    It '-NoBrowser shows the consent URL and waits for the browser to come back' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $tenant, $client)
                Import-Module $module
                Request-GsAdminConsent -Emulator -TenantId $tenant -ClientId $client -Permission User.Read -NoBrowser -TimeoutSeconds 30
            }).AddArgument($env:GS_TEST_MODULE).AddArgument($FabrikamTenantId).AddArgument($PartnerClientId)
        $handle = $ps.BeginInvoke()
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ($ps.Streams.Warning.Count -eq 0 -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $url = [regex]::Match("$($ps.Streams.Warning[0])", 'https://\S+').Value
            $url | Should -BeLike "$($Emulator.url)/$FabrikamTenantId/v2.0/adminconsent?client_id=$PartnerClientId&scope=*&state=*"
            # What a browser would do: the consent page redirects to the loopback listener.
            $handler = [System.Net.Http.HttpClientHandler]@{
                AllowAutoRedirect                         = $false
                ServerCertificateCustomValidationCallback = [System.Net.Http.HttpClientHandler]::DangerousAcceptAnyServerCertificateValidator
            }
            $browser = [System.Net.Http.HttpClient]::new($handler)
            try {
                $page = $browser.GetAsync($url).GetAwaiter().GetResult()
                [int]$page.StatusCode | Should -Be 302
                $back = $browser.GetStringAsync($page.Headers.Location).GetAwaiter().GetResult()
                $back | Should -BeLike '*you can close this window*'
            }
            finally { $browser.Dispose() }
            $result = $ps.EndInvoke($handle)
            $result.Granted | Should -BeTrue
            @($result.Permissions) | Should -Be @('https://graph.microsoft.com/User.Read')
        }
        finally { $ps.Dispose() }
    }

    It 'after revoking, Fabrikam refuses the app again' {
        Invoke-RestMethod -Method Delete -Uri "$Consents/$PartnerClientId" -SkipCertificateCheck | Out-Null
        $err = { Connect-Fabrikam } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike '*AADSTS700016*'
        $left = Invoke-RestMethod -Uri $Consents -SkipCertificateCheck
        $left.Count | Should -Be 0
    }
}

Describe 'A partner User-Agent on the connection' {
    AfterAll { 'partnerua', 'plainua' | ForEach-Object { Disconnect-GsTenant -Name $_ -ErrorAction SilentlyContinue } }

    It 'must be product/version tokens' {
        { Connect-GsTenant -Emulator -UserAgent 'Sentry 1.2' -Name badua } | Should -Throw -ExpectedMessage "*'Sentry' is not a product/version token*"
        { Connect-GsTenant -Emulator -UserAgent 'MdePartner-X/1.2 (comment)' -Name badua } | Should -Throw -ExpectedMessage '*not a product/version token*'
    }

    It 'is kept on the connection and arrives on Graph and Defender requests, before the module''s own token' {
        Invoke-RestMethod -Method Delete -Uri "$($Emulator.url)/_emulator/counters" -SkipCertificateCheck | Out-Null
        Connect-GsTenant -Emulator -UserAgent $PartnerUserAgent -Name partnerua
        $connection = Get-GsConnection -Name partnerua
        $connection.UserAgent | Should -Match "^$([regex]::Escape($PartnerUserAgent)) GraphSecurity/\d+\.\d+\.\d+$"
        $null = Get-GsAlert -First 1 -Connection partnerua
        $null = Invoke-GsRequest -Uri 'api/indicators' -Api DefenderForEndpoint -Connection partnerua
        $seen = (Invoke-RestMethod -Uri "$($Emulator.url)/_emulator/counters" -SkipCertificateCheck).userAgents
        $graph = @($seen | Where-Object route -EQ '/v1.0/security/alerts_v2')
        $defender = @($seen | Where-Object route -Like '/defender/api/indicators*')
        $graph.Count | Should -BeGreaterThan 0
        $defender.Count | Should -BeGreaterThan 0
        foreach ($entry in $graph + $defender) { $entry.userAgent | Should -BeLike "$PartnerUserAgent GraphSecurity/*" }
    }

    It 'a connection without one still names the module' {
        Invoke-RestMethod -Method Delete -Uri "$($Emulator.url)/_emulator/counters" -SkipCertificateCheck | Out-Null
        Connect-GsTenant -Emulator -Name plainua
        $null = Get-GsAlert -First 1 -Connection plainua
        $seen = @((Invoke-RestMethod -Uri "$($Emulator.url)/_emulator/counters" -SkipCertificateCheck).userAgents | Where-Object route -EQ '/v1.0/security/alerts_v2')
        $seen.userAgent | Should -BeLike 'GraphSecurity/*'
        $seen.userAgent | Should -Not -BeLike '*MdePartner*'
    }
}
