using GraphSecurity.ProviderKit.Actions;
using GraphSecurity.ProviderKit.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace GraphSecurity.ProviderKit.Tests;

public sealed class ActionEngineTests : IDisposable
{
    private readonly GsProviderOptions _options = new()
    {
        Vendor = "Northwind Security", Provider = "Sentry Firewall", ProviderVersion = "1.2",
        ActionStartDelay = TimeSpan.FromMilliseconds(60), ActionRunDuration = TimeSpan.FromMilliseconds(120),
    };
    private readonly List<string> _executed = new();
    private SecurityActionEngine _engine;

    private SecurityActionEngine Engine => _engine ??= new SecurityActionEngine(_options, TimeProvider.System, NullLogger<SecurityActionEngine>.Instance);

    public void Dispose() => _engine?.Dispose();

    private ProviderActionDefinition Definition(Exception failure = null) => new("blockIp", new[] { "ipAddress" }, (tenant, action, _) =>
    {
        lock (_executed) _executed.Add(tenant + "/" + action.Parameter("ipAddress"));
        return failure == null ? ValueTask.CompletedTask : ValueTask.FromException(failure);
    });

    private static SecurityActionRequest Request(string ip = "203.0.113.7") =>
        new() { Name = "blockIp", ActionReason = "test", Parameters = new[] { new ActionParameter("ipAddress", ip) } };

    private async Task<ProviderSecurityAction> WaitFinished(string tenant, string id)
    {
        Assert.True(await TestAuthority.WaitFor(() => ActionStatus.IsFinished(Engine.Get(tenant, id).Status)), "the action did not finish");
        return Engine.Get(tenant, id);
    }

    [Fact]
    public async Task AnActionGoesNotStartedRunningCompleted()
    {
        var started = Engine.Start("t1", "app", Request(), Definition());
        Assert.Equal(ActionStatus.NotStarted, started.Status);
        Assert.Null(started.CompletedDateTime);
        Assert.Equal("t1", started.AzureTenantId);
        Assert.Equal("Northwind Security", started.VendorInformation.Vendor);
        var done = await WaitFinished("t1", started.Id);
        Assert.Equal(ActionStatus.Completed, done.Status);
        Assert.NotNull(done.CompletedDateTime);
        Assert.Equal(new[] { ActionStatus.NotStarted, ActionStatus.Running, ActionStatus.Completed }, done.States.Select(s => s.Status));
        Assert.All(done.States, s => Assert.Equal("app", s.AppId));
        Assert.Equal(new[] { "t1/203.0.113.7" }, _executed);
    }

    [Fact]
    public async Task AFailingEffectEndsFailedWithItsError()
    {
        var action = Engine.Start("t1", "app", Request(), Definition(new ActionFailedException("notBlocked", "not on the list")));
        var done = await WaitFinished("t1", action.Id);
        Assert.Equal(ActionStatus.Failed, done.Status);
        Assert.Equal("notBlocked", done.ErrorInfo.Code);
        Assert.Equal("not on the list", done.ErrorInfo.Message);
    }

    [Fact]
    public async Task AnUnexpectedExceptionFailsWithoutItsDetails()
    {
        var action = Engine.Start("t1", "app", Request(), Definition(new InvalidOperationException("secret detail")));
        var done = await WaitFinished("t1", action.Id);
        Assert.Equal("internalError", done.ErrorInfo.Code);
        Assert.DoesNotContain("secret detail", done.ErrorInfo.Message);
    }

    [Fact]
    public async Task CancelStopsThePendingActionBeforeItsEffect()
    {
        var action = Engine.Start("t1", "app", Request(), Definition());
        var cancelled = Engine.Cancel("t1", action.Id);
        Assert.Equal(ActionStatus.Failed, cancelled.Status);
        Assert.Equal("cancelled", cancelled.ErrorInfo.Code);
        await Task.Delay(400);
        Assert.Equal(ActionStatus.Failed, Engine.Get("t1", action.Id).Status);
        Assert.Empty(_executed);
    }

    [Fact]
    public async Task CancelOfARunningActionSkipsTheEffect()
    {
        _options.ActionRunDuration = TimeSpan.FromSeconds(3);
        var action = Engine.Start("t1", "app", Request(), Definition());
        Assert.True(await TestAuthority.WaitFor(() => Engine.Get("t1", action.Id).Status == ActionStatus.Running));
        var cancelled = Engine.Cancel("t1", action.Id);
        Assert.Equal(new[] { ActionStatus.NotStarted, ActionStatus.Running, ActionStatus.Failed }, cancelled.States.Select(s => s.Status));
        await Task.Delay(3500);
        Assert.Equal(ActionStatus.Failed, Engine.Get("t1", action.Id).Status);
        Assert.Empty(_executed);
    }

    [Fact]
    public async Task CancelOfAFinishedActionIsAConflict()
    {
        var action = Engine.Start("t1", "app", Request(), Definition());
        await WaitFinished("t1", action.Id);
        Assert.Equal(409, Assert.Throws<ProviderException>(() => Engine.Cancel("t1", action.Id)).StatusCode);
        var cancelled = Engine.Start("t1", "app", Request(), Definition());
        Engine.Cancel("t1", cancelled.Id);
        Assert.Equal(409, Assert.Throws<ProviderException>(() => Engine.Cancel("t1", cancelled.Id)).StatusCode);
    }

    [Fact]
    public void UnknownOrOtherTenantsActionIsNotFound()
    {
        var action = Engine.Start("t1", "app", Request(), Definition());
        Assert.Null(Engine.Get("t2", action.Id));
        Assert.Equal(404, Assert.Throws<ProviderException>(() => Engine.Cancel("t2", action.Id)).StatusCode);
        Assert.Empty(Engine.List("t2"));
    }

    [Fact]
    public async Task ListIsNewestFirst()
    {
        var first = Engine.Start("t1", "app", Request("203.0.113.1"), Definition());
        await Task.Delay(20);
        var second = Engine.Start("t1", "app", Request("203.0.113.2"), Definition());
        Assert.Equal(new[] { second.Id, first.Id }, Engine.List("t1").Select(a => a.Id));
    }

    [Fact]
    public async Task TheStuckDeviationNeverStarts()
    {
        _options.Deviations.ActionsNeverStart = true;
        var action = Engine.Start("t1", "app", Request(), Definition());
        await Task.Delay(400);
        Assert.Equal(ActionStatus.NotStarted, Engine.Get("t1", action.Id).Status);
    }

    [Fact]
    public void ActionRequestsAreValidated()
    {
        var definitions = new[] { Definition() with { ValidateParameter = (_, v) => v == "bad" ? "not an address" : null } };
        string Refused(string json)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return Assert.Throws<ProviderException>(() => ActionRequests.Parse(doc.RootElement, _options, definitions)).Message;
        }
        const string vendor = ",\"vendorInformation\":{\"vendor\":\"Northwind Security\",\"provider\":\"Sentry Firewall\"}";
        Assert.Contains("supports blockIp", Refused("{\"name\":\"isolate\",\"parameters\":[]" + vendor + "}"));
        Assert.Contains("'name' is required", Refused("{\"parameters\":[]" + vendor + "}"));
        Assert.Contains("needs the parameter 'ipAddress'", Refused("{\"name\":\"blockIp\",\"parameters\":[]" + vendor + "}"));
        Assert.Contains("'parameters' is required", Refused("{\"name\":\"blockIp\"" + vendor + "}"));
        Assert.Contains("not an address", Refused("{\"name\":\"blockIp\",\"parameters\":[{\"name\":\"ipAddress\",\"value\":\"bad\"}]" + vendor + "}"));
        Assert.Contains("'port' is not a parameter", Refused("{\"name\":\"blockIp\",\"parameters\":[{\"name\":\"port\",\"value\":\"1\"}]" + vendor + "}"));
        Assert.Contains("given twice", Refused("{\"name\":\"blockIp\",\"parameters\":[{\"name\":\"ipAddress\",\"value\":\"1.2.3.4\"},{\"name\":\"IPADDRESS\",\"value\":\"1.2.3.5\"}]" + vendor + "}"));
        Assert.Contains("vendorInformation", Refused("{\"name\":\"blockIp\",\"parameters\":[{\"name\":\"ipAddress\",\"value\":\"1.2.3.4\"}]}"));
        Assert.Contains("'user'", Refused("{\"name\":\"blockIp\",\"user\":\"x\",\"parameters\":[]" + vendor + "}"));
        Assert.Contains("clientContext", Refused("{\"name\":\"blockIp\",\"clientContext\":\"" + new string('x', 300) + "\",\"parameters\":[]" + vendor + "}"));

        using var ok = System.Text.Json.JsonDocument.Parse("{\"name\":\"BLOCKIP\",\"parameters\":[{\"name\":\"ipaddress\",\"value\":\"1.2.3.4\"}]" + vendor + "}");
        var (request, definition) = ActionRequests.Parse(ok.RootElement, _options, definitions);
        Assert.Equal("blockIp", request.Name);
        Assert.Equal("ipAddress", request.Parameters.Single().Name);
        Assert.Same(definitions[0], definition);
    }
}
