using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Authentication;
using Xunit;

namespace GraphSecurity.Commands.Tests;

/// <summary>
/// <see cref="GsConnectedCmdlet"/>: which connection a command uses and what its errors add, through
/// Set-TestConnected (alerts_v2, not served in China) in a runspace that has no current connection.
/// </summary>
public class ConnectedCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _session;
    private readonly TestConnections _connections = new TestConnections();

    public ConnectedCmdletTests(PowerShellSession session) { _session = session; }

    public void Dispose() => _connections.Dispose();

    private Outcome SetTestConnected(object connection, int status = 0) =>
        _session.Invoke("param($Connection, $Status) Set-TestConnected -Connection $Connection -Status $Status",
            new Hashtable { ["Connection"] = connection, ["Status"] = status });

    /// <summary>The error that stopped the command (try/catch catches only a terminating one).</summary>
    private ErrorRecord Stopping(string script, object connection = null)
    {
        var outcome = _session.Invoke($"param($Connection) try {{ {script} }} catch {{ $_ }}", new Hashtable { ["Connection"] = connection });
        Assert.Empty(outcome.Errors);
        return Assert.IsType<ErrorRecord>(Assert.Single(outcome.Output));
    }

    [Fact]
    public void Without_a_connection_the_command_stops_and_says_to_connect()
    {
        var record = Stopping("Set-TestConnected");
        Assert.StartsWith(ErrorIds.NotConnected + ",", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, record.CategoryInfo.Category);
        Assert.Equal("Run Connect-GsTenant.", record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_connection_named_by_its_name_is_the_one_used()
    {
        var connection = _connections.Add("-alpha");
        Assert.Equal(new[] { connection.Name }, SetTestConnected(connection.Name).Strings);
    }

    [Fact]
    public void A_name_that_is_no_connection_fails_while_binding_and_says_how_to_list_them()
    {
        var record = Stopping("Set-TestConnected -Connection $Connection", _connections.Prefix + "-missing");
        var binding = Assert.IsAssignableFrom<ParameterBindingException>(record.Exception);
        Assert.Contains($"There is no connection named '{_connections.Prefix}-missing'", binding.Message);
        Assert.Contains("Get-GsConnection lists the connections", binding.Message);
    }

    [Fact]
    public void A_command_that_changes_something_refuses_two_connections()
    {
        var first = _connections.Add("-one");
        var second = _connections.Add("-two");
        var record = Stopping("Set-TestConnected -Connection $Connection", new[] { first.Name, second.Name });
        Assert.StartsWith(ErrorIds.SeveralConnections + ",", record.FullyQualifiedErrorId);
        Assert.Contains("Set-TestConnected works on one connection at a time", record.ErrorDetails.Message);
    }

    [Fact]
    public void A_cloud_whose_Graph_does_not_serve_the_API_fails_before_any_request()
    {
        var china = _connections.Add("-china", CloudEnvironment.China);
        var record = Stopping("Set-TestConnected -Connection $Connection", china.Name);
        Assert.StartsWith(ErrorIds.ApiNotInCloud + ",", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.NotImplemented, record.CategoryInfo.Category);
        Assert.Contains("uses alerts_v2, which Microsoft Graph does not serve in the China cloud", record.ErrorDetails.Message);
    }

    [Fact]
    public void A_403_names_the_cmdlet_s_application_permissions_and_the_message_names_the_connection_and_tenant()
    {
        var connection = _connections.Add("-forbidden", tenantId: "99999999-8888-7777-6666-555555555555");
        var outcome = SetTestConnected(connection.Name, 403);

        var record = Assert.Single(outcome.Errors);
        Assert.StartsWith("GraphForbidden,", record.FullyQualifiedErrorId);
        Assert.Equal("a1", record.TargetObject);
        Assert.EndsWith($"(connection '{connection.Name}', tenant 99999999-8888-7777-6666-555555555555)", record.ErrorDetails.Message);
        Assert.StartsWith("Set-TestConnected needs the Microsoft Graph application permission SecurityAlert.ReadWrite.All or SecurityAlert.Read.All.",
            record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Other_answers_keep_the_generic_advice_and_still_name_the_connection()
    {
        var connection = _connections.Add("-missing-item");
        var record = Assert.Single(SetTestConnected(connection.Name, 404).Errors);
        Assert.StartsWith("GraphNotFound,", record.FullyQualifiedErrorId);
        Assert.Contains($"(connection '{connection.Name}'", record.ErrorDetails.Message);
        Assert.StartsWith("Check the id", record.ErrorDetails.RecommendedAction);
    }
}
