using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph;

/// <summary>
/// The permission table of the reference (§1.7) and the checks behind <see cref="GraphPrincipal.Require"/>.
/// The same permission names serve as application roles (<c>roles</c>) and delegated scopes (<c>scp</c>).
/// Each constant lists the accepted permissions, least privileged first, as a comma list (the 403 text quotes it).
/// </summary>
public static class Permissions
{
    public const string LegacyAlertRead = "SecurityEvents.Read.All,SecurityEvents.ReadWrite.All";
    public const string LegacyAlertWrite = "SecurityEvents.ReadWrite.All";
    public const string AlertRead = GraphPrincipal.AlertReadRoles;
    public const string AlertWrite = GraphPrincipal.AlertWriteRoles;
    public const string IncidentRead = "SecurityIncident.Read.All,SecurityIncident.ReadWrite.All";
    public const string IncidentWrite = "SecurityIncident.ReadWrite.All";
    public const string TiIndicators = "ThreatIndicators.ReadWrite.OwnedBy";
    public const string SecurityActionRead = "SecurityActions.Read.All,SecurityActions.ReadWrite.All";
    public const string SecurityActionWrite = "SecurityActions.ReadWrite.All";
    public const string SecureScoreRead = "SecurityEvents.Read.All,SecurityEvents.ReadWrite.All";
    public const string SecureScoreWrite = "SecurityEvents.ReadWrite.All";
    public const string Hunting = "ThreatHunting.Read.All";
    public const string AlertSubscription = "SecurityEvents.ReadWrite.All";

    /// <summary>
    /// Throws the Graph 403 unless the caller holds one of <paramref name="accepted"/>.
    /// App tokens are checked against <c>roles</c>. User tokens are checked against <c>scp</c>, and the user must
    /// also hold a security directory role: any of <see cref="DirectoryRoles.Readers"/> to read, or of
    /// <see cref="DirectoryRoles.Writers"/> when every accepted permission is a ReadWrite one (a write operation).
    /// </summary>
    public static void Require(GraphPrincipal principal, string accepted)
    {
        var list = accepted.Split(',');
        if (!principal.IsDelegated)
        {
            if (principal.Roles.Any(r => list.Contains(r, StringComparer.Ordinal))) return;
            throw GraphError.Forbidden(
                $"Missing application roles. API required roles: {accepted}, application roles: {string.Join(",", principal.Roles)}.");
        }
        if (!principal.Scopes.Any(s => list.Contains(s, StringComparer.OrdinalIgnoreCase)))
            throw GraphError.Forbidden(
                $"Missing scope permissions on the request. API requires one of '{string.Join(", ", list)}'. Scopes on the request '{string.Join(", ", principal.Scopes)}'");
        var write = list.All(p => p.Contains(".ReadWrite.", StringComparison.Ordinal));
        var roles = write ? DirectoryRoles.Writers : DirectoryRoles.Readers;
        if (!principal.UserRoles.Any(r => roles.Contains(r, StringComparer.OrdinalIgnoreCase)))
            throw GraphError.Forbidden(
                $"The signed-in user '{principal.UserPrincipalName}' does not hold a directory role that allows this operation. Required one of: {string.Join(", ", roles)}.");
    }

    /// <summary>For application-only APIs (security actions): a user token gets 403 whatever its scopes, an app token is checked as usual.</summary>
    public static void RequireApplication(GraphPrincipal principal, string accepted)
    {
        if (principal.IsDelegated)
            throw GraphError.Forbidden(
                $"This API does not support delegated permissions. API required application roles: {accepted}.");
        Require(principal, accepted);
    }
}
