using GraphSecurity.Emulator.Arm;
using GraphSecurity.Emulator.Control;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>
/// Config file key <c>sentinel</c>: extra or replaced workspaces with their role assignments, and the
/// upload API's per-caller limit (successor-apis.md §3.4: 100 requests a minute).
/// </summary>
public sealed class SentinelSettings
{
    public List<WorkspaceEntry> Workspaces { get; set; }
    public ThrottleLimit UploadLimit { get; set; }

    public static ThrottleLimit DefaultUploadLimit() => new() { Requests = 100, WindowSeconds = 60 };

    /// <summary>{"tenantId","subscriptionId","resourceGroup","name","customerId","roles":{"app id or UPN":"Microsoft Sentinel Contributor"}}</summary>
    public sealed class WorkspaceEntry
    {
        public string TenantId { get; set; }
        public string SubscriptionId { get; set; }
        public string SubscriptionName { get; set; }
        public string ResourceGroup { get; set; }
        public string Name { get; set; }
        public string Location { get; set; }
        public string CustomerId { get; set; }
        public Dictionary<string, string> Roles { get; set; }
    }

    public static void ValidateLimit(ThrottleLimit limit)
    {
        if (limit == null || limit.Requests <= 0 || limit.WindowSeconds <= 0 || limit.Concurrency != null)
            throw new ArgumentException("Sentinel: 'uploadLimit' needs positive 'requests' and 'windowSeconds' (and no 'concurrency').");
    }

    /// <summary>
    /// <paramref name="current"/> with each configured workspace added, or replacing the one with the same
    /// customerId or resource id; validated (GUIDs, the two Sentinel roles).
    /// </summary>
    public List<SentinelWorkspace> MergeWorkspaces(List<SentinelWorkspace> current)
    {
        var merged = current.ToList();
        foreach (var e in Workspaces ?? new())
        {
            var workspace = ToWorkspace(e);
            merged.RemoveAll(w => string.Equals(w.CustomerId, workspace.CustomerId, StringComparison.OrdinalIgnoreCase) ||
                                  string.Equals(w.ResourceId, workspace.ResourceId, StringComparison.OrdinalIgnoreCase));
            merged.Add(workspace);
        }
        return merged;
    }

    private static SentinelWorkspace ToWorkspace(WorkspaceEntry e)
    {
        foreach (var (name, value) in new[] { ("tenantId", e.TenantId), ("subscriptionId", e.SubscriptionId), ("customerId", e.CustomerId) })
            if (!Guid.TryParse(value, out _)) throw new ArgumentException($"Sentinel: every workspace needs a '{name}' that is a GUID (got '{value}').");
        if (string.IsNullOrWhiteSpace(e.ResourceGroup) || string.IsNullOrWhiteSpace(e.Name))
            throw new ArgumentException("Sentinel: every workspace needs a 'resourceGroup' and a 'name'.");
        var roles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (principal, role) in e.Roles ?? new())
        {
            roles[principal] = new[] { SentinelWorkspace.Contributor, SentinelWorkspace.Reader }
                .FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Sentinel: unknown role '{role}' for '{principal}'. Known: {SentinelWorkspace.Contributor}, {SentinelWorkspace.Reader}.");
        }
        return new SentinelWorkspace
        {
            TenantId = e.TenantId.ToLowerInvariant(), SubscriptionId = e.SubscriptionId.ToLowerInvariant(), SubscriptionName = e.SubscriptionName ?? e.SubscriptionId,
            ResourceGroup = e.ResourceGroup, Name = e.Name, Location = e.Location ?? "westeurope", CustomerId = e.CustomerId.ToLowerInvariant(), Roles = roles,
        };
    }
}
