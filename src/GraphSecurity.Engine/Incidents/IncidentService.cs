using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;
using GraphSecurity.Engine.Triage;

namespace GraphSecurity.Engine.Incidents;

/// <summary>The fields Set-GsIncident may change; null means "leave as is".</summary>
public sealed class IncidentUpdate : TriageUpdate
{
    public IncidentStatus? Status { get; set; }
    /// <summary>Replaces the custom tags (an empty list removes them all).</summary>
    public IList<string>? CustomTags { get; set; }

    protected override void AddStatus(Dictionary<string, object?> body)
    {
        if (Status.HasValue) body["status"] = GraphJson.ToWire(Status.Value);
    }

    protected override void AddOthers(Dictionary<string, object?> body)
    {
        if (CustomTags != null) body["customTags"] = CustomTags.ToArray();
    }
}

/// <summary>
/// incidents (v1.0). Pages hold at most 50 incidents. With $expand=alerts, a 5xx answer (seen on
/// large tenants) makes the reader fetch that page and every later one without $expand, and read
/// each incident's alerts from /incidents/{id}/alerts instead.
/// </summary>
public sealed class IncidentService : EntityService<Incident>
{
    public const string CollectionPath = "security/incidents";
    public const int MaxPageSize = 50;
    public const string AlertsNavigation = "alerts";
    /// <summary>At most this many incidents' alerts are fetched at once in the fallback.</summary>
    private const int FallbackConcurrency = 4;

    public IncidentService(ApiClient graph) : base(graph, "v1.0", CollectionPath) { }

    public override PageReader<Incident> List(CollectionQuery query)
    {
        var reader = base.List(query);
        if (query.Expand == AlertsNavigation) reader.FetchPage = new ExpandFallback(this).FetchAsync;
        return reader;
    }

    public override async Task<Incident> GetAsync(string id, CancellationToken cancellationToken, string? expand = null)
    {
        if (expand != AlertsNavigation) return await base.GetAsync(id, cancellationToken, expand).ConfigureAwait(false);
        // A 5xx is not retried: reading the parts separately is the better second try.
        try { return await Graph.SendForItemAsync<Incident>(HttpMethod.Get, ItemUrl(id, "?$expand=" + AlertsNavigation), null, cancellationToken, retry: RetryMode.NotRepeatable).ConfigureAwait(false); }
        catch (ServiceErrorException ex) when (expand == AlertsNavigation && IsServerFailure(ex))
        {
            EngineLogScope.Current.Verbose($"$expand=alerts failed ({(int)ex.StatusCode}); reading incident {id} and its alerts separately.");
            var incident = await base.GetAsync(id, cancellationToken).ConfigureAwait(false);
            await FillAlertsAsync(incident, cancellationToken).ConfigureAwait(false);
            return incident;
        }
    }

    /// <summary>Every alert of one incident (GET /security/incidents/{id}/alerts, all pages).</summary>
    public async Task FillAlertsAsync(Incident incident, CancellationToken cancellationToken)
    {
        var alerts = new List<Alert>();
        var reader = new PageReader<Alert>(Graph, ItemUrl(incident.Id, "/alerts"));
        await reader.ReadAsync(null, true, (page, _) => { alerts.AddRange(page); return Task.CompletedTask; }, cancellationToken).ConfigureAwait(false);
        incident.Alerts = new ValueList<Alert>(alerts);
    }

    public Task<Incident?> UpdateAsync(string id, IncidentUpdate update, CancellationToken cancellationToken) =>
        UpdateAsync(id, update.ToBody(), cancellationToken);

    internal static bool IsServerFailure(ServiceErrorException ex) => ex.StatusCode >= HttpStatusCode.InternalServerError;

    private static readonly char[] QuerySeparator = { '&' };

    /// <summary>Drops "$expand=alerts" from a page URL (first page or nextLink).</summary>
    internal static Uri WithoutExpand(Uri url)
    {
        var builder = new UriBuilder(url);
        var kept = builder.Query.TrimStart('?').Split(QuerySeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !Uri.UnescapeDataString(p).StartsWith("$expand=", StringComparison.OrdinalIgnoreCase));
        builder.Query = string.Join("&", kept);
        return builder.Uri;
    }

    private sealed class ExpandFallback
    {
        private readonly IncidentService _service;
        private bool _fallenBack;

        public ExpandFallback(IncidentService service) { _service = service; }

        public async Task<ODataPage<Incident>> FetchAsync(Uri url, CancellationToken cancellationToken)
        {
            if (!_fallenBack)
            {
                // A 5xx is not retried: the fallback is the better second try.
                try { return await _service.Graph.GetPageAsync<Incident>(url, cancellationToken, RetryMode.NotRepeatable).ConfigureAwait(false); }
                catch (ServiceErrorException ex) when (IsServerFailure(ex))
                {
                    _fallenBack = true;
                    EngineLogScope.Current.Verbose($"$expand=alerts failed ({(int)ex.StatusCode} {ex.Code}); reading incidents without it and each incident's alerts separately.");
                }
            }
            var page = await _service.Graph.GetPageAsync<Incident>(WithoutExpand(url), cancellationToken).ConfigureAwait(false);
            using (var slots = new SemaphoreSlim(FallbackConcurrency))
            {
                await Task.WhenAll(page.Value.Select(async incident =>
                {
                    await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try { await _service.FillAlertsAsync(incident, cancellationToken).ConfigureAwait(false); }
                    finally { slots.Release(); }
                })).ConfigureAwait(false);
            }
            return page;
        }
    }
}
