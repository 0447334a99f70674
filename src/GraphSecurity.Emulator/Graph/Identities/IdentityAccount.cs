using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Identity;
using P = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Graph.Identities.IdentityAccount>;

namespace GraphSecurity.Emulator.Graph.Identities;

/// <summary>One account of an identity in one identity provider, and the actions that provider takes on it.</summary>
public sealed record ProviderAccount(string Identifier, string IdentityProvider, IReadOnlyList<string> Actions);

/// <summary>An invokeAction as recorded (the control view lists them).</summary>
public sealed record IdentityActionRecord(string Action, string IdentityProvider, string AccountId, string CorrelationId, DateTimeOffset DateTime, string Requestor);

/// <summary>
/// A microsoft.graph.security.user of security/identities/identityAccounts: a user of the alerts' seed pool
/// (hybrid: an Entra ID and an Active Directory account) or a named directory user (Entra ID only). The facts
/// are fixed; what invokeAction changes is kept under the account's own lock.
/// </summary>
public sealed class IdentityAccount
{
    public const string EntraId = "entraID";
    public const string ActiveDirectory = "activeDirectory";
    public const string Okta = "okta";

    /// <summary>Which providers take which action (successor-apis.md: forcePasswordReset only on-premises, and so on).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ProvidersOfAction = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["disable"] = new[] { EntraId, ActiveDirectory, Okta },
        ["enable"] = new[] { EntraId, ActiveDirectory, Okta },
        ["forcePasswordReset"] = new[] { ActiveDirectory },
        ["revokeAllSessions"] = new[] { EntraId, Okta },
        ["requireUserToSignInAgain"] = new[] { EntraId },
        ["markUserAsCompromised"] = new[] { EntraId },
    };

    public static readonly string[] Providers = { EntraId, ActiveDirectory, Okta };

    private readonly object _lock = new();
    private readonly HashSet<string> _disabledIn = new(StringComparer.Ordinal);
    private readonly List<IdentityActionRecord> _actions = new();

    public string Id { get; init; }
    public string DisplayName { get; init; }
    public string Domain { get; init; }
    public string CloudSecurityIdentifier { get; init; }
    public string OnPremisesSecurityIdentifier { get; init; }
    public string UserPrincipalName { get; init; }
    public IReadOnlyList<ProviderAccount> Accounts { get; init; }

    public DateTimeOffset? SessionsRevokedDateTime { get; private set; }
    public DateTimeOffset? SignInRequiredDateTime { get; private set; }
    public bool PasswordResetRequired { get; private set; }
    public bool Compromised { get; private set; }

    /// <summary>False while the account is disabled in any provider.</summary>
    public bool IsEnabled { get { lock (_lock) return _disabledIn.Count == 0; } }

    public IReadOnlyList<IdentityActionRecord> Actions { get { lock (_lock) return _actions.ToList(); } }

    /// <summary>A seed pool user: one account in Entra ID (its object id) and one in Active Directory (its SID).</summary>
    public static IdentityAccount Hybrid(string tenantId, string domain, SeedUser u) => new()
    {
        Id = AppRegistration.DeterministicGuid("identity:" + tenantId + ":" + u.Upn.ToLowerInvariant()).ToString(),
        DisplayName = u.DisplayName,
        Domain = domain,
        CloudSecurityIdentifier = u.AadId,
        OnPremisesSecurityIdentifier = u.Sid,
        UserPrincipalName = u.Upn,
        Accounts = new[] { Account(u.AadId, EntraId), Account(u.Sid, ActiveDirectory) },
    };

    /// <summary>A named directory user (ada@…): cloud only.</summary>
    public static IdentityAccount CloudOnly(string tenantId, string domain, UserAccount u) => new()
    {
        Id = AppRegistration.DeterministicGuid("identity:" + tenantId + ":" + u.UserPrincipalName.ToLowerInvariant()).ToString(),
        DisplayName = u.DisplayName,
        Domain = domain,
        CloudSecurityIdentifier = u.ObjectId(tenantId),
        UserPrincipalName = u.UserPrincipalName,
        Accounts = new[] { Account(u.ObjectId(tenantId), EntraId) },
    };

    private static ProviderAccount Account(string identifier, string provider) =>
        new(identifier, provider, ProvidersOfAction.Where(kv => kv.Value.Contains(provider)).Select(kv => kv.Key).ToList());

    /// <summary>Applies a checked action: disable/enable change <see cref="IsEnabled"/>, the others are recorded as flags.</summary>
    public void Apply(IdentityActionRecord action)
    {
        lock (_lock)
        {
            switch (action.Action)
            {
                case "disable": _disabledIn.Add(action.IdentityProvider); break;
                case "enable": _disabledIn.Remove(action.IdentityProvider); break;
                case "revokeAllSessions": SessionsRevokedDateTime = action.DateTime; break;
                case "requireUserToSignInAgain": SignInRequiredDateTime = action.DateTime; break;
                case "forcePasswordReset": PasswordResetRequired = true; break;
                case "markUserAsCompromised": Compromised = true; break;
            }
            _actions.Add(action);
        }
    }
}

/// <summary>The properties of microsoft.graph.security.user and the ones $filter takes.</summary>
public static class IdentityAccountSchema
{
    public static readonly EntitySchema Entity = new("microsoft.graph.security.user", "identityAccounts", new[]
    {
        P.S("id", a => a.Id, filterable: true),
        P.S("displayName", a => a.DisplayName),
        P.S("domain", a => a.Domain),
        P.S("cloudSecurityIdentifier", a => a.CloudSecurityIdentifier, filterable: true),
        P.S("onPremisesSecurityIdentifier", a => a.OnPremisesSecurityIdentifier, filterable: true),
        P.B("isEnabled", a => a.IsEnabled),
        P.S("emailAddress", a => a.UserPrincipalName),
        P.S("userPrincipalName", a => a.UserPrincipalName, filterable: true),
        P.J("accounts", a => new JsonArray(a.Accounts.Select(x => (JsonNode)new JsonObject
        {
            ["identifier"] = x.Identifier,
            ["identityProvider"] = x.IdentityProvider,
            ["actions"] = new JsonArray(x.Actions.Select(n => (JsonNode)n).ToArray()),
        }).ToArray())),
    });

    public static readonly Query.QueryRules Rules = new(Entity, 1000) { AllowOrderBy = false, AllowSelect = false, DefaultTop = 100 };
}

/// <summary>Every tenant's identity accounts: its seed pool users, then its named directory users.</summary>
public sealed class IdentityAccountStore
{
    private readonly Dictionary<string, IReadOnlyList<IdentityAccount>> _byTenant = new(StringComparer.OrdinalIgnoreCase);

    public IdentityAccountStore(SeedPools pools, TenantDirectory directory)
    {
        foreach (var t in directory.Tenants)
            _byTenant[t.Id] = pools.For(t.Id).Users.Select(u => IdentityAccount.Hybrid(t.Id, t.Domain, u))
                .Concat(t.Users.Select(u => IdentityAccount.CloudOnly(t.Id, t.Domain, u))).ToList();
    }

    public IReadOnlyList<IdentityAccount> Of(string tenantId) => _byTenant.TryGetValue(tenantId, out var a) ? a : Array.Empty<IdentityAccount>();

    public IdentityAccount Find(string tenantId, string id) => Of(tenantId).FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase));
}
