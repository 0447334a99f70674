# The provider side end to end: the sample partner provider (samples/SentryFirewall) registered with the
# emulator's legacy-alerts broker and consented for Contoso only, and Test-GsProvider against it and a
# deliberately broken variant.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:Sample = Start-TestProvider -Name sentry
    Register-TestProvider -Url $Sample.Url | Out-Null
    $script:Contoso = Connect-GsTenant -Emulator -Name providers-contoso -PassThru
    $script:Fabrikam = Connect-GsTenant -Environment Emulator -TenantId $FabrikamTenantId -ClientId $FabrikamClientId `
        -ClientSecret (ConvertTo-TestSecureString $FabrikamSecret) -Name providers-fabrikam -PassThru
    $script:SampleRoot = $Sample.Url -replace '/gsprov/v1$', ''
    function Get-PartnerAlert($Connection) {
        @(Get-GsAlert -Legacy -All -Top 1000 -Connection $Connection -WarningAction SilentlyContinue |
                Where-Object { $_.VendorInformation.Vendor -eq 'Northwind Security' })
    }
}
AfterAll {
    Unregister-TestProvider
    Stop-TestProvider $Sample
    "providers-contoso", "providers-fabrikam" | ForEach-Object { Disconnect-GsTenant -Name $_ -ErrorAction Ignore }
}

Describe 'The broker fans out to a consented partner provider' {
    It 'shows the partner alerts with its vendorInformation beside the built-in providers, for Contoso' {
        $all = @(Get-GsAlert -Legacy -All -Top 1000 -Connection $Contoso)
        $partner = @($all | Where-Object { $_.VendorInformation.Vendor -eq 'Northwind Security' })
        $partner.Count | Should -BeGreaterThan 10
        $partner | ForEach-Object { $_.VendorInformation.Provider | Should -Be 'Sentry Firewall'; $_.VendorInformation.ProviderVersion | Should -Be '1.2' }
        ($all | Where-Object { $_.VendorInformation.Vendor -eq 'Microsoft' }).Count | Should -BeGreaterThan 100
        $raw = (Invoke-RestMethod "$SampleRoot/firewall/alerts").value
        $ids = @($raw | Where-Object azureTenantId -eq $DefaultTenantId | ForEach-Object id | Sort-Object)
        @($partner.Id | Sort-Object) | Should -Be $ids
    }

    It 'gives Fabrikam, which did not consent, none of them' {
        Get-PartnerAlert $Fabrikam | Should -BeNullOrEmpty
        @(Get-GsAlert -Legacy -Top 5 -Connection $Fabrikam).Count | Should -BeGreaterThan 0
    }

    It 'Set-GsAlert on a partner alert changes the provider''s own store' {
        $alert = Get-PartnerAlert $Contoso | Where-Object Status -eq NewAlert | Select-Object -First 1
        $updated = $alert | Set-GsAlert -Legacy -Status InProgress -AssignedTo 'soc@contoso.example' -Connection $Contoso -PassThru -Confirm:$false
        $updated.Status | Should -Be InProgress
        $stored = (Invoke-RestMethod "$SampleRoot/firewall/alerts").value | Where-Object id -eq $alert.Id
        $stored.status | Should -Be inProgress
        $stored.assignedTo | Should -Be 'soc@contoso.example'
    }

    It 'reaches the sample''s blockIp through Invoke-GsSecurityAction with the partner as provider' {
        $action = Invoke-GsSecurityAction -Api GraphSecurityActions -IpAddress 203.0.113.77 -Provider 'Sentry Firewall' -Vendor 'Northwind Security' `
            -Comment 'Port scan seen by Sentry' -Wait -PollInterval 1 -TimeoutSeconds 60 -Connection $Contoso -Confirm:$false
        $action.Status | Should -Be Completed
        $blocked = (Invoke-RestMethod "$SampleRoot/firewall/blocklist?tenant=$DefaultTenantId").value
        ($blocked | ConvertTo-Json -Depth 5) | Should -BeLike '*203.0.113.77*'
        (Get-GsSecurityAction -Api GraphSecurityActions -Id $action.Id -Connection $Contoso).Status | Should -Be Completed
    }

    It 'names a stopped provider in a 206 warning and still returns the others'' alerts' {
        $spare = Start-TestProvider -Name sentry-spare
        try {
            Register-TestProvider -Url $spare.Url -TimeoutMs 2000 | Out-Null
            (Get-PartnerAlert $Contoso).Count | Should -BeGreaterThan 0
            Stop-TestProvider $spare
            $alerts = @(Get-GsAlert -Legacy -Top 3 -Connection $Contoso -WarningVariable warnings -WarningAction SilentlyContinue)
            ($warnings -join "`n") | Should -BeLike '*Sentry Firewall (Northwind Security) failed*'
            $alerts.Count | Should -BeGreaterThan 0
            $alerts | ForEach-Object { $_.VendorInformation.Vendor | Should -Be 'Microsoft' }
            { Get-GsAlert -Legacy -Top 3 -Connection $Contoso -FailOnPartialResult -ErrorAction Stop } | Should -Throw '*Sentry Firewall*'
        }
        finally {
            Stop-TestProvider $spare
            Register-TestProvider -Url $Sample.Url | Out-Null
        }
    }

    It 'passes a partner''s change notification on to a subscription' {
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $job = Start-ThreadJob -ScriptBlock {
            param($ModulePath, $Port)
            Import-Module $ModulePath
            Receive-GsNotification -Port $Port -Connection providers-contoso -Subscribe -Count 1 -Timeout 60 -Resolve
        } -ArgumentList $env:GS_TEST_MODULE, $port
        try {
            $headers = @{ Authorization = "Bearer $(Get-RawToken)" }
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not ((Invoke-RestMethod "$((Get-TestEmulator).url)/v1.0/subscriptions" -Headers $headers -SkipCertificateCheck).value |
                        Where-Object notificationUrl -like "http://127.0.0.1:$port/*")) {
                if ([DateTime]::UtcNow -gt $deadline) { throw 'The receiver did not subscribe.' }
                Start-Sleep -Milliseconds 200
            }
            # A port scan: one source, twelve ports of one host, seconds apart.
            $start = (Get-Date).ToUniversalTime().AddMinutes(-2)
            $lines = 0..11 | ForEach-Object {
                "$($start.AddSeconds($_).ToString('yyyy-MM-ddTHH:mm:ssZ')) tenant=$DefaultTenantId fw=nw-fw01 action=DENY proto=tcp src=198.51.100.23:40000 dst=10.20.0.9:$(20 + $_) host=db01"
            }
            Invoke-RestMethod -Method Post "$SampleRoot/firewall/log?tenant=$DefaultTenantId" -Body (@{ lines = @($lines) } | ConvertTo-Json) -ContentType 'application/json' | Out-Null
            $output = @($job | Wait-Job -Timeout 60 | Receive-Job)
        }
        finally { $job | Stop-Job -PassThru | Remove-Job -Force }
        $notification = $output | Where-Object { $_ -is [GraphSecurity.ChangeNotification] } | Select-Object -First 1
        $notification.ChangeType | Should -Be 'created'
        $notification.Alert.VendorInformation.Vendor | Should -Be 'Northwind Security'
        $notification.Alert.Title | Should -BeLike '*198.51.100.23*'
    }
}

Describe 'Test-GsProvider' {
    It 'passes on the sample provider' {
        $checks = @(Test-GsProvider -Url $Sample.Url -Connection $Contoso -Confirm:$false -InformationVariable summary)
        $checks.Count | Should -BeGreaterOrEqual 20
        @($checks | Where-Object Outcome -eq Failed | ForEach-Object { "$($_.Check): $($_.Detail)" }) | Should -BeNullOrEmpty
        @($checks | Where-Object Outcome -eq Skipped).Check | Should -BeNullOrEmpty
        "$summary" | Should -BeLike '*checks passed.'
        Test-GsProvider -Url $Sample.Url -Connection $Contoso -Quiet -Confirm:$false | Should -BeTrue
    }

    It 'fails exactly the broken checks on a broken variant' {
        # Each rule the variant breaks, and the one check that must catch it.
        $breaks = [ordered]@{
            'ignore-top' = 'Top'; 'wrong-order' = 'DefaultOrder'; 'patch-no-echo' = 'PatchEcho'; 'patch-accepts-readonly' = 'PatchReadOnlyField'
            'no-auth' = 'AuthMissingToken'; 'foreign-vendor' = 'VendorInformation'; 'bad-error-shape' = 'ErrorShape'; 'cancel-completed' = 'ActionCancelFinished'
        }
        $broken = Start-TestProvider -Name sentry-broken -Break @($breaks.Keys)
        try {
            $checks = @(Test-GsProvider -Url $broken.Url -Connection $Contoso -Confirm:$false -InformationAction SilentlyContinue)
            @($checks | Where-Object Outcome -eq Failed | ForEach-Object Check | Sort-Object) | Should -Be @($breaks.Values | Sort-Object)
            ($checks | Where-Object Check -eq Top).Detail | Should -BeLike '*for $top=2'
            Test-GsProvider -Url $broken.Url -Connection $Contoso -Quiet -Confirm:$false | Should -BeFalse
        }
        finally { Stop-TestProvider $broken }
    }

    It 'runs only the read checks with -WhatIf' {
        $checks = @(Test-GsProvider -Url $Sample.Url -Connection $Contoso -WhatIf -InformationAction SilentlyContinue)
        ($checks | Where-Object Check -eq PatchEcho).Outcome | Should -Be Skipped
        ($checks | Where-Object Check -eq ActionLifecycle).Outcome | Should -Be Skipped
        ($checks | Where-Object Check -eq Paging).Outcome | Should -Be Passed
    }

    It 'refuses a plain-http provider that is not on loopback before sending anything' {
        { Test-GsProvider -Url http://provider.example/gsprov/v1 -Connection $Contoso -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidProviderUrl,GraphSecurity.Commands.Providers.TestGsProviderCommand'
    }
}
