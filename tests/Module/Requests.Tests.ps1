# One connection, every API: Invoke-GsRequest reaches Graph, Defender for Endpoint and Azure Resource
# Manager with a token of each API's audience, and each API refuses the others' tokens.
BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestSetup.ps1') }
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:Emulator = Get-TestEmulator
    $script:Root = $Emulator.url.TrimEnd('/')
    $script:Workspace = 'subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-secops/providers/Microsoft.OperationalInsights/workspaces/law-secops'

    function Get-Counters { Invoke-RestMethod -Uri "$Root/_emulator/counters" -SkipCertificateCheck }
    function Reset-Counters { Invoke-RestMethod -Method Delete -Uri "$Root/_emulator/counters" -SkipCertificateCheck | Out-Null }
}

Describe 'Invoke-GsRequest on every API of one connection' {
    BeforeAll { Connect-GsTenant -Emulator -Name every-api }
    AfterAll { Disconnect-GsTenant -Name every-api }

    It 'reads alerts, lists Defender indicators and reads a Sentinel workspace, and the emulator saw three audiences' {
        Reset-Counters
        @(Get-GsAlert -First 3).Count | Should -Be 3
        $indicators = @(Invoke-GsRequest GET 'api/indicators' -Api DefenderForEndpoint -All)
        $indicators.Count | Should -BeGreaterOrEqual 5
        $indicators[0].indicatorValue | Should -Not -BeNullOrEmpty
        $workspace = Invoke-GsRequest -Uri "$Workspace`?api-version=2023-09-01" -Api AzureResourceManager
        $workspace.name | Should -Be 'law-secops'

        $tokens = @((Get-Counters).tokens)
        ($tokens | Sort-Object api).api | Should -Be @('AzureResourceManager', 'DefenderForEndpoint', 'Graph')
        @($tokens.audience | Sort-Object -Unique).Count | Should -Be 3
        $tokens.audience | Should -Contain 'https://graph.microsoft.com'
        $tokens.audience | Should -Contain 'https://api.securitycenter.microsoft.com'
    }

    It 'Get-GsConnection shows per API whether a token was obtained, its expiry and its roles' {
        $apis = (Get-GsConnection -Name every-api).Apis
        $defender = $apis | Where-Object Api -eq DefenderForEndpoint
        $defender.HasToken | Should -BeTrue
        $defender.TokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
        $defender.Permissions | Should -Contain 'Ti.ReadWrite.All'
        ($apis | Where-Object Api -eq Graph).Permissions | Should -Contain 'SecurityAlert.ReadWrite.All'
        ($apis | Where-Object Api -eq LogsIngestion).HasToken | Should -BeFalse
        (Get-GsConnection -Name every-api | Out-String -Width 300) | Should -BeLike '*Graph, DefenderForEndpoint, AzureResourceManager*'
        $table = $apis | Out-String -Width 300
        $table | Should -Match 'DefenderForEndpoint\s+yes\s+\S.*Ti\.ReadWrite\.All'
        $table | Should -Match 'LogsIngestion\s+no'
    }

    It 'a full URL names its own API and a path without a version is under Graph v1.0' {
        $byUrl = @(Invoke-GsRequest -Uri "$Root/defender/api/indicators?`$top=2")
        $byUrl[0].value.Count | Should -Be 2
        (Invoke-GsRequest -Uri 'security/alerts_v2?$top=1').value.Count | Should -Be 1
        (Invoke-GsRequest -Uri '/v1.0/security/alerts_v2?$top=1').value.Count | Should -Be 1
    }

    It 'follows ARM nextLink-less lists and Graph @odata.nextLink pages with -First' {
        $subscriptions = @(Invoke-GsRequest -Uri 'subscriptions?api-version=2022-12-01' -Api AzureResourceManager -All)
        $subscriptions.subscriptionId | Should -Be '00000000-0000-4000-8000-000000000001'
        $alerts = @(Invoke-GsRequest -Uri 'v1.0/security/alerts_v2?$top=7' -First 20)
        $alerts.Count | Should -Be 20
        @($alerts.id | Sort-Object -Unique).Count | Should -Be 20
    }

    It 'writes hashtables, JSON text or the whole HTTP answer' {
        $table = Invoke-GsRequest -Uri 'security/alerts_v2?$top=1' -OutputType Hashtable
        $table | Should -BeOfType System.Collections.Specialized.OrderedDictionary
        $table['VALUE'][0]['id'] | Should -Not -BeNullOrEmpty
        $json = Invoke-GsRequest -Uri 'security/alerts_v2?$top=1' -OutputType Json
        $json | Should -BeOfType string
        ($json | ConvertFrom-Json).value.Count | Should -Be 1
        $answer = Invoke-GsRequest -Uri 'security/alerts_v2?$top=1' -OutputType HttpResponse
        $answer.StatusCode | Should -Be 200
        $answer.Api | Should -Be 'Graph'
        $answer.Headers['content-type'] | Should -BeLike 'application/json*'
        ($answer.Content | ConvertFrom-Json).value.Count | Should -Be 1
        $answer.Headers.Names | Should -Not -Contain 'Authorization'
        $answer.Headers.Names | Should -Contain 'request-id'
    }

    It 'sends a hashtable body as JSON and honours -WhatIf' {
        $id = (Get-GsAlert -First 1).Id
        $before = Get-GsAlert -Id $id
        $comment = "via Invoke-GsRequest $(New-Guid)"
        Invoke-GsRequest POST "v1.0/security/alerts_v2/$id/comments" -Body @{ '@odata.type' = 'microsoft.graph.security.alertComment'; comment = $comment } -WhatIf
        (Get-GsAlert -Id $id).Comments.Comment | Should -Not -Contain $comment
        $null = Invoke-GsRequest POST "v1.0/security/alerts_v2/$id/comments" -Body @{ '@odata.type' = 'microsoft.graph.security.alertComment'; comment = $comment } -Confirm:$false
        (Get-GsAlert -Id $id).Comments.Comment | Should -Contain $comment
        @((Get-GsAlert -Id $id).Comments).Count | Should -Be (@($before.Comments).Count + 1)
    }

    It 'an error answer is the same error record as every cmdlet''s' {
        $err = Invoke-GsRequest -Uri 'v1.0/security/alerts_v2/no-such-alert' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'GraphNotFound*'
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure[0].ErrorDetails.Message | Should -BeLike '*request-id*'
    }
}

Describe 'A token only goes to the API it was issued for' {
    BeforeAll { Connect-GsTenant -Emulator -Name destinations }
    AfterAll { Disconnect-GsTenant -Name destinations }

    It 'refuses a URL on a host that is none of the connection''s APIs, before sending anything' {
        Reset-Counters
        $err = Invoke-GsRequest -Uri 'https://attacker.example/v1.0/security/alerts_v2' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRequest*'
        $failure[0].ErrorDetails.Message | Should -BeLike '*not a URL of any API*'
        (Get-Counters).total | Should -Be 0
    }

    It 'refuses a full URL of one API given with another -Api' {
        Invoke-GsRequest -Uri "$Root/defender/api/indicators" -Api Graph -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].ErrorDetails.Message | Should -BeLike '*Defender for Endpoint, not of Microsoft Graph*'
    }

    It 'refuses a path that climbs out of its API' {
        Invoke-GsRequest -Uri '../v1.0/security/alerts_v2' -Api DefenderForEndpoint -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].ErrorDetails.Message | Should -BeLike '*leads out of Defender for Endpoint*'
    }

    It 'refuses an Authorization header of the caller''s' {
        { Invoke-GsRequest -Uri 'security/alerts_v2' -Headers @{ Authorization = 'Bearer x' } } | Should -Throw -ErrorId 'AuthorizationHeader*'
    }

    It 'refuses a body on GET and -All on POST before sending' {
        { Invoke-GsRequest GET 'security/alerts_v2' -Body @{ a = 1 } } | Should -Throw -ErrorId 'BodyNotAllowed*'
        { Invoke-GsRequest POST 'security/alerts_v2' -All } | Should -Throw -ErrorId 'PagingNeedsGet*'
    }

    It 'a Graph token sent to a Defender route answers 401 in Defender''s shape' {
        $graphToken = Get-RawToken
        $answer = Invoke-WebRequest -Uri "$Root/defender/api/indicators" -Headers @{ Authorization = "Bearer $graphToken" } -SkipCertificateCheck -SkipHttpErrorCheck
        $answer.StatusCode | Should -Be 401
        ($answer.Content | ConvertFrom-Json).error.message | Should -BeLike '*wrong audience*graph.microsoft.com*'
    }

    It 'a connection given a Graph token as its Defender token gets a 401 record naming Defender for Endpoint' {
        $graphToken = Get-RawToken
        Connect-GsTenant -Environment Emulator -AccessToken @{ Graph = $graphToken; DefenderForEndpoint = $graphToken } -Name wrong-token
        try {
            Invoke-GsRequest -Uri 'api/indicators' -Api DefenderForEndpoint -Connection wrong-token -ErrorAction SilentlyContinue -ErrorVariable failure
            $failure[0].FullyQualifiedErrorId | Should -BeLike 'DefenderForEndpointUnauthenticated*'
            $failure[0].ErrorDetails.RecommendedAction | Should -BeLike '*Defender for Endpoint refused the token*'
        }
        finally { Disconnect-GsTenant -Name wrong-token }
    }

    It 'an ARM token sent to a Graph route answers Graph''s 401' {
        $armToken = Get-RawToken -Resource 'https://management.azure.com'
        $answer = Invoke-WebRequest -Uri "$Root/v1.0/security/alerts_v2" -Headers @{ Authorization = "Bearer $armToken" } -SkipCertificateCheck -SkipHttpErrorCheck
        $answer.StatusCode | Should -Be 401
        ($answer.Content | ConvertFrom-Json).error.code | Should -Be 'InvalidAuthenticationToken'
    }
}

Describe 'Missing permissions name the API and what to grant' {
    BeforeAll {
        Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $ReaderClientId -ClientSecret (ConvertTo-TestSecureString $ReaderSecret) -Name reader
    }
    AfterAll { Disconnect-GsTenant -Name reader }

    It 'a Defender call without Ti.ReadWrite answers 403 with the role named' {
        Invoke-GsRequest -Uri 'api/indicators' -Api DefenderForEndpoint -Connection reader -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'DefenderForEndpointForbidden*'
        $failure[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failure[0].ErrorDetails.RecommendedAction | Should -BeLike '*WindowsDefenderATP*Ti.ReadWrite*'
    }

    It 'an ARM call on a workspace without the Azure role names the role to assign' {
        Connect-GsTenant -Environment Emulator -TenantId $DefaultTenantId -ClientId $NoRolesClientId -ClientSecret (ConvertTo-TestSecureString $NoRolesSecret) -Name noroles
        try {
            Invoke-GsRequest -Uri "$Workspace`?api-version=2023-09-01" -Api AzureResourceManager -Connection noroles -ErrorAction SilentlyContinue -ErrorVariable failure
            $failure[0].FullyQualifiedErrorId | Should -BeLike 'AzureResourceManagerForbidden*'
            $failure[0].ErrorDetails.RecommendedAction | Should -BeLike '*Microsoft Sentinel Contributor*'
        }
        finally { Disconnect-GsTenant -Name noroles }
    }
}

Describe 'Invoke-GsRequest -All over a large collection' {
    BeforeAll {
        $script:BigInfo = Join-Path $env:GS_TEST_WORK 'requests-big-emulator.json'
        $script:Big = Start-GsEmulator -InfoPath $BigInfo -Seed 23 -AlertCount 10000
        $script:BigRoot = $Big.Url.ToString().TrimEnd('/')
        Connect-GsTenant -Emulator -EmulatorInfoPath $BigInfo -Name big
    }
    AfterAll {
        Disconnect-GsTenant -Name big
        Stop-GsEmulator -InfoPath $BigInfo
    }

    It 'returns each of 10,000 alerts exactly once' {
        $ids = [System.Collections.Generic.List[string]]::new()
        Invoke-GsRequest -Uri 'v1.0/security/alerts_v2?$top=1000&$select=id' -All -Connection big | ForEach-Object { $ids.Add($_.id) }
        $ids.Count | Should -Be 10000
        ([System.Collections.Generic.HashSet[string]]::new($ids)).Count | Should -Be 10000
    }

    It 'streams: the first item arrives before the later pages are asked for' {
        Invoke-RestMethod -Method Delete -Uri "$BigRoot/_emulator/counters" -SkipCertificateCheck | Out-Null
        $first = Invoke-GsRequest -Uri 'v1.0/security/alerts_v2?$top=500' -All -Connection big | Select-Object -First 1
        $first.id | Should -Not -BeNullOrEmpty
        $pages = ((Invoke-RestMethod -Uri "$BigRoot/_emulator/counters" -SkipCertificateCheck).routes | Where-Object route -like '*alerts_v2').count
        $pages | Should -BeLessOrEqual 2
    }
}

Describe 'Every sign-in flow gets tokens for a second API: <_>' -ForEach $TestSignInFlows {
    AfterAll { Disconnect-GsTenant -All }

    It 'signs in for Graph and gets an Azure Resource Manager token on first use' {
        $flow = $_
        Invoke-TestSignIn -Flow $flow -Name flow -Then {
            $graphBefore = (Get-GsConnection -Name flow).Apis | Where-Object Api -eq Graph
            $graphBefore.HasToken | Should -BeTrue
            # A connection given its tokens holds them from the start; the others sign in for ARM on first use.
            ((Get-GsConnection -Name flow).Apis | Where-Object Api -eq AzureResourceManager).HasToken | Should -Be ($flow -eq 'access tokens by API')
            $null = Invoke-GsRequest -Uri 'subscriptions?api-version=2022-12-01' -Api AzureResourceManager -Connection flow -All
            $arm = (Get-GsConnection -Name flow).Apis | Where-Object Api -eq AzureResourceManager
            $arm.HasToken | Should -BeTrue
            $arm.TokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
            @(Get-GsAlert -First 1 -Connection flow).Count | Should -Be 1
        }
    }
}
