# Test fixtures shared by the runner and the test files. Nothing here uses the module under test
# for its answers: the raw helpers talk to the emulator with Invoke-RestMethod, so they can be
# used to check what the cmdlets return.

$script:DefaultTenantId = 'b6f1f2a4-2c3e-4f5a-8b7c-9d0e1f2a3b4c'
$script:DefaultClientId = '6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20'
$script:DefaultSecret = 'gs-emulator-default-secret'
$script:ReaderClientId = '0b8e4d2f-7a61-4c3b-8e95-1d2c3b4a5f60'
$script:ReaderSecret = 'gs-emulator-reader-secret'
# Reads machines and runs scans, but holds no Machine.Isolate.
$script:ResponderClientId = '8e4f2a6c-1b3d-4e5f-9a7b-2c4d6e8f0a13'
$script:ResponderSecret = 'gs-emulator-responder-secret'
$script:NoRolesClientId = '9c2d1e0f-3b4a-4c5d-8e6f-7a8b9c0d1e2f'
$script:NoRolesSecret = 'gs-emulator-noroles-secret'
$script:CertificateClientId = '4e7a2b19-8c3d-4f6e-a1b2-c3d4e5f6a7b8'

function New-TestCertificate {
    param([string] $Subject = 'CN=GraphSecurity Test App')
    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
        $Subject, $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256,
        [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $now = [DateTimeOffset]::UtcNow
    $request.CreateSelfSigned($now.AddDays(-1), $now.AddDays(30))
}

function New-TestContext {
    param([Parameter(Mandatory)] [string] $WorkFolder)
    $certificate = New-TestCertificate
    $cerPath = Join-Path $WorkFolder 'test-app.cer'
    [IO.File]::WriteAllBytes($cerPath, $certificate.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Cert))
    # The private key stays in a password-protected PFX for the tests that load it.
    $password = [Guid]::NewGuid().ToString('N')
    [IO.File]::WriteAllBytes((Join-Path $WorkFolder 'test-app.pfx'),
        $certificate.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pfx, $password))
    Set-Content -Path (Join-Path $WorkFolder 'test-app.pfx.password') -Value $password -NoNewline

    $config = @{
        deviceCode = @{ intervalSeconds = 1 }
        # Short security-action lifecycle (NotStarted 1 s, Running 2 s) so -Wait tests take seconds.
        securityActions = @{ startDelaySeconds = 1; runSeconds = 2 }
        tenants    = @(@{
                id   = $script:DefaultTenantId
                apps = @(@{
                        clientId     = $script:CertificateClientId
                        displayName  = 'GraphSecurity Certificate Test App'
                        certificates = @($cerPath)
                        roles        = @('SecurityAlert.ReadWrite.All')
                    })
            })
    }
    $configPath = Join-Path $WorkFolder 'emulator-config.json'
    $config | ConvertTo-Json -Depth 6 | Set-Content -Path $configPath
    [pscustomobject]@{ InfoPath = (Join-Path $WorkFolder 'emulator.json'); ConfigPath = $configPath }
}

function Get-TestCertificate {
    $folder = $env:GS_TEST_WORK
    $password = Get-Content -Raw (Join-Path $folder 'test-app.pfx.password')
    [System.Security.Cryptography.X509Certificates.X509Certificate2]::new(
        (Join-Path $folder 'test-app.pfx'), $password,
        [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::Exportable)
}

function Get-TestEmulator { Get-Content -Raw $env:GRAPHSECURITY_EMULATOR_INFO | ConvertFrom-Json }

function ConvertTo-TestSecureString([string] $Text) { ConvertTo-SecureString -String $Text -AsPlainText -Force }

# A token straight from the emulator's token endpoint, for the raw reference queries.
function Get-RawToken {
    param([string] $ClientId = $script:DefaultClientId, [string] $Secret = $script:DefaultSecret, [string] $Resource = 'https://graph.microsoft.com')
    $emulator = Get-TestEmulator
    $body = @{ grant_type = 'client_credentials'; client_id = $ClientId; client_secret = $Secret; scope = "$Resource/.default" }
    (Invoke-RestMethod -Method Post -Uri "$($emulator.url)/$($script:DefaultTenantId)/oauth2/v2.0/token" -Body $body -SkipCertificateCheck).access_token
}

# Every alert of the default tenant, read page by page with Invoke-RestMethod.
function Get-RawAlert {
    param([string] $Query = '')
    $emulator = Get-TestEmulator
    $headers = @{ Authorization = "Bearer $(Get-RawToken)"; Prefer = 'include-unknown-enum-members' }
    $url = "$($emulator.url)/v1.0/security/alerts_v2?`$top=2000$Query"
    while ($url) {
        $page = Invoke-RestMethod -Uri $url -Headers $headers -SkipCertificateCheck
        $page.value
        $url = $page.'@odata.nextLink'
    }
}

$script:FabrikamTenantId = 'd4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a'
$script:FabrikamClientId = '3f2e1d0c-9b8a-4765-a4b3-c2d1e0f9a8b7'
$script:FabrikamSecret = 'gs-emulator-fabrikam-secret'

function ConvertTo-Base64Url([byte[]] $Bytes) { [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_') }

# A client assertion (RS256 JWT) signed with the test app's certificate, as a federated-token file would hold one.
function New-TestClientAssertion {
    param([string] $ClientId = $script:CertificateClientId, [string] $TenantId = $script:DefaultTenantId)
    $certificate = Get-TestCertificate
    $header = @{ alg = 'RS256'; typ = 'JWT'; x5t = (ConvertTo-Base64Url $certificate.GetCertHash()) } | ConvertTo-Json -Compress
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $payload = @{
        aud = "$((Get-TestEmulator).url)/$TenantId/oauth2/v2.0/token"; iss = $ClientId; sub = $ClientId
        jti = [Guid]::NewGuid().ToString(); nbf = $now - 60; exp = $now + 600
    } | ConvertTo-Json -Compress
    $unsigned = (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes($header))) + '.' + (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes($payload)))
    $signature = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($certificate).SignData([Text.Encoding]::ASCII.GetBytes($unsigned),
        [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $unsigned + '.' + (ConvertTo-Base64Url $signature)
}

# Runs a script block with some environment variables set, then restores them.
function Invoke-WithEnvironment([hashtable] $Variables, [scriptblock] $Script) {
    # The loop variable's name is one no caller's script block uses: the block sees this scope's variables.
    $saved = @{}
    foreach ($variableName in $Variables.Keys) { $saved[$variableName] = [Environment]::GetEnvironmentVariable($variableName); [Environment]::SetEnvironmentVariable($variableName, $Variables[$variableName]) }
    try { & $Script } finally { foreach ($variableName in $saved.Keys) { [Environment]::SetEnvironmentVariable($variableName, $saved[$variableName]) } }
}

# Starts Connect-GsTenant -DeviceCode in another runspace of this process and returns it with
# the user code read from the sign-in message it printed.
function Start-DeviceCodeSignIn([string] $Name, [string[]] $Scopes) {
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
            param($module, $name, $tenant, $scopes)
            Import-Module $module
            $arguments = @{ DeviceCode = $true; Environment = 'Emulator'; TenantId = $tenant; Name = $name; PassThru = $true }
            if ($scopes) { $arguments.Scopes = $scopes }
            Connect-GsTenant @arguments
        }).AddArgument($env:GS_TEST_MODULE).AddArgument($Name).AddArgument($DefaultTenantId).AddArgument($Scopes)
    $handle = $ps.BeginInvoke()
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ($ps.Streams.Warning.Count -eq 0 -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    $message = "$($ps.Streams.Warning[0])"
    [pscustomobject]@{ PowerShell = $ps; Handle = $handle; Message = $message; UserCode = [regex]::Match($message, 'enter the code (\S+)').Groups[1].Value }
}

function Send-DeviceCodeDecision([string] $UserCode, [string] $Decision = 'approve', [string] $User = 'grace@contoso.example') {
    Invoke-RestMethod -Method Post -Uri "$((Get-TestEmulator).url)/_emulator/devicecode/$Decision" -SkipCertificateCheck `
        -ContentType 'application/json' -Body (@{ userCode = $UserCode; user = $User } | ConvertTo-Json)
}

# The sign-in flows of Connect-GsTenant that run against the test emulator with nobody at the keyboard.
$script:TestSignInFlows = @(
    'client secret', 'certificate', 'federated token file', 'environment variables', 'managed identity (App Service)',
    'managed identity (IMDS, user-assigned)', 'device code', 'browser', 'access tokens by API'
)

# Signs in as connection -Name with one of $TestSignInFlows, then runs -Then while the flow's
# environment (managed identity endpoints, AZURE_* variables) is still set.
function Invoke-TestSignIn([string] $Flow, [string] $Name, [scriptblock] $Then) {
    $emulatorUrl = (Get-TestEmulator).url
    $environment = switch ($Flow) {
        'environment variables' { @{ AZURE_TENANT_ID = $DefaultTenantId; AZURE_CLIENT_ID = $DefaultClientId; AZURE_CLIENT_SECRET = $DefaultSecret } }
        'managed identity (App Service)' { @{ IDENTITY_ENDPOINT = "$emulatorUrl/msi/token"; IDENTITY_HEADER = 'gs-emulator-identity-header' } }
        'managed identity (IMDS, user-assigned)' { @{ IDENTITY_ENDPOINT = $null; IDENTITY_HEADER = $null; MSI_ENDPOINT = $null; AZURE_POD_IDENTITY_AUTHORITY_HOST = $emulatorUrl } }
        default { @{} }
    }
    Invoke-WithEnvironment $environment {
        $ErrorActionPreference = 'Stop'
        $connection = @{ Environment = 'Emulator'; TenantId = $DefaultTenantId; Name = $Name }
        switch ($Flow) {
            'client secret' { Connect-GsTenant @connection -ClientId $DefaultClientId -ClientSecret (ConvertTo-TestSecureString $DefaultSecret) }
            'certificate' { Connect-GsTenant @connection -ClientId $CertificateClientId -Certificate (Get-TestCertificate) }
            'federated token file' {
                $file = Join-Path $env:GS_TEST_WORK "$Name-assertion"
                Set-Content -Path $file -Value (New-TestClientAssertion) -NoNewline
                Connect-GsTenant @connection -ClientId $CertificateClientId -FederatedTokenFile $file
            }
            'environment variables' { Connect-GsTenant -Environment Emulator -FromEnvironment -Name $Name }
            'managed identity (App Service)' { Connect-GsTenant -Environment Emulator -Identity -Name $Name }
            'managed identity (IMDS, user-assigned)' { Connect-GsTenant -Environment Emulator -Identity -IdentityClientId 'e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c5b' -Name $Name }
            'device code' {
                $signIn = Start-DeviceCodeSignIn -Name $Name
                Send-DeviceCodeDecision $signIn.UserCode -User 'ada@contoso.example' | Out-Null
                $null = $signIn.PowerShell.EndInvoke($signIn.Handle)
                $signIn.PowerShell.Dispose()
            }
            'browser' { Connect-GsTenant @connection -Interactive }
            'access tokens by API' {
                Connect-GsTenant -Environment Emulator -AccessToken @{ Graph = (Get-RawToken); AzureResourceManager = (Get-RawToken -Resource 'https://management.azure.com') } -Name $Name
            }
            default { throw "There is no test sign-in flow '$Flow'." }
        }
        & $Then
    }
}

# Runs a script file in a new pwsh like this one (inheriting this environment) and returns its exit
# code and every line it printed, errors included. The pwsh dotnet tool runs as "dotnet pwsh.dll".
function Invoke-TestPwsh([string] $File, [string[]] $Arguments = @()) {
    $processPath = (Get-Process -Id $PID).Path
    $pwshDll = @(if ([IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $output = & $processPath @pwshDll -NoProfile -NonInteractive -File $File @Arguments 2>&1
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
}

# A type of the engine. The engine loads into the module's own load context, where a type literal
# such as [GraphSecurity.Engine.Http.RetryPolicy] cannot reach it, so its assembly is found by name.
function Get-EngineType([string] $Name) {
    $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'GraphSecurity.Engine' } | Select-Object -First 1
    if (-not $engine) { throw 'The engine is not loaded: import the module first.' }
    $engine.GetType($Name, $true)
}

# The sample partner provider (samples/SentryFirewall), built with the solution.
function Get-TestProviderPath {
    $root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $dll = Get-ChildItem (Join-Path $root 'samples/SentryFirewall/bin') -Recurse -Filter 'SentryFirewall.dll' -ErrorAction Ignore |
        Where-Object { $_.Directory.Name -eq 'net10.0' } | Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
    if (-not $dll) { throw 'The sample provider is not built: run ./build.ps1 build.' }
    $dll.FullName
}

# Starts the sample provider against the test emulator (its broker too) and waits until it listens.
# -Break makes a deliberately broken variant; -Port 0 picks a free port.
function Start-TestProvider([string[]] $Break = @(), [int] $Port = 0, [string] $Name = "provider-$([guid]::NewGuid().ToString('N').Substring(0, 8))") {
    $info = Join-Path $env:GS_TEST_WORK "$Name.json"
    Remove-Item $info -ErrorAction Ignore
    $arguments = @((Get-TestProviderPath), '--emulator-info', $env:GRAPHSECURITY_EMULATOR_INFO, '--urls', "http://127.0.0.1:$Port",
        '--info-file', $info, '--broker', (Get-TestEmulator).url)
    if ($Break) { $arguments += '--break', ($Break -join ',') }
    $log = Join-Path $env:GS_TEST_WORK "$Name.log"
    $process = Start-Process -FilePath (Get-Command dotnet).Source -ArgumentList $arguments -PassThru -NoNewWindow `
        -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path $info) -and -not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    if (-not (Test-Path $info)) {
        if (-not $process.HasExited) { Stop-Process -Id $process.Id -Force }
        throw "The sample provider did not start: $(Get-Content -Raw "$log.err" -ErrorAction Ignore)"
    }
    [pscustomobject]@{ Url = (Get-Content -Raw $info | ConvertFrom-Json).url; Process = $process; Name = $Name }
}

function Stop-TestProvider($Provider) {
    if ($Provider -and -not $Provider.Process.HasExited) { Stop-Process -Id $Provider.Process.Id -Force; $Provider.Process.WaitForExit(10000) | Out-Null }
}

# Registers a provider with the emulator's legacy-alerts broker (unregister with Unregister-TestProvider).
function Register-TestProvider([string] $Url, [int] $TimeoutMs = 10000) {
    $body = @{ vendor = 'Northwind Security'; provider = 'Sentry Firewall'; providerVersion = '1.2'; baseUrl = $Url
        appId = $PartnerClientId; audience = 'api://northwind-sentry'; timeoutMs = $TimeoutMs } | ConvertTo-Json
    Invoke-RestMethod -Method Post -Uri "$((Get-TestEmulator).url)/_emulator/providers" -Body $body -ContentType 'application/json' -SkipCertificateCheck
}

function Unregister-TestProvider {
    Invoke-RestMethod -Method Delete -Uri "$((Get-TestEmulator).url)/_emulator/providers/northwind-security-sentry-firewall" -SkipCertificateCheck -ErrorAction Ignore | Out-Null
}
# The partner tenant and its multi-tenant app: consented in Contoso, not in Fabrikam.
$script:PartnerTenantId = '7a1c9e3b-5d2f-4a8e-b6c4-0e9f8d7c6b5a'
$script:PartnerClientId = '5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f'
$script:PartnerSecret = 'gs-emulator-partner-secret'
$script:PartnerUserAgent = 'MdePartner-NorthwindSecurity-Sentry/1.2'
