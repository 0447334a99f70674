BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name incident-tests
    $script:Url = (Get-TestEmulator).url
    # The reference: raw reads with Invoke-RestMethod, following nextLink.
    function Get-Raw([string] $PathAndQuery) {
        $headers = @{ Authorization = "Bearer $(Get-RawToken)"; Prefer = 'include-unknown-enum-members' }
        $next = "$Url/v1.0/$PathAndQuery"
        while ($next) {
            $page = Invoke-RestMethod -Uri $next -Headers $headers -SkipCertificateCheck
            if ($null -ne $page.value) { $page.value } else { $page }
            $next = $page.'@odata.nextLink'
        }
    }
    function Set-ExpandFault([bool] $On) {
        Invoke-RestMethod -Method Post -Uri "$Url/_emulator/incidents/faults" -SkipCertificateCheck -ContentType 'application/json' -Body (@{ expandAlerts = $On } | ConvertTo-Json) | Out-Null
    }
    $script:All = @(Get-Raw 'security/incidents?$top=50')
    function Get-Ids($items) { @($items | ForEach-Object Id | Sort-Object) }
    function Get-RawIds($items) { @($items | ForEach-Object id | Sort-Object) }
}
AfterAll {
    Set-ExpandFault $false
    Disconnect-GsTenant -Name incident-tests
}

Describe 'Get-GsIncident' {
    It 'the emulator has incidents in several states' {
        $All.Count | Should -BeGreaterThan 100
        ($All.status | Sort-Object -Unique).Count | Should -BeGreaterOrEqual 3
    }

    It '-All reads every page within the 50-per-page limit' {
        $verbose = @()
        $incidents = Get-GsIncident -All -Verbose 4>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose += $_ } else { $_ } }
        Get-Ids $incidents | Should -Be (Get-RawIds $All)
        $requests = @($verbose | Where-Object Message -Match '^GET .*security/incidents')
        $requests.Count | Should -Be ([math]::Ceiling($All.Count / 50))
        $incidents[0] | Should -BeOfType [GraphSecurity.Incident]
        $incidents[0].ConnectionName | Should -Be 'incident-tests'
    }

    It '-Top above 50 is refused before anything is sent' {
        { Get-GsIncident -Top 51 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,GraphSecurity.Commands.Incidents.GetGsIncidentCommand'
    }

    It 'typed filters select like the raw data (<Name>)' -ForEach @(
        @{ Name = 'severity'; Parameters = @{ Severity = 'High' }; Match = { $_.severity -eq 'high' } }
        @{ Name = 'status'; Parameters = @{ Status = 'Active', 'InProgress' }; Match = { $_.status -in 'active', 'inProgress' } }
        @{ Name = 'classification'; Parameters = @{ Classification = 'TruePositive' }; Match = { $_.classification -eq 'truePositive' } }
        @{ Name = 'unassigned'; Parameters = @{ AssignedTo = '' }; Match = { -not $_.assignedTo } }
        @{ Name = 'evolvable status'; Parameters = @{ Status = 'AwaitingAction' }; Match = { $_.status -eq 'awaitingAction' } }
    ) {
        $expected = Get-RawIds ($All | Where-Object $Match)
        $expected.Count | Should -BeGreaterThan 0
        Get-Ids (Get-GsIncident @Parameters -All) | Should -Be $expected
    }

    It '-Since bounds the creation time' {
        $since = [DateTime]::UtcNow.AddDays(-5)
        Get-Ids (Get-GsIncident -Since $since -All) | Should -Be (Get-RawIds ($All | Where-Object { $_.createdDateTime.ToUniversalTime() -ge $since }))
    }

    It 'gets incidents by id, also from the pipeline' {
        $ids = $All[0..2].id
        (Get-GsIncident -Id $ids[0]).Id | Should -Be $ids[0]
        ($ids | Get-GsIncident).Id | Should -Be $ids
    }

    It 'an unknown id is a non-terminating ObjectNotFound error' {
        $found = $All[0].id, '999999999' | Get-GsIncident -ErrorVariable failures -ErrorAction SilentlyContinue
        @($found).Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be '999999999'
    }

    It '-ExpandAlerts includes each incident''s alerts, as the alerts navigation lists them' {
        $incidents = Get-GsIncident -First 5 -ExpandAlerts
        foreach ($incident in $incidents) {
            Get-Ids $incident.Alerts | Should -Be (Get-RawIds (Get-Raw "security/incidents/$($incident.Id)/alerts"))
            $incident.AlertCount | Should -BeGreaterThan 0
            $incident.Alerts[0] | Should -BeOfType [GraphSecurity.Alert]
            $incident.Alerts[0].ConnectionName | Should -Be 'incident-tests'
        }
    }

    It 'falls back to reading each incident''s alerts when $expand fails' {
        $expected = Get-GsIncident -First 5 -ExpandAlerts
        Set-ExpandFault $true
        try {
            $verbose = @()
            $incidents = Get-GsIncident -First 5 -ExpandAlerts -Verbose 4>&1 -ErrorAction Stop | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose += $_ } else { $_ } }
            $byId = Get-GsIncident -Id $expected[0].Id -ExpandAlerts -ErrorAction Stop
        }
        finally { Set-ExpandFault $false }
        $incidents.Id | Should -Be $expected.Id
        for ($i = 0; $i -lt $expected.Count; $i++) { Get-Ids $incidents[$i].Alerts | Should -Be (Get-Ids $expected[$i].Alerts) }
        Get-Ids $byId.Alerts | Should -Be (Get-Ids $expected[0].Alerts)
        ($verbose.Message -join "`n") | Should -Match 'expand=alerts failed \(500'
        @($verbose | Where-Object Message -Match '^GET .*/alerts ').Count | Should -Be 5
    }
}

Describe 'Set-GsIncident and comments' {
    It 'Get-GsIncident | Set-GsIncident changes every piped incident, and -PassThru returns them' {
        $targets = Get-GsIncident -Status Active -First 2
        $updated = $targets | Set-GsIncident -Status InProgress -AssignedTo 'soc.analyst3@contoso.example' -Classification TruePositive -Determination Malware -PassThru
        $updated.Id | Should -Be $targets.Id
        foreach ($id in $targets.Id) {
            $raw = Get-Raw "security/incidents/$id"
            $raw.status | Should -Be 'inProgress'
            $raw.assignedTo | Should -Be 'soc.analyst3@contoso.example'
            $raw.classification | Should -Be 'truePositive'
            $raw.determination | Should -Be 'malware'
        }
        $updated[0].Status | Should -Be 'InProgress'
        $updated[0].ConnectionName | Should -Be 'incident-tests'
    }

    It '-CustomTags replaces the tags, and an empty array removes them' {
        $id = $All[3].id
        Set-GsIncident -Id $id -CustomTags 'ransomware', 'vip'
        (Get-Raw "security/incidents/$id").customTags | Should -Be @('ransomware', 'vip')
        Set-GsIncident -Id $id -CustomTags @()
        (Get-Raw "security/incidents/$id").customTags | Should -BeNullOrEmpty
    }

    It '-AssignedTo with an empty string clears the owner' {
        $id = $All[4].id
        Set-GsIncident -Id $id -AssignedTo 'soc.analyst1@contoso.example'
        Set-GsIncident -Id $id -AssignedTo ''
        (Get-Raw "security/incidents/$id").assignedTo | Should -BeNullOrEmpty
    }

    It '-WhatIf changes nothing' {
        $id = $All[5].id
        $before = (Get-Raw "security/incidents/$id").lastUpdateDateTime
        Set-GsIncident -Id $id -Status Resolved -Comment 'x' -WhatIf | Should -BeNullOrEmpty
        (Get-Raw "security/incidents/$id").lastUpdateDateTime | Should -Be $before
    }

    It 'refuses to run with nothing to change' {
        { Set-GsIncident -Id 'whatever' } | Should -Throw -ExpectedMessage 'Nothing to change*'
    }

    It 'one bad id in the pipeline is an error carrying that id; the rest go through' {
        $good = $All[6].id
        $good, '999999999' | Set-GsIncident -AssignedTo 'soc.analyst2@contoso.example' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].TargetObject | Should -Be '999999999'
        (Get-Raw "security/incidents/$good").assignedTo | Should -Be 'soc.analyst2@contoso.example'
    }

    It 'Add-GsIncidentComment appends a comment; -PassThru shows the whole list' {
        $id = $All[7].id
        $before = @((Get-Raw "security/incidents/$id").comments).Count
        $incident = Add-GsIncidentComment -Id $id -Comment 'Contained by isolating the device.' -PassThru
        $incident.Comments.Count | Should -Be ($before + 1)
        $incident.Comments[-1].Comment | Should -Be 'Contained by isolating the device.'
        @((Get-Raw "security/incidents/$id").comments).Count | Should -Be ($before + 1)
    }

    It 'Add-GsAlertComment comments on each piped alert of an incident' {
        $incident = Get-GsIncident -Id $All[8].id -ExpandAlerts
        $incident.Alerts | Add-GsAlertComment -Comment 'Reviewed with the incident.'
        foreach ($alert in $incident.Alerts) {
            (Get-Raw "security/alerts_v2/$($alert.Id)").comments[-1].comment | Should -Be 'Reviewed with the incident.'
        }
    }
}
