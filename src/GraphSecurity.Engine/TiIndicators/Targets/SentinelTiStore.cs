using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// A Sentinel workspace's threat intelligence (successor-apis.md §3): writes through the STIX upload
/// API (100 objects a call, 100 calls a minute per caller; per-object errors by recordIndex), reads
/// through ARM's queryIndicators filtered on the module's source system, removes with ARM's DELETE.
/// Feeds withdraw indicators by uploading them revoked (<see cref="Reupload"/>).
/// </summary>
public sealed class SentinelTiStore : ITiTargetStore
{
    public const int UploadBatch = 100;
    public const string UploadApiVersion = "2024-02-01-preview";
    private const string ArmApiVersion = "2025-09-01";
    private const int ReadPage = 1000;
    private readonly GraphConnection _connection;
    private readonly ApiClient _upload;
    private readonly ApiClient _arm;
    private readonly PacedCalls _calls;

    public SentinelTiStore(GraphConnection connection, SentinelWorkspace workspace, string sourceSystem, RetryPolicy? retry = null)
    {
        _connection = connection;
        Workspace = workspace;
        SourceSystem = sourceSystem;
        _upload = connection.ClientFor(SecurityApi.SentinelThreatIntelligence);
        _arm = connection.ClientFor(SecurityApi.AzureResourceManager);
        _calls = new PacedCalls(connection, retry);
    }

    public SentinelWorkspace Workspace { get; }
    /// <summary>The upload's sourcesystem: what the module's indicators are recognised by.</summary>
    public string SourceSystem { get; }
    public TiTarget Target => TiTarget.Sentinel;
    public int MaxBatchSize => UploadBatch;
    public string Describe() => "Sentinel workspace " + Workspace.Name;

    public async Task<IReadOnlyList<TiItemOutcome>> WriteAsync(IReadOnlyList<IDictionary<string, object>> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0) return Array.Empty<TiItemOutcome>();
        if (items.Count > UploadBatch) throw new ArgumentException($"An upload carries at most {UploadBatch} objects.");
        if (Workspace.CustomerId == null) await Workspace.ResolveAsync(_connection, cancellationToken).ConfigureAwait(false);
        var url = _upload.Url($"workspaces/{Workspace.CustomerId}/threat-intelligence-stix-objects:upload?api-version={UploadApiVersion}");
        var body = new Dictionary<string, object> { ["sourcesystem"] = SourceSystem, ["stixobjects"] = items.ToList() };
        string? answer;
        try
        {
            var raw = await _calls.SendAsync(RateLimit.SentinelUpload,
                token => _upload.SendRawAsync(HttpMethod.Post, url, JsonSerializer.SerializeToUtf8Bytes(body), "application/json", null, token, RetryMode.None), cancellationToken).ConfigureAwait(false);
            answer = raw.Body.Length > 0 ? raw.Text : null;
        }
        catch (ServiceErrorException ex) when (ex.StatusCode == HttpStatusCode.BadRequest && ex.Body != null && ex.Body.IndexOf("recordIndex", StringComparison.Ordinal) >= 0)
        {
            answer = ex.Body; // every object refused: 400 with the same errors list
        }
        return Outcomes(answer, items);
    }

    /// <summary>One outcome per object: refused when the answer's errors name its recordIndex.</summary>
    private List<TiItemOutcome> Outcomes(string? answer, IReadOnlyList<IDictionary<string, object>> items)
    {
        var errors = new Dictionary<int, string>();
        if (answer != null && answer.Trim().Length > 0)
        {
            using (var json = JsonDocument.Parse(answer))
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
                    foreach (var error in list.EnumerateArray())
                    {
                        if (!error.TryGetProperty("recordIndex", out var index) || !index.TryGetInt32(out var i)) continue;
                        var messages = error.TryGetProperty("errorMessages", out var m) && m.ValueKind == JsonValueKind.Array
                            ? m.EnumerateArray().Select(x => x.GetString()) : Enumerable.Empty<string?>();
                        errors[i] = string.Join(" ", messages.Where(x => !string.IsNullOrEmpty(x)));
                    }
        }
        return items.Select((item, i) => errors.TryGetValue(i, out var why)
            ? TiItemOutcome.Failure(400, why.Length > 0 ? why : "Sentinel refused the object.")
            : TiItemOutcome.Success(new TiIndicator { Id = IdOf(item), StixId = Text(item, "id"), Target = Target })).ToList();
    }

    /// <summary>The ARM name of an uploaded object: the UUID of its STIX id.</summary>
    private static string? IdOf(IDictionary<string, object> item)
    {
        var stixId = Text(item, "id");
        var at = stixId?.IndexOf("--", StringComparison.Ordinal) ?? -1;
        return at > 0 ? stixId!.Substring(at + 2) : stixId;
    }

    private static string? Text(IDictionary<string, object> body, string key) => body.TryGetValue(key, out var v) ? v as string : null;

    /// <summary>queryIndicators over the module's source system, revoked ones included (a feed may bring them back).</summary>
    public Task ReadAsync(Func<IReadOnlyList<TiIndicator>, Task> onPage, CancellationToken cancellationToken) =>
        QueryAsync(new Dictionary<string, object> { ["sources"] = new[] { SourceSystem }, ["includeDisabled"] = true }, onPage, cancellationToken);

    /// <summary>Every indicator of the workspace, whoever uploaded it (Get-GsTiIndicator).</summary>
    public Task ReadEveryAsync(Func<IReadOnlyList<TiIndicator>, Task> onPage, CancellationToken cancellationToken) =>
        QueryAsync(new Dictionary<string, object> { ["includeDisabled"] = true }, onPage, cancellationToken);

    private async Task QueryAsync(Dictionary<string, object> query, Func<IReadOnlyList<TiIndicator>, Task> onPage, CancellationToken cancellationToken)
    {
        await Workspace.ResolveAsync(_connection, cancellationToken).ConfigureAwait(false);
        query["pageSize"] = ReadPage;
        Uri? next = _arm.Url($"{IndicatorsPath}/queryIndicators?api-version={ArmApiVersion}");
        while (next != null)
        {
            var page = await _arm.SendForItemAsync<JsonElement>(HttpMethod.Post, next, query, cancellationToken, RetryMode.Repeatable).ConfigureAwait(false);
            var value = page.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(StixIndicatorMapping.FromArm).ToList() : new List<TiIndicator>();
            await onPage(value).ConfigureAwait(false);
            next = page.TryGetProperty("nextLink", out var link) && link.ValueKind == JsonValueKind.String ? new Uri(link.GetString()!) : null;
        }
    }

    private string IndicatorsPath => Workspace.ResourceId!.TrimStart('/') + "/providers/Microsoft.SecurityInsights/threatIntelligence/main";

    public async Task<IReadOnlyList<TiItemOutcome>> RemoveAsync(IReadOnlyList<TiIndicator> indicators, CancellationToken cancellationToken)
    {
        await Workspace.ResolveAsync(_connection, cancellationToken).ConfigureAwait(false);
        var outcomes = new List<TiItemOutcome>();
        foreach (var indicator in indicators)
        {
            try
            {
                await _arm.SendAsync<object>(HttpMethod.Delete, _arm.Url($"{IndicatorsPath}/indicators/{Uri.EscapeDataString(indicator.Id ?? "")}?api-version={ArmApiVersion}"),
                    null, cancellationToken).ConfigureAwait(false);
                outcomes.Add(TiItemOutcome.Success(null));
            }
            catch (ServiceErrorException ex) when (ex.StatusCode != HttpStatusCode.Unauthorized)
            {
                outcomes.Add(ex.StatusCode == HttpStatusCode.NotFound ? TiItemOutcome.Success(null, "already gone") : TiItemOutcome.Failure((int)ex.StatusCode, ex.ServiceMessage ?? ex.Message));
            }
        }
        return outcomes;
    }

    public async Task<TiIndicator> GetAsync(string id, CancellationToken cancellationToken)
    {
        await Workspace.ResolveAsync(_connection, cancellationToken).ConfigureAwait(false);
        var name = id.StartsWith("indicator--", StringComparison.Ordinal) ? id.Substring("indicator--".Length) : id;
        var item = await _arm.SendForItemAsync<JsonElement>(HttpMethod.Get, _arm.Url($"{IndicatorsPath}/indicators/{Uri.EscapeDataString(name)}?api-version={ArmApiVersion}"),
            null, cancellationToken).ConfigureAwait(false);
        return StixIndicatorMapping.FromArm(item);
    }

    /// <summary>
    /// The STIX object of an indicator read from the workspace, to upload again: revoked (a feed's
    /// withdrawal) or with a new expiry, keeping its id, pattern and creation time.
    /// </summary>
    public static Dictionary<string, object> Reupload(TiIndicator indicator, DateTimeOffset now, bool revoked, DateTimeOffset? validUntil)
    {
        var created = indicator.IngestedDateTime ?? now;
        var validFrom = indicator.ValidFromDateTime ?? created;
        var stix = new Dictionary<string, object>
        {
            ["type"] = "indicator",
            ["spec_version"] = "2.1",
            ["id"] = indicator.StixId ?? "indicator--" + indicator.Id,
            ["created"] = StixIndicatorMapping.Timestamp(created),
            ["modified"] = StixIndicatorMapping.Timestamp(now > created ? now : created),
            ["name"] = indicator.Description ?? indicator.Indicator ?? "",
            ["pattern"] = indicator.Pattern ?? "",
            ["pattern_type"] = "stix",
            ["valid_from"] = StixIndicatorMapping.Timestamp(validFrom),
            ["revoked"] = revoked,
        };
        var until = validUntil ?? indicator.ExpirationDateTime;
        if (until.HasValue && until.Value > validFrom) stix["valid_until"] = StixIndicatorMapping.Timestamp(until.Value);
        if (indicator.Confidence.HasValue) stix["confidence"] = indicator.Confidence.Value;
        if (indicator.Tags.Count > 0) stix["labels"] = indicator.Tags.ToList();
        if (indicator.AdditionalInformation != null) stix["description"] = indicator.AdditionalInformation;
        if (indicator.TlpLevel.HasValue && StixIndicatorMapping.TlpMarkings.TryGetValue(indicator.TlpLevel.Value.ToString(), out var marking)) stix["object_marking_refs"] = new[] { marking };
        return stix;
    }
}
