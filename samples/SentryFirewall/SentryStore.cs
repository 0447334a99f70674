using GraphSecurity.ProviderKit;
using GraphSecurity.ProviderKit.Models;
using GraphSecurity.ProviderKit.Notifications;
using GraphSecurity.ProviderKit.Query;

namespace SentryFirewall;

/// <summary>An address on a tenant's block list.</summary>
public sealed record BlockEntry(string TenantId, string IpAddress, DateTimeOffset BlockedDateTime, string ActionId);

/// <summary>The outcome of appending log lines: what was taken, what was refused and why, which alerts it raised.</summary>
public sealed record LogResult(int Accepted, IReadOnlyList<RejectedLine> Rejected, IReadOnlyList<string> Created, IReadOnlyList<string> Updated);

public sealed record RejectedLine(int Line, string Text, string Reason);

/// <summary>
/// The firewall's own store: its event log per tenant, the alerts its rules raised, and its block list. It is the
/// provider's data source; it runs the query options itself so the <c>--break</c> variants can get them wrong.
/// </summary>
public sealed class SentryStore : IQueryableProviderDataSource
{
    public const int MaxLineLength = 2048;

    private readonly SentryOptions _options;
    private readonly IProviderNotifier _notifier;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<FirewallEvent>> _events = new();
    private readonly Dictionary<(string Tenant, string Id), ProviderAlert> _alerts = new();
    private readonly Dictionary<string, int> _eventCounts = new();
    private readonly Dictionary<(string Tenant, string Ip), BlockEntry> _blocked = new();

    public SentryStore(SentryOptions options, IProviderNotifier notifier)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _notifier = notifier;
        Actions = new[]
        {
            new ProviderActionDefinition("blockIp", new[] { "ipAddress" }, BlockAsync) { ValidateParameter = ValidateAddress },
            new ProviderActionDefinition("unblockIp", new[] { "ipAddress" }, UnblockAsync) { ValidateParameter = ValidateAddress },
        };
        if (!string.IsNullOrEmpty(options.SeedLog)) Seed(options.SeedLog);
    }

    public IReadOnlyList<ProviderActionDefinition> Actions { get; }

    private DateTimeOffset Now => _options.Clock.GetUtcNow();

    private void Seed(string path)
    {
        var lines = File.ReadAllLines(path);
        var shift = FirewallLog.SeedShift(lines, Now);
        var events = new List<FirewallEvent>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!FirewallLog.IsContent(lines[i])) continue;
            events.Add(FirewallLog.Parse(lines[i], _options.ConsentedTenants[0], shift, out var error)
                ?? throw new InvalidOperationException($"{path} line {i + 1}: {error}."));
        }
        lock (_gate)
        {
            foreach (var tenant in events.GroupBy(e => e.TenantId))
            {
                _events[tenant.Key] = tenant.ToList();
                foreach (var found in Detector.Run(_events[tenant.Key]))
                {
                    // A seeded alert was raised half a minute after its last event.
                    var alert = found.Alert;
                    alert.CreatedDateTime = alert.LastModifiedDateTime = found.LastEvent.AddSeconds(30);
                    _alerts[(tenant.Key, found.Id)] = alert;
                    _eventCounts[found.Id] = found.EventCount;
                }
            }
        }
    }

    /// <summary>Appends log lines and runs the rules: new episodes raise alerts, grown ones update theirs (both notified).</summary>
    public LogResult Append(IReadOnlyList<string> lines, string defaultTenant)
    {
        var rejected = new List<RejectedLine>();
        var accepted = new List<FirewallEvent>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!FirewallLog.IsContent(line)) continue;
            if (line.Length > MaxLineLength) { rejected.Add(new RejectedLine(i + 1, line[..80] + "...", $"longer than {MaxLineLength} characters")); continue; }
            var e = FirewallLog.Parse(line.Trim(), defaultTenant, TimeSpan.Zero, out var error);
            if (e != null && !_options.ConsentedTenants.Contains(e.TenantId)) error = $"the tenant {e.TenantId} is not served by this firewall";
            if (error != null) rejected.Add(new RejectedLine(i + 1, line, error));
            else accepted.Add(e);
        }
        var created = new List<ProviderAlert>();
        var updated = new List<ProviderAlert>();
        lock (_gate)
        {
            foreach (var tenant in accepted.GroupBy(e => e.TenantId))
            {
                if (!_events.TryGetValue(tenant.Key, out var log)) _events[tenant.Key] = log = new List<FirewallEvent>();
                log.AddRange(tenant);
                foreach (var found in Detector.Run(log))
                {
                    var key = (tenant.Key, found.Id);
                    if (!_alerts.TryGetValue(key, out var existing))
                    {
                        var alert = found.Alert;
                        alert.CreatedDateTime = alert.LastModifiedDateTime = Now;
                        _alerts[key] = alert;
                        created.Add(alert.Clone());
                    }
                    else if (_eventCounts[found.Id] != found.EventCount)
                    {
                        // The episode grew: refresh what the rule says, keep what analysts set.
                        existing.Title = found.Alert.Title;
                        existing.Description = found.Alert.Description;
                        existing.Severity = found.Alert.Severity;
                        existing.NetworkConnections = found.Alert.NetworkConnections;
                        existing.UserStates = found.Alert.UserStates;
                        existing.LastModifiedDateTime = Now;
                        updated.Add(existing.Clone());
                    }
                    _eventCounts[found.Id] = found.EventCount;
                }
            }
        }
        foreach (var alert in created) _notifier?.AlertCreated(alert.AzureTenantId, Output(alert));
        foreach (var alert in updated) _notifier?.AlertUpdated(alert.AzureTenantId, Output(alert));
        return new LogResult(accepted.Count, rejected, created.Select(a => a.Id).ToList(), updated.Select(a => a.Id).ToList());
    }

    /// <summary>Every tenant's alerts as stored (for <c>GET /firewall/alerts</c>).</summary>
    public IReadOnlyList<ProviderAlert> RawAlerts()
    {
        lock (_gate) return _alerts.Values.Select(a => a.Clone()).OrderBy(a => a.AzureTenantId, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<BlockEntry> BlockList(string tenantId)
    {
        lock (_gate) return _blocked.Values.Where(b => tenantId == null || b.TenantId == tenantId).OrderBy(b => b.BlockedDateTime).ThenBy(b => b.IpAddress, StringComparer.Ordinal).ToList();
    }

    public ValueTask<bool> IsTenantConsentedAsync(string tenantId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_options.ConsentedTenants.Contains(tenantId, StringComparer.OrdinalIgnoreCase));

    public ValueTask<IReadOnlyList<ProviderAlert>> ListAlertsAsync(string tenantId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ProviderAlert>>(Snapshot(tenantId));

    public ValueTask<AlertPage> QueryAlertsAsync(string tenantId, ProviderQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        IEnumerable<ProviderAlert> alerts = Snapshot(tenantId);
        if (!_options.Has(BreakRules.IgnoreFilter)) alerts = alerts.Where(query.Matches);
        alerts = _options.Has(BreakRules.WrongOrder)
            ? alerts.OrderBy(a => a.CreatedDateTime).ThenBy(a => a.Id, StringComparer.Ordinal)
            : query.Sort(alerts);
        var matching = alerts.ToList();
        AlertPage page;
        if (_options.Has(BreakRules.IgnoreTop)) page = new AlertPage(matching.Skip(query.Skip).ToList(), false);
        else if (_options.Has(BreakRules.NoPaging)) page = new AlertPage(matching.Skip(query.Skip).Take(query.Top).ToList(), false);
        else page = new AlertPage(matching.Skip(query.Skip).Take(query.Top).ToList(), (long)query.Skip + query.Top < matching.Count);
        return ValueTask.FromResult(page);
    }

    public ValueTask<ProviderAlert> GetAlertAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        lock (_gate) return ValueTask.FromResult(_alerts.TryGetValue((tenantId, id), out var alert) ? Output(alert) : null);
    }

    public ValueTask<ProviderAlert> UpdateAlertAsync(string tenantId, string id, AlertUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate)
        {
            if (!_alerts.TryGetValue((tenantId, id), out var alert)) return ValueTask.FromResult<ProviderAlert>(null);
            update.ApplyTo(alert, Now);
            return ValueTask.FromResult(Output(alert));
        }
    }

    private List<ProviderAlert> Snapshot(string tenantId)
    {
        lock (_gate) return _alerts.Where(p => p.Key.Tenant == tenantId).Select(p => Output(p.Value)).ToList();
    }

    /// <summary>A copy as served; the foreign-vendor variant claims to be another vendor's product.</summary>
    private ProviderAlert Output(ProviderAlert alert)
    {
        var copy = alert.Clone();
        if (_options.Has(BreakRules.ForeignVendor))
            copy.VendorInformation = new VendorInformation { Vendor = "Microsoft", Provider = "Windows Defender ATP", ProviderVersion = "3.0" };
        return copy;
    }

    private static string ValidateAddress(string name, string value) =>
        Addresses.Normalize(value) == null ? $"'{value}' is not an IPv4 (a.b.c.d) or IPv6 address." : null;

    private ValueTask BlockAsync(string tenantId, ProviderSecurityAction action, CancellationToken cancellationToken)
    {
        var ip = Addresses.Normalize(action.Parameter("ipAddress"));
        lock (_gate) _blocked.TryAdd((tenantId, ip), new BlockEntry(tenantId, ip, Now, action.Id));
        return ValueTask.CompletedTask;
    }

    private ValueTask UnblockAsync(string tenantId, ProviderSecurityAction action, CancellationToken cancellationToken)
    {
        var ip = Addresses.Normalize(action.Parameter("ipAddress"));
        lock (_gate)
        {
            if (!_blocked.Remove((tenantId, ip)))
                throw new ActionFailedException("notBlocked", $"{ip} is not on the block list.");
        }
        return ValueTask.CompletedTask;
    }
}
