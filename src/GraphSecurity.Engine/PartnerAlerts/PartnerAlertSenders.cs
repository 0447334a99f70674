using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Alerts;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.PartnerAlerts;

/// <summary>
/// Creates partner alerts through Graph beta createAlert (<c>POST /beta/security/alerts_v2/createAlert</c>).
/// The action has no field for the partner's own id, so the id is written as the description's last line
/// (<see cref="IdLine"/>); <see cref="LoadExistingAsync"/> reads it back from the manual alerts already
/// there, which is how a re-send is recognised and skipped.
/// </summary>
public sealed class CreateAlertSender
{
    public const string Path = "security/alerts_v2/createAlert";
    public const string IdLinePrefix = "Partner alert id: ";
    private static readonly Regex IdLineRegex = new Regex(@"(?:^|\n)" + Regex.Escape(IdLinePrefix) + @"(\S+)\s*$", RegexOptions.CultureInvariant);
    private readonly ApiClient _graph;
    private readonly HashSet<string> _existing = new HashSet<string>(StringComparer.Ordinal);

    public CreateAlertSender(ApiClient graph) { _graph = graph; }

    public static string IdLine(string alertId) => "\n\n" + IdLinePrefix + alertId;

    /// <summary>The partner alert id a description carries, or null.</summary>
    public static string? IdOf(string? description)
    {
        var m = IdLineRegex.Match(description ?? "");
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>Problems of the detection as createAlert would see it: the id line counts against the description's 5,000 characters.</summary>
    public static IReadOnlyList<string> Problems(PartnerDetection d)
    {
        var problems = d.Problems().ToList();
        if (d.Description != null && d.Description.Length <= PartnerDetection.MaxDescription &&
            d.Description.Length + IdLine(d.EffectiveAlertId).Length > PartnerDetection.MaxDescription)
            problems.Add($"its Description leaves no room for the partner alert id line (at most {PartnerDetection.MaxDescription - IdLine(d.EffectiveAlertId).Length} characters)");
        return problems;
    }

    /// <summary>Remembers the partner alert ids of the manual alerts created since <paramref name="since"/>; answers how many.</summary>
    public async Task<int> LoadExistingAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        // detectionSource is not filterable; serviceSource and createdDateTime are.
        var query = new CollectionQuery(AlertService.CollectionPath) { PageSize = 2000 }
            .Add("serviceSource eq 'microsoft365Defender'").Between("createdDateTime", since, null);
        var reader = new PageReader<Alert>(_graph, _graph.Url("v1.0", query.BuildPathAndQuery()));
        await reader.ReadAsync(null, true, (page, _) =>
        {
            foreach (var a in page.Where(a => a.DetectionSource == DetectionSource.Manual))
                if (IdOf(a.Description) is { } id) _existing.Add(id);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return _existing.Count;
    }

    /// <summary>True when an alert of this id exists (loaded, or created by this sender).</summary>
    public bool Exists(PartnerDetection d) => _existing.Contains(d.EffectiveAlertId);

    public static Dictionary<string, object?> Body(PartnerDetection d)
    {
        var input = new Dictionary<string, object?>
        {
            ["title"] = d.Title,
            ["description"] = d.Description + IdLine(d.EffectiveAlertId),
            ["category"] = PartnerDetection.CanonicalTactic(d.Category),
            ["severity"] = d.Severity?.ToString().ToLowerInvariant(),
            ["entityDefinitions"] = d.Entities.Select(e => new Dictionary<string, object?>
            {
                ["entityType"] = e.Type, ["entityIdentifier"] = e.Identifier, ["identifierValue"] = e.Value, ["role"] = e.Role,
            }).ToList(),
        };
        if (d.MitreTechniques.Count > 0) input["mitreTechniques"] = d.MitreTechniques.ToList();
        if (!Strings.IsNullOrWhiteSpace(d.RecommendedActions)) input["recommendedActions"] = d.RecommendedActions;
        if (d.LinkToIncident != null) input["linkToIncident"] = long.Parse(d.LinkToIncident, System.Globalization.CultureInfo.InvariantCulture);
        if (d.ExcludeFromCorrelation) input["isExcludedFromCorrelation"] = true;
        return new Dictionary<string, object?> { ["createAlertInput"] = input };
    }

    /// <summary>Creates the alert. A POST that may have created it is not repeated (throttling, where nothing was done, is).</summary>
    public async Task<Alert> CreateAsync(PartnerDetection d, CancellationToken cancellationToken)
    {
        var alert = await _graph.SendForItemAsync<Alert>(HttpMethod.Post, _graph.Url("beta", Path), Body(d), cancellationToken, RetryMode.NotRepeatable).ConfigureAwait(false);
        _existing.Add(d.EffectiveAlertId);
        return alert;
    }
}

/// <summary>What one Logs Ingestion request did.</summary>
public sealed class IngestionOutcome
{
    public IngestionOutcome(PackedRequest request, int attempts, int throttled, Exception? failure)
    {
        Request = request;
        Attempts = attempts;
        Throttled = throttled;
        Failure = failure;
    }

    public PackedRequest Request { get; }
    /// <summary>How many times it was sent (1 + retries).</summary>
    public int Attempts { get; }
    /// <summary>How many of those were answered 429.</summary>
    public int Throttled { get; }
    /// <summary>Null when the rows were taken (204).</summary>
    public Exception? Failure { get; }
}

/// <summary>
/// Sends packed rows to a data collection rule's stream through the Logs Ingestion API:
/// <c>POST {endpoint}/dataCollectionRules/{id}/streams/{stream}?api-version=2023-01-01</c>, 204 on success.
/// Throttling (429) is retried after Retry-After and transient failures with backoff, within the
/// connection's retry limits: a row sent twice is harmless, the analytics rule keys alerts on its AlertId.
/// After a 401, 403 or 404 the remaining requests would be refused alike, so they are not sent.
/// </summary>
public sealed class LogsIngestionSender
{
    public const string ApiVersion = "2023-01-01";
    private readonly ApiClient _api;
    private readonly RetryPolicy _retry;
    private Exception? _final;

    /// <param name="endpoint">The data collection endpoint or the rule's logsIngestion endpoint; null: the connection's Logs Ingestion URL.</param>
    public LogsIngestionSender(ApiClient api, Uri? endpoint, string dataCollectionRule, string stream, bool gzip, RetryPolicy? retry = null)
    {
        _api = api;
        _retry = retry ?? api.Retry;
        Gzip = gzip;
        var root = endpoint ?? api.BaseUrl
            ?? throw new ArgumentException("This cloud's Logs Ingestion endpoints are your own: give -Endpoint (the data collection endpoint, or the rule's logsIngestion endpoint).");
        if (!root.IsAbsoluteUri) throw new ArgumentException($"-Endpoint '{root}' is not an absolute URL.");
        var withSlash = root.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? root : new Uri(root.AbsoluteUri + "/");
        Url = new Uri(withSlash, $"dataCollectionRules/{Uri.EscapeDataString(dataCollectionRule)}/streams/{Uri.EscapeDataString(stream)}?api-version={ApiVersion}");
    }

    public Uri Url { get; }
    public bool Gzip { get; }

    public async Task<IngestionOutcome> SendAsync(PackedRequest request, CancellationToken cancellationToken)
    {
        if (_final != null) return new IngestionOutcome(request, 0, 0, _final);
        int attempts = 0, throttled = 0;
        var headers = Gzip ? new[] { new KeyValuePair<string, string>("Content-Encoding", "gzip") } : null;
        try
        {
            await _retry.RunAsync(async token =>
            {
                attempts++;
                try
                {
                    return await _api.SendRawAsync(HttpMethod.Post, Url, request.Body, "application/json", headers, token, RetryMode.None).ConfigureAwait(false);
                }
                catch (ServiceErrorException ex) when (ex.StatusCode == (HttpStatusCode)429)
                {
                    throttled++;
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
            return new IngestionOutcome(request, attempts, throttled, null);
        }
        catch (ServiceErrorException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            _final = ex;
            return new IngestionOutcome(request, attempts, throttled, ex);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException) || !cancellationToken.IsCancellationRequested)
        {
            return new IngestionOutcome(request, attempts, throttled, ex);
        }
    }
}
