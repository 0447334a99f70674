namespace GraphSecurity.Emulator.Graph;

/// <summary>Application roles accepted per operation (reference §1.7), as comma lists for <c>CallerPrincipal.Require</c>.</summary>
public static class GraphRoles
{
    public const string IncidentRead = "SecurityIncident.Read.All,SecurityIncident.ReadWrite.All";
    public const string IncidentWrite = "SecurityIncident.ReadWrite.All";
    /// <summary>Legacy alerts, secure score and control profiles.</summary>
    public const string SecurityEventsRead = "SecurityEvents.Read.All,SecurityEvents.ReadWrite.All";
    /// <summary>Legacy alert updates, control profile updates and subscriptions on security/alerts.</summary>
    public const string SecurityEventsWrite = "SecurityEvents.ReadWrite.All";
}
