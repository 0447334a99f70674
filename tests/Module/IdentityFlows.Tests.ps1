# The flows that need a person or an Azure host, driven through the emulator: device code approved
# through its control API, the browser flow through its auto-consenting authorize endpoint, and
# managed identity by pointing the documented environment variables at it.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:PublicClientId = 'c5e1a7b3-2d4f-4e6a-9b8c-0d1e2f3a4b5c'
    $script:Emulator = Get-TestEmulator
}

Describe 'Device code' {
    AfterEach { Disconnect-GsTenant -All }

    It 'shows the sign-in message while it polls, and connects once the code is approved' {
        $signIn = Start-DeviceCodeSignIn -Name device
        $signIn.Message | Should -BeLike '*enter the code*'
        $signIn.Handle.IsCompleted | Should -BeFalse -Because 'it is still polling'
        Send-DeviceCodeDecision $signIn.UserCode | Out-Null
        $connection = $signIn.PowerShell.EndInvoke($signIn.Handle)
        $signIn.PowerShell.Dispose()
        $connection.AuthenticationKind | Should -Be 'DeviceCode'
        $connection.IsDelegated | Should -BeTrue
        $connection.Account | Should -Be 'grace@contoso.example'
        @(Get-GsAlert -First 2 -Connection device).Count | Should -Be 2
    }

    It 'a declined code is a clear AuthenticationError' {
        $signIn = Start-DeviceCodeSignIn -Name declined
        Send-DeviceCodeDecision $signIn.UserCode -Decision decline | Out-Null
        $signIn.PowerShell.EndInvoke($signIn.Handle) | Should -BeNullOrEmpty
        $failure = $signIn.PowerShell.Streams.Error[0]
        $signIn.PowerShell.Dispose()
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failure.Exception.Message | Should -BeLike '*declined*'
        Get-GsConnection -Name declined -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'stopping the command (Ctrl+C) ends the wait cleanly and leaves no connection' {
        $signIn = Start-DeviceCodeSignIn -Name stopped
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $signIn.PowerShell.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $signIn.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $signIn.PowerShell.Dispose()
        Get-GsConnection -Name stopped -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'a user without a security role cannot change alerts, and the 403 names the delegated permission' {
        $signIn = Start-DeviceCodeSignIn -Name norole
        Send-DeviceCodeDecision $signIn.UserCode -User 'edgar@contoso.example' | Out-Null
        $null = $signIn.PowerShell.EndInvoke($signIn.Handle)
        $signIn.PowerShell.Dispose()
        $alert = Get-GsAlert -First 1 -Connection norole
        Set-GsAlert -Id $alert.Id -Status InProgress -Connection norole -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].ErrorDetails.RecommendedAction | Should -BeLike '*delegated*SecurityAlert.ReadWrite.All*Security Operator*'
    }
}

Describe 'Interactive sign-in' {
    AfterEach { Disconnect-GsTenant -All }

    It 'signs in through the authorize endpoint with PKCE and a loopback redirect' {
        $connection = Connect-GsTenant -Interactive -Environment Emulator -TenantId $DefaultTenantId -Scopes 'SecurityAlert.ReadWrite.All' -Name browser -PassThru
        $connection.AuthenticationKind | Should -Be 'Interactive'
        $connection.Account | Should -Be 'ada@contoso.example'
        $connection.Scopes | Should -Be 'SecurityAlert.ReadWrite.All'
        $alert = Get-GsAlert -First 1
        Set-GsAlert -Id $alert.Id -Comment 'Reviewed by a signed-in analyst.' -PassThru |
            ForEach-Object { $_.Comments[-1].CreatedByDisplayName } | Should -Be 'ada@contoso.example'
    }

    It 'a real cloud needs a client id' {
        { Connect-GsTenant -Interactive -TenantId contoso.example } | Should -Throw -ExpectedMessage '*-ClientId is required*'
    }
}

Describe 'Managed identity' {
    AfterEach { Disconnect-GsTenant -All }

    It 'App Service, Functions and Automation: IDENTITY_ENDPOINT and IDENTITY_HEADER, system-assigned' {
        Invoke-WithEnvironment @{ IDENTITY_ENDPOINT = "$($Emulator.url)/msi/token"; IDENTITY_HEADER = 'gs-emulator-identity-header' } {
            $connection = Connect-GsTenant -Identity -Environment Emulator -PassThru
            $connection.AuthenticationKind | Should -Be 'ManagedIdentity'
            $connection.Account | Should -Be 'system-assigned'
            @(Get-GsAlert -First 1).Count | Should -Be 1
        }
    }

    It 'Azure VM (IMDS), user-assigned by client id, object id or resource id' {
        Invoke-WithEnvironment @{ IDENTITY_ENDPOINT = $null; IDENTITY_HEADER = $null; MSI_ENDPOINT = $null; AZURE_POD_IDENTITY_AUTHORITY_HOST = $Emulator.url } {
            (Connect-GsTenant -Identity -IdentityClientId 'e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c5b' -Environment Emulator -Name byclient -PassThru).Account |
                Should -Be 'client id e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c5b'
            @(Get-GsAlert -First 1 -Connection byclient).Count | Should -Be 1
            Connect-GsTenant -Identity -IdentityObjectId 'e0b48f2c-cf11-4759-99c6-e4f74f3cdea7' -Environment Emulator -Name byobject
            @(Get-GsAlert -First 1 -Connection byobject).Count | Should -Be 1
            Connect-GsTenant -Identity -Environment Emulator -Name byresource `
                -IdentityResourceId '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-secops/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-graphsecurity-reader'
            @(Get-GsAlert -First 1 -Connection byresource).Count | Should -Be 1
        }
    }

    It 'a read-only identity cannot change alerts' {
        Invoke-WithEnvironment @{ IDENTITY_ENDPOINT = $null; IDENTITY_HEADER = $null; AZURE_POD_IDENTITY_AUTHORITY_HOST = $Emulator.url } {
            Connect-GsTenant -Identity -IdentityClientId 'e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c5b' -Environment Emulator
            $alert = Get-GsAlert -First 1
            Set-GsAlert -Id $alert.Id -Status InProgress -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $failures[0].ErrorDetails.RecommendedAction | Should -BeLike '*application permission SecurityAlert.ReadWrite.All*'
        }
    }

    It 'an unknown identity is a clear error that says where a managed identity exists' {
        Invoke-WithEnvironment @{ IDENTITY_ENDPOINT = $null; IDENTITY_HEADER = $null; AZURE_POD_IDENTITY_AUTHORITY_HOST = $Emulator.url } {
            $err = { Connect-GsTenant -Identity -IdentityClientId ([guid]::NewGuid()) -Environment Emulator } | Should -Throw -PassThru
            $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*managed identity is enabled*'
        }
    }
}

Describe 'Token renewal' {
    BeforeAll {
        $script:ShortInfo = Join-Path $env:GS_TEST_WORK 'short-tokens/emulator.json'
        $config = Join-Path $env:GS_TEST_WORK 'short-tokens.json'
        @{ tokenLifetimeSeconds = 2; faults = @{ rules = @(@{ route = '/v1.0/security/alerts_v2*'; latencyMs = 400 }) } } | ConvertTo-Json -Depth 5 | Set-Content $config
        $script:Short = Start-GsEmulator -InfoPath $ShortInfo -ConfigPath $config -AlertCount 1200
    }
    AfterAll { Stop-GsEmulator -InfoPath $ShortInfo; Disconnect-GsTenant -All }

    It 'renews an expiring token transparently in the middle of -All paging' {
        Connect-GsTenant -Emulator -EmulatorInfoPath $ShortInfo -Name short
        $verbose = @()
        $alerts = Get-GsAlert -All -Top 100 -Connection short -Verbose 4>&1 |
            ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose += "$_" } else { $_ } }
        $alerts.Count | Should -Be 1200
        @($verbose | Where-Object { $_ -like 'Acquired a token*identity provider*' }).Count | Should -BeGreaterThan 1
        @($verbose | Where-Object { $_ -match '-> 401' }).Count | Should -Be 0
    }

    It 'a passed-in token that has expired is reported, not sent' {
        $emulator = Get-Content -Raw $ShortInfo | ConvertFrom-Json
        $token = (Invoke-RestMethod -Method Post -Uri "$($emulator.url)/$DefaultTenantId/oauth2/v2.0/token" -SkipCertificateCheck -Body @{
                grant_type = 'client_credentials'; client_id = $DefaultClientId; client_secret = $DefaultSecret; scope = 'https://graph.microsoft.com/.default' }).access_token
        Connect-GsTenant -Environment Emulator -EmulatorInfoPath $ShortInfo -AccessToken $token -Name passed
        Start-Sleep -Seconds 3
        Get-GsAlert -First 1 -Connection passed -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failures[0].Exception.Message | Should -BeLike '*expired*'
    }
}
