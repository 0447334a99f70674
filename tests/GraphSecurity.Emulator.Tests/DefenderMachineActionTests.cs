using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

/// <summary>Machine actions: each verb's answer and permission, the duplicate rule, the lifecycle on the emulator clock, faults, cancel.</summary>
public class DefenderMachineActionTests : IClassFixture<DefenderFixture>
{
    public const string Actions = "/defender/api/machineactions";
    private readonly DefenderFixture _f;
    public DefenderMachineActionTests(DefenderFixture f) => _f = f;

    private async Task<List<string>> MachineIdsAsync()
    {
        var (_, body, _) = await _f.CallAsync(HttpMethod.Get, DefenderMachineTests.Machines);
        return body.GetProperty("value").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
    }

    private Task<(int Status, JsonElement Body, HttpResponseMessage Response)> ActAsync(string machineId, string verb, object body, string clientId = TenantDirectory.DefaultClientId) =>
        _f.CallAsync(HttpMethod.Post, $"{DefenderMachineTests.Machines}/{machineId}/{verb}", body, clientId);

    private async Task<JsonElement> CreatedAsync(string machineId, string verb, object body)
    {
        var (status, action, _) = await ActAsync(machineId, verb, body);
        Assert.True(status == 201, action.ToString());
        return action;
    }

    private async Task<JsonElement> GetActionAsync(string id)
    {
        var (status, body, _) = await _f.CallAsync(HttpMethod.Get, $"{Actions}/{id}");
        Assert.True(status == 200, body.ToString());
        return body;
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString();

    private void RunToEnd() => _f.Clock.Advance(TimeSpan.FromSeconds(10));

    private async Task ControlAsync(string url, object body = null)
    {
        if (body == null) Assert.Equal(204, (int)(await _f.Client.DeleteAsync(url)).StatusCode);
        else
        {
            var (status, answer) = await _f.PostJsonAsync(url, body);
            Assert.True(status == 200, answer.ToString());
        }
    }

    public static readonly TheoryData<string, object, string, string, int> Verbs = new()
    {
        { "isolate", new { Comment = "c", IsolationType = "Selective" }, "Isolate", "Selective", 10 },
        { "Isolate", new { Comment = "c" }, "Isolate", "Full", 11 },
        { "unisolate", new { Comment = "c" }, "Unisolate", null, 12 },
        { "restrictCodeExecution", new { Comment = "c" }, "RestrictCodeExecution", null, 13 },
        { "unrestrictCodeExecution", new { Comment = "c" }, "UnrestrictCodeExecution", null, 14 },
        { "runAntiVirusScan", new { Comment = "c", ScanType = "Full" }, "RunAntiVirusScan", "Full", 15 },
        { "runantivirusscan", new { Comment = "c" }, "RunAntiVirusScan", "Quick", 16 },
        { "collectInvestigationPackage", new { Comment = "c" }, "CollectInvestigationPackage", null, 17 },
        { "offboard", new { Comment = "c" }, "Offboard", null, 18 },
        { "StopAndQuarantineFile", new { Comment = "c", Sha1 = new string('a', 40) }, "StopAndQuarantineFile", null, 19 },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Each_verb_answers_201_with_the_pending_action(string verb, object body, string type, string scope, int machine)
    {
        var machineId = (await MachineIdsAsync())[machine];
        var (status, a, _) = await ActAsync(machineId, verb, body);
        Assert.True(status == 201, a.ToString());
        Assert.EndsWith("$metadata#MachineActions/$entity", a.GetProperty("@odata.context").GetString());
        Assert.True(Guid.TryParse(Id(a), out _));
        Assert.Equal(type, a.GetProperty("type").GetString());
        Assert.Equal(scope, a.GetProperty("scope").GetString());
        Assert.Equal("Pending", a.GetProperty("status").GetString());
        Assert.Equal(machineId, a.GetProperty("machineId").GetString());
        Assert.Equal(TenantDirectory.DefaultClientId, a.GetProperty("requestor").GetString());
        Assert.Equal("PublicApi", a.GetProperty("requestSource").GetString());
        Assert.Equal("c", a.GetProperty("requestorComment").GetString());
        Assert.Equal(0, a.GetProperty("errorHResult").GetInt32());
        Assert.Equal(0, a.GetProperty("commands").GetArrayLength());
        if (type == "StopAndQuarantineFile")
            Assert.Equal("Sha1", a.GetProperty("relatedFileInfo").GetProperty("fileIdentifierType").GetString());
        else Assert.Equal(JsonValueKind.Null, a.GetProperty("relatedFileInfo").ValueKind);
        RunToEnd();
    }

    [Fact]
    public async Task Bad_bodies_unknown_machines_and_missing_permissions_are_refused()
    {
        var machineId = (await MachineIdsAsync())[20];
        DefenderFixture.AssertError(await ActAsync(machineId, "isolate", new { IsolationType = "Full" }), 400, "InvalidRequestBody", "Comment is required.");
        DefenderFixture.AssertError(await ActAsync(machineId, "isolate", new { Comment = "c", IsolationType = "Partial" }), 400, "InvalidRequestBody", "IsolationType");
        DefenderFixture.AssertError(await ActAsync(machineId, "runAntiVirusScan", new { Comment = "c", ScanType = "Deep" }), 400, "InvalidRequestBody", "ScanType");
        DefenderFixture.AssertError(await ActAsync(machineId, "StopAndQuarantineFile", new { Comment = "c", Sha1 = "abc" }), 400, "InvalidRequestBody", "Sha1");
        DefenderFixture.AssertError(await ActAsync(new string('0', 40), "isolate", new { Comment = "c" }), 404, "ResourceNotFound");
        var (_, m, _) = await _f.CallAsync(HttpMethod.Get, $"{DefenderMachineTests.Machines}/{machineId}");
        DefenderFixture.AssertError(await ActAsync(m.GetProperty("computerDnsName").GetString(), "isolate", new { Comment = "c" }), 404, "ResourceNotFound");

        DefenderFixture.AssertError(await ActAsync(machineId, "isolate", new { Comment = "c" }, TenantDirectory.ResponderClientId), 403, "Forbidden", "Machine.Isolate");
        var (status, scan, _) = await ActAsync(machineId, "runAntiVirusScan", new { Comment = "c" }, TenantDirectory.ResponderClientId);
        Assert.True(status == 201, scan.ToString());
        Assert.Equal(TenantDirectory.ResponderClientId, scan.GetProperty("requestor").GetString());
        RunToEnd();
    }

    [Fact]
    public async Task The_same_type_while_open_is_a_duplicate_another_type_is_not()
    {
        var machineId = (await MachineIdsAsync())[21];
        await CreatedAsync(machineId, "isolate", new { Comment = "first" });
        DefenderFixture.AssertError(await ActAsync(machineId, "isolate", new { Comment = "again" }), 400, "BadRequest", "Action is already in progress");
        await CreatedAsync(machineId, "unisolate", new { Comment = "other type" });
        await CreatedAsync(machineId, "collectInvestigationPackage", new { Comment = "p" });
        DefenderFixture.AssertError(await ActAsync(machineId, "collectInvestigationPackage", new { Comment = "p2" }), 400, "BadRequest", "Action is already in progress");
        RunToEnd();
        await CreatedAsync(machineId, "isolate", new { Comment = "after the first ended" });
        RunToEnd();
    }

    [Fact]
    public async Task The_lifecycle_follows_the_clock_and_changes_the_machine_state()
    {
        var machineId = (await MachineIdsAsync())[22];
        // Minutes-long phases for this action, so a slow machine's real time cannot carry it past Pending
        // before it is read; the timing applies to new actions only, so the default is back at once.
        await ControlAsync("/_emulator/defender/machineactions/timing", new { pendingSeconds = 60, inProgressSeconds = 60 });
        JsonElement isolate;
        try { isolate = await CreatedAsync(machineId, "isolate", new { Comment = "c", IsolationType = "Selective" }); }
        finally { await ControlAsync("/_emulator/defender/machineactions/timing", new { pendingSeconds = 1, inProgressSeconds = 2 }); }
        Assert.Equal("Pending", (await GetActionAsync(Id(isolate))).GetProperty("status").GetString());
        _f.Clock.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal("InProgress", (await GetActionAsync(Id(isolate))).GetProperty("status").GetString());
        _f.Clock.Advance(TimeSpan.FromSeconds(60));
        var done = await GetActionAsync(Id(isolate));
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
        Assert.True(done.GetProperty("lastUpdateDateTimeUtc").GetDateTimeOffset() > done.GetProperty("creationDateTimeUtc").GetDateTimeOffset());

        var state = await MachineStateAsync(machineId);
        Assert.Equal("Selective", state.GetProperty("isolation").GetString());
        await CreatedAsync(machineId, "runAntiVirusScan", new { Comment = "c", ScanType = "Full" });
        await CreatedAsync(machineId, "offboard", new { Comment = "c" });
        RunToEnd();
        state = await MachineStateAsync(machineId);
        Assert.Equal("Full", state.GetProperty("lastScan").GetString());
        Assert.True(state.GetProperty("offboarded").GetBoolean());
        var (_, machine, _) = await _f.CallAsync(HttpMethod.Get, $"{DefenderMachineTests.Machines}/{machineId}");
        Assert.Equal("Inactive", machine.GetProperty("healthStatus").GetString());
        await CreatedAsync(machineId, "unisolate", new { Comment = "c" });
        RunToEnd();
        Assert.Equal(JsonValueKind.Null, (await MachineStateAsync(machineId)).GetProperty("isolation").ValueKind);
    }

    private async Task<JsonElement> MachineStateAsync(string machineId)
    {
        var all = await _f.GetJsonAsync($"/_emulator/tenants/{TenantDirectory.DefaultTenantId}/defender/machines", token: "");
        return all.EnumerateArray().Single(m => m.GetProperty("id").GetString() == machineId);
    }

    [Fact]
    public async Task Faults_end_the_next_matching_actions_failed_or_timed_out_and_timing_0_ends_at_once()
    {
        var ids = await MachineIdsAsync();
        await ControlAsync("/_emulator/defender/machineactions/timing", new { pendingSeconds = 0, inProgressSeconds = 0 });
        try
        {
            await ControlAsync("/_emulator/defender/machineactions/faults", new { outcome = "Failed", type = "Isolate", count = 1 });
            await ControlAsync("/_emulator/defender/machineactions/faults", new { outcome = "TimeOut", machineId = ids[24] });
            var scan = await CreatedAsync(ids[23], "runAntiVirusScan", new { Comment = "not matched" });
            var failed = await CreatedAsync(ids[23], "isolate", new { Comment = "fails" });
            var timedOut = await CreatedAsync(ids[24], "restrictCodeExecution", new { Comment = "times out" });
            var next = await CreatedAsync(ids[23], "isolate", new { Comment = "fault used up" });
            Assert.Equal("Succeeded", (await GetActionAsync(Id(scan))).GetProperty("status").GetString());
            var f = await GetActionAsync(Id(failed));
            Assert.Equal("Failed", f.GetProperty("status").GetString());
            Assert.NotEqual(0, f.GetProperty("errorHResult").GetInt32());
            Assert.Equal("TimeOut", (await GetActionAsync(Id(timedOut))).GetProperty("status").GetString());
            Assert.Equal("Succeeded", (await GetActionAsync(Id(next))).GetProperty("status").GetString());
            Assert.False((await MachineStateAsync(ids[24])).GetProperty("codeExecutionRestricted").GetBoolean());
        }
        finally
        {
            var (status, _) = await _f.PostJsonAsync("/_emulator/reset", new { });
            Assert.Equal(204, status);
        }
        var timing = await _f.GetJsonAsync("/_emulator/defender/machineactions/timing", token: "");
        Assert.Equal(1, timing.GetProperty("pendingSeconds").GetDouble());
        Assert.Equal(0, (await _f.GetJsonAsync("/_emulator/defender/machineactions/faults", token: "")).GetArrayLength());
    }

    [Fact]
    public async Task Cancel_ends_an_open_action_and_refuses_a_final_one()
    {
        var machineId = (await MachineIdsAsync())[25];
        var scan = await CreatedAsync(machineId, "runAntiVirusScan", new { Comment = "c" });
        var (status, cancelled, _) = await _f.CallAsync(HttpMethod.Post, $"{Actions}/{Id(scan)}/cancel", new { Comment = "wrong machine" }, TenantDirectory.ResponderClientId);
        Assert.True(status == 200, cancelled.ToString());
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("wrong machine", cancelled.GetProperty("cancellationComment").GetString());
        Assert.Equal(TenantDirectory.ResponderClientId, cancelled.GetProperty("cancellationRequestor").GetString());
        Assert.NotEqual(JsonValueKind.Null, cancelled.GetProperty("cancellationDateTimeUtc").ValueKind);
        RunToEnd();
        Assert.Equal("Cancelled", (await GetActionAsync(Id(scan))).GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, (await MachineStateAsync(machineId)).GetProperty("lastScan").ValueKind);
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, $"{Actions}/{Id(scan)}/cancel", new { Comment = "again" }), 400, "BadRequest", "Action is already in final state");

        var done = await CreatedAsync(machineId, "runAntiVirusScan", new { Comment = "c" });
        RunToEnd();
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, $"{Actions}/{Id(done)}/cancel", new { Comment = "late" }), 400, "BadRequest", "final state");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, $"{Actions}/{Guid.NewGuid()}/cancel", new { Comment = "x" }), 404, "ResourceNotFound");
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Post, $"{Actions}/{Id(done)}/cancel", new { Comment = "x" }, TenantDirectory.ReaderClientId), 403, "Forbidden");
    }

    [Fact]
    public async Task Actions_are_listed_newest_first_with_filters_and_found_by_id()
    {
        var machineId = (await MachineIdsAsync())[26];
        var before = _f.Clock.UtcNow.AddSeconds(-1);
        var first = await CreatedAsync(machineId, "runAntiVirusScan", new { Comment = "1" });
        var second = await CreatedAsync(machineId, "isolate", new { Comment = "2" });
        var (status, page, _) = await _f.CallAsync(HttpMethod.Get, $"{Actions}?$filter=machineId eq '{machineId}'");
        Assert.True(status == 200, page.ToString());
        Assert.EndsWith("$metadata#MachineActions", page.GetProperty("@odata.context").GetString());
        Assert.Equal(new[] { Id(second), Id(first) }, page.GetProperty("value").EnumerateArray().Select(Id));
        var (_, typed, _) = await _f.CallAsync(HttpMethod.Get,
            $"{Actions}?$filter=machineId eq '{machineId}' and type eq 'Isolate' and requestor eq '{TenantDirectory.DefaultClientId}' and creationDateTimeUtc ge {before:yyyy-MM-ddTHH:mm:ssZ}");
        Assert.Equal(Id(second), Id(Assert.Single(typed.GetProperty("value").EnumerateArray())));
        var (_, top, _) = await _f.CallAsync(HttpMethod.Get, $"{Actions}?$filter=status eq 'Pending' and machineId eq '{machineId}'&$top=1");
        Assert.Single(top.GetProperty("value").EnumerateArray());
        Assert.Equal(Id(first), Id(await GetActionAsync(Id(first))));
        DefenderFixture.AssertError(await _f.CallAsync(HttpMethod.Get, $"{Actions}/{Guid.NewGuid()}"), 404, "ResourceNotFound");
        var control = await _f.GetJsonAsync($"/_emulator/tenants/{TenantDirectory.DefaultTenantId}/defender/machineactions", token: "");
        Assert.Contains(control.EnumerateArray(), a => Id(a) == Id(second));
        RunToEnd();
    }
}
