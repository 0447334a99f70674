BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:Pfx = Join-Path $env:GS_TEST_WORK 'test-app.pfx'
    $script:PfxPassword = Get-Content -Raw (Join-Path $env:GS_TEST_WORK 'test-app.pfx.password')
}

Describe 'More ways to sign in' {
    AfterEach { Disconnect-GsTenant -All }

    It 'a PFX file with its password' {
        $connection = Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId `
            -CertificatePath $Pfx -CertificatePassword (ConvertTo-TestSecureString $PfxPassword) -PassThru
        $connection.AuthenticationKind | Should -Be 'Certificate'
        @(Get-GsAlert -First 1).Count | Should -Be 1
    }

    It 'a PFX file with a wrong password is a clear error that names the file' {
        $err = { Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId `
                -CertificatePath $Pfx -CertificatePassword (ConvertTo-TestSecureString 'wrong') } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -BeLike "*$Pfx*"
    }

    It 'a certificate without its private key is refused before anything is sent' {
        $publicOnly = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new((Get-TestCertificate).Export('Cert'))
        { Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId -Certificate $publicOnly } |
            Should -Throw -ExpectedMessage '*has no private key*'
    }

    It 'a token given as a plain string' {
        $connection = Connect-GsTenant -Environment Emulator -AccessToken (Get-RawToken) -PassThru
        $connection.AuthenticationKind | Should -Be 'AccessToken'
        @(Get-GsAlert -First 1).Count | Should -Be 1
    }

    It 'a federated client assertion read from a file, again for every token' {
        $file = Join-Path $env:GS_TEST_WORK 'federated-token'
        Set-Content -Path $file -Value (New-TestClientAssertion) -NoNewline
        $connection = Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId -FederatedTokenFile $file -PassThru
        $connection.AuthenticationKind | Should -Be 'FederatedToken'
        @(Get-GsAlert -First 1).Count | Should -Be 1
    }

    It 'a federated token file that holds garbage is refused by the identity endpoint' {
        $file = Join-Path $env:GS_TEST_WORK 'federated-garbage'
        Set-Content -Path $file -Value 'not-a-jwt' -NoNewline
        $err = { Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId -FederatedTokenFile $file } |
            Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'environment variables: client secret' {
        Invoke-WithEnvironment @{ AZURE_TENANT_ID = $DefaultTenantId; AZURE_CLIENT_ID = $DefaultClientId; AZURE_CLIENT_SECRET = $DefaultSecret } {
            $connection = Connect-GsTenant -Environment Emulator -FromEnvironment -PassThru
            $connection.AuthenticationKind | Should -Be 'ClientSecret'
            $connection.ClientId | Should -Be $DefaultClientId
        }
    }

    It 'environment variables: certificate path and password' {
        Invoke-WithEnvironment @{ AZURE_TENANT_ID = $DefaultTenantId; AZURE_CLIENT_ID = $CertificateClientId; AZURE_CLIENT_SECRET = $null
            AZURE_CLIENT_CERTIFICATE_PATH = $Pfx; AZURE_CLIENT_CERTIFICATE_PASSWORD = $PfxPassword } {
            (Connect-GsTenant -Environment Emulator -FromEnvironment -PassThru).AuthenticationKind | Should -Be 'Certificate'
        }
    }

    It 'environment variables: federated token file' {
        $file = Join-Path $env:GS_TEST_WORK 'federated-env'
        Set-Content -Path $file -Value (New-TestClientAssertion) -NoNewline
        Invoke-WithEnvironment @{ AZURE_TENANT_ID = $DefaultTenantId; AZURE_CLIENT_ID = $CertificateClientId; AZURE_CLIENT_SECRET = $null
            AZURE_CLIENT_CERTIFICATE_PATH = $null; AZURE_FEDERATED_TOKEN_FILE = $file } {
            (Connect-GsTenant -Environment Emulator -FromEnvironment -PassThru).AuthenticationKind | Should -Be 'FederatedToken'
        }
    }

    It 'environment variables: a missing one is named' {
        Invoke-WithEnvironment @{ AZURE_TENANT_ID = $DefaultTenantId; AZURE_CLIENT_ID = $null } {
            { Connect-GsTenant -Environment Emulator -FromEnvironment } | Should -Throw -ExpectedMessage '*AZURE_CLIENT_ID*'
        }
    }
}

Describe 'Clouds' {
    AfterEach { Disconnect-GsTenant -All }

    It 'a cmdlet whose API the cloud does not serve fails before any request' {
        Connect-GsTenant -Environment China -AccessToken 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.' -Name china
        $err = { Get-GsAlert -First 1 -Verbose 4>&1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ApiNotInCloud*'
        $err.Exception.Message | Should -BeLike '*alerts_v2*China*'
    }

    It 'the login and Graph hosts follow the environment' {
        $gov = Connect-GsTenant -Environment USGov -AccessToken 'x.y.z' -Name gov -PassThru
        $gov.GraphEndpoint.Host | Should -Be 'graph.microsoft.us'
        $gov.LoginEndpoint.Host | Should -Be 'login.microsoftonline.us'
        (Connect-GsTenant -Environment USGovDoD -AccessToken 'x.y.z' -Name dod -PassThru).GraphEndpoint.Host | Should -Be 'dod-graph.microsoft.us'
        (Connect-GsTenant -Environment China -AccessToken 'x.y.z' -Name cn -PassThru).GraphEndpoint.Host | Should -Be 'microsoftgraph.chinacloudapi.cn'
        (Connect-GsTenant -AccessToken 'x.y.z' -Name global -PassThru).Scopes | Should -Be 'https://graph.microsoft.com/.default'
    }

    It 'custom endpoints come in pairs' {
        { Connect-GsTenant -AccessToken 'x.y.z' -LoginEndpoint 'https://login.example' } | Should -Throw -ExpectedMessage '*go together*'
        (Connect-GsTenant -AccessToken 'x.y.z' -LoginEndpoint 'https://login.example' -GraphEndpoint 'https://graph.example' -Name custom -PassThru).Environment |
            Should -Be 'Custom'
    }
}

Describe 'Several tenants at once' {
    BeforeAll {
        Connect-GsTenant -Emulator -Name contoso
        Connect-GsTenant -Environment Emulator -TenantId $FabrikamTenantId -ClientId $FabrikamClientId -ClientSecret (ConvertTo-TestSecureString $FabrikamSecret) -Name fabrikam
    }
    AfterAll { Disconnect-GsTenant -All }

    It 'one command reads every tenant, and each alert says where it came from' {
        $alerts = Get-GsAlert -Connection contoso, fabrikam -First 40
        $alerts.Count | Should -Be 80
        ($alerts | Where-Object ConnectionName -EQ 'contoso').TenantId | Sort-Object -Unique | Should -Be $DefaultTenantId
        ($alerts | Where-Object ConnectionName -EQ 'fabrikam').TenantId | Sort-Object -Unique | Should -Be $FabrikamTenantId
    }

    It 'interleaved calls from parallel runspaces never get another tenant''s data' {
        $results = 1..8 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:env:GS_TEST_MODULE
            $name = if ($_ % 2) { 'contoso' } else { 'fabrikam' }
            $expected = if ($_ % 2) { $using:DefaultTenantId } else { $using:FabrikamTenantId }
            $tenants = (Get-GsAlert -Connection $name -All -Top 100).TenantId | Sort-Object -Unique
            [pscustomobject]@{ Name = $name; Tenants = @($tenants); Expected = $expected }
        }
        $results.Count | Should -Be 8
        foreach ($result in $results) { $result.Tenants | Should -Be @($result.Expected) }
    }

    It 'alerts piped to Set-GsAlert are changed through the connection they came from' {
        $fabrikamAlert = Get-GsAlert -Connection fabrikam -Status New -First 1
        $fabrikamAlert | Set-GsAlert -AssignedTo 'mssp.analyst@fabrikam.example'
        (Get-GsAlert -Id $fabrikamAlert.Id -Connection fabrikam).AssignedTo | Should -Be 'mssp.analyst@fabrikam.example'
        Get-GsAlert -Id $fabrikamAlert.Id -Connection contoso -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'a change takes one connection' {
        { Set-GsAlert -Id 'x' -Status Resolved -Connection contoso, fabrikam } | Should -Throw -ExpectedMessage '*one connection*'
    }
}

Describe 'No secret or token anywhere' {
    It 'every stream, every error and the transcript stay clean across every flow' {
        $transcript = Join-Path $env:GS_TEST_WORK 'transcript.txt'
        $token = Get-RawToken
        $defenderToken = Get-RawToken -Resource 'https://api.securitycenter.microsoft.com'
        $armToken = Get-RawToken -Resource 'https://management.azure.com'
        $assertion = New-TestClientAssertion
        $assertionFile = Join-Path $env:GS_TEST_WORK 'leak-assertion'
        Set-Content -Path $assertionFile -Value $assertion -NoNewline
        Start-Transcript -Path $transcript -Force | Out-Null
        try {
            $everything = & {
                Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $DefaultClientId -ClientSecret (ConvertTo-TestSecureString $DefaultSecret) -Verbose -Debug -PassThru
                Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId -CertificatePath $Pfx -CertificatePassword (ConvertTo-TestSecureString $PfxPassword) -Verbose -Debug -PassThru
                Connect-GsTenant -Environment Emulator -AccessToken $token -Verbose -Debug -PassThru
                Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId -FederatedTokenFile $assertionFile -Verbose -Debug -PassThru
                Invoke-WithEnvironment @{ AZURE_TENANT_ID = $DefaultTenantId; AZURE_CLIENT_ID = $DefaultClientId; AZURE_CLIENT_SECRET = $DefaultSecret } {
                    Connect-GsTenant -Environment Emulator -FromEnvironment -Verbose -Debug -PassThru
                }
                Invoke-WithEnvironment @{ IDENTITY_ENDPOINT = "$((Get-TestEmulator).url)/msi/token"; IDENTITY_HEADER = 'gs-emulator-identity-header' } {
                    Connect-GsTenant -Environment Emulator -Identity -Verbose -Debug -PassThru
                }
                Connect-GsTenant -Environment Emulator -Interactive -TenantId $DefaultTenantId -Verbose -Debug -PassThru
                try { Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $DefaultClientId -ClientSecret (ConvertTo-TestSecureString "$DefaultSecret-wrong") -Verbose -Debug }
                catch { $_ | Format-List * -Force | Out-String }
                Get-GsAlert -First 3 -Verbose -Debug
                # Every API's token, obtained by the connection or given to it, and every API's errors.
                Invoke-GsRequest -Uri 'api/indicators' -Api DefenderForEndpoint -All -Verbose -Debug
                Invoke-GsRequest -Uri 'subscriptions?api-version=2022-12-01' -Api AzureResourceManager -OutputType HttpResponse -Verbose -Debug | Format-List * | Out-String
                Invoke-GsRequest -Uri 'api/no-such-route' -Api DefenderForEndpoint -Verbose -Debug -ErrorAction Continue
                Connect-GsTenant -Environment Emulator -AccessToken @{ Graph = $token; DefenderForEndpoint = $defenderToken; AzureResourceManager = $armToken } -Name given -Verbose -Debug -PassThru
                Invoke-GsRequest -Uri 'api/indicators' -Api DefenderForEndpoint -Connection given -First 1 -Verbose -Debug
                Connect-GsTenant -Environment Emulator -AccessToken @{ Graph = $token; DefenderForEndpoint = $token } -Name crossed -Verbose -Debug
                Invoke-GsRequest -Uri 'api/indicators' -Api DefenderForEndpoint -Connection crossed -Verbose -Debug -ErrorAction Continue
                Get-GsAlert -Filter 'bad filter' -Verbose -Debug -ErrorAction Continue
                Get-GsConnection | Format-List * | Out-String
                $Error | Format-List * -Force | Out-String
                $Error | ForEach-Object { $_.Exception | Format-List * -Force | Out-String }
            } *>&1 | Out-String -Width 400
        }
        catch {
            # A command that stops the script block: keep its stack, which the error record alone does not show.
            throw "$($_.InvocationInfo.PositionMessage)`n$($_.Exception.ToString())"
        }
        finally { Stop-Transcript | Out-Null; Disconnect-GsTenant -All }
        $text = $everything + (Get-Content -Raw $transcript)
        $text | Should -Not -BeLike "*$DefaultSecret*"
        $text | Should -Not -BeLike "*$PfxPassword*"
        $text | Should -Not -BeLike "*$($token.Substring(20, 40))*"
        $text | Should -Not -BeLike "*$($defenderToken.Substring(20, 40))*"
        $text | Should -Not -BeLike "*$($armToken.Substring(20, 40))*"
        $text | Should -BeLike '*DefenderForEndpointUnauthenticated*'   # the crossed token was refused, and said so
        $text | Should -Not -BeLike "*$($assertion.Substring(20, 40))*"
        $text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{20,}\.'
        $text | Should -BeLike '*AADSTS7000215*'   # the failure itself is reported
    }
}

Describe 'Persisted token cache' {
    BeforeAll { $script:CacheDir = Join-Path $env:GS_TEST_WORK 'token-cache' }
    AfterEach { Disconnect-GsTenant -All }

    It 'refuses a plain-text cache unless explicitly allowed (no keyring on this machine), or uses the encrypted one' {
        try {
            Connect-GsTenant -Emulator -PersistTokenCache -TokenCachePath $CacheDir -Name encrypted
            Test-Path (Join-Path $CacheDir 'msal.cache') | Should -BeTrue
            Test-Path (Join-Path $CacheDir 'msal.plaintext.cache') | Should -BeFalse
        }
        catch {
            $_.Exception.Message | Should -BeLike '*cannot be encrypted*'
            $_.ErrorDetails.RecommendedAction | Should -BeLike '*-AllowUnencryptedTokenCache*'
            Test-Path (Join-Path $CacheDir 'msal.plaintext.cache') | Should -BeFalse
        }
    }

    It 'with the opt-in, a new session reuses the cached token instead of asking the identity provider' {
        Connect-GsTenant -Emulator -PersistTokenCache -AllowUnencryptedTokenCache -TokenCachePath $CacheDir -Name cached
        Disconnect-GsTenant -Name cached
        $verbose = Connect-GsTenant -Emulator -PersistTokenCache -AllowUnencryptedTokenCache -TokenCachePath $CacheDir -Name again -Verbose 4>&1
        @($verbose | Where-Object { "$_" -like 'Acquired a token*identity provider*' }).Count | Should -Be 0
        $fresh = Connect-GsTenant -Emulator -Name fresh -Verbose 4>&1
        @($fresh | Where-Object { "$_" -like 'Acquired a token*identity provider*' }).Count | Should -Be 1
        (Get-Content -Raw (Get-ChildItem $CacheDir -Filter 'msal*.cache' | Select-Object -First 1).FullName) | Should -Not -BeLike "*$DefaultSecret*"
    }
}
