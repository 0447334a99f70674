using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace GraphSecurity.Engine.Correlation;

/// <summary>The limits of one grouping run; the defaults follow docs/commands/Group-GsAlert.md.</summary>
public sealed class CorrelationOptions
{
    /// <summary>The largest gap between two alerts that share a key and link.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(1);
    /// <summary>The largest time from a group's first alert to its last.</summary>
    public TimeSpan MaxSpan { get; set; } = TimeSpan.FromDays(7);
    public int MaxGroupSize { get; set; } = 150;
    /// <summary>A key in more alerts than this joins nothing and is reported.</summary>
    public int MaxKeyAlerts { get; set; } = 150;
    public IEnumerable<string> StopList { get; set; } = Array.Empty<string>();
    /// <summary>Alerts of one incident are grouped together before any key is looked at.</summary>
    public bool RespectIncident { get; set; }
}

public sealed class CorrelationResult
{
    internal CorrelationResult(IReadOnlyList<AlertGroup> groups, IReadOnlyList<SuppressedEntityKey> suppressed)
    {
        Groups = groups;
        Suppressed = suppressed;
    }

    public IReadOnlyList<AlertGroup> Groups { get; }
    public IReadOnlyList<SuppressedEntityKey> Suppressed { get; }
}

/// <summary>
/// Groups alerts by shared entity keys: alerts in time order, each key remembering the last alert
/// that carried it; an alert links to that one when the gap is within the window. Links run through
/// a union-find (union by size, path halving), so a run costs about one dictionary lookup per key,
/// and a link that would break a limit (group size, span, closed incidents, contradicting host
/// domains) is refused: the alert then starts or joins another group.
/// </summary>
public sealed class AlertCorrelator
{
    private readonly CorrelationOptions _options;

    public AlertCorrelator(CorrelationOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.MaxGroupSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxGroupSize must be at least 1.");
        if (options.MaxKeyAlerts < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxKeyAlerts must be at least 1.");
    }

    public CorrelationResult Group(IEnumerable<CorrelationAlert> input)
    {
        var alerts = input.OrderBy(a => a.Time).ThenBy(a => a.Id, StringComparer.Ordinal).ToArray();
        var stop = new HashSet<string>(_options.StopList.SelectMany(EntityKeys.StopTexts), StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var alert in alerts)
        {
            foreach (var key in alert.Keys)
            {
                counts.TryGetValue(key.Text, out var n);
                counts[key.Text] = n + 1;
            }
        }
        var suppressed = new Dictionary<string, SuppressedEntityKey>(StringComparer.Ordinal);
        foreach (var alert in alerts)
        {
            foreach (var key in alert.Keys)
            {
                if (counts[key.Text] > _options.MaxKeyAlerts && !suppressed.ContainsKey(key.Text))
                    suppressed[key.Text] = new SuppressedEntityKey { Key = key.Text, Kind = key.Kind, AlertCount = counts[key.Text] };
            }
        }

        var sets = new Sets(alerts);
        var edges = new List<(int A, int B, string Key, string Kind)>();
        if (_options.RespectIncident) JoinIncidents(alerts, sets, edges);

        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < alerts.Length; i++)
        {
            if (alerts[i].Excluded) continue;
            foreach (var key in alerts[i].Keys)
            {
                if (suppressed.ContainsKey(key.Text) || (stop.Count > 0 && stop.Contains(key.Text.ToLowerInvariant()))) continue;
                if (last.TryGetValue(key.Text, out var j) && alerts[i].Time - alerts[j].Time <= _options.Window && TryUnion(sets, i, j, key))
                    edges.Add((j, i, key.Text, key.Kind));
                last[key.Text] = i;
            }
        }
        return new CorrelationResult(Build(alerts, sets, edges, suppressed, stop), suppressed.Values.OrderByDescending(s => s.AlertCount).ThenBy(s => s.Key, StringComparer.Ordinal).ToList());
    }

    // Defender keeps an incident's alerts together however far apart they are: no window, span or size check.
    private static void JoinIncidents(CorrelationAlert[] alerts, Sets sets, List<(int, int, string, string)> edges)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < alerts.Length; i++)
        {
            var incident = alerts[i].IncidentId;
            if (string.IsNullOrEmpty(incident) || alerts[i].Excluded) continue;
            if (!first.TryGetValue(incident!, out var j)) { first[incident!] = i; continue; }
            if (sets.Union(i, j)) edges.Add((j, i, "incident:" + incident, "incident"));
        }
    }

    private bool TryUnion(Sets sets, int i, int j, EntityKey key)
    {
        int a = sets.Find(i), b = sets.Find(j);
        if (a == b) return false;
        if (sets.Size[a] + sets.Size[b] > _options.MaxGroupSize) return false;
        var first = sets.First[a] < sets.First[b] ? sets.First[a] : sets.First[b];
        var lastSeen = sets.Last[a] > sets.Last[b] ? sets.Last[a] : sets.Last[b];
        if (lastSeen - first > _options.MaxSpan) return false;
        if (sets.Closed[a] != null && sets.Closed[b] != null && sets.Closed[a] != sets.Closed[b]) return false;
        if (key.Weak && !sets.DomainsAgree(a, b, key.Text)) return false;
        return sets.Union(a, b);
    }

    private static List<AlertGroup> Build(CorrelationAlert[] alerts, Sets sets, List<(int A, int B, string Key, string Kind)> edges,
        Dictionary<string, SuppressedEntityKey> suppressed, HashSet<string> stop)
    {
        var members = new Dictionary<int, List<int>>();
        for (var i = 0; i < alerts.Length; i++)
        {
            var root = sets.Find(i);
            if (!members.TryGetValue(root, out var list)) members[root] = list = new List<int>();
            list.Add(i);
        }
        var edgesOf = edges.GroupBy(e => sets.Find(e.A)).ToDictionary(g => g.Key, g => g.ToList());
        var groups = new List<AlertGroup>(members.Count);
        foreach (var pair in members)
        {
            var group = pair.Value.Select(i => alerts[i]).ToList();
            var keys = group.SelectMany(a => a.Keys).Select(k => k.Text).Distinct(StringComparer.Ordinal).ToList();
            groups.Add(new AlertGroup
            {
                Id = GroupId(group.Select(a => a.Id)),
                Alerts = new ValueList<object>(group.Select(a => a.Item ?? a.Id).ToList()),
                AlertIds = new ValueList<string>(group.Select(a => a.Id).ToList()),
                Entities = new ValueList<string>(keys.Where(k => !suppressed.ContainsKey(k) && !stop.Contains(k.ToLowerInvariant())).ToList()),
                FirstSeen = group[0].Time,
                LastSeen = group[group.Count - 1].Time,
                HighestSeverity = group.Select(a => a.Severity == AlertSeverity.UnknownFutureValue ? AlertSeverity.Unknown : a.Severity).Max(),
                Sources = Distinct(group.Select(a => a.Source)),
                IncidentIds = Distinct(group.Select(a => a.IncidentId)),
                Edges = new ValueList<AlertGroupEdge>(edgesOf.TryGetValue(pair.Key, out var own)
                    ? own.Select(e => new AlertGroupEdge { AlertA = alerts[e.A].Id, AlertB = alerts[e.B].Id, Key = e.Key, Kind = e.Kind, Reason = ReasonOf(e.Kind) }).ToList()
                    : new List<AlertGroupEdge>()),
                SuppressedKeys = new ValueList<SuppressedEntityKey>(keys.Where(suppressed.ContainsKey).Select(k => suppressed[k]).ToList()),
            });
        }
        return groups.OrderBy(g => g.FirstSeen).ThenBy(g => g.Id, StringComparer.Ordinal).ToList();
    }

    private static ValueList<string> Distinct(IEnumerable<string?> values) =>
        new ValueList<string>(values.OfType<string>().Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList());

    /// <summary>The correlationReason of Defender's moveAlerts that a link through this kind of key stands for.</summary>
    public static string? ReasonOf(string kind) => kind switch
    {
        "user" or "device" or "mailbox" => "sameAsset",
        "incident" => null,
        _ => "sharedIndicators",
    };

    /// <summary>A hash of the sorted member ids: the same alerts give the same group id in every run.</summary>
    public static string GroupId(IEnumerable<string> alertIds)
    {
        var text = string.Join("\n", alertIds.OrderBy(id => id, StringComparer.Ordinal));
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        var sb = new StringBuilder("grp-", 20);
        for (var i = 0; i < 8; i++) sb.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>Disjoint sets over the alert indexes, with what the limits need per set (size, first and last time, closed incident, host domains).</summary>
    private sealed class Sets
    {
        private readonly int[] _parent;
        // Per set: weak host key → the one DNS domain it was seen with ("" once two disagree); allocated only for sets that have one.
        private readonly Dictionary<string, string>?[] _domains;

        public Sets(CorrelationAlert[] alerts)
        {
            var n = alerts.Length;
            _parent = new int[n];
            Size = new int[n];
            First = new DateTimeOffset[n];
            Last = new DateTimeOffset[n];
            Closed = new string?[n];
            _domains = new Dictionary<string, string>?[n];
            for (var i = 0; i < n; i++)
            {
                _parent[i] = i;
                Size[i] = 1;
                First[i] = Last[i] = alerts[i].Time;
                Closed[i] = alerts[i].Closed ? alerts[i].IncidentId ?? "alert:" + alerts[i].Id : null;
                foreach (var key in alerts[i].Keys)
                {
                    if (!key.Weak || key.Domain == null) continue;
                    var map = _domains[i] ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    map[key.Text] = map.TryGetValue(key.Text, out var seen) && seen != key.Domain ? "" : key.Domain;
                }
            }
        }

        public int[] Size { get; }
        public DateTimeOffset[] First { get; }
        public DateTimeOffset[] Last { get; }
        public string?[] Closed { get; }

        public int Find(int i)
        {
            while (_parent[i] != i)
            {
                _parent[i] = _parent[_parent[i]];
                i = _parent[i];
            }
            return i;
        }

        /// <summary>A weak host key may join two sets unless they saw it with different DNS domains.</summary>
        public bool DomainsAgree(int a, int b, string key)
        {
            string? da = null, db = null;
            var hasA = _domains[a]?.TryGetValue(key, out da) == true;
            var hasB = _domains[b]?.TryGetValue(key, out db) == true;
            if (da == "" || db == "") return false;
            return !hasA || !hasB || da == db;
        }

        public bool Union(int i, int j)
        {
            int a = Find(i), b = Find(j);
            if (a == b) return false;
            if (Size[a] < Size[b]) (a, b) = (b, a);
            _parent[b] = a;
            Size[a] += Size[b];
            if (First[b] < First[a]) First[a] = First[b];
            if (Last[b] > Last[a]) Last[a] = Last[b];
            Closed[a] ??= Closed[b];
            if (_domains[b] is { } moving)
            {
                var target = _domains[a] ??= new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var pair in moving) target[pair.Key] = target.TryGetValue(pair.Key, out var seen) && seen != pair.Value ? "" : pair.Value;
                _domains[b] = null;
            }
            return true;
        }
    }
}
