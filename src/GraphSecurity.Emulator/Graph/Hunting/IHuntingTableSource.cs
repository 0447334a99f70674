using GraphSecurity.Emulator.Graph.Hunting.Kql;

namespace GraphSecurity.Emulator.Graph.Hunting;

/// <summary>
/// Tables another module adds to advanced hunting (e.g. Sentinel's threat-intelligence tables), registered
/// as a service; runHuntingQuery asks each for a name the alert tables do not have.
/// </summary>
public interface IHuntingTableSource
{
    /// <summary>The table of the caller's tenant with rows in [from, to], or null when the name is not one of this source's.</summary>
    KqlTable Build(string name, string tenantId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now);
}
