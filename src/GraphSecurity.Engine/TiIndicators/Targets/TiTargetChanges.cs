using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>
/// Set-GsTiIndicator on a successor: neither API has a PATCH, so a change is the indicator written
/// again with the changed fields (Defender's import updates the value and type in place; Sentinel
/// replaces the STIX object whose id it is). The current indicator is read first: Defender's once for
/// the whole run (every indicator in one or two pages, instead of a paced read per id), Sentinel's by id.
/// </summary>
public sealed class TiTargetChanges
{
    private readonly ITiTargetStore _store;
    private Dictionary<string, TiIndicator>? _defenderById;

    public TiTargetChanges(ITiTargetStore store) { _store = store; }

    /// <summary>One outcome per change, in order: 404 for an id the target does not have (or does not show the caller).</summary>
    public async Task<IReadOnlyList<TiItemOutcome>> ApplyAsync(IReadOnlyList<TiIndicatorChange> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcomes = new TiItemOutcome?[changes.Count];
        var bodies = new List<IDictionary<string, object>>();
        var sent = new List<int>();
        var currents = new List<TiIndicator>();
        for (var i = 0; i < changes.Count; i++)
        {
            var current = await CurrentAsync(changes[i].Id, cancellationToken).ConfigureAwait(false);
            if (current == null) { outcomes[i] = TiItemOutcome.Failure(404, $"{_store.Describe()} has no indicator {changes[i].Id} (or does not show it to this app)."); continue; }
            string? refusal = null;
            var body = _store.Target == TiTarget.Sentinel ? SentinelBody(current, changes[i].Fields, now) : DefenderBody(current, changes[i].Fields, out refusal);
            if (body == null) { outcomes[i] = TiItemOutcome.Failure(400, refusal); continue; }
            bodies.Add(body);
            sent.Add(i);
            currents.Add(current);
        }
        var written = await _store.WriteAsync(bodies, cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < sent.Count; k++)
            outcomes[sent[k]] = written[k].Succeeded ? TiItemOutcome.Success(Changed(currents[k], changes[sent[k]].Fields), written[k].Message) : written[k];
        return outcomes.Select(o => o!).ToList();
    }

    /// <summary>The indicator as it now is: what was read, with the changes.</summary>
    private TiIndicator Changed(TiIndicator current, Dictionary<string, object?> fields)
    {
        if (fields.TryGetValue("expirationDateTime", out var e) && e is DateTimeOffset expires) current.ExpirationDateTime = expires;
        if (fields.TryGetValue("description", out var d) && d != null) current.Description = Convert.ToString(d, CultureInfo.InvariantCulture);
        if (fields.TryGetValue("severity", out var s) && s is int severity) current.Severity = severity;
        if (fields.TryGetValue("confidence", out var c) && c is int confidence) current.Confidence = confidence;
        if (_store.Target == TiTarget.DefenderForEndpoint && fields.TryGetValue("action", out var a) && a != null)
        {
            current.DefenderAction = DefenderIndicatorMapping.ActionOf(Convert.ToString(a, CultureInfo.InvariantCulture));
            current.Action = DefenderIndicatorMapping.TiActionOf(current.DefenderAction);
        }
        current.LastUpdatedDateTime = DateTimeOffset.UtcNow;
        return current;
    }

    private async Task<TiIndicator?> CurrentAsync(string id, CancellationToken cancellationToken)
    {
        if (_store.Target == TiTarget.Sentinel)
        {
            try { return await _store.GetAsync(id, cancellationToken).ConfigureAwait(false); }
            catch (Http.ServiceErrorException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound) { return null; }
        }
        if (_defenderById == null)
        {
            var all = new Dictionary<string, TiIndicator>(StringComparer.Ordinal);
            await _store.ReadAsync(page => { foreach (var i in page) all[i.Id ?? ""] = i; return Task.CompletedTask; }, cancellationToken).ConfigureAwait(false);
            _defenderById = all;
        }
        return _defenderById.TryGetValue(id, out var found) ? found : null;
    }

    /// <summary>The Defender indicator with the changed fields (tiIndicator names: action, description, severity, expirationDateTime).</summary>
    private static Dictionary<string, object>? DefenderBody(TiIndicator current, Dictionary<string, object?> fields, out string? refusal)
    {
        refusal = null;
        var observable = DefenderIndicatorMapping.ObservableOf(current);
        var type = DefenderIndicatorMapping.IndicatorType(observable, out refusal);
        if (type == null) return null;
        var action = fields.TryGetValue("action", out var a) && a != null ? DefenderIndicatorMapping.ActionOf(Convert.ToString(a, CultureInfo.InvariantCulture)) : current.DefenderAction ?? "Audit";
        var body = new Dictionary<string, object>
        {
            ["indicatorValue"] = observable.Kind == "ipv6" ? DefenderIndicatorMapping.FullIPv6(observable.Value) : observable.Value,
            ["indicatorType"] = type,
            ["action"] = action,
            ["title"] = current.Title ?? observable.Value,
            ["description"] = fields.TryGetValue("description", out var d) && d != null ? Convert.ToString(d, CultureInfo.InvariantCulture) ?? "" : current.Description ?? observable.Value,
            ["generateAlert"] = action == "Audit" || action == "Alert",
        };
        var expires = fields.TryGetValue("expirationDateTime", out var e) && e is DateTimeOffset changed ? changed : current.ExpirationDateTime;
        if (expires.HasValue) body["expirationTime"] = DefenderIndicatorMapping.Timestamp(expires.Value);
        var severity = fields.TryGetValue("severity", out var s) && s is int level ? level : current.Severity;
        if (severity.HasValue) body["severity"] = DefenderIndicatorMapping.SeverityOf(severity.Value);
        return body;
    }

    /// <summary>The STIX object again, modified now, with the changed fields (expiry, name, confidence, labels, TLP).</summary>
    private static Dictionary<string, object> SentinelBody(TiIndicator current, Dictionary<string, object?> fields, DateTimeOffset now)
    {
        if (fields.TryGetValue("description", out var d) && d != null) current.Description = Convert.ToString(d, CultureInfo.InvariantCulture);
        if (fields.TryGetValue("confidence", out var c) && c is int confidence) current.Confidence = confidence;
        if (fields.TryGetValue("tags", out var t) && t is IEnumerable<string> tags) current.Tags = new ValueList<string>(tags.ToList());
        if (fields.TryGetValue("tlpLevel", out var l) && Enum.TryParse<TlpLevel>(Convert.ToString(l, CultureInfo.InvariantCulture), true, out var tlp)) current.TlpLevel = tlp;
        var revoked = fields.TryGetValue("isActive", out var active) && active is bool isActive ? !isActive : current.Revoked == true;
        var until = fields.TryGetValue("expirationDateTime", out var e) && e is DateTimeOffset changed ? changed : (DateTimeOffset?)null;
        return SentinelTiStore.Reupload(current, now, revoked, until);
    }
}
