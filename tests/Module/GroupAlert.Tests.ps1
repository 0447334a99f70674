# Group-GsAlert end to end: the reference's cases with objects built here, then the emulator's seeded
# tenant, whose incidents the grouping should largely reproduce, and a CSV of another tool's alerts.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:T0 = [datetimeoffset]'2026-03-02T08:00:00Z'
    function New-Row([string] $Id, [double] $Hours, [hashtable] $Fields = @{}) {
        [pscustomobject](@{ Id = $Id; Time = $T0.AddHours($Hours); Title = "Row $Id"; Source = 'OtherTool' } + $Fields)
    }
    function Get-Members($Groups) { @($Groups | ForEach-Object { ($_.AlertIds | Sort-Object) -join ',' } | Sort-Object) }
}

Describe 'Group-GsAlert with objects built here' {
    It 'chains A-B-C over two 20-hour gaps with a 24-hour window, and says why' {
        $rows = @(
            New-Row A 0 @{ User = 'adele@contoso.com' }
            New-Row B 20 @{ UserPrincipalName = 'Adele@Contoso.com'; SourceIp = '198.18.7.7' }
            New-Row C 40 @{ IpAddress = '198.18.7.7' }
        )
        $group = @($rows | Group-GsAlert -Window (New-TimeSpan -Hours 24))
        $group.Count | Should -Be 1
        $group[0].AlertIds -join ',' | Should -Be 'A,B,C'
        @($group[0].Edges.Key) | Should -Be @('user:upn:adele@contoso.com', 'ip:198.18.7.7')
        @($group[0].Edges.Reason) | Should -Be @('sameAsset', 'sharedIndicators')
        $group[0].Alerts[0] | Should -Be $rows[0]
        $group[0].Sources | Should -Be 'OtherTool'
        # The same rows with a shorter window stay apart.
        @($rows | Group-GsAlert -Window (New-TimeSpan -Hours 12)).Count | Should -Be 3
    }

    It 'suppresses one proxy address on 500 alerts and reports it' {
        $rows = foreach ($i in 0..499) { New-Row ('P{0:D3}' -f $i) ($i / 100) @{ IpAddress = '198.18.0.1'; User = "user$i@contoso.com" } }
        $groups = @($rows | Group-GsAlert -WarningVariable warnings 3>$null)
        $groups.Count | Should -Be 500
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'ip:198\.18\.0\.1 is in 500 alerts'
        $groups[0].SuppressedKeys[0].Key | Should -Be 'ip:198.18.0.1'
        $groups[0].SuppressedKeys[0].AlertCount | Should -Be 500
    }

    It 'does not join web01.contoso.com with web01.fabrikam.com through a bare web01' {
        $rows = @(
            New-Row bare 0 @{ HostName = 'WEB01' }
            New-Row contoso 1 @{ HostName = 'web01.contoso.com' }
            New-Row fabrikam 2 @{ Device = 'web01.fabrikam.com' }
        )
        $members = Get-Members ($rows | Group-GsAlert)
        $members | Should -Be @('bare,contoso', 'fabrikam')
    }

    It 'splits 151 alerts on one user into 150 and 1' {
        $rows = foreach ($i in 0..150) { New-Row ('U{0:D3}' -f $i) ($i / 20) @{ User = 'adele@contoso.com' } }
        $groups = @($rows | Group-GsAlert -MaxKeyAlerts 1000)
        @($groups.AlertCount) | Should -Be @(150, 1)
        $groups[1].AlertIds | Should -Be 'U150'
    }

    It 'joins an upper-case legacy UPN with the UPN of alerts_v2 user evidence' {
        $legacy = [GraphSecurity.LegacyAlert]@{ Id = 'legacy-1'; EventDateTime = $T0; Severity = 'Medium'
            VendorInformation = [GraphSecurity.SecurityVendorInformation]@{ Provider = 'IPC'; Vendor = 'Microsoft' }
            UserStates = [GraphSecurity.ValueList[GraphSecurity.LegacyUserState]]::new([GraphSecurity.LegacyUserState[]]@([GraphSecurity.LegacyUserState]@{ UserPrincipalName = 'ADELE.VANCE@CONTOSO.COM' }))
        }
        $evidence = [GraphSecurity.UserEvidence]@{ UserAccount = [GraphSecurity.UserAccount]@{ UserPrincipalName = 'adele.vance@contoso.com' } }
        $v2 = [GraphSecurity.Alert]@{ Id = 'da-1'; CreatedDateTime = $T0.AddHours(3); Severity = 'High'; ServiceSource = 'MicrosoftDefenderForEndpoint'
            Evidence = [GraphSecurity.ValueList[GraphSecurity.AlertEvidence]]::new([GraphSecurity.AlertEvidence[]]@($evidence))
        }
        $group = @($v2, $legacy | Group-GsAlert)
        $group.Count | Should -Be 1
        $group[0].AlertIds -join ',' | Should -Be 'legacy-1,da-1'
        $group[0].HighestSeverity | Should -Be 'High'
        $group[0].Entities | Should -Be 'user:upn:adele.vance@contoso.com'
    }

    It 'never joins on noise: <Field> <Value>' -ForEach @(
        @{ Field = 'IpAddress'; Value = '127.0.0.1' }, @{ Field = 'IpAddress'; Value = 'fe80::1' }, @{ Field = 'IpAddress'; Value = '169.254.1.1' }
        @{ Field = 'IpAddress'; Value = '203.0.113.5' }, @{ Field = 'IpAddress'; Value = '2001:db8::1' }, @{ Field = 'IpAddress'; Value = '0.0.0.0' }
        @{ Field = 'User'; Value = 'S-1-5-18' }, @{ Field = 'FileHash'; Value = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }
        @{ Field = 'Sha1'; Value = 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709' }, @{ Field = 'Md5'; Value = 'd41d8cd98f00b204e9800998ecf8427e' }
    ) {
        $groups = @((New-Row n1 0 @{ $Field = $Value }), (New-Row n2 1 @{ $Field = $Value }) | Group-GsAlert)
        $groups.Count | Should -Be 2
    }

    It 'keeps what -StopList names from joining' {
        $rows = (New-Row a 0 @{ IpAddress = '10.20.30.40' }), (New-Row b 1 @{ IpAddress = '10.20.30.40' })
        @($rows | Group-GsAlert).Count | Should -Be 1
        @($rows | Group-GsAlert -StopList '10.20.30.40').Count | Should -Be 2
    }

    It 'returns a row without id or time as an error carrying it, and groups the rest' {
        $bad = [pscustomobject]@{ Title = 'no id'; Time = $T0 }
        $late = [pscustomobject]@{ Id = 'r9'; Time = 'never' }
        $groups = @((New-Row a 0 @{ User = 'adele@contoso.com' }), $bad, $late, (New-Row b 1 @{ User = 'adele@contoso.com' }) |
                Group-GsAlert -ErrorVariable failures -ErrorAction SilentlyContinue)
        $groups.Count | Should -Be 1
        $failures.Count | Should -Be 2
        $failures[0].TargetObject | Should -Be $bad
        "$($failures[1])" | Should -Match "'r9' has no time"
    }

    It 'refuses a limit out of range before grouping' {
        { New-Row a 0 | Group-GsAlert -MaxGroupSize 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,GraphSecurity.Commands.Correlation.GroupGsAlertCommand'
        { New-Row a 0 | Group-GsAlert -Window ([timespan]::Zero) } | Should -Throw -ErrorId 'ParameterArgumentValidationError,GraphSecurity.Commands.Correlation.GroupGsAlertCommand'
    }

    It 'shows a group on one line within 80 columns' {
        $rows = (New-Row a 0 @{ User = 'adele@contoso.com' }), (New-Row b 1 @{ User = 'adele@contoso.com' })
        $lines = ($rows | Group-GsAlert | Format-Table | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
        $lines.Count | Should -Be 3
        $lines[2] | Should -Match '^grp-[0-9a-f]{16}\s+2 Unknown\s+2026-03-02 08:00\s+1h user:upn:adele'
    }
}

Describe 'Group-GsAlert on the seeded tenant' {
    BeforeAll {
        Connect-GsTenant -Emulator -Name group
        $script:Alerts = @(Get-GsAlert -All -Connection group | Where-Object IncidentId)
        # Pairwise precision and recall of group membership against Defender's incidentId.
        function Measure-Grouping($Alerts, $Groups) {
            $groupOf = @{}
            foreach ($g in $Groups) { foreach ($id in $g.AlertIds) { $groupOf[$id] = $g.Id } }
            $tp = 0; $fp = 0; $fn = 0
            for ($i = 0; $i -lt $Alerts.Count; $i++) {
                for ($j = $i + 1; $j -lt $Alerts.Count; $j++) {
                    $same = $Alerts[$i].IncidentId -eq $Alerts[$j].IncidentId
                    $together = $groupOf[$Alerts[$i].Id] -eq $groupOf[$Alerts[$j].Id]
                    if ($same -and $together) { $tp++ } elseif ($together) { $fp++ } elseif ($same) { $fn++ }
                }
            }
            [pscustomobject]@{ Precision = $tp / [math]::Max(1, $tp + $fp); Recall = $tp / [math]::Max(1, $tp + $fn) }
        }
    }
    AfterAll { Disconnect-GsTenant -Name group }

    It 'reproduces most of the emulator''s incidents from shared evidence alone' {
        $Alerts.Count | Should -BeGreaterThan 500
        $short = Measure-Grouping $Alerts @($Alerts | Group-GsAlert -Window (New-TimeSpan -Hours 4) 3>$null)
        $default = Measure-Grouping $Alerts @($Alerts | Group-GsAlert 3>$null)
        Write-Host ('Group-GsAlert on {0} seeded alerts: 4-hour window precision {1:P1} recall {2:P1}; default 1-day window precision {3:P1} recall {4:P1}' -f
            $Alerts.Count, $short.Precision, $short.Recall, $default.Precision, $default.Recall)
        # Measured 75-86% / 92-93% (4 h) and 51-54% / 87-89% (1 day) over emulator starts: the seed reuses a small
        # set of users and devices over 30 days, so unrelated incidents share them.
        $short.Precision | Should -BeGreaterThan 0.65
        $short.Recall | Should -BeGreaterThan 0.85
        $default.Recall | Should -BeGreaterThan 0.8
    }

    It 'with -RespectIncident never splits an incident' {
        $result = Measure-Grouping $Alerts @($Alerts | Group-GsAlert -RespectIncident 3>$null)
        $result.Recall | Should -Be 1
    }

    It 'adds a CSV row of another tool naming a seeded alert''s user to that alert''s group' {
        $seeded = $Alerts | Where-Object { $_.Evidence | Where-Object { $_ -is [GraphSecurity.UserEvidence] -and $_.UserAccount.UserPrincipalName } } | Select-Object -First 1
        $upn = ($seeded.Evidence | Where-Object { $_ -is [GraphSecurity.UserEvidence] } | Select-Object -First 1).UserAccount.UserPrincipalName
        $time = ($seeded.FirstActivityDateTime ?? $seeded.CreatedDateTime).AddMinutes(20).ToString('o')
        $csv = @"
AlertId,TimeGenerated,Severity,UserPrincipalName,SourceIp,Source
fw-0001,$time,High,$($upn.ToUpperInvariant()),198.18.9.9,Firewall
fw-0002,$time,Low,nobody@elsewhere.example,198.18.9.10,Firewall
"@ | ConvertFrom-Csv
        $groups = @(@($Alerts) + @($csv) | Group-GsAlert -Window (New-TimeSpan -Hours 4) 3>$null)
        $withRow = $groups | Where-Object { $_.AlertIds -contains 'fw-0001' }
        $withRow.AlertIds | Should -Contain $seeded.Id
        $withRow.Sources | Should -Contain 'Firewall'
        $withRow.Edges | Where-Object AlertB -EQ 'fw-0001' | ForEach-Object Key | Should -Be "user:upn:$($upn.ToLowerInvariant())"
        ($groups | Where-Object { $_.AlertIds -contains 'fw-0002' }).AlertCount | Should -Be 1
    }

    It 'adds a partner alert naming a seeded alert''s user to that alert''s group' {
        $withUser = $Alerts | Where-Object { $_.UserPrincipalNames.Count -gt 0 } | Sort-Object { $_.FirstActivityDateTime ?? $_.CreatedDateTime } | Select-Object -Last 1
        $upn = $withUser.UserPrincipalNames[0]
        $partner = Send-GsPartnerAlert -Title "Group test partner alert $([guid]::NewGuid().ToString('N').Substring(0, 8))" -Description 'A partner detection on a seeded user.' `
            -Severity Medium -Category CredentialAccess -User $upn.ToUpperInvariant() -Connection group -Confirm:$false
        $partner | Should -BeOfType ([GraphSecurity.Alert])
        $since = ($withUser.FirstActivityDateTime ?? $withUser.CreatedDateTime)
        $gap = ($partner.FirstActivityDateTime ?? $partner.CreatedDateTime) - $since
        $groups = @(@($Alerts) + @($partner) | Group-GsAlert -Window ($gap + (New-TimeSpan -Hours 1)) -MaxSpan ($gap + (New-TimeSpan -Days 1)) 3>$null)
        $group = $groups | Where-Object { $_.AlertIds -contains $partner.Id }
        $group.AlertIds | Should -Contain $withUser.Id
        $group.Entities | Should -Contain "user:upn:$($upn.ToLowerInvariant())"
        # The same detection marked as excluded from correlation stays alone.
        $excluded = Send-GsPartnerAlert -Title "Group test excluded alert $([guid]::NewGuid().ToString('N').Substring(0, 8))" -Description 'A partner detection left out of correlation.' `
            -Severity Low -Category CredentialAccess -User $upn -ExcludeFromCorrelation -Connection group -Confirm:$false
        $excluded.AdditionalData.IsExcludedFromCorrelation | Should -BeTrue
        $alone = @(@($Alerts) + @($partner, $excluded) | Group-GsAlert -Window ($gap + (New-TimeSpan -Hours 1)) -MaxSpan ($gap + (New-TimeSpan -Days 1)) 3>$null) |
            Where-Object { $_.AlertIds -contains $excluded.Id }
        $alone.AlertCount | Should -Be 1
    }

    It 'groups the legacy alerts with the alerts_v2 alerts of their incidents' {
        $legacy = @(Get-GsAlert -Legacy -All -Connection group 3>$null | Where-Object { $_.IncidentIds.Count -gt 0 -and $_.UserStates.Count -gt 0 } | Select-Object -First 20)
        $legacy.Count | Should -BeGreaterThan 0
        $groups = @(@($Alerts) + $legacy | Group-GsAlert -Window (New-TimeSpan -Hours 4) 3>$null)
        $joined = @($legacy | Where-Object {
                $id = $_.Id; $incident = $_.IncidentIds[0]
                $group = $groups | Where-Object { $_.AlertIds -contains $id }
                $group.AlertCount -gt 1 -and ($Alerts | Where-Object { $_.IncidentId -eq $incident -and $group.AlertIds -contains $_.Id })
            })
        Write-Host "Legacy alerts joined to an alert of their own incident: $($joined.Count) of $($legacy.Count)"
        $joined.Count | Should -BeGreaterThan ($legacy.Count / 2)
    }
}

Describe 'Group-GsAlert -Apply' {
    # A private emulator: merging changes incidents the other test files read.
    BeforeAll {
        $script:ApplyInfo = Join-Path $env:GS_TEST_WORK 'apply-emulator.json'
        Start-GsEmulator -InfoPath $ApplyInfo -Seed 11 -AlertCount 400 | Out-Null
        Connect-GsTenant -Emulator -EmulatorInfoPath $ApplyInfo -Name apply
        $script:IncidentsById = @{}
        Get-GsIncident -All -Connection apply | ForEach-Object { $IncidentsById[$_.Id] = $_ }
        # A group whose incidents Defender would merge: none closed, at most one assignee, one classification and determination.
        $mergeable = {
            param($group)
            $incidents = @($group.IncidentIds | ForEach-Object { $IncidentsById[$_] })
            $incidents.Count -ge 2 -and $incidents.Count -le 5 -and -not ($incidents | Where-Object Status -in Resolved, Redirected) -and
            @($incidents.AssignedTo | Where-Object { $_ } | Sort-Object -Unique).Count -le 1 -and
            @($incidents.Classification | Where-Object { $_ -and "$_" -ne 'Unknown' } | Sort-Object -Unique).Count -le 1 -and
            @($incidents.Determination | Where-Object { $_ -and "$_" -ne 'Unknown' } | Sort-Object -Unique).Count -le 1
        }
        $script:Window = New-TimeSpan -Days 1
        $script:Candidate = @(Get-GsAlert -All -Connection apply | Group-GsAlert -Window $Window 3>$null | Where-Object { & $mergeable $_ }) | Select-Object -First 1
    }
    AfterAll {
        Disconnect-GsTenant -Name apply -ErrorAction Ignore
        Stop-GsEmulator -InfoPath $ApplyInfo
    }

    It 'changes nothing with -WhatIf' {
        $Candidate | Should -Not -BeNullOrEmpty -Because 'the seeded tenant has alerts of open incidents that share entities'
        $groups = @($Candidate.Alerts | Group-GsAlert -Window $Window -Apply -WhatIf -Connection apply 3>$null)
        $groups.Count | Should -Be 1
        $groups[0].AppliedIncidentId | Should -BeNullOrEmpty
        foreach ($id in $Candidate.IncidentIds) { (Get-GsIncident -Id $id -Connection apply).Status | Should -Be $IncidentsById[$id].Status }
    }

    It 'makes the group one Defender incident and redirects the others to it' {
        $applied = @($Candidate.Alerts | Group-GsAlert -Window $Window -Apply -Confirm:$false -Connection apply 3>$null)
        $applied.Count | Should -Be 1
        $target = $applied[0].AppliedIncidentId
        $Candidate.IncidentIds | Should -Contain $target
        foreach ($alert in $Candidate.Alerts) { (Get-GsAlert -Id $alert.Id -Connection apply).IncidentId | Should -Be $target }
        foreach ($id in $Candidate.IncidentIds | Where-Object { $_ -ne $target }) {
            $merged = Get-GsIncident -Id $id -Connection apply
            $merged.Status | Should -Be Redirected
        }
        (Get-GsIncident -Id $target -Connection apply).Comments.Comment -join ' ' | Should -BeLike "*Group-GsAlert ($($applied[0].Id))*"
    }

    It 'changes nothing when the group is already one incident' {
        $target = (Get-GsAlert -Id $Candidate.Alerts[0].Id -Connection apply).IncidentId
        $again = @($Candidate.Alerts | ForEach-Object { Get-GsAlert -Id $_.Id -Connection apply } |
                Group-GsAlert -Window $Window -Apply -Confirm:$false -Connection apply -ErrorVariable failed 3>$null)
        $failed | Should -BeNullOrEmpty
        $again[0].AppliedIncidentId | Should -Be $target
    }
}
