BeforeAll {
    Import-Module $env:GS_TEST_MODULE
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Connect-GsTenant -Emulator -Name subscription-tests
    $script:emulator = Get-TestEmulator
    function Get-FreePort {
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start(); try { $probe.LocalEndpoint.Port } finally { $probe.Stop() }
    }
    function Get-RawSubscription([string] $Id) {
        $headers = @{ Authorization = "Bearer $(Get-RawToken)" }
        if ($Id) { Invoke-RestMethod -Uri "$($emulator.url)/v1.0/subscriptions/$Id" -Headers $headers -SkipCertificateCheck }
        else { (Invoke-RestMethod -Uri "$($emulator.url)/v1.0/subscriptions" -Headers $headers -SkipCertificateCheck).value }
    }
    # A receiver in a thread job of this process (the module's connections are process-wide).
    function Start-Receiver([int] $Port, [hashtable] $Arguments) {
        Start-ThreadJob -ScriptBlock {
            param($ModulePath, $Port, $Arguments)
            Import-Module $ModulePath
            Receive-GsNotification -Port $Port -Connection subscription-tests @Arguments 3>&1
        } -ArgumentList $env:GS_TEST_MODULE, $Port, $Arguments
    }
    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 20) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out waiting for: $Condition" }
            Start-Sleep -Milliseconds 100
        }
    }
}
AfterAll {
    Get-RawSubscription | ForEach-Object { Remove-GsSubscription -Id $_.id -Connection subscription-tests -Confirm:$false -ErrorAction Ignore }
    Disconnect-GsTenant -Name subscription-tests
}

Describe 'Receive-GsNotification -Subscribe' {
    It 'receives the notification for a matching alert change, drops a forged one, and removes its subscription on exit' {
        $port = Get-FreePort
        $job = Start-Receiver $port @{ Subscribe = $true; Count = 1; Timeout = 60; Resolve = $true }
        try {
            Wait-Until { @(Get-RawSubscription | Where-Object notificationUrl -like "http://127.0.0.1:$port/*").Count -eq 1 }
            $subscription = Get-RawSubscription | Where-Object notificationUrl -like "http://127.0.0.1:$port/*"
            $subscription.clientState.Length | Should -BeGreaterOrEqual 32 -Because 'a random secret is generated'

            # A forged notification: right shape and subscription id, wrong clientState. It is acknowledged and dropped.
            $forged = @{ value = @(@{ subscriptionId = $subscription.id; clientState = 'guessed'; changeType = 'updated'; resource = 'security/alerts/forged'
                        resourceData = @{ id = 'forged' }; tenantId = $DefaultTenantId }) } | ConvertTo-Json -Depth 5
            $ack = Invoke-WebRequest -Method Post -Uri $subscription.notificationUrl -Body $forged -ContentType 'application/json' -SkipHttpErrorCheck
            $ack.StatusCode | Should -Be 202

            $created = Invoke-RestMethod -Method Post -Uri "$($emulator.url)/_emulator/legacy/alerts" -Body (@{ tenant = 'contoso.example'; provider = 'IPC'; title = 'Receiver test alert' } | ConvertTo-Json) -ContentType 'application/json' -SkipCertificateCheck
            $output = $job | Wait-Job -Timeout 60 | Receive-Job
        }
        finally { $job | Stop-Job -PassThru | Remove-Job -Force }

        $notifications = @($output | Where-Object { $_ -is [GraphSecurity.ChangeNotification] })
        $notifications.Count | Should -Be 1
        $notifications[0].ResourceId | Should -Be $created.id
        $notifications[0].ChangeType | Should -Be 'created'
        $notifications[0].SubscriptionId | Should -Be $subscription.id
        $notifications[0].Alert.Title | Should -Be 'Receiver test alert'
        ($output | Where-Object { $_ -is [Management.Automation.WarningRecord] }).Message | Should -BeLike '1 notification(s) were dropped*'
        Get-RawSubscription | Where-Object id -eq $subscription.id | Should -BeNullOrEmpty -Because 'the receiver removes its own subscription on exit'
        ($notifications | ConvertTo-Csv) -join "`n" | Should -Not -Match 'System\.|GraphSecurity\.'
    }

    It 'renews its own subscription when three quarters of its lifetime have passed' {
        # -ExpiresIn 1: the renewal is due 45 s after the subscription was created.
        $port = Get-FreePort
        $job = Start-ThreadJob -ScriptBlock {
            param($ModulePath, $Port)
            Import-Module $ModulePath
            Receive-GsNotification -Port $Port -Connection subscription-tests -Subscribe -ExpiresIn 1 -Timeout 52 -Verbose 4>&1
        } -ArgumentList $env:GS_TEST_MODULE, $port
        try {
            Wait-Until { @(Get-RawSubscription | Where-Object notificationUrl -like "http://127.0.0.1:$port/*").Count -eq 1 }
            $first = Get-RawSubscription | Where-Object notificationUrl -like "http://127.0.0.1:$port/*"
            Wait-Until { ([DateTimeOffset](Get-RawSubscription -Id $first.id).expirationDateTime) -gt ([DateTimeOffset]$first.expirationDateTime).AddSeconds(30) } -Seconds 58
            $output = $job | Wait-Job -Timeout 60 | Receive-Job
        }
        finally { $job | Stop-Job -PassThru | Remove-Job -Force }
        @($output | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like "Renewed subscription $($first.id) until *" }).Count | Should -Be 1
        Get-RawSubscription | Where-Object id -eq $first.id | Should -BeNullOrEmpty -Because 'the receiver still removes its subscription on exit'
    }

    It 'stops after -Timeout when nothing arrives' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Receive-GsNotification -Timeout 2 -Connection subscription-tests | Should -BeNullOrEmpty
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
    }

    It 'refuses to listen on a port in use, before anything else' {
        $busy = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $busy.Start()
        try { { Receive-GsNotification -Port $busy.LocalEndpoint.Port -Timeout 1 -Connection subscription-tests -ErrorAction Stop } | Should -Throw -ErrorId 'ListenerFailed*' }
        finally { $busy.Stop() }
    }
}

Describe 'New-GsSubscription, Get-GsSubscription, Update-GsSubscription, Remove-GsSubscription' {
    BeforeAll {
        $script:port = Get-FreePort
        $script:receiver = Start-Receiver $port @{ Timeout = 120 }
        $script:url = "http://127.0.0.1:$port/graphsecurity/notifications/"
        Wait-Until { try { (Invoke-WebRequest -Method Post -Uri "$url`?validationToken=ping" -SkipHttpErrorCheck).StatusCode -eq 200 } catch { $false } }
    }
    AfterAll { $receiver | Stop-Job -PassThru | Remove-Job -Force }

    It 'creates a subscription from typed filters, generating and returning a clientState' {
        $script:created = New-GsSubscription -NotificationUrl $url -Severity high -Provider IPC -ExpiresIn 90 -Confirm:$false
        $created.Resource | Should -Be "security/alerts?`$filter=severity eq 'high' and vendorInformation/provider eq 'IPC'"
        $created.ClientState.Length | Should -BeGreaterOrEqual 32
        $created.ConnectionName | Should -Be 'subscription-tests'
        ($created | Format-List | Out-String) | Should -Not -Match ([regex]::Escape($created.ClientState)) -Because 'the default views do not show the secret'
        $raw = Get-RawSubscription $created.Id
        $raw.clientState | Should -Be $created.ClientState
        $raw.changeType | Should -Be 'created,updated'
        ([DateTimeOffset]$raw.expirationDateTime - [DateTimeOffset]::UtcNow).TotalMinutes | Should -BeGreaterThan 85
    }

    It 'answers the validation request with the decoded token as text/plain, and acknowledges a delivery with 202, well within the limits' {
        $token = 'Validation: Testing client application reachability for subscription Request-Id: 7b0c2f8e-1d2a-4c55-9e0b-2f6f0e4c1a9d'
        $validation = Measure-Command { $script:answer = Invoke-WebRequest -Method Post -Uri "$url`?validationToken=$([Uri]::EscapeDataString($token))" -ContentType 'text/plain; charset=utf-8' }
        $answer.StatusCode | Should -Be 200
        $answer.Headers['Content-Type'] | Should -BeLike 'text/plain*'
        $answer.Content | Should -BeExactly $token
        $validation.TotalSeconds | Should -BeLessThan 10
        $delivery = Measure-Command { $script:ack = Invoke-WebRequest -Method Post -Uri $url -Body '{"value":[]}' -ContentType 'application/json' }
        $ack.StatusCode | Should -Be 202
        $delivery.TotalSeconds | Should -BeLessThan 3
        Write-Host "validation answered in $([int]$validation.TotalMilliseconds) ms, delivery acknowledged in $([int]$delivery.TotalMilliseconds) ms"
    }

    It 'refuses a lifetime over 43,200 minutes before sending anything' {
        { New-GsSubscription -NotificationUrl $url -ExpiresIn 43201 -Confirm:$false } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'fails cleanly when the handshake cannot reach the listener: an error, and no subscription' {
        $before = @(Get-RawSubscription).Count
        $down = "http://127.0.0.1:$(Get-FreePort)/nobody-listens/"
        New-GsSubscription -NotificationUrl $down -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failed[0].ErrorDetails.Message | Should -BeLike '*Subscription validation request failed*'
        $failed[0].TargetObject | Should -Be $down
        @(Get-RawSubscription).Count | Should -Be $before
    }

    It 'lists and gets subscriptions as the service does' {
        (Get-GsSubscription).Id | Sort-Object | Should -Be (Get-RawSubscription).id
        ($created | Get-GsSubscription).Resource | Should -Be $created.Resource
    }

    It 'renews a subscription' {
        $renewed = $created | Update-GsSubscription -ExpiresIn 43200 -PassThru -Confirm:$false
        ([DateTimeOffset]$renewed.ExpirationDateTime - [DateTimeOffset]::UtcNow).TotalDays | Should -BeGreaterThan 29.9
        [DateTimeOffset](Get-RawSubscription $created.Id).expirationDateTime | Should -Be $renewed.ExpirationDateTime
    }

    It 'removes a subscription; -WhatIf removes nothing' {
        $created | Remove-GsSubscription -WhatIf
        Get-RawSubscription $created.Id | Should -Not -BeNullOrEmpty
        $created | Remove-GsSubscription -Confirm:$false
        Get-RawSubscription | Where-Object id -eq $created.Id | Should -BeNullOrEmpty
        Get-GsSubscription -Id $created.Id -ErrorVariable gone -ErrorAction SilentlyContinue
        $gone[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
