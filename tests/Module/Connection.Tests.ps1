BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

Describe 'Connect-GsTenant' {
    AfterEach { Disconnect-GsTenant -All }

    It 'connects with a client secret through MSAL and becomes the current connection' {
        $connection = Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $DefaultClientId `
            -ClientSecret (ConvertTo-TestSecureString $DefaultSecret) -Name secret -PassThru
        $connection.Name | Should -Be 'secret'
        $connection.AuthenticationKind | Should -Be 'ClientSecret'
        $connection.IsCurrent | Should -BeTrue
        $connection.TokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(50))
        (Get-GsConnection -Current).Name | Should -Be 'secret'
        @(Get-GsAlert -First 1).Count | Should -Be 1
    }

    It 'connects with a PSCredential whose user name is the client id' {
        $credential = [pscredential]::new($DefaultClientId, (ConvertTo-TestSecureString $DefaultSecret))
        $connection = Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientSecretCredential $credential -PassThru
        $connection.ClientId | Should -Be $DefaultClientId
        $connection.Name | Should -Be $DefaultTenantId
    }

    It 'connects with a certificate object (signed client assertion checked by the emulator)' {
        $certificate = Get-TestCertificate
        $connection = Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId `
            -Certificate $certificate -Name cert -PassThru
        $connection.AuthenticationKind | Should -Be 'Certificate'
        $connection.CertificateThumbprint | Should -Be $certificate.Thumbprint
        @(Get-GsAlert -First 2).Count | Should -Be 2
    }

    It 'connects with a certificate thumbprint found in the CurrentUser store' {
        $certificate = Get-TestCertificate
        $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
        $store.Open('ReadWrite')
        $store.Add($certificate)
        try {
            $connection = Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId `
                -CertificateThumbprint $certificate.Thumbprint -PassThru
            $connection.AuthenticationKind | Should -Be 'Certificate'
        }
        finally { $store.Remove($certificate); $store.Close() }
    }

    It 'says where it looked when no certificate has the thumbprint' {
        { Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId -CertificateThumbprint ('AB' * 20) } |
            Should -Throw -ExpectedMessage '*CurrentUser\My*LocalMachine\My*'
    }

    It 'a certificate the app does not know is refused by the identity endpoint' {
        $stranger = New-TestCertificate -Subject 'CN=Not registered'
        $err = { Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $CertificateClientId -Certificate $stranger } |
            Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -BeLike '*AADSTS700027*'
    }

    It 'a wrong secret gives one clear AuthenticationError record' {
        $err = { Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $DefaultClientId `
                -ClientSecret (ConvertTo-TestSecureString 'not-the-secret') } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -BeLike 'Authentication failed: AADSTS7000215*'
        $err.Exception.Message | Should -Not -Match "`n"
        $err.Exception.InnerException | Should -BeNullOrEmpty
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*client secret*'
        $err.Exception.Message | Should -Not -BeLike '*not-the-secret*'
        Get-GsConnection | Should -BeNullOrEmpty
    }

    It 'an unknown tenant is named in the error' {
        $err = { Connect-GsTenant -Environment Emulator -TenantId 'nosuchtenant.example' -ClientId $DefaultClientId `
                -ClientSecret (ConvertTo-TestSecureString $DefaultSecret) } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -BeLike '*AADSTS90002*'
    }

    It 'passes an access token through' {
        $token = Get-RawToken
        $connection = Connect-GsTenant -Environment Emulator -AccessToken (ConvertTo-TestSecureString $token) -Name token -PassThru
        $connection.AuthenticationKind | Should -Be 'AccessToken'
        $connection.TokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
        @(Get-GsAlert -First 1).Count | Should -Be 1
    }

    It '-Emulator attaches to the running emulator with its default app' {
        $connection = Connect-GsTenant -Emulator -PassThru
        $connection.Name | Should -Be 'Emulator'
        $connection.Environment | Should -Be 'Emulator'
        $connection.ClientId | Should -Be $DefaultClientId
        $connection.GraphEndpoint.AbsoluteUri | Should -Be ((Get-TestEmulator).url + '/')
    }

    It 'never writes the secret or the token to any stream' {
        $output = Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $DefaultClientId `
            -ClientSecret (ConvertTo-TestSecureString $DefaultSecret) -PassThru -Verbose -Debug 5>&1 4>&1 3>&1 6>&1 2>&1
        $output += Get-GsAlert -First 3 -Verbose 4>&1
        $output += Get-GsConnection | Format-List * | Out-String
        $text = ($output | Out-String) + ($output | ConvertTo-Json -Depth 3 -WarningAction Ignore)
        $text | Should -Not -BeLike "*$DefaultSecret*"
        $text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{10,}'
    }
}

Describe 'Named connections' {
    BeforeAll {
        Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $ReaderClientId -ClientSecret (ConvertTo-TestSecureString $ReaderSecret) -Name reader
        Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $NoRolesClientId -ClientSecret (ConvertTo-TestSecureString $NoRolesSecret) -Name noroles
        Connect-GsTenant -Emulator -Name full
    }
    AfterAll { Disconnect-GsTenant -All }

    It 'lists every connection and marks the last one as current' {
        $all = Get-GsConnection
        $all.Name | Should -Be @('reader', 'noroles', 'full')
        ($all | Where-Object IsCurrent).Name | Should -Be 'full'
        (Get-GsConnection -Name 'no*').Name | Should -Be 'noroles'
    }

    It '-Connection takes a name or a connection object' {
        @(Get-GsAlert -First 1 -Connection reader).Count | Should -Be 1
        $reader = Get-GsConnection reader
        @(Get-GsAlert -First 1 -Connection $reader).Count | Should -Be 1
    }

    It 'an unknown connection name fails before any request' {
        { Get-GsAlert -First 1 -Connection nosuch } | Should -Throw -ExpectedMessage "*no connection named 'nosuch'*"
    }

    It 'a missing permission is a PermissionDenied error that names the permissions to grant' {
        Get-GsAlert -First 1 -Connection noroles -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].ErrorDetails.Message | Should -BeLike '*Missing application roles*request-id*'
        $failures[0].ErrorDetails.RecommendedAction | Should -BeLike '*SecurityAlert.Read.All*'
    }

    It 'a read-only app cannot update an alert' {
        $alert = Get-GsAlert -First 1 -Connection reader
        Set-GsAlert -Id $alert.Id -AssignedTo 'x@contoso.example' -Connection reader -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].TargetObject | Should -Be $alert.Id
    }

    It 'the current connection belongs to the runspace' {
        $inOther = 1 | ForEach-Object -Parallel {
            Import-Module $using:env:GS_TEST_MODULE
            $before = @(Get-GsConnection -Current).Count
            $null = Connect-GsTenant -Emulator -Name parallel
            [pscustomobject]@{ Before = $before; After = (Get-GsConnection -Current).Name; Shared = @(Get-GsConnection).Count }
        }
        $inOther.Before | Should -Be 0
        $inOther.After | Should -Be 'parallel'
        $inOther.Shared | Should -Be 4
        (Get-GsConnection -Current).Name | Should -Be 'full'
        Disconnect-GsTenant -Name parallel
    }

    It 'Disconnect-GsTenant forgets the connection; using it afterwards fails clearly' {
        Disconnect-GsTenant -Name noroles
        Get-GsConnection | Select-Object -ExpandProperty Name | Should -Not -Contain 'noroles'
        Disconnect-GsTenant -Name noroles -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionNotFound*'
    }

    It 'without any connection a cmdlet stops with a NotConnected error' {
        Disconnect-GsTenant -All
        $err = { Get-GsAlert -First 1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected*'
        $err.Exception.Message | Should -BeLike '*Connect-GsTenant*'
    }
}

Describe 'Get-GsConnection' {
    It 'a plain name that matches nothing is an ObjectNotFound error; a wildcard that matches nothing is not' {
        Get-GsConnection -Name 'nosuch' -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-GsConnection -Name 'nosuch*' -ErrorVariable none -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $none.Count | Should -Be 0
    }
}
