BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name evidence-tests
    $script:All = @(Get-RawAlert)
    # The most frequent user, device and address in the raw evidence, found without the module.
    $accounts = $All.evidence | Where-Object { $_.userAccount.userPrincipalName } | ForEach-Object { $_.userAccount }
    $script:TopAccount = $accounts | Group-Object userPrincipalName | Sort-Object Count -Descending | Select-Object -First 1 | ForEach-Object { $_.Group[0] }
    $devices = $All.evidence | Where-Object { $_.'@odata.type' -eq '#microsoft.graph.security.deviceEvidence' }
    $script:TopDevice = $devices | Group-Object deviceDnsName | Sort-Object Count -Descending | Select-Object -First 1 | ForEach-Object { $_.Group[0] }
    $script:TopIp = ($All.evidence | Where-Object { $_.'@odata.type' -eq '#microsoft.graph.security.ipEvidence' } |
            Group-Object ipAddress | Sort-Object Count -Descending | Select-Object -First 1).Name
    function Get-Ids($alerts) { @($alerts | ForEach-Object Id | Sort-Object) }
}
AfterAll { Disconnect-GsTenant -Name evidence-tests }

Describe 'Get-GsAlert -User, -Device, -IpAddress' {
    It 'the dataset has a user, a device and an address that appear in several alerts' {
        $TopAccount.userPrincipalName | Should -Match '@'
        $TopAccount.azureAdUserId | Should -Match '^[0-9a-f-]{36}$'
        $TopDevice.mdeDeviceId | Should -Match '^[0-9a-f]{40}$'
        $TopIp | Should -Not -BeNullOrEmpty
    }

    It '-User with a UPN equals the hunting query over AlertEvidence for the same user' {
        $since = [DateTime]::UtcNow.AddDays(-29)
        $upn = $TopAccount.userPrincipalName
        $kql = "AlertEvidence | where Timestamp >= datetime($($since.ToString('o'))) | where AccountUpn =~ '$upn' | distinct AlertId"
        $hunted = @((Invoke-GsHuntingQuery -Query $kql).AlertId | Sort-Object)
        $hunted.Count | Should -BeGreaterThan 1
        Get-Ids (Get-GsAlert -User $upn -Since $since -All) | Should -Be $hunted
    }

    It '-User with an Entra object id equals the hunting query on AccountObjectId' {
        $since = [DateTime]::UtcNow.AddDays(-29)
        $objectId = $TopAccount.azureAdUserId
        $kql = "AlertEvidence | where Timestamp >= datetime($($since.ToString('o'))) | where AccountObjectId == '$objectId' | distinct AlertId"
        $hunted = @((Invoke-GsHuntingQuery -Query $kql).AlertId | Sort-Object)
        $hunted.Count | Should -BeGreaterThan 1
        Get-Ids (Get-GsAlert -User $objectId -Since $since -All) | Should -Be $hunted
    }

    It 'server-side and client-side matching give the same alerts (<Name>)' -ForEach @(
        @{ Name = 'user UPN'; Parameters = { @{ User = $TopAccount.userPrincipalName } } }
        @{ Name = 'user object id'; Parameters = { @{ User = $TopAccount.azureAdUserId } } }
        @{ Name = 'device DNS name'; Parameters = { @{ Device = $TopDevice.deviceDnsName } } }
        @{ Name = 'MDE device id'; Parameters = { @{ Device = $TopDevice.mdeDeviceId } } }
        @{ Name = 'IP address'; Parameters = { @{ IpAddress = $TopIp } } }
        @{ Name = 'user and severity'; Parameters = { @{ User = $TopAccount.userPrincipalName; Severity = 'High', 'Medium' } } }
    ) {
        $p = & $Parameters
        $server = Get-Ids (Get-GsAlert @p -EvidenceMatch Server -All)
        $client = Get-Ids (Get-GsAlert @p -EvidenceMatch Client -All)
        $server.Count | Should -BeGreaterThan 0
        $client | Should -Be $server
    }

    It '-Device by DNS name matches the raw evidence' {
        $name = $TopDevice.deviceDnsName
        $expected = @($All | Where-Object { $_.evidence | Where-Object { $_.'@odata.type' -eq '#microsoft.graph.security.deviceEvidence' -and ($_.deviceDnsName -eq $name -or $_.hostName -eq $name) } } | ForEach-Object id | Sort-Object)
        Get-Ids (Get-GsAlert -Device $name -All) | Should -Be $expected
    }

    It 'says in -Verbose where the evidence filter ran' {
        $server = Get-GsAlert -User $TopAccount.userPrincipalName -First 1 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($server.Message -join "`n") | Should -Match 'sent to the service'
        ($server.Message -join "`n") | Should -Match 'evidence%2Fany|evidence/any'
        $client = Get-GsAlert -IpAddress $TopIp -First 1 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($client.Message -join "`n") | Should -Match 'matched here'
    }

    It '-First counts matching alerts when matching on the client' {
        $expected = (Get-GsAlert -IpAddress $TopIp -EvidenceMatch Server -First 3).Id
        (Get-GsAlert -IpAddress $TopIp -EvidenceMatch Client -First 3 -Top 50).Id | Should -Be $expected
    }
}
