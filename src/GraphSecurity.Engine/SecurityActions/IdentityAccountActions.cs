using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.SecurityActions;

/// <summary>One account of an identity in one identity provider (entraID, activeDirectory, okta) and the actions it takes.</summary>
public sealed class IdentityProviderAccount
{
    public string Identifier { get; set; } = "";
    public string IdentityProvider { get; set; } = "";
    public IReadOnlyList<string> Actions { get; set; } = Array.Empty<string>();
}

/// <summary>An identity as Graph's security/identities/identityAccounts sees it.</summary>
public sealed class IdentityAccount
{
    public string Id { get; set; } = "";
    public string? UserPrincipalName { get; set; }
    public string? DisplayName { get; set; }
    public string? CloudSecurityIdentifier { get; set; }
    public bool IsEnabled { get; set; }
    public IReadOnlyList<IdentityProviderAccount> Accounts { get; set; } = Array.Empty<IdentityProviderAccount>();
    public override string ToString() => UserPrincipalName ?? DisplayName ?? Id;
}

/// <summary>
/// Graph identity accounts (v1.0 security/identities/identityAccounts): finding a user's identity by
/// UPN or Entra object id, and invokeAction on one of its accounts. Needs
/// SecurityIdentitiesActions.ReadWrite.All.
/// </summary>
public sealed class IdentityAccountActions
{
    public const string CollectionPath = "security/identities/identityAccounts";
    private readonly ApiClient _graph;

    public IdentityAccountActions(GraphConnection connection) => _graph = connection.Graph;

    /// <summary>The identity of a user given by UPN or Entra object id; 404 when Defender for Identity does not know it.</summary>
    public async Task<IdentityAccount> FindAsync(string user, CancellationToken cancellationToken)
    {
        var filter = Guid.TryParse(user, out _) ? $"cloudSecurityIdentifier eq {ODataFilter.Quote(user)}" : $"userPrincipalName eq {ODataFilter.Quote(user)}";
        var page = await _graph.GetPageAsync<JsonElement>(_graph.Url("v1.0", CollectionPath + "?$filter=" + Uri.EscapeDataString(filter)), cancellationToken).ConfigureAwait(false);
        var found = page.Value.FirstOrDefault();
        if (found.ValueKind != JsonValueKind.Object)
            throw new ServiceErrorException(HttpStatusCode.NotFound, "NotFound",
                $"No identity account for '{user}': Defender for Identity knows the users it has seen (give the UPN or the Entra object id).",
                null, null, null, null, "GET", _graph.Url("v1.0", CollectionPath), SecurityApi.Graph);
        return Account(found);
    }

    /// <summary>POST …/identityAccounts/{id}/invokeAction; answers the correlation id.</summary>
    public async Task<string?> InvokeAsync(IdentityAccount identity, IdentityProviderAccount account, string action, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object> { ["accountId"] = account.Identifier, ["action"] = action, ["identityProvider"] = account.IdentityProvider };
        var url = _graph.Url("v1.0", $"{CollectionPath}/{Uri.EscapeDataString(identity.Id)}/invokeAction");
        var result = await _graph.SendAsync<JsonElement>(HttpMethod.Post, url, body, cancellationToken, retry: RetryMode.None).ConfigureAwait(false);
        return result.StringOf("correlationId");
    }

    private static IdentityAccount Account(JsonElement json) => new IdentityAccount
    {
        Id = json.StringOf("id") ?? throw new JsonException("The identity account has no id."),
        UserPrincipalName = json.StringOf("userPrincipalName"),
        DisplayName = json.StringOf("displayName"),
        CloudSecurityIdentifier = json.StringOf("cloudSecurityIdentifier"),
        IsEnabled = !json.TryGetProperty("isEnabled", out var enabled) || enabled.ValueKind != JsonValueKind.False,
        Accounts = json.TryGetProperty("accounts", out var accounts) && accounts.ValueKind == JsonValueKind.Array
            ? accounts.EnumerateArray().Select(a => new IdentityProviderAccount
            {
                Identifier = a.StringOf("identifier") ?? "",
                IdentityProvider = a.StringOf("identityProvider") ?? "",
                Actions = a.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array
                    ? actions.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString() ?? "").ToList() : (IReadOnlyList<string>)Array.Empty<string>(),
            }).ToList()
            : (IReadOnlyList<IdentityProviderAccount>)Array.Empty<IdentityProviderAccount>(),
    };
}
