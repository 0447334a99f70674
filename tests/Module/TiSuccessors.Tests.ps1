# Threat indicators on the successor APIs, end to end against the emulator: a 50,000-row feed into
# Sentinel (bad and expired rows reported, a 500 retried, a second run uploading nothing) and into
# Defender for Endpoint under its 15,000 cap (only the feed's own indicators touched, -WhatIf's plan
# equal to the run, a day-2 feed reconciled exactly); Get-, Set-, Remove- on every target; STIX input.
BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:Emulator = Get-TestEmulator
    $script:WorkspaceId = '5e1c7a3b-9d2f-4b6e-8a1c-3f5d7b9e1a2c'
    Connect-GsTenant -Emulator -Name successors -WorkspaceId $WorkspaceId
    $script:TenantId = (Get-GsConnection -Name successors).TenantId
    $script:Generator = Join-Path $PSScriptRoot '../../docs/examples/New-SampleFeedCsv.ps1'
    $script:Folder = Join-Path $env:GS_TEST_WORK 'successors'
    New-Item -ItemType Directory -Force $Folder | Out-Null

    function Invoke-Control([string] $Method, [string] $Path, $Body) {
        $arguments = @{ Method = $Method; Uri = "$($Emulator.url)/_emulator/$Path"; SkipCertificateCheck = $true }
        if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 6); $arguments.ContentType = 'application/json' }
        Invoke-RestMethod @arguments
    }
    # The tenant's Defender indicators as the emulator stores them, whoever made them.
    function Get-RawDefender { @((Invoke-Control GET "tenants/$TenantId/defender/indicators").value) }
    # Runs a command with the request log on: its output, and the requests it sent ("METHOD url -> status").
    function Invoke-Logged([scriptblock] $Script) {
        $all = & $Script 4>&1
        $script:Log = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
    }
    # The counts of -WhatIf's plan, read from the plan the command also writes to the verbose stream.
    function Get-PlanCount([string[]] $Messages) {
        $counts = @{}
        $plan = $Messages | Where-Object { $_ -like 'Make *match the feed:*' } | Select-Object -First 1
        foreach ($line in $plan -split "`n") { if ($line -match '^\s{2}(\w+): (\d+)\s*$') { $counts[$Matches[1]] = [int]$Matches[2] } }
        $counts
    }
    function Get-StatusCount($Results) {
        $counts = @{}
        foreach ($group in $Results | Group-Object Status) { $counts[$group.Name] = $group.Count }
        $counts
    }
    # The limits of the real services, sixty times faster: a minute lasts a second.
    Invoke-Control POST throttling @{ enabled = $true; timeScale = 60 } | Out-Null
}

AfterAll {
    Invoke-Control POST throttling @{ enabled = $false; timeScale = 1 } | Out-Null
    Invoke-Control DELETE faults | Out-Null
    Disconnect-GsTenant -Name successors
}

Describe 'A 50,000-row feed into Sentinel' {
    BeforeAll {
        Invoke-Control DELETE sentinel/ti | Out-Null
        $script:Feed = & $Generator -Path (Join-Path $Folder 'feed.csv') -Count 50000 -InvalidCount 37 -ExpiredCount 120 -Seed 7
        $script:Rows = @(Import-Csv $Feed.Path)
        # One upload in the middle of the run answers 500.
        Invoke-Control POST faults @{ rules = @(@{ route = '/sentinel-ti/*'; methods = @('POST'); errorRate = 1; errorStatuses = @(500); times = 1 }) } | Out-Null
        $script:First = Invoke-Logged { $Rows | New-GsTiIndicator -Target Sentinel -ErrorVariable +script:Rejected -ErrorAction SilentlyContinue -Verbose }
        $script:FirstLog = $Log
        Invoke-Control DELETE faults | Out-Null
    }

    It 'uploads every valid row, in uploads of 100, paced so that none is throttled, the one 500 retried' {
        $uploads = @($FirstLog | Where-Object { $_ -match '^POST \S+/threat-intelligence-stix-objects:upload\S* -> (\d+)' } | ForEach-Object { [int]($_ -replace '^.* -> (\d+).*$', '$1') })
        $valid = 50000 - 37 - 120
        (Get-StatusCount $First).Created | Should -Be $valid
        @($uploads | Where-Object { $_ -eq 500 }).Count | Should -Be 1
        @($uploads | Where-Object { $_ -eq 429 }).Count | Should -Be 0
        @($uploads | Where-Object { $_ -eq 200 }).Count | Should -Be ([Math]::Ceiling($valid / 100))
        $stored = Invoke-Control GET "sentinel/ti/count?workspace=$WorkspaceId"
        $stored.total | Should -Be $valid
        $stored.bySourceSystem.GraphSecurity | Should -Be $valid
    }

    It 'reports the 37 bad rows with their CSV lines and skips the expired ones without an error' {
        @($Rejected.TargetObject.Line | Sort-Object) | Should -Be $Feed.InvalidLines
        @($First | Where-Object Status -EQ Failed | ForEach-Object Line | Sort-Object) | Should -Be $Feed.InvalidLines
        @($First | Where-Object Status -EQ Expired | ForEach-Object Line | Sort-Object) | Should -Be $Feed.ExpiredLines
        ($First | Where-Object Status -EQ Failed | Select-Object -First 1).InputObject.ip | Should -Be "300.1.2.$($Feed.InvalidLines[0] % 256)"
    }

    It 'uploads nothing on a second run: every indicator is found in the workspace' {
        $again = Invoke-Logged { $Rows | New-GsTiIndicator -Target Sentinel -ErrorAction SilentlyContinue -Verbose }
        @($Log | Where-Object { $_ -match 'threat-intelligence-stix-objects:upload' }).Count | Should -Be 0
        (Get-StatusCount $again).Skipped | Should -Be (50000 - 37 - 120)
        (Invoke-Control GET "sentinel/ti/count?workspace=$WorkspaceId").total | Should -Be (50000 - 37 - 120)
    }
}

Describe 'A 50,000-row feed synchronised into Defender for Endpoint under the 15,000 cap' {
    BeforeAll {
        $script:Others = @(Get-RawDefender | Where-Object application -NE 'FeedSync')
        # The same feed as Sentinel's (read again only when this block runs alone).
        if (-not (Get-Variable Rows -Scope Script -ErrorAction Ignore)) {
            $script:Feed = & $Generator -Path (Join-Path $Folder 'feed.csv') -Count 50000 -InvalidCount 37 -ExpiredCount 120 -Seed 7
            $script:Rows = @(Import-Csv $Feed.Path)
        }
        $script:Capacity = 15000 - $Others.Count
        $skip = [System.Collections.Generic.HashSet[int]]::new([int[]]@($Feed.InvalidLines + $Feed.ExpiredLines))
        # What the cap should keep: the highest confidence first, then the earlier line.
        function Get-Expected($Candidates) { @($Candidates | Sort-Object @{ Expression = { [int]$_.Row.Confidence }; Descending = $true }, Line | Select-Object -First $Capacity) }
        $script:Eligible = @(for ($i = 0; $i -lt $Rows.Count; $i++) { if (-not $skip.Contains($i + 1)) { [pscustomobject]@{ Line = $i + 1; Row = $Rows[$i] } } })
        $script:Expected = Get-Expected $Eligible
        $script:Synced = Invoke-Logged { $Rows | Sync-GsTiIndicator -Source FeedSync -Verbose -ErrorAction SilentlyContinue }
        $script:SyncLog = $Log
        function Get-Value($Row) { foreach ($c in 'ip', 'domain', 'url', 'sha256') { if ($Row.$c) { return $Row.$c } } }
    }

    # An empty feed, allowed with -Force, removes every indicator of the source.
    AfterAll { @() | Sync-GsTiIndicator -Source FeedSync -Force -ErrorAction SilentlyContinue | Out-Null }

    It 'never goes above the cap, keeps the feed''s best indicators and says what it left out' {
        $raw = Get-RawDefender
        $raw.Count | Should -BeLessOrEqual 15000
        $ours = @($raw | Where-Object application -EQ 'FeedSync')
        $ours.Count | Should -Be $Capacity
        $expectedValues = @($Expected | ForEach-Object { Get-Value $_.Row } | Sort-Object)
        @($ours.indicatorValue | Sort-Object) | Should -Be $expectedValues
        @($Synced | Where-Object Status -EQ Excluded).Count | Should -Be ($Eligible.Count - $Capacity)
        ($Synced | Where-Object Status -EQ Excluded | Select-Object -First 1).Error | Should -Match 'at most 15000 indicators'
        @($SyncLog | Where-Object { $_ -match '/defender/api/indicators/import -> 429' }).Count | Should -Be 0
    }

    It 'touches only its own indicators' {
        $after = @(Get-RawDefender | Where-Object application -NE 'FeedSync')
        @($after | ForEach-Object { "$($_.id)|$($_.lastUpdateTime)" } | Sort-Object) | Should -Be @($Others | ForEach-Object { "$($_.id)|$($_.lastUpdateTime)" } | Sort-Object)
    }

    It 'creates as many as fit, reports the rest, the expired rows and the 37 bad rows' {
        $done = Get-StatusCount $Synced
        $done.Created | Should -Be $Capacity
        $done.Excluded | Should -Be ($Eligible.Count - $Capacity)
        $done.Expired | Should -Be 120
        $done.Failed | Should -Be 37
        $done.ContainsKey('Removed') | Should -BeFalse
    }

    It 'refuses an empty feed, which would remove everything, unless -Force says so' {
        { @() | Sync-GsTiIndicator -Source FeedSync -ErrorAction Stop } | Should -Throw '*-Force*'
        @(Get-RawDefender | Where-Object application -EQ 'FeedSync').Count | Should -Be $Capacity
    }

    It 'reconciles a day-2 feed exactly (200 dropped, 50 extended, 10 withdrawn), doing what -WhatIf planned' {
        $kept = @($Expected | Select-Object -First 260)
        $dropped = [System.Collections.Generic.HashSet[int]]::new([int[]]@($kept[0..199].Line))
        $extended = @($kept[200..249].Line)
        $withdrawn = @($kept[250..259].Line)
        $day2 = @(for ($i = 0; $i -lt $Rows.Count; $i++) {
                if ($dropped.Contains($i + 1)) { continue }
                $row = $Rows[$i].PSObject.Copy()
                if ($extended -contains ($i + 1)) { $row.ValidUntil = '2027-09-30T00:00:00Z' }
                if ($withdrawn -contains ($i + 1)) { $row.IsActive = 'false' }
                $row
            })
        Invoke-Logged { $day2 | Sync-GsTiIndicator -Source FeedSync -WhatIf -Verbose -ErrorAction SilentlyContinue } | Out-Null
        $plan = Get-PlanCount $Log
        $done = Get-StatusCount (Invoke-Logged { $day2 | Sync-GsTiIndicator -Source FeedSync -ErrorAction SilentlyContinue })
        $plan.Remove | Should -Be 210
        $plan.Update | Should -Be 50
        $plan.Create | Should -Be 210   # the room the removals freed, filled by the next best
        $done.Removed | Should -Be $plan.Remove
        $done.Updated | Should -Be $plan.Update
        $done.Created | Should -Be $plan.Create

        $skip = [System.Collections.Generic.HashSet[int]]::new([int[]]@($withdrawn))
        $expected = Get-Expected @($Eligible | Where-Object { -not $dropped.Contains($_.Line) -and -not $skip.Contains($_.Line) })
        $ours = @(Get-RawDefender | Where-Object application -EQ 'FeedSync')
        @($ours.indicatorValue | Sort-Object) | Should -Be @($expected | ForEach-Object { Get-Value $_.Row } | Sort-Object)
        $extendedValues = @($extended | ForEach-Object { Get-Value $Rows[$_ - 1] })
        @($ours | Where-Object { $_.indicatorValue -in $extendedValues } | ForEach-Object { ([datetime]$_.expirationTime).ToUniversalTime().ToString('yyyy-MM-dd') } | Sort-Object -Unique) | Should -Be '2027-09-30'
    }
}

Describe 'Get-, Set- and Remove-GsTiIndicator on every target' {
    BeforeAll {
        $script:Rows = @(
            [pscustomobject]@{ indicator = '198.51.100.201'; action = 'Block'; expirationDateTime = '2027-05-01T00:00:00Z' }
            [pscustomobject]@{ indicator = 'drop.successor.example'; action = 'Warn'; expirationDateTime = '2027-05-01T00:00:00Z' }
        )
        $script:InDefender = @($Rows | New-GsTiIndicator -Source GetSetRemove)
        $script:InSentinel = @($Rows | New-GsTiIndicator -Target Sentinel)
    }

    It 'reads Defender indicators in the common fields, with Defender''s own action and source' {
        $read = @(Get-GsTiIndicator | Where-Object Source -EQ GetSetRemove | Sort-Object Indicator)
        $read.Indicator | Should -Be '198.51.100.201', 'drop.successor.example'
        ($read | Where-Object Indicator -EQ 'drop.successor.example').DefenderAction | Should -Be 'Warn'
        ($read | Where-Object Indicator -EQ '198.51.100.201').Action | Should -Be 'Block'
        (Get-GsTiIndicator -Id $InDefender[0].Id).Indicator | Should -Be '198.51.100.201'
    }

    It 'reads Sentinel indicators with their STIX id and pattern' {
        $one = Get-GsTiIndicator -Target Sentinel -Id $InSentinel[0].Id
        $one.Pattern | Should -Be "[ipv4-addr:value = '198.51.100.201']"
        $one.StixId | Should -Be "indicator--$($InSentinel[0].Id)"
        $one.WorkspaceId | Should -Match 'workspaces/law-secops$'
    }

    It 'changes and removes piped indicators in their own API' {
        Get-GsTiIndicator | Where-Object Source -EQ GetSetRemove | Set-GsTiIndicator -ExpirationDateTime '2027-08-01T00:00:00Z' -Action Allow -Confirm:$false
        $raw = @(Get-RawDefender | Where-Object application -EQ GetSetRemove)
        @($raw.action | Sort-Object -Unique) | Should -Be 'Allowed'
        @($raw | ForEach-Object { ([datetime]$_.expirationTime).ToUniversalTime().ToString('yyyy-MM-dd') } | Sort-Object -Unique) | Should -Be '2027-08-01'

        Get-GsTiIndicator -Target Sentinel -Id $InSentinel.Id | Set-GsTiIndicator -Confidence 91 -Confirm:$false
        @((Get-GsTiIndicator -Target Sentinel -Id $InSentinel.Id).Confidence | Sort-Object -Unique) | Should -Be 91

        Get-GsTiIndicator | Where-Object Source -EQ GetSetRemove | Remove-GsTiIndicator -Confirm:$false
        @(Get-RawDefender | Where-Object application -EQ GetSetRemove).Count | Should -Be 0
        $removed = @(Get-GsTiIndicator -Target Sentinel -Id $InSentinel.Id | Remove-GsTiIndicator -Confirm:$false -PassThru)
        @($removed.Status | Sort-Object -Unique) | Should -Be 'Removed'
        Get-GsTiIndicator -Target Sentinel -Id $InSentinel[0].Id -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing.Count | Should -Be 1
    }

    It 'refuses what a target cannot hold, per row, with the reason' {
        $results = @([pscustomobject]@{ indicator = '10.1.2.3' }, [pscustomobject]@{ networkDestinationCidrBlock = '203.0.113.0/24' }, [pscustomobject]@{ indicator = 'x@y.example' } |
                New-GsTiIndicator -ErrorVariable refused -ErrorAction SilentlyContinue)
        @($results.Status | Sort-Object -Unique) | Should -Be 'Failed'
        $refused.Count | Should -Be 3
        $results[0].Error | Should -Match 'only public IP addresses'
        $results[1].Error | Should -Match 'not ranges'
        $results[2].Error | Should -Match 'no e-mail indicators'
    }

    It 'routes an old CSV''s targetProduct to the successors' {
        $results = @([pscustomobject]@{ TargetProduct = 'Azure Sentinel'; indicator = 'x@route.example' }, [pscustomobject]@{ TargetProduct = 'Microsoft Defender ATP'; indicator = 'route.successor.example' } |
                New-GsTiIndicator -Source Routing)
        @($results.Target) | Should -Be Sentinel, DefenderForEndpoint
        @($results.Status) | Should -Be Created, Created
        Get-GsTiIndicator | Where-Object Source -EQ Routing | Remove-GsTiIndicator -Confirm:$false
    }

    It 'warns, with the date, when Graph tiIndicators is the target' {
        Get-GsTiIndicator -Target Graph -First 1 -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        $warned[0] | Should -Match 'April 2026'
    }

    It 'asks for a workspace before reading a row when Sentinel has none' {
        Connect-GsTenant -Emulator -Name no-workspace
        try { { '198.51.100.9' | New-GsTiIndicator -Target Sentinel -Connection no-workspace -ErrorAction Stop } | Should -Throw '*-WorkspaceId*' }
        finally {
            Disconnect-GsTenant -Name no-workspace
            Connect-GsTenant -Emulator -Name successors -WorkspaceId $WorkspaceId
        }
    }

    It 'waits out a 429 that comes despite the pacing and goes on' {
        Invoke-Control POST faults @{ rules = @(@{ route = '/defender/api/indicators/import'; throttleRate = 1; retryAfterSeconds = 1; times = 1 }) } | Out-Null
        try { $results = @(Invoke-Logged { '198.51.100.210', '198.51.100.211' | New-GsTiIndicator -Source Throttled -Verbose }) }
        finally { Invoke-Control DELETE faults | Out-Null }
        @($Log | Where-Object { $_ -match '/indicators/import -> 429' }).Count | Should -Be 1
        @($results.Status) | Should -Be Created, Created
        Get-GsTiIndicator | Where-Object Source -EQ Throttled | Remove-GsTiIndicator -Confirm:$false
    }
}

Describe 'STIX input' {
    BeforeAll {
        Invoke-Control DELETE sentinel/ti | Out-Null
        $script:Bundle = @'
{"type":"bundle","id":"bundle--0b6a3c1e-5d2f-4a8b-9c7e-1f3a5b7d9e0c","objects":[
 {"type":"indicator","spec_version":"2.1","id":"indicator--1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f","created":"2026-11-01T00:00:00.000Z","modified":"2026-11-01T00:00:00.000Z","name":"C2 address","pattern":"[ipv4-addr:value = '198.51.100.220']","pattern_type":"stix","valid_from":"2026-11-01T00:00:00Z","valid_until":"2027-03-01T00:00:00Z","confidence":80},
 {"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--2d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f","created":"2026-11-01T00:00:00.000Z","modified":"2026-11-01T00:00:00.000Z","name":"Spearphishing Link"},
 {"type":"relationship","spec_version":"2.1","id":"relationship--3d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f","created":"2026-11-01T00:00:00.000Z","modified":"2026-11-01T00:00:00.000Z","relationship_type":"indicates","source_ref":"indicator--1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f","target_ref":"attack-pattern--2d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f"},
 {"type":"indicator","spec_version":"2.1","id":"indicator--4d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f","created":"2026-11-01T00:00:00.000Z","modified":"2026-11-01T00:00:00.000Z","name":"no pattern","pattern_type":"stix","valid_from":"2026-11-01T00:00:00Z"}
]}
'@
    }

    It 'uploads a bundle to Sentinel as it is, and reports the object the service refused' {
        $results = @($Bundle | ConvertFrom-Json | New-GsTiIndicator -Target Sentinel -ErrorVariable refused -ErrorAction SilentlyContinue)
        @($results.Status) | Should -Be Created, Created, Created, Failed
        $results[3].Error | Should -Match 'Property=pattern'
        $refused.Count | Should -Be 1
        $stored = @(Invoke-Control GET "sentinel/ti?workspace=$WorkspaceId" | ForEach-Object { $_ } | Where-Object { $_.Id -like '*-2d2e3f40-*' -or $_.Id -like '*-3d2e3f40-*' -or $_.Id -like '*-1d2e3f40-*' })
        @($stored.Type | Sort-Object) | Should -Be attack-pattern, indicator, relationship
        ($stored | Where-Object Type -EQ relationship).Data.target_ref | Should -Be 'attack-pattern--2d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f'
    }

    It 'turns the bundle''s indicators into Defender indicators and refuses the other objects' {
        $results = @($Bundle | ConvertFrom-Json | New-GsTiIndicator -Source StixFeed -ErrorAction SilentlyContinue | Sort-Object Line)
        @($results.Status) | Should -Be Created, Failed, Failed, Failed
        $raw = Get-RawDefender | Where-Object application -EQ StixFeed
        $raw.indicatorValue | Should -Be '198.51.100.220'
        ([datetime]$raw.expirationTime).ToUniversalTime().ToString('yyyy-MM-dd') | Should -Be '2027-03-01'
        $results[1].Error | Should -Match 'attack-pattern has no place'
        Get-GsTiIndicator | Where-Object Source -EQ StixFeed | Remove-GsTiIndicator -Confirm:$false
    }
}
