using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// A Log Analytics workspace with Sentinel, named by either of its ids: the upload API wants the
/// workspace id (the customerId GUID), ARM's read and delete paths its resource id. Whichever is given,
/// the other is found through ARM when first needed (the workspace itself, or a search of the
/// caller's subscriptions for the GUID).
/// </summary>
public sealed class SentinelWorkspace
{
    private const string ArmApiVersion = "2022-10-01";
    private static readonly Regex ResourceIdPattern = new Regex(
        "^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.OperationalInsights/workspaces/[^/]+$", RegexOptions.IgnoreCase | RegexOptions.Compiled);

    private SentinelWorkspace(string? customerId, string? resourceId) { CustomerId = customerId; ResourceId = resourceId; }

    /// <summary>The workspace id (GUID), once known.</summary>
    public string? CustomerId { get; private set; }
    /// <summary>/subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/…, once known.</summary>
    public string? ResourceId { get; private set; }

    public string Name => ResourceId?.Substring(ResourceId.LastIndexOf('/') + 1) ?? CustomerId ?? "";

    /// <summary>A workspace id (GUID) or an ARM resource id; null with the reason for anything else.</summary>
    public static SentinelWorkspace? Parse(string? text, out string? reason)
    {
        reason = null;
        var value = (text ?? "").Trim().TrimEnd('/');
        if (Guid.TryParse(value, out var id)) return new SentinelWorkspace(id.ToString(), null);
        if (ResourceIdPattern.IsMatch(value)) return new SentinelWorkspace(null, value);
        reason = $"'{text}' is not a Sentinel workspace: give its workspace id (a GUID, on the workspace's overview) or its resource id " +
                 "(/subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/…).";
        return null;
    }

    /// <summary>Finds the customerId of a resource id, or the resource id of a customerId, through ARM.</summary>
    public async Task ResolveAsync(GraphConnection connection, CancellationToken cancellationToken)
    {
        if (CustomerId != null && ResourceId != null) return;
        var arm = connection.ClientFor(SecurityApi.AzureResourceManager);
        if (ResourceId != null)
        {
            var workspace = await arm.SendForItemAsync<JsonElement>(HttpMethod.Get, arm.Url($"{ResourceId.TrimStart('/')}?api-version={ArmApiVersion}"), null, cancellationToken).ConfigureAwait(false);
            CustomerId = workspace.GetProperty("properties").GetProperty("customerId").GetString();
            return;
        }
        var subscriptions = await arm.GetPageAsync<JsonElement>(arm.Url("subscriptions?api-version=2022-12-01"), cancellationToken).ConfigureAwait(false);
        foreach (var subscription in subscriptions.Value.Select(s => s.GetProperty("subscriptionId").GetString()))
        {
            var workspaces = await arm.GetPageAsync<JsonElement>(
                arm.Url($"subscriptions/{subscription}/providers/Microsoft.OperationalInsights/workspaces?api-version={ArmApiVersion}"), cancellationToken).ConfigureAwait(false);
            var match = workspaces.Value.FirstOrDefault(w => w.TryGetProperty("properties", out var p) && p.TryGetProperty("customerId", out var c) &&
                                                           string.Equals(c.GetString(), CustomerId, StringComparison.OrdinalIgnoreCase));
            if (match.ValueKind == JsonValueKind.Object)
            {
                ResourceId = match.GetProperty("id").GetString();
                return;
            }
        }
        throw new InvalidOperationException($"No workspace with id {CustomerId} is in a subscription this connection can read in Azure Resource Manager. " +
            "Give the workspace's resource id instead, or grant the connection Microsoft Sentinel Reader or Contributor on it.");
    }

    public override string ToString() => ResourceId ?? CustomerId ?? "";
}
