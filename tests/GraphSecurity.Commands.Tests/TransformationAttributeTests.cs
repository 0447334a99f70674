using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using GraphSecurity.Commands.Connections;
using GraphSecurity.Engine.Authentication;
using Xunit;

namespace GraphSecurity.Commands.Tests;

public class SecureStringTransformationTests
{
    private static object Transform(ArgumentTransformationAttribute attribute, object value) => attribute.Transform(null, value);

    [Fact]
    public void A_plain_string_becomes_a_read_only_secure_string_of_the_same_text()
    {
        var secure = Assert.IsType<SecureString>(Transform(new SecureStringTransformationAttribute(), new PSObject("p@ss word")));
        Assert.True(secure.IsReadOnly());
        Assert.Equal("p@ss word", SecureStrings.ToPlain(secure));
    }

    [Fact]
    public void Anything_that_is_not_a_string_is_passed_on_unchanged()
    {
        var secure = SecureStrings.FromPlain("x");
        Assert.Same(secure, Transform(new SecureStringTransformationAttribute(), secure));
        Assert.Equal(42, Transform(new SecureStringTransformationAttribute(), 42));
    }

    private static IDictionary<SecurityApi, SecureString> Tokens(object value) =>
        Assert.IsAssignableFrom<IDictionary<SecurityApi, SecureString>>(Transform(new AccessTokenTransformationAttribute(), value));

    [Fact]
    public void One_token_is_Microsoft_Graph_s_and_is_trimmed()
    {
        var tokens = Tokens("  eyJ.graph.token \n");
        Assert.Equal(new[] { SecurityApi.Graph }, tokens.Keys);
        Assert.Equal("eyJ.graph.token", SecureStrings.ToPlain(tokens[SecurityApi.Graph]));
    }

    [Fact]
    public void A_hashtable_names_the_API_of_each_token_in_any_case()
    {
        var tokens = Tokens(new Hashtable { ["graph"] = "g-token", ["DEFENDERFORENDPOINT"] = SecureStrings.FromPlain("d-token") });
        Assert.Equal("g-token", SecureStrings.ToPlain(tokens[SecurityApi.Graph]));
        Assert.Equal("d-token", SecureStrings.ToPlain(tokens[SecurityApi.DefenderForEndpoint]));
        Assert.Equal(2, tokens.Count);
    }

    public static TheoryData<object, string> BadTokens() => new TheoryData<object, string>
    {
        { new Hashtable { ["Outlook"] = "t" }, "'Outlook' is not an API. The keys of -AccessToken are: Graph, DefenderForEndpoint" },
        { new Hashtable { ["7"] = "t" }, "'7' is not an API." },
        { new Hashtable(), "-AccessToken has no token." },
        { "   ", "The Graph token of -AccessToken is empty" },
        { new Hashtable { ["DefenderForEndpoint"] = 12 }, "The DefenderForEndpoint token of -AccessToken is empty or not a string or SecureString." },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public void A_value_that_holds_no_usable_token_is_refused_with_what_is_expected(object value, string expected)
    {
        var refused = Assert.Throws<ArgumentTransformationMetadataException>(() => Transform(new AccessTokenTransformationAttribute(), value));
        Assert.Contains(expected, refused.Message);
    }

    [Fact]
    public void No_refusal_repeats_the_token_it_was_given()
    {
        var refused = Assert.Throws<ArgumentTransformationMetadataException>(() =>
            Transform(new AccessTokenTransformationAttribute(), new Hashtable { ["Graph"] = "secret-token-value", ["Nope"] = "secret-token-value" }));
        Assert.DoesNotContain("secret-token-value", refused.Message);
    }
}

public class ConnectionTransformationTests : IDisposable
{
    private readonly TestConnections _connections = new TestConnections();

    public void Dispose() => _connections.Dispose();

    private static object Transform(object value) => new ConnectionTransformationAttribute().Transform(null, value);

    [Fact]
    public void A_name_becomes_that_connection_s_description_whatever_its_case()
    {
        var connection = _connections.Add("-Named");
        var info = Assert.IsType<GsConnectionInfo>(Transform(new PSObject(connection.Name.ToUpperInvariant())));
        Assert.Equal(connection.Name, info.Name);
        Assert.Equal(connection.TenantId, info.TenantId);
        Assert.False(info.IsCurrent);
    }

    [Fact]
    public void Several_names_and_objects_become_an_array_in_the_same_order()
    {
        var first = _connections.Add("-first");
        var second = _connections.Add("-second");
        var given = second.ToInfo(false);
        var infos = Assert.IsType<object[]>(Transform(new object[] { first.Name, given }));
        Assert.Equal(first.Name, Assert.IsType<GsConnectionInfo>(infos[0]).Name);
        Assert.Same(given, infos[1]);
    }

    [Fact]
    public void An_unknown_name_is_refused_with_how_to_list_and_create_connections()
    {
        var refused = Assert.Throws<ArgumentTransformationMetadataException>(() => Transform(new[] { _connections.Prefix + "-nobody" }));
        Assert.Equal($"There is no connection named '{_connections.Prefix}-nobody'. Get-GsConnection lists the connections; Connect-GsTenant -Name creates one.", refused.Message);
    }

    [Fact]
    public void The_runspace_s_current_connection_is_marked_as_current()
    {
        var connection = _connections.Add("-current");
        using (var runspace = RunspaceFactory.CreateRunspace())
        {
            var previous = Runspace.DefaultRunspace;
            Runspace.DefaultRunspace = runspace;
            try
            {
                CurrentConnection.Name = connection.Name;
                Assert.True(Assert.IsType<GsConnectionInfo>(Transform(connection.Name)).IsCurrent);
            }
            finally
            {
                Runspace.DefaultRunspace = previous;
            }
        }
    }
}
