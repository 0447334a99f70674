BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name watch-incidents
    $script:State = Join-Path $env:GS_TEST_WORK 'incidents.watch.json'
}
AfterAll { Disconnect-GsTenant -Name watch-incidents }

Describe 'Watch-GsIncident' {
    It 'reports every incident changed since -Since once as New, then an update to one of them as Updated, once' {
        $since = (Get-Date).AddDays(-2)
        $expected = @(Get-GsIncident -All -Connection watch-incidents | Where-Object { $_.LastUpdateDateTime -ge $since }).Id | Sort-Object
        $first = @(Watch-GsIncident -Once -Since $since -StatePath $State -Connection watch-incidents)
        ($first.Id | Sort-Object) | Should -Be $expected
        $first.ChangeType | Sort-Object -Unique | Should -Be 'New'
        $first[0] | Should -BeOfType ([GraphSecurity.IncidentChange])

        $incident = $first[0].Incident
        Set-GsIncident -Id $incident.Id -AssignedTo 'ir.lead@contoso.example' -Connection watch-incidents
        $second = @(Watch-GsIncident -Once -StatePath $State -Connection watch-incidents)
        $second.Count | Should -Be 1
        $second[0].ChangeType | Should -Be 'Updated'
        $second[0].Id | Should -Be $incident.Id
        $second[0].AssignedTo | Should -Be 'ir.lead@contoso.example'
        @(Watch-GsIncident -Once -StatePath $State -Connection watch-incidents).Count | Should -Be 0
    }

    It 'refuses a page larger than incidents allow, before sending anything' {
        { Watch-GsIncident -Once -Top 100 -Connection watch-incidents } | Should -Throw -ExpectedMessage '*50*'
    }
}
