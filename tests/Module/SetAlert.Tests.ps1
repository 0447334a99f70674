BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name set-tests
    function Get-RawAlertById($id) {
        $emulator = Get-TestEmulator
        Invoke-RestMethod -Uri "$($emulator.url)/v1.0/security/alerts_v2/$id" -Headers @{ Authorization = "Bearer $(Get-RawToken)" } -SkipCertificateCheck
    }
}
AfterAll { Disconnect-GsTenant -Name set-tests }

Describe 'Set-GsAlert' {
    It 'updates status, classification, determination and owner, and -PassThru returns the updated alert' {
        $alert = Get-GsAlert -Status New -First 1
        $updated = Set-GsAlert -Id $alert.Id -Status Resolved -Classification TruePositive -Determination Malware `
            -AssignedTo 'soc.lead@contoso.example' -PassThru -Confirm:$false
        $updated.Id | Should -Be $alert.Id
        $updated.Status | Should -Be 'Resolved'
        $updated.Classification | Should -Be 'TruePositive'
        $updated.Determination | Should -Be 'Malware'
        $updated.AssignedTo | Should -Be 'soc.lead@contoso.example'
        $raw = Get-RawAlertById $alert.Id
        $raw.status | Should -Be 'resolved'
        $raw.classification | Should -Be 'truePositive'
        $raw.determination | Should -Be 'malware'
        $raw.assignedTo | Should -Be 'soc.lead@contoso.example'
        $raw.resolvedDateTime | Should -Not -BeNullOrEmpty
    }

    It 'adds a comment, and -PassThru shows the whole comment list' {
        $alert = Get-GsAlert -First 1
        $before = $alert.Comments.Count
        $updated = Set-GsAlert -Id $alert.Id -Comment 'Checked the device timeline; benign admin script.' -PassThru
        $updated.Comments.Count | Should -Be ($before + 1)
        $updated.Comments[-1].Comment | Should -Be 'Checked the device timeline; benign admin script.'
        (Get-RawAlertById $alert.Id).comments[-1].comment | Should -Be 'Checked the device timeline; benign admin script.'
    }

    It 'writes nothing without -PassThru' {
        $alert = Get-GsAlert -First 1
        Set-GsAlert -Id $alert.Id -Status InProgress | Should -BeNullOrEmpty
        (Get-RawAlertById $alert.Id).status | Should -Be 'inProgress'
    }

    It '-WhatIf changes nothing' {
        $alert = Get-GsAlert -Status New -First 1
        $before = Get-RawAlertById $alert.Id
        Set-GsAlert -Id $alert.Id -Status Resolved -Comment 'x' -WhatIf | Should -BeNullOrEmpty
        $after = Get-RawAlertById $alert.Id
        $after.status | Should -Be $before.status
        $after.comments.Count | Should -Be $before.comments.Count
        $after.lastUpdateDateTime | Should -Be $before.lastUpdateDateTime
    }

    It 'honours $WhatIfPreference' {
        $alert = Get-GsAlert -Status New -First 1
        $WhatIfPreference = $true
        try { Set-GsAlert -Id $alert.Id -Status Resolved } finally { $WhatIfPreference = $false }
        (Get-RawAlertById $alert.Id).status | Should -Be 'new'
    }

    It 'binds Id from Get-GsAlert objects in the pipeline' {
        $alerts = Get-GsAlert -Status New -Severity Low -First 3
        $alerts.Count | Should -Be 3
        $updated = $alerts | Set-GsAlert -Status InProgress -AssignedTo 'tier1@contoso.example' -PassThru
        $updated.Id | Should -Be $alerts.Id
        foreach ($id in $alerts.Id) { (Get-RawAlertById $id).status | Should -Be 'inProgress' }
    }

    It 'one bad id in the pipeline is an error carrying that id; the rest go through' {
        $good = Get-GsAlert -Status New -First 2
        $ids = $good[0].Id, 'no-such-alert', $good[1].Id
        $ids | ForEach-Object { [pscustomobject]@{ AlertId = $_ } } |
            Set-GsAlert -AssignedTo 'tier2@contoso.example' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].TargetObject | Should -Be 'no-such-alert'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        foreach ($alert in $good) { (Get-RawAlertById $alert.Id).assignedTo | Should -Be 'tier2@contoso.example' }
    }

    It 'refuses to run with nothing to change, before sending anything' {
        { Set-GsAlert -Id 'whatever' } | Should -Throw -ExpectedMessage 'Nothing to change*'
    }
}
