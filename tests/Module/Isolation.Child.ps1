# Run by Isolation.Tests.ps1 in a new process: loads the older assemblies and the module in the
# order given, signs in, reads alerts, uses the older MSAL, and prints one "REPORT {json}" line.
param(
    [Parameter(Mandatory)] [ValidateSet('OlderFirst', 'ModuleFirst', 'NewerFirst')] [string] $Order,
    [Parameter(Mandatory)] [string] $OlderAssemblies
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'TestSetup.ps1')
$report = [ordered]@{ Order = $Order; Flows = @(); Assemblies = @(); OlderMsal = $null; OlderAzureCore = $null }

function Add-OlderAssembly { foreach ($path in $OlderAssemblies -split ';') { Add-Type -Path $path } }

function Test-SignIn([string] $Flow) {
    $result = [ordered]@{ Flow = $Flow; Alerts = 0; Error = $null; Detail = $null }
    try {
        Invoke-TestSignIn -Flow $Flow -Name isolated -Then { $result.Alerts = @(Get-GsAlert -First 2 -Connection isolated).Count }
    } catch {
        $result.Error = "$_"
        # The whole exception with its stack, so a failure that happens rarely can be traced.
        $result.Detail = $_.Exception.ToString()
    } finally {
        Disconnect-GsTenant -Name isolated -ErrorAction SilentlyContinue
    }
    $result
}

# What another module would do with its own MSAL: build an app and read its (empty) token cache.
function Test-OlderMsal {
    $result = [ordered]@{ Version = $null; Context = $null; ClientId = $null; Error = $null }
    try {
        $type = [Microsoft.Identity.Client.PublicClientApplicationBuilder]
        $result.Version = $type.Assembly.GetName().Version.ToString()
        $result.Context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($type.Assembly).Name
        $app = $type::Create($DefaultClientId).WithAuthority("https://login.microsoftonline.com/$DefaultTenantId").Build()
        $null = $app.GetAccountsAsync().GetAwaiter().GetResult()
        $result.ClientId = $app.AppConfig.ClientId
    } catch {
        $result.Error = "$_"
    }
    $result
}

# No MSAL newer than the module's is served here: an assembly of that name and identity at version
# 99 stands in for one, which is all the loader sees of an assembly it must not bind to.
function Add-NewerMsal {
    $folder = Join-Path $env:GS_TEST_WORK "newer-msal-$PID"
    New-Item -ItemType Directory -Force $folder | Out-Null
    $path = Join-Path $folder 'Microsoft.Identity.Client.dll'
    # Add-Type names its assemblies at random; Roslyn (which Add-Type loads) compiles one under MSAL's name.
    Add-Type -TypeDefinition 'public static class NewerMsalCompilerWarmUp {}'
    $code = '[assembly: System.Reflection.AssemblyVersion("99.0.0.0")] namespace Microsoft.Identity.Client { public static class NewerStandIn { public static string Version => "99"; } }'
    $runtime = Split-Path ([object].Assembly.Location)
    $references = @([object].Assembly.Location, (Join-Path $runtime 'System.Runtime.dll')) | ForEach-Object { [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile($_) }
    $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create('Microsoft.Identity.Client',
        [Microsoft.CodeAnalysis.SyntaxTree[]] @([Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($code)),
        [Microsoft.CodeAnalysis.MetadataReference[]] $references,
        [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary))
    $emitted = [Microsoft.CodeAnalysis.FileSystemExtensions]::Emit($compilation, $path)
    if (-not $emitted.Success) { throw "The stand-in MSAL did not compile: $($emitted.Diagnostics -join '; ')" }
    Add-Type -Path $path
}

if ($Order -eq 'NewerFirst') {
    Add-NewerMsal
    Import-Module $env:GS_TEST_MODULE
    $report.Flows = @(Test-SignIn 'client secret'; Test-SignIn 'certificate')
} elseif ($Order -eq 'OlderFirst') {
    Add-OlderAssembly
    Import-Module $env:GS_TEST_MODULE
    $report.Flows = @(foreach ($flow in $TestSignInFlows) { Test-SignIn $flow })
    $report.OlderMsal = Test-OlderMsal
} else {
    Import-Module $env:GS_TEST_MODULE
    $report.Flows += Test-SignIn 'client secret'
    Add-OlderAssembly
    $report.OlderMsal = Test-OlderMsal
    $report.OlderAzureCore = [Azure.Core.AccessToken].Assembly.GetName().Version.ToString()
    $null = [Azure.Core.AccessToken]::new('not-a-token', [DateTimeOffset]::UtcNow.AddHours(1))
    $report.Flows += Test-SignIn 'certificate'
}

$report.Assemblies = @([AppDomain]::CurrentDomain.GetAssemblies() |
        Where-Object { $_.GetName().Name -match '^(GraphSecurity|Microsoft\.Identity|Microsoft\.IdentityModel\.Abstractions|Azure\.Core)' } |
        ForEach-Object {
            $context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_)
            [ordered]@{ Name = $_.GetName().Name; Version = $_.GetName().Version.ToString(); Context = if ($context.Name) { $context.Name } else { $context.GetType().Name } }
        })
'REPORT ' + ($report | ConvertTo-Json -Depth 5 -Compress)
