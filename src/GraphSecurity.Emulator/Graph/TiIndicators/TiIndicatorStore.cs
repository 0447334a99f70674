using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.TiIndicators;

/// <summary>
/// Threat indicators, kept per tenant and per creating application: an app only ever sees the
/// indicators it created (ThreatIndicators.ReadWrite.OwnedBy). Stored indicators are never modified in
/// place; updates put a changed copy, so a list can hand out references safely.
/// </summary>
public sealed class TiIndicatorStore
{
    private readonly TenantStores<JsonObject> _stores = new(i => (string)i["id"], i => (JsonObject)i.DeepClone());

    /// <summary>The indicators one app created in one tenant, in creation order.</summary>
    public EntityStore<JsonObject> For(string tenantId, string appId) => _stores.For(tenantId, appId);

    /// <summary>Removes every app's indicators in every tenant (control API); answers how many there were.</summary>
    public int Clear() => _stores.All().Sum(store => store.RemoveWhere(_ => true));
}
