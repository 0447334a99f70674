using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Commands.Alerts;
using GraphSecurity.Commands.Base;
using GraphSecurity.Commands.Connections;
using GraphSecurity.Commands.SecurityActions;
using GraphSecurity.Commands.TiIndicators;
using Xunit;

namespace GraphSecurity.Commands.Tests;

internal static class Completion
{
    /// <summary>What a completer offers for the word, as (completion text, list item text) pairs in its order.</summary>
    public static IReadOnlyList<(string Text, string ListItem)> Of(IArgumentCompleter completer, string commandName, string parameterName, string word) =>
        completer.CompleteArgument(commandName, parameterName, word, null, new System.Collections.Hashtable())
            .Select(c =>
            {
                Assert.Equal(CompletionResultType.ParameterValue, c.ResultType);
                return (c.CompletionText, c.ListItemText);
            })
            .ToList();

    public static IReadOnlyList<string> Texts(IArgumentCompleter completer, string commandName, string parameterName, string word) =>
        Of(completer, commandName, parameterName, word).Select(c => c.Text).ToList();
}

public class ValueCompleterTests
{
    [Theory]
    [InlineData("TlpLevel", "", new[] { "white", "green", "amber", "red" })]
    [InlineData("Action", "B", new[] { "block" })]
    [InlineData("action", "'al", new[] { "allow", "alert" })]
    [InlineData("FileHashType", "sha", new[] { "sha1", "sha256" })]
    [InlineData("ThreatType", "\"c", new[] { "C2", "CryptoMining" })]
    [InlineData("KillChain", "re", new[] { "Reconnaissance" })]
    [InlineData("DiamondModel", "x", new string[0])]
    [InlineData("Description", "", new string[0])]
    public void The_indicator_fields_complete_their_wire_values_from_the_typed_prefix(string parameter, string word, string[] expected) =>
        Assert.Equal(expected, Completion.Texts(new TiValueCompleter(), "New-GsTiIndicator", parameter, word));

    [Fact]
    public void A_value_with_a_space_is_quoted_for_the_command_line_but_listed_as_it_is()
    {
        Assert.Equal(new[] { ("'Microsoft Defender ATP'", "Microsoft Defender ATP") },
            Completion.Of(new TiValueCompleter(), "New-GsTiIndicator", "TargetProduct", "micro"));
    }

    [Theory]
    [InlineData("azure", new[] { "'Azure Advanced Threat Protection'", "'Azure Sentinel'" })]
    [InlineData("'IP", new[] { "IPC" })]
    [InlineData("", new[] { "'Microsoft Defender ATP'", "IPC", "MCAS", "'Azure Advanced Threat Protection'", "ASC", "'Azure Sentinel'", "'Office 365 Security and Compliance'" })]
    [InlineData("Splunk", new string[0])]
    public void Legacy_providers_complete_from_the_typed_prefix_quoted_where_they_hold_a_space(string word, string[] expected) =>
        Assert.Equal(expected, Completion.Texts(new LegacyProviderCompleter(), "Get-GsAlert", "Provider", word));

    [Theory]
    [InlineData("block", new[] { "BlockIp", "BlockDomain", "BlockUrl", "BlockFile" })]
    [InlineData("'Bl", new[] { "BlockIp", "BlockDomain", "BlockUrl", "BlockFile" })]
    [InlineData("\"Iso", new[] { "IsolateDevice" })]
    [InlineData("Disable", new[] { "DisableUser" })]
    [InlineData("Quarantine", new string[0])]
    public void Security_action_names_complete_from_the_typed_prefix(string word, string[] expected) =>
        Assert.Equal(expected, Completion.Texts(new SecurityActionNameCompleter(), "Invoke-GsSecurityAction", "Name", word));

    [Fact]
    public void Every_response_action_completes_and_its_tooltip_names_the_API_that_carries_it()
    {
        var all = new SecurityActionNameCompleter().CompleteArgument("Invoke-GsSecurityAction", "Name", "", null, null).ToList();
        Assert.Equal(GraphSecurity.Engine.SecurityActions.ResponseActionCatalog.All.Count, all.Count);
        var isolate = Assert.Single(all, r => r.CompletionText == "IsolateDevice");
        Assert.Contains("Defender for Endpoint machine actions", isolate.ToolTip);
        Assert.Contains("identity accounts", Assert.Single(all, r => r.CompletionText == "DisableUser").ToolTip);
    }
}

public class ConnectionNameCompleterTests : IDisposable
{
    private readonly TestConnections _connections = new TestConnections();

    public void Dispose() => _connections.Dispose();

    [Fact]
    public void Connection_names_complete_from_the_prefix_in_the_order_they_were_made_and_quoted_when_they_hold_a_space()
    {
        var plain = _connections.Add("-prod");
        var spaced = _connections.Add(" lab tenant");
        _connections.Add("-other");

        var offered = Completion.Of(new ConnectionNameCompleter(), "Get-GsAlert", "Connection", _connections.Prefix.ToUpperInvariant());
        Assert.Equal(3, offered.Count);
        Assert.Equal((plain.Name, plain.Name), offered[0]);
        Assert.Equal(($"'{spaced.Name}'", spaced.Name), offered[1]);

        Assert.Equal(new[] { $"'{spaced.Name}'" }, Completion.Texts(new ConnectionNameCompleter(), "Get-GsAlert", "Connection", $"'{_connections.Prefix} l"));
    }

    [Fact]
    public void A_connection_s_tooltip_names_its_tenant_and_cloud()
    {
        var connection = _connections.Add("-tooltip", tenantId: "abcdef01-2345-6789-abcd-ef0123456789");
        var result = Assert.Single(new ConnectionNameCompleter().CompleteArgument("Get-GsAlert", "Connection", connection.Name, null, null));
        Assert.Equal($"{connection.Name} (abcdef01-2345-6789-abcd-ef0123456789, Global)", result.ToolTip);
    }

    [Fact]
    public void A_wildcard_in_the_word_matches_within_the_names()
    {
        var connection = _connections.Add("-wild-card");
        Assert.Equal(new[] { connection.Name }, Completion.Texts(new ConnectionNameCompleter(), "Get-GsAlert", "Connection", _connections.Prefix + "*card"));
    }
}

public class RecentIdCompleterTests
{
    // One type per test: RecentResults keeps a list per type for the whole process.
    public sealed class Titled { public string Id { get; set; } public string Title { get; set; } }
    public sealed class Displayed { public string Id { get; set; } public string DisplayName { get; set; } }
    public sealed class Unlabelled { public string Id { get; set; } }
    public sealed class Many { public string Id { get; set; } public string Name { get; set; } }

    [Fact]
    public void Ids_written_recently_complete_newest_first_with_the_title_as_tooltip()
    {
        RecentResults.Remember(new Titled { Id = "da637-1", Title = "Suspicious sign-in" });
        RecentResults.Remember(new Titled { Id = "da637-2", Title = "Malware found" });
        RecentResults.Remember(new Titled { Id = "fa111-3", Title = "Other" });

        var results = new RecentIdCompleter<Titled>().CompleteArgument("Get-GsAlert", "Id", "'DA637", null, null).ToList();

        Assert.Equal(new[] { "da637-2", "da637-1" }, results.Select(r => r.CompletionText));
        Assert.Equal(new[] { "Malware found", "Suspicious sign-in" }, results.Select(r => r.ToolTip));
    }

    [Fact]
    public void Seeing_an_id_again_moves_it_to_the_front_once_and_an_empty_id_is_not_remembered()
    {
        RecentResults.Remember(new Displayed { Id = "a", DisplayName = "first" });
        RecentResults.Remember(new Displayed { Id = "b", DisplayName = "second" });
        RecentResults.Remember(new Displayed { Id = "a", DisplayName = "first, renamed" });
        RecentResults.Remember(new Displayed { Id = "", DisplayName = "no id" });
        RecentResults.Remember(null);

        Assert.Equal(new[] { new KeyValuePair<string, string>("a", "first, renamed"), new KeyValuePair<string, string>("b", "second") },
            RecentResults.Of(typeof(Displayed)));
    }

    [Fact]
    public void Without_a_title_the_tooltip_is_the_id_and_nothing_seen_completes_nothing()
    {
        Assert.Empty(new RecentIdCompleter<Unlabelled>().CompleteArgument("Get-GsIncident", "Id", "", null, null));
        RecentResults.Remember(new Unlabelled { Id = "42" });
        Assert.Equal("42", Assert.Single(new RecentIdCompleter<Unlabelled>().CompleteArgument("Get-GsIncident", "Id", "", null, null)).ToolTip);
    }

    [Fact]
    public void Only_the_latest_500_ids_are_kept()
    {
        for (var i = 0; i < 600; i++) RecentResults.Remember(new Many { Id = $"id-{i:000}", Name = $"item {i}" });
        var kept = RecentResults.Of(typeof(Many));
        Assert.Equal(500, kept.Count);
        Assert.Equal("id-599", kept[0].Key);
        Assert.Equal("id-100", kept[kept.Count - 1].Key);
    }
}

/// <summary>The completers as a user reaches them: Tab on the module's own cmdlets in a session.</summary>
public class TabCompletionTests : IDisposable
{
    private readonly PowerShellSession _session = PowerShellSession.WithModule();

    public void Dispose() => _session.Dispose();

    [Theory]
    [InlineData("New-GsTiIndicator -TlpLevel a", new[] { "amber" })]
    [InlineData("New-GsTiIndicator -TargetProduct Az", new[] { "'Azure Sentinel'" })]
    [InlineData("Invoke-GsSecurityAction -Name Iso", new[] { "IsolateDevice" })]
    public void Tab_on_a_module_parameter_offers_what_its_completer_returns(string line, string[] expected)
    {
        var outcome = _session.Invoke("param($Line) (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText",
            new System.Collections.Hashtable { ["Line"] = line });
        Assert.Null(outcome.Terminating);
        Assert.Equal(expected, outcome.Strings);
    }
}
