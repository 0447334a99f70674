using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.ThreatIntelligence;

namespace GraphSecurity.Commands.ThreatIntelligence;

/// <summary>
/// <para type="synopsis">Gets Defender Threat Intelligence about hosts (reputation, WHOIS, resolutions, components), or enriches piped alerts' IP and URL evidence.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GsThreatIntelligence", DefaultParameterSetName = HostSet)]
[GraphPermission(GsThreatIntelligenceCmdlet.Api, GsThreatIntelligenceCmdlet.Permission, NotServedIn = new[] { "USGov", "USGovDoD", "China" })]
[OutputType(typeof(ThreatIntelligenceHost), ParameterSetName = new[] { HostSet, UrlSet })]
[OutputType(typeof(IndicatorEnrichment), ParameterSetName = new[] { AlertSet })]
public sealed class GetGsThreatIntelligenceCommand : GsThreatIntelligenceCmdlet
{
    private const string HostSet = "Host";
    private const string UrlSet = "Url";
    private const string AlertSet = "Alert";

    /// <summary>Host names or IP addresses to look up.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = HostSet)]
    [Alias("Host", "IpAddress", "Domain")]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, 253)]
    [ValidateText(SingleLine = true)]
    public string[] HostName { get; set; }

    /// <summary>URLs whose host to look up.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UrlSet)]
    [ValidateNotNullOrEmpty]
    [ValidateText(SingleLine = true)]
    public string[] Url { get; set; }

    /// <summary>Alerts (from Get-GsAlert) whose IP and URL evidence to enrich.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AlertSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Alert[] Alert { get; set; }

    /// <summary>Only the reputation of each host (one request per host instead of five).</summary>
    [Parameter(ParameterSetName = HostSet)]
    [Parameter(ParameterSetName = UrlSet)]
    public SwitchParameter ReputationOnly { get; set; }

    // Per connection, the distinct indicators seen so far (in order) with the alerts that carry them.
    private readonly Dictionary<string, (GraphConnection Connection, Dictionary<string, (EvidenceIndicator Indicator, List<string> AlertIds)> Seen)> _enrichment =
        new Dictionary<string, (GraphConnection, Dictionary<string, (EvidenceIndicator, List<string>)>)>(StringComparer.OrdinalIgnoreCase);

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case AlertSet: Collect(); break;
            case UrlSet: LookUp(Url.Select(u => (Input: u, Host: UrlHost(u))).Where(x => x.Host != null).ToList()); break;
            default: LookUp(HostName.Select(h => (Input: h, Host: HostId(h))).Where(x => x.Host != null).ToList()); break;
        }
    }

    private string HostId(string text)
    {
        var host = EvidenceIndicator.ForHost(text).Host;
        if (host.Length > 0 && Uri.CheckHostName(host) != UriHostNameType.Unknown) return host;
        WriteError(ErrorRecords.Argument(ErrorIds.InvalidArgument, $"-HostName '{text}' is not a host name or an IP address. Nothing was sent for it.", text,
            "Give a host name (contoso.com) or an IP address; for a URL use -Url."));
        return null;
    }

    private string UrlHost(string text)
    {
        var indicator = EvidenceIndicator.FromUrl(text);
        if (indicator != null) return indicator.Host;
        WriteError(ErrorRecords.Argument(ErrorIds.InvalidArgument, $"-Url '{text}' is not an absolute http or https URL. Nothing was sent for it.", text,
            "Give the whole URL, e.g. https://contoso.com/path; for a host use -Host."));
        return null;
    }

    private void LookUp(IReadOnlyList<(string Input, string Host)> hosts)
    {
        foreach (var connection in GraphConnections)
        {
            var service = new ThreatIntelligenceService(connection.Graph);
            foreach (var (input, host) in hosts)
                ForInput(input, connection, () =>
                {
                    var found = Run(async token =>
                    {
                        if (!ReputationOnly) return await service.GetHostDetailsAsync(host, token).ConfigureAwait(false);
                        var reputation = await service.GetReputationAsync(host, token).ConfigureAwait(false);
                        return reputation == null ? null : new ThreatIntelligenceHost
                        {
                            Id = host,
                            Kind = ThreatIntelligenceService.IsIpAddress(host) ? "IpAddress" : "Hostname",
                            Reputation = reputation,
                        };
                    });
                    if (found == null)
                    {
                        WriteError(ErrorRecords.Create(new ItemNotFoundException($"Defender Threat Intelligence has no host '{host}'."), ErrorIds.ThreatIntelligenceHostNotFound,
                            ErrorCategory.ObjectNotFound, input, $"Defender Threat Intelligence has no host '{host}'.", "Check the host name or IP address."));
                        return;
                    }
                    found.ConnectionName = connection.Name;
                    WriteObject(found);
                });
        }
    }

    /// <summary>Records each indicator of the piped alerts; the lookups run when the input ends.</summary>
    private void Collect()
    {
        foreach (var connection in GraphConnections)
        {
            if (!_enrichment.TryGetValue(connection.Name, out var state))
            {
                state = (connection, new Dictionary<string, (EvidenceIndicator, List<string>)>(StringComparer.OrdinalIgnoreCase));
                _enrichment[connection.Name] = state;
            }
            foreach (var alert in Alert.Where(a => a != null))
                foreach (var indicator in EvidenceIndicator.Of(alert))
                {
                    if (!state.Seen.TryGetValue(indicator.Value, out var seen))
                    {
                        seen = (indicator, new List<string>());
                        state.Seen[indicator.Value] = seen;
                    }
                    if (alert.Id != null && !seen.AlertIds.Contains(alert.Id)) seen.AlertIds.Add(alert.Id);
                }
        }
    }

    /// <summary>
    /// Looks every distinct host up once (concurrently, within the enricher's limit) and writes one
    /// result per indicator, in the order first seen. A failed lookup is an error for its indicator;
    /// a 401 or 403 (permission, licence) stops the command, as every other lookup would fail alike.
    /// </summary>
    protected override void EndProcessing()
    {
        foreach (var (connection, seen) in _enrichment.Values)
        {
            using var enricher = new IndicatorEnricher(new ThreatIntelligenceService(connection.Graph));
            var items = seen.Values.ToList();
            var outcomes = Run(token => Task.WhenAll(items.Select(async item =>
            {
                try { return (Result: await enricher.EnrichAsync(item.Indicator, token).ConfigureAwait(false), Error: (Exception)null); }
                catch (Exception ex) when (!(ex is OperationCanceledException)) { return (Result: (IndicatorEnrichment)null, Error: ex); }
            })));
            for (int i = 0; i < items.Count; i++)
            {
                var (result, error) = outcomes[i];
                if (error is ServiceErrorException denied && ((int)denied.StatusCode == 401 || (int)denied.StatusCode == 403))
                    ThrowTerminatingError(CreateErrorRecord(error, items[i].Indicator.Value, connection));
                if (error != null)
                {
                    WriteErrorFor(error, items[i].Indicator.Value, connection);
                    continue;
                }
                result.AlertIds = new ValueList<string>(items[i].AlertIds);
                result.ConnectionName = connection.Name;
                WriteObject(result);
            }
            WriteVerbose($"Threat intelligence for connection '{connection.Name}': {items.Count} distinct indicators, {enricher.Lookups} host lookups.");
        }
        _enrichment.Clear();
    }
}
